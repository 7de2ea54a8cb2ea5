"""HTML input for the Monev pages: the forms only parse; the services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.models import Unit, User
from p3dn.monitoring.monev.models import Finding, MonevSchedule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScheduleForm(forms.Form):
    interval_days = forms.TypedChoiceField(
        label=_("Interval"), choices=MonevSchedule.Interval.choices, coerce=int
    )
    active = forms.BooleanField(label=_("Active"), required=False)


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Perangkat daerah"), queryset=Unit.objects.none(), required=False
    )
    temuan = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    tindak_lanjut = forms.CharField(
        label=_("Follow-up action"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    penanggung_jawab = forms.CharField(
        label=_("Person responsible"), max_length=200, required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Owner (user)"), queryset=User.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Finding.Status.choices)

    def __init__(
        self, *args: Any, units: QuerySet[Unit], owners: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    catatan = forms.CharField(
        label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", _("(unchanged)")), *Finding.Status.choices],
        required=False,
    )


class FindingFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Perangkat daerah"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Finding.Status.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def cleaned_or_empty(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
