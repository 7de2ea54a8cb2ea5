"""Forms of the TKDN-IK pipeline: registering a candidate, each step of it, and the filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.models import Pemda
from p3dn.catalog.forms import PercentField, RupiahField, registry_field
from p3dn.regions.models import Region
from p3dn.tkdnik.models import Candidate

ID_MAX = 2**63 - 1
YES_NO_UNKNOWN = [("", _("Not known yet")), ("ya", _("Yes")), ("tidak", _("No"))]


def kecamatan_choices(pemda: Pemda) -> list[tuple[str, str]]:
    regions = Region.objects.filter(level=Region.Level.KECAMATAN,
                                    code__startswith=pemda.region_id + ".").order_by("code")
    return [("", str(_("— choose —")))] + [(r.code, r.name) for r in regions]


def yes_no(value: str) -> bool | None:
    return {"ya": True, "tidak": False}.get(value)


class DateInput(forms.DateInput):
    input_type = "date"


class EvidenceFields(forms.Form):
    product_kbli = forms.CharField(label=_("KBLI of the product"), max_length=5, required=False,
                                   help_text=_("5 digits; checked against the KBLI on the NIB"))
    health_product = forms.BooleanField(label=_("Health product (needs an NIE)"),
                                        required=False)
    nie = forms.CharField(label=_("NIE (distribution permit number)"), max_length=60,
                          required=False)
    raw_material_evidence = forms.ChoiceField(
        label=_("Proof of domestic raw-material purchase"), choices=YES_NO_UNKNOWN,
        required=False)
    raw_material_note = forms.CharField(label=_("Proof (invoice, receipt)"), max_length=255,
                                        required=False)
    modal_usaha = RupiahField(
        label=_("Business capital, excluding land and buildings (Rp)"), required=False,
        help_text=_("As the producer declares it; read when the registry has none."))
    hasil_penjualan = RupiahField(label=_("Annual sales (Rp)"), required=False,
                                  help_text=_("As the producer declares it; read when the "
                                              "registry has none."))
    nib_kbli = forms.CharField(label=_("KBLI codes on the NIB"), max_length=200, required=False,
                               help_text=_("5-digit codes separated by spaces or commas; read "
                                           "when the registry has none."))


class RegisterForm(EvidenceFields):
    """Step 1: a small-industry producer of the registry and its product."""

    kecamatan = forms.ChoiceField(label=_("Kecamatan"))
    producer = registry_field("produsen", _("Producer"))
    product = registry_field("produk", _("Product in the registry"), required=False,
                             narrowed_by="producer",
                             help_text=_("Empty when the product is not in the registry."))
    product_name = forms.CharField(label=_("Product"), max_length=255, required=False)
    specification = forms.CharField(label=_("Specification"), max_length=5000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    brand = forms.CharField(label=_("Brand"), max_length=255, required=False)
    tipe = forms.CharField(label=_("Type"), max_length=255, required=False)
    registered_on = forms.DateField(label=_("Registered on"), required=False,
                                    widget=DateInput)

    field_order = ["kecamatan", "producer", "product", "product_name", "specification", "brand",
                   "tipe", "registered_on"]

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kecamatan = self.fields["kecamatan"]
        assert isinstance(kecamatan, forms.ChoiceField)
        kecamatan.choices = kecamatan_choices(pemda)


def score(label: Any) -> PercentField:
    return PercentField(label=label, max_length=10)


class AssessmentForm(forms.Form):
    """Step 2: the component scores of the C11 self-assessment, typed in percent (24 = 24%)
    and kept as fractions."""

    regulation = forms.ChoiceField(label=_("Regulation"), choices=Candidate.Regulation.choices)
    material = score(_("Direct material score (%)"))
    tenaga_kerja = score(_("Direct labour score (%)"))
    overhead = score(_("Factory overhead score (%)"))
    pengembangan = score(_("Development cost score (%)"))
    assessed_on = forms.DateField(label=_("Self-assessed on"), required=False, widget=DateInput)


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), required=False, widget=DateInput)
    override_reason = forms.CharField(
        label=_("Reason for submitting despite findings"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}))


class CertificateForm(forms.Form):
    certificate = registry_field("sertifikat", _("Certificate"))
    decided_on = forms.DateField(label=_("Issued on"), required=False, widget=DateInput)


class RejectionForm(forms.Form):
    cause = forms.ChoiceField(label=_("Rejection cause"),
                              choices=Candidate.RejectionCause.choices)
    note = forms.CharField(label=_("Rejection reason"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = forms.DateField(label=_("Rejected on"), required=False, widget=DateInput)


class CandidateFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *list(Candidate.Status.choices)])
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)

    def cleaned_or_empty(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
