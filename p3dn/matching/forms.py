"""Forms of business matching: the event and its guests, the demand filter, the need, the
interest and the commitment. Every query parameter of the demand is validated here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.forms import PemdaChoiceField
from p3dn.accounts.models import Pemda, Unit, User
from p3dn.catalog.forms import RupiahField, registry_field
from p3dn.catalog.models import Producer
from p3dn.matching.models import Event, Need
from p3dn.matching.queries import DemandFilters
from p3dn.rules.common import JenisPengadaan

ID_MAX = 2**63 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AmountField(RupiahField):
    """An amount in Rupiah as people type it ("150.000.000", "1250000,50"), above zero."""

    def clean(self, value: Any) -> Decimal | None:
        amount = super().clean(value)
        if amount is not None and amount <= 0:
            raise ValidationError(_("Enter an amount above zero."))
        return amount


def _money(label: Any, required: bool = True) -> AmountField:
    return AmountField(label=label, required=required, max_length=30)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "kind", "date", "tahun", "place", "organizer", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the budget years an event is held for: recent ones, next year, and its own
        this_year = timezone.localdate().year
        years = set(range(this_year - 3, this_year + 2))
        if self.instance.pk:
            years.add(self.instance.tahun)
        self.fields["tahun"].widget = forms.Select(
            choices=[(y, y) for y in sorted(years, reverse=True)])
        self.fields["tahun"].initial = self.fields["tahun"].initial or this_year

    def clean_tahun(self) -> int:
        tahun = self.cleaned_data["tahun"]
        if not YEAR_MIN <= tahun <= YEAR_MAX:
            raise ValidationError(_("Enter a year from %(a)s to %(b)s.")
                                  % {"a": YEAR_MIN, "b": YEAR_MAX})
        return int(tahun)


class PemdaChoiceForm(forms.Form):
    """The national admin names the Pemda an event belongs to."""

    pemda = PemdaChoiceField(label=_("Pemda"), queryset=Pemda.objects.order_by("name"))


class GuestsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(label=_("Units invited"), required=False,
                                           queryset=Unit.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    producers = forms.ModelMultipleChoiceField(
        label=_("Producers invited"), required=False, queryset=Producer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Clear a box to take the producer off the list."))
    add_producer = registry_field(
        "produsen", _("Invite another producer"), required=False,
        help_text=_("The suggestions of each package invite with one click, too."))

    def __init__(self, *args: Any, pemda: Pemda, invited: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = Unit.objects.filter(pemda=pemda).order_by("name")
        producers = self.fields["producers"]
        assert isinstance(producers, forms.ModelMultipleChoiceField)
        producers.queryset = Producer.objects.filter(pk__in=[p.pk for p in invited])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = list(data.get("producers") or [])
        added = data.get("add_producer")
        if added is not None:
            producer = Producer.objects.filter(pk=added).first()
            if producer is None:
                self.add_error("add_producer", _("No registry producer has this number."))
            elif producer not in chosen:
                chosen.append(producer)
        data["producers"] = chosen
        return data


class DemandFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int,
                                  empty_value=None)
    jenis = forms.ChoiceField(label=_("Procurement type"), required=False,
                              choices=[("", _("All"))] + [(j.value, j.value)
                                                          for j in JenisPengadaan])
    pagu_min = RupiahField(label=_("Pagu from"), required=False, max_length=30)
    pagu_max = RupiahField(label=_("Pagu up to"), required=False, max_length=30)
    dari = forms.DateField(label=_("Selection starts from"), required=False, widget=DATE)
    sampai = forms.DateField(label=_("Selection starts until"), required=False, widget=DATE)
    alternatif = forms.ChoiceField(
        label=_("Domestic alternative"), required=False,
        choices=[("", _("All")), ("ada", _("Has a suggested producer")),
                 ("tidak", _("No suggested producer"))])

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(pemda=pemda).order_by("name")
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = [("", _("All"))] + [(u.pk, u.name) for u in units]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("pagu_min"), data.get("pagu_max")
        if low is not None and high is not None and low > high:
            raise ValidationError(_("The lowest pagu is above the highest."))
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            raise ValidationError(_("The first day is after the last."))
        return data

    def filters(self) -> DemandFilters:
        data = self.cleaned_data
        choice = data.get("alternatif") or ""
        return DemandFilters(
            unit_id=data.get("unit"), jenis=data.get("jenis") or "",
            pagu_min=data.get("pagu_min"), pagu_max=data.get("pagu_max"),
            selection_from=data.get("dari"), selection_until=data.get("sampai"),
            domestic={"ada": True, "tidak": False}.get(choice),
        )


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["unit", "tahun", "name", "specification", "jenis", "pagu", "planned_date",
                  "kbki", "kbli", "kode_hs", "kd_rup"]
        widgets = {"planned_date": DATE, "specification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, pemda: Pemda, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(pemda=pemda).order_by("name")
        if user.role == User.Role.OPERATOR:
            units = units.filter(pk=user.unit_id or 0)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        unit_field.empty_label = str(_("— choose —"))
        if user.role == User.Role.OPERATOR and not self.instance.pk:
            unit_field.initial = user.unit_id  # an operator declares for its own unit
        if self.instance.pk:
            unit_field.disabled = True
        pagu = AmountField(label=self.fields["pagu"].label, max_length=30)
        self.fields["pagu"] = pagu
        jenis = self.fields["jenis"]
        assert isinstance(jenis, forms.ChoiceField)
        jenis.choices = [("", str(_("— choose —"))), *Need.JENIS_CHOICES]
        self.fields["kd_rup"].widget.attrs.update(min=1)

    def clean_tahun(self) -> int:
        tahun = self.cleaned_data["tahun"]
        if not YEAR_MIN <= tahun <= YEAR_MAX:
            raise ValidationError(_("Enter a year from %(a)s to %(b)s.")
                                  % {"a": YEAR_MIN, "b": YEAR_MAX})
        return int(tahun)

    def clean_kd_rup(self) -> int | None:
        code = self.cleaned_data.get("kd_rup")
        if code is not None and not 1 <= code <= ID_MAX:
            raise ValidationError(_("Enter a RUP code."))
        return code


class InterestForm(forms.Form):
    producer = registry_field("produsen", _("Producer"))
    product = registry_field("produk", _("Product in the registry"), required=False,
                             narrowed_by="producer")
    kd_rup = forms.IntegerField(label=_("RUP code"), min_value=1, max_value=ID_MAX,
                                required=False)
    need = forms.TypedChoiceField(label=_("Or a need entered by hand"), coerce=int,
                                  empty_value=None, required=False, choices=[("", "—")])
    nilai_ketertarikan = _money(_("Value of interest (Rp)"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, needs: Any = None, **kwargs: Any) -> None:
        """``needs``: the needs of the event's Pemda and year that may be named; without it
        (a form posted from the suggestions page) any number is taken and checked later."""
        super().__init__(*args, **kwargs)
        need = self.fields["need"]
        assert isinstance(need, forms.TypedChoiceField)
        if needs is None:
            need.choices = [("", "—"), *((n, n) for n in self._posted_need())]
        else:
            need.choices = [("", "—"), *((n.pk, f"{n.name} — {n.unit.name}") for n in needs)]

    def _posted_need(self) -> list[str]:
        value = str(self.data.get("need") or "") if self.is_bound else ""
        return [value] if value.isdigit() and len(value) <= 18 else []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("kd_rup") is None) == (data.get("need") is None):
            raise ValidationError(_("Name either a RUP package or a need."))
        return data


class CommitmentForm(forms.Form):
    nilai_ketertarikan = _money(_("Value of interest (Rp)"))
    nilai_komitmen = _money(_("Value committed (Rp)"), required=False)
    committed_on = forms.DateField(label=_("Committed on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("nilai_komitmen") is not None and not data.get("committed_on"):
            self.add_error("committed_on", _("Give the day of the commitment."))
        return data


def default_year(pemda_years: list[int]) -> int:
    return pemda_years[0] if pemda_years else dt.date.today().year
