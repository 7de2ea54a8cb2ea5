"""The search form (the page and the export read the same one) and the synonym group form.
Percentages are typed in percent ("40" or "56,79"), money in Rupiah ("1.250.000")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.models import Pemda
from p3dn.catalog.forms import PercentField, RupiahField
from p3dn.regions.models import Region

from . import katalog_lokal
from .models import SynonymGroup
from .queries import Filters

DIGITS = RegexValidator(r"^[0-9]{1,10}$", _("Digits only (the start of a code)."))
HS_CODE = RegexValidator(r"^[0-9][0-9.]{0,12}$", _("Digits and dots only (the start of a code)."))
MAX_QUERY = 200


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What are you looking for?"), max_length=MAX_QUERY,
                        required=False)
    tkdn_min = PercentField(label=_("TKDN at least (%)"), required=False, max_length=10)
    tkdn_bmp_40 = forms.BooleanField(label=_("TKDN + BMP at least 40%"), required=False)
    berlaku = forms.BooleanField(label=_("Certificate valid today"), required=False)
    umk_ikm = forms.BooleanField(label=_("UMK or IKM producers only"), required=False)
    provinsi = forms.ModelChoiceField(
        label=_("Producer's province"), queryset=Region.objects.none(), required=False,
        empty_label=_("All provinces"), to_field_name="code",
    )
    kbli = forms.CharField(label="KBLI", required=False, max_length=10, validators=[DIGITS])
    kbki = forms.CharField(label="KBKI", required=False, max_length=10, validators=[DIGITS])
    hs = forms.CharField(label=_("HS code"), required=False, max_length=13, validators=[HS_CODE])
    harga_min = RupiahField(label=_("Price from (Rp)"), required=False, max_length=30)
    harga_max = RupiahField(label=_("Price up to (Rp)"), required=False, max_length=30)
    katalog_lokal = forms.CharField(
        label=_("In the katalog lokal of (KLPD code)"), required=False, max_length=10,
        help_text=_("For example D107 for Kab. Bandung."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provinsi"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            level=Region.Level.PROVINSI).order_by("name")

    def clean_katalog_lokal(self) -> Pemda | None:
        code = self.cleaned_data.get("katalog_lokal") or ""
        if not code.strip():
            return None
        pemda = katalog_lokal.pemda_of(code)
        if pemda is None:
            raise forms.ValidationError(_("No Pemda has this KLPD code."))
        return pemda

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("harga_min"), data.get("harga_max")
        if low is not None and high is not None and low > high:
            self.add_error("harga_max", _("The upper price is below the lower one."))
        return data

    def filters(self, today: dt.date) -> Filters:
        data = self.cleaned_data
        province = data.get("provinsi")
        return Filters(
            min_tkdn=data.get("tkdn_min"), tkdn_bmp_40=bool(data.get("tkdn_bmp_40")),
            valid_on=today if data.get("berlaku") else None,
            umk_ikm=bool(data.get("umk_ikm")), province=province.code if province else "",
            kbli=data.get("kbli") or "", kbki=data.get("kbki") or "", hs=data.get("hs") or "",
            price_min=data.get("harga_min"), price_max=data.get("harga_max"),
        )

    def only_product_ids(self) -> set[int] | None:
        pemda = self.cleaned_data.get("katalog_lokal")
        return katalog_lokal.product_ids_of(pemda) if pemda is not None else None


class SynonymGroupForm(forms.ModelForm):
    class Meta:
        model = SynonymGroup
        fields = ["domain", "terms", "ambiguous", "active"]
        widgets = {
            "terms": forms.Textarea(attrs={"rows": 3}),
            "ambiguous": forms.TextInput(),
        }
