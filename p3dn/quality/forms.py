"""The filters of the data-quality page: a warning code and a perangkat daerah."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from p3dn.quality.labels import CODE_LABELS


class QualityFilterForm(forms.Form):
    kode = forms.ChoiceField(label=_("Warning"), required=False)
    unit = forms.TypedChoiceField(
        label=_("Perangkat daerah"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, *args: Any, codes: list[str], units: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        kode = self.fields["kode"]
        unit = self.fields["unit"]
        assert isinstance(kode, forms.ChoiceField) and isinstance(unit, forms.ChoiceField)
        kode.choices = [("", _("All warnings"))] + [(c, CODE_LABELS[c]) for c in codes]
        unit.choices = [("", _("All perangkat daerah"))] + [(str(pk), name) for pk, name in units]
