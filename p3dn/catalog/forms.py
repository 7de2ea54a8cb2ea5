"""Forms of the registry pages: filters and hand entry. Percentages are typed in percent the
Indonesian way ("56,79"), money in Rupiah ("1.250.000"); both are cleaned to Decimal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from p3dn.catalog import queries
from p3dn.catalog.models import CatalogProduct, Certificate, Origin, Producer
from p3dn.catalog.validity import UNKNOWN
from p3dn.lib.money import parse_number
from p3dn.regions.models import Region
from p3dn.rules.certificates import Status

HUNDRED = Decimal(100)
YES_NO = [("", _("All")), ("ya", _("Yes")), ("tidak", _("No"))]


class PercentField(forms.CharField):
    """A share typed in percent, cleaned to a Decimal fraction (56,79 → 0.5679)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{(value * HUNDRED).normalize():f}".replace(".", ",")
        return value

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            number = parse_number(text)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a percentage."), params={"value": text}
            ) from None
        if number < 0 or number > HUNDRED:
            raise forms.ValidationError(_("Enter a percentage between 0 and 100."))
        fraction = number / HUNDRED
        if fraction != fraction.quantize(Decimal("0.0001")):
            raise forms.ValidationError(_("At most two decimals."))
        return fraction.quantize(Decimal("0.0001"))


