"""The filters of the findings page, its export and (through the same names) the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.access import visible_pemda
from p3dn.accounts.models import User
from p3dn.catalog.claims.models import Finding, Outcome
from p3dn.regions.models import Region


class FindingFilterForm(forms.Form):
    hasil = forms.ChoiceField(
        label=_("Outcome"), required=False,
        choices=[("", _("All outcomes")), *Outcome.choices],
    )
    pemda = forms.ModelChoiceField(
        label=_("Pemda (bought it, or producer in its region)"), queryset=Region.objects.none(),
        required=False, empty_label=_("All Pemda"),
    )
    provinsi = forms.ModelChoiceField(
        label=_("Province"), queryset=Region.objects.none(), required=False,
        empty_label=_("All provinces"), to_field_name="code",
    )
    produsen = forms.CharField(label=_("Producer name contains"), required=False, max_length=100)
    sumber = forms.ChoiceField(
        label=_("Claim from"), required=False,
        choices=[("", _("All sources")), *Finding.Source.choices],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pemda"].queryset = visible_pemda(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["provinsi"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            level=Region.Level.PROVINSI).order_by("name")

    def filters(self) -> dict[str, Any]:
        """The cleaned filters (call after is_valid())."""
        data = dict(self.cleaned_data)
        return {
            "hasil": data.get("hasil") or "",
            "pemda": data.get("pemda"),
            "provinsi": data["provinsi"].code if data.get("provinsi") else "",
            "produsen": (data.get("produsen") or "").strip(),
            "sumber": data.get("sumber") or "",
        }

    def describe(self) -> list[tuple[str, str]]:
        """The filters in use as the page shows them: (label, value) pairs."""
        out = []
        for name, value in self.cleaned_data.items():
            if not value:
                continue
            field = self.fields[name]
            choices = dict(getattr(field, "choices", []))
            shown = choices.get(value, value) if isinstance(value, str) else value
            out.append((str(field.label), str(shown)))
        return out
