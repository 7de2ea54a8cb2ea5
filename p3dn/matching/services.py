"""Every change of business matching: events and their guests, needs, interests and
commitments. Keyword-only, atomic, audited (docs/matching.md). Rights are checked here too,
so the page, the API and any command share them (access.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda, Unit, User
from p3dn.audit.services import diff, log, snapshot
from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.matching import access
from p3dn.matching.models import Event, Interest, Need
from p3dn.matching.queries import package_line
from p3dn.rules.common import JenisPengadaan

EVENT_FIELDS = ["name", "kind", "date", "tahun", "place", "organizer", "note"]
NEED_FIELDS = ["name", "specification", "jenis", "pagu", "planned_date", "kbki", "kbli",
               "kode_hs", "kd_rup", "tahun", "unit"]
INTEREST_FIELDS = ["nilai_ketertarikan", "nilai_komitmen", "committed_on", "note", "product"]


def _units_of(pemda: Pemda, units: Iterable[Unit]) -> list[Unit]:
    units = list(units)
    if any(u.pemda_id != pemda.pk for u in units):
        raise ValidationError({"units": [_("Invite only units of the event's Pemda.")]})
    return units


def _check_money(name: str, value: Decimal | None, *, required: bool) -> None:
    if value is None:
        if required:
            raise ValidationError({name: [_("This field is required.")]})
        return
    if value <= 0:
        raise ValidationError({name: [_("Enter an amount above zero.")]})


# ------------------------------------------------------------------ events


@transaction.atomic
def create_event(*, actor: User, pemda: Pemda, name: str, kind: str, date: dt.date,
                 tahun: int, place: str = "", organizer: str = "", note: str = "",
                 units: Iterable[Unit] = (), producers: Iterable[Producer] = ()) -> Event:
    access.require_manage(actor, pemda)
    event = Event(pemda=pemda, name=name, kind=kind, date=date, tahun=tahun, place=place,
                  organizer=organizer, note=note, created_by=actor)
    event.full_clean()
    event.save()
    event.units.set(_units_of(pemda, units))
    event.producers.set(list(producers))
    log(actor=actor, action="matching.event.created", obj=event,
        changes=diff({}, snapshot(event, EVENT_FIELDS)), pemda=pemda)
    return event


@transaction.atomic
def update_event(*, actor: User, event: Event, **fields: Any) -> Event:
    access.require_manage(actor, event.pemda)
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = snapshot(event, EVENT_FIELDS)
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"unknown event field {name}")
        setattr(event, name, value)
    event.full_clean()
    event.save()
    changes = diff(before, snapshot(event, EVENT_FIELDS))
    if changes:
        log(actor=actor, action="matching.event.updated", obj=event, changes=changes,
            pemda=event.pemda)
    return event


@transaction.atomic
def set_guests(*, actor: User, event: Event, units: Iterable[Unit],
               producers: Iterable[Producer]) -> Event:
    """The units and producers invited to the event (replacing the previous lists)."""
    access.require_manage(actor, event.pemda)
    before = {"units": sorted(event.units.values_list("pk", flat=True)),
              "producers": sorted(event.producers.values_list("pk", flat=True))}
    units = _units_of(event.pemda, units)
    producers = list(producers)
    event.units.set(units)
    event.producers.set(producers)
    after = {"units": sorted(u.pk for u in units), "producers": sorted(p.pk for p in producers)}
    changes = diff(before, after)
    if changes:
        log(actor=actor, action="matching.event.updated", obj=event, changes=changes,
            pemda=event.pemda)
    return event


@transaction.atomic
def delete_event(*, actor: User, event: Event) -> None:
    access.require_manage(actor, event.pemda)
    if event.interests.exists():
        raise ValidationError(_("This event has interests recorded; delete them first."))
    log(actor=actor, action="matching.event.deleted", obj=event,
        changes=diff(snapshot(event, EVENT_FIELDS), {}), pemda=event.pemda)
    event.delete()


# ------------------------------------------------------------------ needs


def _need_check(need: Need) -> None:
    if need.jenis not in {j.value for j in JenisPengadaan}:
        raise ValidationError({"jenis": [_("Choose a procurement type.")]})
    _check_money("pagu", need.pagu, required=True)
    for name, size in (("kbki", (5, 10)), ("kbli", (5, 5)), ("kode_hs", (4, 10))):
        value = getattr(need, name)
        if value and not (value.isdigit() and size[0] <= len(value) <= size[1]):
            raise ValidationError({name: [_("Enter %(low)s to %(high)s digits.")
                                          % {"low": size[0], "high": size[1]}]})


@transaction.atomic
def create_need(*, actor: User, unit: Unit, tahun: int, name: str, jenis: str, pagu: Decimal,
                specification: str = "", planned_date: dt.date | None = None, kbki: str = "",
                kbli: str = "", kode_hs: str = "", kd_rup: int | None = None) -> Need:
    if not access.can_declare_need(actor, unit):
        raise PermissionDenied
    need = Need(pemda_id=unit.pemda_id, unit=unit, tahun=tahun, name=name, jenis=jenis,
                pagu=pagu, specification=specification, planned_date=planned_date, kbki=kbki,
                kbli=kbli, kode_hs=kode_hs, kd_rup=kd_rup, created_by=actor)
    _need_check(need)
    need.full_clean()
    need.save()
    log(actor=actor, action="matching.need.created", obj=need,
        changes=diff({}, snapshot(need, NEED_FIELDS)), pemda=unit.pemda)
    return need


@transaction.atomic
def update_need(*, actor: User, need: Need, **fields: Any) -> Need:
    if not access.can_declare_need(actor, need.unit):
        raise PermissionDenied
    need = Need.objects.select_for_update().get(pk=need.pk)
    before = snapshot(need, NEED_FIELDS)
    for name, value in fields.items():
        if name not in NEED_FIELDS or name == "unit":
            raise TypeError(f"unknown need field {name}")
        setattr(need, name, value)
    _need_check(need)
    need.full_clean()
    need.save()
    changes = diff(before, snapshot(need, NEED_FIELDS))
    if changes:
        log(actor=actor, action="matching.need.updated", obj=need, changes=changes,
            pemda=need.pemda)
    return need


@transaction.atomic
def delete_need(*, actor: User, need: Need) -> None:
    if not access.can_declare_need(actor, need.unit):
        raise PermissionDenied
    if need.interests.exists():
        raise ValidationError(_("Producers declared interest in this need; it stays."))
    log(actor=actor, action="matching.need.deleted", obj=need,
        changes=diff(snapshot(need, NEED_FIELDS), {}), pemda=need.pemda)
    need.delete()


# ------------------------------------------------------------------ interests


@transaction.atomic
def record_interest(*, actor: User, event: Event, producer: Producer,
                    nilai_ketertarikan: Decimal, kd_rup: int | None = None,
                    need: Need | None = None, product: CatalogProduct | None = None,
                    note: str = "") -> Interest:
    """A producer's interest in an open RUP package of the event's Pemda, or in one of its
    needs (exactly one of them)."""
    access.require_manage(actor, event.pemda)
    _check_money("nilai_ketertarikan", nilai_ketertarikan, required=True)
    if (kd_rup is None) == (need is None):
        raise ValidationError(_("Name either a RUP package or a need."))
    if product is not None and product.producer_id != producer.pk:
        raise ValidationError({"product": [_("The product is not this producer's.")]})
    if need is not None:
        if need.pemda_id != event.pemda_id:
            raise ValidationError({"need": [_("The need is not of the event's Pemda.")]})
        unit_id: int | None = need.unit_id
        name = need.name
    else:
        assert kd_rup is not None
        line = package_line(event.pemda, kd_rup)
        if line is None:
            raise ValidationError({"kd_rup": [_(
                "No open RUP package of the event's Pemda has this code (it may be realized "
                "already).")]})
        unit_id, name = line.unit_id, line.name
    duplicate = Interest.objects.filter(event=event, producer=producer)
    duplicate = duplicate.filter(kd_rup=kd_rup) if need is None else duplicate.filter(need=need)
    if duplicate.exists():
        raise ValidationError(_("This producer's interest in it is already recorded; edit it."))
    interest = Interest.objects.create(
        event=event, producer=producer, product=product, kd_rup=kd_rup, need=need,
        unit_id=unit_id, demand_name=name, nilai_ketertarikan=nilai_ketertarikan, note=note,
        created_by=actor)
    log(actor=actor, action="matching.interest.created", obj=interest,
        changes=diff({}, snapshot(interest, INTEREST_FIELDS)), pemda=event.pemda)
    return interest


@transaction.atomic
def update_interest(*, actor: User, interest: Interest, **fields: Any) -> Interest:
    """Change the interest, or record the commitment (nilai_komitmen, committed_on)."""
    access.require_manage(actor, interest.event.pemda)
    interest = Interest.objects.select_for_update().select_related("event__pemda").get(
        pk=interest.pk)
    before = snapshot(interest, INTEREST_FIELDS)
    for name, value in fields.items():
        if name not in INTEREST_FIELDS or name == "product":
            raise TypeError(f"unknown interest field {name}")
        setattr(interest, name, value)
    _check_money("nilai_ketertarikan", interest.nilai_ketertarikan, required=True)
    _check_money("nilai_komitmen", interest.nilai_komitmen, required=False)
    if interest.nilai_komitmen is None:
        interest.committed_on = None
    elif interest.committed_on is None:
        raise ValidationError({"committed_on": [_("Give the day of the commitment.")]})
    interest.save()
    changes = diff(before, snapshot(interest, INTEREST_FIELDS))
    if changes:
        action = ("matching.interest.committed" if "nilai_komitmen" in changes
                  else "matching.interest.updated")
        log(actor=actor, action=action, obj=interest, changes=changes,
            pemda=interest.event.pemda)
    return interest


@transaction.atomic
def delete_interest(*, actor: User, interest: Interest) -> None:
    access.require_manage(actor, interest.event.pemda)
    log(actor=actor, action="matching.interest.deleted", obj=interest,
        changes=diff(snapshot(interest, INTEREST_FIELDS), {}), pemda=interest.event.pemda)
    interest.delete()
