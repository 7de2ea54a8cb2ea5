"""The forms of the finder: a typed text (with the price paid, to compare), and the filter of
a scan's rows. Every parameter is validated: a bad one is a 400 page, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.catalog.forms import RupiahField

from .models import RowSource, Scan, ScanRow

MAX_QUERY = 200


class TextForm(forms.Form):
    q = forms.CharField(label=_("What is bought from abroad?"), max_length=MAX_QUERY,
                        required=False)
    harga = RupiahField(label=_("Price paid per unit (Rp)"), required=False, max_length=30,
                        help_text=_("Optional: to show the price difference."))

    def clean_q(self) -> str:
        text = (self.cleaned_data.get("q") or "").strip()
        if "\x00" in text:
            raise forms.ValidationError(_("The text contains a character that is not allowed."))
        return text


class RowFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("Perangkat daerah"), required=False)
    sumber = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("All sources")), *RowSource.choices])
    ada = forms.BooleanField(label=_("Only rows with a domestic alternative"), required=False)

    def __init__(self, *args: Any, scan: Scan | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("All perangkat daerah")))]
        if scan is not None:
            units = (ScanRow.objects.filter(scan=scan).values_list("unit_id", "unit_name")
                     .distinct().order_by("unit_name", "unit_id"))
            choices += [(str(pk) if pk else "tanpa", name or str(_("Unit not known")))
                        for pk, name in units]
        self.fields["unit"].choices = choices  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"unit": data.get("unit") or "", "source": data.get("sumber") or "",
                "found_only": bool(data.get("ada"))}
