"""Forms of the monitoring pages. Percentages are typed the Indonesian way ("80", "62,5")."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.lib.money import parse_number
from p3dn.monitoring.drilldown import SOURCE_LABELS
from p3dn.monitoring.models import Target
from p3dn.procurement.sums import CHANNELS

HUNDRED = Decimal(100)


class PercentField(forms.CharField):
    """A share typed in percent, cleaned to a Decimal fraction (80 → 0.8)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            text = f"{(value * HUNDRED).normalize():f}"
            return text.replace(".", ",")
        return value

    def clean(self, value: Any) -> Decimal:
        text = super().clean(value)
        try:
            number = parse_number(text)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a percentage."), params={"value": text}
            ) from None
        if number < 0 or number > HUNDRED:
            raise forms.ValidationError(_("Enter a percentage between 0 and 100."))
        return (number / HUNDRED).quantize(Decimal("0.000001"))


class TargetForm(forms.ModelForm):
    capaian_q1 = PercentField(label=_("Capaian by end of Q1 (%)"))
    capaian_q2 = PercentField(label=_("Capaian by end of Q2 (%)"))
    capaian_q3 = PercentField(label=_("Capaian by end of Q3 (%)"))
    capaian_q4 = PercentField(label=_("Capaian by end of Q4 (%)"))
    umk_floor = PercentField(label=_("UMK share floor (%)"))

    class Meta:
        model = Target
        fields = [
            "capaian_q1",
            "capaian_q2",
            "capaian_q3",
            "capaian_q4",
            "umk_floor",
            "denominator",
            "umk_denominator",
            "dasar",
        ]
        widgets = {"dasar": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        path = [data[f"capaian_q{q}"] for q in range(1, 5) if f"capaian_q{q}" in data]
        if any(later < earlier for earlier, later in itertools.pairwise(path)):
            raise forms.ValidationError(
                _("The quarterly path is cumulative: each quarter's target must be at least "
                  "the previous one.")
            )
        return data


class FilterForm(forms.Form):
    """The Dasbor's filters; the choices come from the Pemda-year's own data."""

    saluran = forms.MultipleChoiceField(
        label=_("Channel"), required=False, widget=forms.CheckboxSelectMultiple
    )
    jenis = forms.ChoiceField(label=_("Procurement type"), required=False)
    metode = forms.ChoiceField(label=_("Method"), required=False)
    sumber_dana = forms.ChoiceField(label=_("Source of funds"), required=False)

    def __init__(self, *args: Any, options: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["saluran"].choices = [(c, SOURCE_LABELS[c]) for c in CHANNELS]  # type: ignore[attr-defined]
        for name in ("jenis", "metode", "sumber_dana"):
            self.fields[name].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
                (v, v) for v in options.get(name, [])
            ]