class RupiahField(forms.CharField):
    """An amount typed in Rupiah ("1.250.000" or "1250000,50")."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        return value

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            number = parse_number(text)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not an amount."), params={"value": text}
            ) from None
        if number < 0 or number >= Decimal(10) ** 18:
            raise forms.ValidationError(_("Enter an amount from 0 up to 18 digits."))
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("At most two decimals."))
        return number.quantize(Decimal("0.01"))


def _regions() -> Any:
    return Region.objects.exclude(level=Region.Level.KECAMATAN).order_by("code")


def _provinces() -> Any:
    return Region.objects.filter(level=Region.Level.PROVINSI).order_by("name")


class ProducerFilterForm(forms.Form):
    q = forms.CharField(label=_("Producer name contains"), required=False, max_length=100)
    provinsi = forms.ModelChoiceField(
        label=_("Province"), queryset=Region.objects.none(), required=False,
        empty_label=_("All provinces"), to_field_name="code",
    )
    umk = forms.ChoiceField(label="UMK", choices=YES_NO, required=False)
    ikm = forms.ChoiceField(label="IKM", choices=YES_NO, required=False)
    bentuk = forms.ChoiceField(
        label=_("Legal form"), required=False,
        choices=[("", _("All forms"))] + [c for c in Producer.LegalForm.choices if c[0]],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provinsi"].queryset = _provinces()  # type: ignore[attr-defined]

    def cleaned_or_empty(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["provinsi"] = data["provinsi"].code if data.get("provinsi") else ""
        return data


VALIDITY_CHOICES = [
    ("", _("Any validity")),
    ("valid", _("Valid (Berlaku or Segera berakhir)")),
    (Status.BERLAKU.value, "Berlaku"),
    (Status.SEGERA_BERAKHIR.value, _("Segera berakhir (≤ 60 hari)")),
    (Status.KEDALUWARSA.value, "Kedaluwarsa"),
    (UNKNOWN, _("Validity not known")),
]


class ProductFilterForm(ProducerFilterForm):
    q = forms.CharField(label=_("Product, brand or type contains"), required=False,
                        max_length=100)
    perusahaan = forms.CharField(label=_("Producer name contains"), required=False,
                                 max_length=100)
    status = forms.ChoiceField(label=_("Certificate"), choices=VALIDITY_CHOICES, required=False)
    asal = forms.ChoiceField(
        label=_("Origin"), required=False,
        choices=[("", _("Any origin"))] + [c for c in Origin.choices if c[0]],
    )

    field_order = ["q", "perusahaan", "provinsi", "umk", "ikm", "status", "asal", "bentuk"]


class CertificateFilterForm(ProducerFilterForm):
    q = forms.CharField(label=_("Product or number contains"), required=False, max_length=100)
    perusahaan = forms.CharField(label=_("Holder name contains"), required=False,
                                 max_length=100)
    status = forms.ChoiceField(label=_("Validity"), choices=VALIDITY_CHOICES, required=False)

    field_order = ["q", "perusahaan", "provinsi", "umk", "ikm", "status", "bentuk"]


class ProducerForm(forms.Form):
    name = forms.CharField(label=_("Name (as written on the NIB)"), max_length=255)
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=Producer.LegalForm.choices, required=False,
        help_text=_("Left empty, it is read from the name (PT, CV, UD, Koperasi…)."),
    )
    nib = forms.CharField(label=_("NIB"), max_length=30, required=False)
    nib_status = forms.ChoiceField(
        label=_("NIB status"), choices=Producer.NibStatus.choices, required=False
    )
    npwp = forms.CharField(label=_("NPWP"), max_length=30, required=False,
                           help_text=_("Shown only to signed-in users."))
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)
    region = forms.ModelChoiceField(
        label=_("Province, regency or city"), queryset=Region.objects.none(), required=False,
        to_field_name="code",
    )
    email = forms.CharField(label=_("Company email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Company telephone"), max_length=60, required=False)
    kbli = forms.CharField(label=_("KBLI codes"), max_length=500, required=False,
                           help_text=_("5-digit codes separated by spaces or commas."))
    modal_usaha = RupiahField(
        label=_("Business capital, excluding land and buildings (Rp)"), required=False
    )
    hasil_penjualan = RupiahField(label=_("Annual sales (Rp)"), required=False)
    size = forms.ChoiceField(
        label=_("Size (when neither amount is known)"), choices=Producer.Size.choices,
        required=False,
        help_text=_("With capital or sales given, the size is computed by PP 7/2021."),
    )
    ikm = forms.NullBooleanField(label=_("Small or medium industry (IKM)"), required=False)
    bmp = PercentField(label=_("BMP of the company (%)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(producer: Producer) -> dict[str, Any]:
        return {
            "name": producer.name, "legal_form": producer.legal_form, "nib": producer.nib,
            "nib_status": producer.nib_status, "npwp": producer.npwp,
            "address": producer.address, "region": producer.region_id,
            "email": producer.email, "phone": producer.phone, "kbli": producer.kbli,
            "modal_usaha": producer.modal_usaha, "hasil_penjualan": producer.hasil_penjualan,
            "size": producer.size, "ikm": producer.ikm, "bmp": producer.bmp,
        }


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product"), max_length=1000)
    specification = forms.CharField(
        label=_("Specification"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tipe = forms.CharField(label=_("Type"), max_length=255, required=False)
    brand = forms.CharField(label=_("Brand"), max_length=255, required=False)
    kelompok_barang = forms.CharField(label=_("Goods group"), max_length=255, required=False)
    kbki = forms.RegexField(label="KBKI", regex=r"^\d{0,20}$", max_length=20, required=False)
    kode_hs = forms.RegexField(label=_("HS code"), regex=r"^[\d.]{0,40}$", max_length=40,
                               required=False)
    kbli = forms.RegexField(label="KBLI", regex=r"^(\d{5})?$", max_length=5, required=False)
    unit = forms.CharField(label=_("Unit of measure"), max_length=60, required=False)
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices, required=False,
                               initial=Origin.PDN)
    harga = RupiahField(label=_("Price (Rp)"), required=False)
    price_region = forms.ModelChoiceField(
        label=_("Price region"), queryset=Region.objects.none(), required=False,
        to_field_name="code",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["price_region"].queryset = _regions()  # type: ignore[attr-defined]

    def values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        data = dict(self.cleaned_data)
        price = {"harga": data.pop("harga"), "region": data.pop("price_region")}
        return data, price

    @staticmethod
    def initial_from(product: CatalogProduct, price: Any = None) -> dict[str, Any]:
        return {
            "name": product.name, "specification": product.specification,
            "tipe": product.tipe, "brand": product.brand,
            "kelompok_barang": product.kelompok_barang, "kbki": product.kbki,
            "kode_hs": product.kode_hs, "kbli": product.kbli, "unit": product.unit,
            "origin": product.origin,
            "harga": price.harga if price else None,
            "price_region": price.region_id if price else None,
        }


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Certificate.Kind.choices,
                             initial=Certificate.Kind.TKDN)
    tkdn = PercentField(label=_("TKDN (%)"), required=False)
    not_applicable = forms.BooleanField(label=_("TKDN not applicable (999,99)"), required=False)
    bmp = PercentField(label=_("BMP (%)"), required=False,
                       help_text=_("Left empty, the company's BMP applies."))
    issue_date = forms.DateField(label=_("Issue date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    expiry_date = forms.DateField(label=_("Expiry date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    @staticmethod
    def initial_from(cert: Certificate) -> dict[str, Any]:
        return {
            "number": cert.number or "", "kind": cert.kind, "tkdn": cert.tkdn,
            "not_applicable": cert.not_applicable, "bmp": cert.bmp,
            "issue_date": cert.issue_date, "expiry_date": cert.expiry_date,
        }


class RegistryPicker(forms.Widget):
    """A registry producer, product or certificate chosen by typing part of its name (or its
    NIB, NPWP, certificate number): the box asks the server for what matches (htmx) and the
    list below it offers those entries. ``narrowed_by`` names the form's producer field, so a
    product or certificate list keeps that producer's own."""

    def __init__(self, kind: str, *, narrowed_by: str = "", attrs: dict[str, Any] | None = None
                 ) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.narrowed_by = narrowed_by

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        current = queries.picked(self.kind, value) if value not in (None, "") else None
        prompt = _("Type a name, NIB or number to search")
        if current is None:
            options = format_html('<option value="">{}</option>', prompt)
        else:
            options = format_html('<option value="{}" selected>{}</option>', current.pk,
                                  current.label)
        include = (format_html(' hx-include="[name=\'{}\']"', self.narrowed_by)
                   if self.narrowed_by else "")
        return format_html(
            '<div class="picker"><input type="search" class="find-box" name="{}_cari" '
            'placeholder="{}" aria-label="{}" autocomplete="off" maxlength="100" '
            'hx-get="{}" hx-trigger="input changed delay:300ms, search" '
            'hx-target="next select" hx-swap="innerHTML" hx-sync="this:replace"{}>'
            '<select name="{}" id="{}">{}</select></div>',
            name, prompt, prompt, reverse("catalog:lookup", args=[self.kind]), include,
            name, final.get("id", f"id_{name}"), options,
        )

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


def registry_field(kind: str, label: Any, *, required: bool = True, narrowed_by: str = "",
                   help_text: Any = "") -> forms.IntegerField:
    """A form field holding the registry number of a producer, product or certificate, chosen
    with ``RegistryPicker``."""
    return forms.IntegerField(label=label, required=required, min_value=1,
                              max_value=2**63 - 1, help_text=help_text,
                              widget=RegistryPicker(kind, narrowed_by=narrowed_by))


class LookupForm(forms.Form):
    producer = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
