from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.imports.datasets import ALL


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    uploads = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "JSON, JSON lines, CSV, Parquet, XLSX or the Kemenperin export; several at once."
        ),
    )
    dataset = forms.ChoiceField(
        label=_("Dataset"),
        required=False,
        choices=[("", _("Recognise from the fields")), *[(d.name, d.name) for d in ALL]],
    )
    klpd = forms.CharField(
        label=_("LKPP code (KLPD)"),
        required=False,
        max_length=10,
        help_text=_("Only for files without kd_klpd, e.g. D107."),
    )
    year = forms.IntegerField(
        label=_("Fiscal year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Only for files without a year."),
    )
    apply_valid_rows = forms.BooleanField(
        label=_("Apply the valid rows even if some rows are rejected"), required=False
    )
    partial = forms.BooleanField(
        label=_("Partial file: apply it without closing the facts it does not list"),
        required=False,
    )
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False)
