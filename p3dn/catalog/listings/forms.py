"""Forms of the katalog lokal: the producer's public proposal, the Tim P3DN's proposal,
the decision, the onboarding target and the list filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.models import Pemda
from p3dn.catalog.listings.models import Listing
from p3dn.catalog.models import Producer
from p3dn.regions.models import Region

ID_MAX = 2**63 - 1


def region_choices(pemda: Pemda) -> list[tuple[str, Any]]:
    """The province of the Pemda and its regencies and cities: a producer chooses where it is
    (also outside the Pemda, which the region check then reports)."""
    region = pemda.region
    province = region.code if region.level == Region.Level.PROVINSI else region.parent_id
    regions = Region.objects.filter(code=province) | Region.objects.filter(
        parent_id=province, level__in=[Region.Level.KABUPATEN, Region.Level.KOTA])
    return [("", _("— choose —"))] + [(r.code, r.name) for r in regions.order_by("code")]


class PublicProposalForm(forms.Form):
    """What a producer fills in to be proposed for a Pemda's katalog lokal (no sign-in)."""

    name = forms.CharField(label=_("Company or business name"), max_length=255)
    nib = forms.CharField(label=_("NIB"), max_length=20, required=False,
                          help_text=_("13 digits, from OSS"))
    npwp = forms.CharField(label=_("NPWP"), max_length=25, required=False,
                           help_text=_("15 or 16 digits"))
    address = forms.CharField(label=_("Address"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    region = forms.ChoiceField(label=_("Regency or city"), required=False)
    kbli = forms.CharField(label=_("KBLI codes on the NIB"), max_length=300, required=False,
                           help_text=_("5-digit codes separated by spaces"))
    size = forms.ChoiceField(label=_("Business size"), choices=Producer.Size.choices,
                             required=False)
    product_name = forms.CharField(label=_("Product"), max_length=1000, required=False)
    specification = forms.CharField(label=_("Specification"), max_length=5000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    brand = forms.CharField(label=_("Brand"), max_length=255, required=False)
    product_kbli = forms.CharField(label=_("KBLI of the product"), max_length=5, required=False)
    unit = forms.CharField(label=_("Unit of measure"), max_length=60, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    contact_phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    note = forms.CharField(label=_("Note for the Tim P3DN"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    # Left empty by people; filled by form-filling robots (hidden by the stylesheet).
    website = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = region_choices(pemda)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("contact_email") or data.get("contact_phone")):
            self.add_error("contact_email", _("Give an email address or a telephone number."))
        return data

    def producer(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k, "") for k in ("name", "nib", "npwp", "address", "region", "kbli",
                                          "size")}

    def product(self) -> dict[str, Any] | None:
        d = self.cleaned_data
        if not d.get("product_name"):
            return None
        return {"name": d["product_name"], "specification": d.get("specification", ""),
                "brand": d.get("brand", ""), "kbli": d.get("product_kbli", ""),
                "unit": d.get("unit", "")}


class ProposalForm(forms.Form):
    """The Tim P3DN proposes a registry producer (and one of its products)."""

    producer = forms.IntegerField(label=_("Registry producer no."), min_value=1,
                                  max_value=ID_MAX)
    product = forms.IntegerField(label=_("Registry product no."), min_value=1, max_value=ID_MAX,
                                 required=False,
                                 help_text=_("Empty: the producer alone."))
    note = forms.CharField(label=_("Note"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


DECISIONS = [
    ("approve", _("Approve")), ("reject", _("Reject")), ("remove", _("Remove from the list")),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    reason = forms.CharField(label=_("Reason"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required to reject or remove."))
    override_reason = forms.CharField(
        label=_("Reason for approving despite failed checks"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}))
    producer = forms.IntegerField(
        label=_("Link to registry producer no."), min_value=1, max_value=ID_MAX, required=False,
        help_text=_("Only when the proposed company is already in the registry."))


class TargetForm(forms.Form):
    umk_target = forms.IntegerField(label=_("Target: UMK producers"), min_value=1,
                                    max_value=1_000_000)


class ListingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *list(Listing.Status.choices)])
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)

    def cleaned_or_empty(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
