"""Monev: snapshots of a Pemda-year's indicators, taken on demand or on a 7/14-day schedule, and
the change since the previous snapshot.

A snapshot stores the JSON of ``indicators.compute(..., by="satker")`` as it was: the whole
Pemda-year plus one row per perangkat daerah, money as exact decimal strings. Reopening it
reads that JSON back, so later imports never change a snapshot's numbers.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from p3dn.accounts import access as accounts_access
from p3dn.accounts.models import Pemda, User
from p3dn.audit.services import diff, log
from p3dn.imports.models import ImportRun
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.models import MonevSchedule, Snapshot
from p3dn.monitoring.queries import years_with_data

logger = logging.getLogger(__name__)

MONEY_KEYS = (
    "pagu_penyedia",
    "komitmen_pdn",
    "komitmen_umk",
    "belanja_pengadaan",
    "realisasi_total",
    "realisasi_pdn",
    "realisasi_umk",
)
RATIO_KEYS = ("capaian_pdn", "komposisi_pdn", "porsi_umk_rencana", "porsi_umk_realisasi")
DUE_CHECK_SECONDS = 3600  # how often the worker loops look for due snapshots


# ------------------------------------------------------------------ taking snapshots


def latest_import(pemda: Pemda) -> ImportRun | None:
    """The applied import of the Pemda with the newest data (the snapshot's ``last_import``)."""
    return (
        ImportRun.objects.filter(
            pemda=pemda, status=ImportRun.Status.APPLIED, data_as_of__isnull=False
        )
        .order_by("-data_as_of", "-finished_at", "-pk")
        .first()
    )


@transaction.atomic
def take_snapshot(
    *,
    pemda: Pemda,
    tahun: int,
    kind: str,
    actor: User | None = None,
    data_as_of: dt.date | None = None,
    catatan: str = "",
) -> Snapshot:
    """Compute and store the indicators of ``pemda``/``tahun``, whole and per unit.

    Without ``data_as_of`` the snapshot is of the current data, dated by the newest data of the
    Pemda's applied imports (today when it has none). With it, the indicators are computed on
    the data as it stood that day (``compute(as_of=…)``)."""
    if actor is not None and not accounts_access.can_edit_pemda(actor, pemda):
        raise PermissionDenied
    run = latest_import(pemda)
    if data_as_of is None:
        figures = compute(pemda=pemda, tahun=tahun, by="satker")
        day = run.data_as_of if run and run.data_as_of else timezone.localdate()
    else:
        figures = compute(pemda=pemda, tahun=tahun, as_of=data_as_of, by="satker")
        day = data_as_of
        run = (
            ImportRun.objects.filter(
                pemda=pemda, status=ImportRun.Status.APPLIED, data_as_of__lte=data_as_of
            )
            .order_by("-data_as_of", "-finished_at", "-pk")
            .first()
        )
    snapshot = Snapshot.objects.create(
        pemda=pemda,
        tahun=tahun,
        kind=kind,
        taken_at=timezone.now(),
        data_as_of=day,
        last_import=run,
        figures=figures,
        taken_by=actor,
        catatan=catatan,
    )
    log(
        actor=actor,
        action="monitoring.snapshot.taken",
        obj=snapshot,
        pemda=pemda,
        changes={
            "tahun": [None, tahun],
            "kind": [None, kind],
            "data_as_of": [None, day.isoformat()],
            "realisasi_pdn": [None, figures["realisasi_pdn"]],
            "capaian_pdn": [None, figures["capaian_pdn"]],
        },
    )
    return snapshot


def previous_snapshot(snapshot: Snapshot) -> Snapshot | None:
    """The snapshot of the same Pemda-year taken just before ``snapshot``."""
    return (
        Snapshot.objects.filter(pemda_id=snapshot.pemda_id, tahun=snapshot.tahun)
        .filter(
            Q(taken_at__lt=snapshot.taken_at) | Q(taken_at=snapshot.taken_at, pk__lt=snapshot.pk)
        )
        .order_by("-taken_at", "-pk")
        .first()
    )


# ------------------------------------------------------------------ the change since the last one


@dataclass
class Change:
    """The change of one unit (or of the whole Pemda-year, ``key`` "") between two snapshots.

    ``status`` is "same" (in both), "new" (appeared) or "gone" (disappeared). Money deltas are
    exact Decimals (a new unit counts from 0, a gone one to 0); a ratio delta is None when
    either side has no ratio."""

    key: str
    name: str
    status: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    money: dict[str, Decimal] = field(default_factory=dict)
    ratios: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.status != "same" or any(self.money.values()) or any(self.ratios.values())


@dataclass
class Deltas:
    previous: Snapshot | None
    whole: Change | None
    units: list[Change]

    @property
    def appeared(self) -> list[Change]:
        return [u for u in self.units if u.status == "new"]

    @property
    def disappeared(self) -> list[Change]:
        return [u for u in self.units if u.status == "gone"]

    def for_key(self, key: str) -> Change | None:
        return next((u for u in self.units if u.key == key), None)


def unit_key(row: dict[str, Any]) -> str:
    """How a unit row is recognised across snapshots: its satker code, else its budget code,
    else its name; "-" for the figures no unit could be found for."""
    return str(row.get("kd_satker") or row.get("kd_satker_str") or row.get("nama_satker") or "-")


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def compare(key: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> Change:
    """The change from ``before`` to ``after`` (indicator dicts of one unit or the whole)."""
    status = (
        "same"
        if before is not None and after is not None
        else ("new" if before is None else "gone")
    )
    row = after or before or {}
    change = Change(
        key=key, name=str(row.get("nama_satker") or ""), status=status, before=before, after=after
    )
    for name in MONEY_KEYS:
        old = _number((before or {}).get(name)) or Decimal("0.00")
        new = _number((after or {}).get(name)) or Decimal("0.00")
        change.money[name] = new - old
    for name in RATIO_KEYS:
        old_ratio = _number((before or {}).get(name))
        new_ratio = _number((after or {}).get(name))
        change.ratios[name] = (
            None if old_ratio is None or new_ratio is None else new_ratio - old_ratio
        )
    return change


def _rows_by_key(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {unit_key(row): row for row in figures.get("rows") or []}


def deltas(snapshot: Snapshot, previous: Snapshot | None = None) -> Deltas:
    """What changed since the previous snapshot of the same Pemda-year, whole and per unit."""
    previous = previous or previous_snapshot(snapshot)
    if previous is None:
        return Deltas(previous=None, whole=None, units=[])
    whole = compare("", previous.figures, snapshot.figures)
    old, new = _rows_by_key(previous.figures), _rows_by_key(snapshot.figures)
    keys = [*new, *(k for k in old if k not in new)]
    return Deltas(
        previous=previous, whole=whole, units=[compare(k, old.get(k), new.get(k)) for k in keys]
    )


# ------------------------------------------------------------------ the schedule


@transaction.atomic
def set_schedule(
    *, actor: User | None, pemda: Pemda, interval_days: int, active: bool
) -> MonevSchedule:
    """Create or change a Pemda's Monev schedule. The first snapshot falls ``interval_days``
    after the schedule is set (or its interval changed, or it is switched back on)."""
    if actor is not None and not accounts_access.can_edit_pemda(actor, pemda):
        raise PermissionDenied
    if interval_days not in MonevSchedule.Interval.values:
        raise ValueError(f"interval_days must be one of {MonevSchedule.Interval.values}")
    schedule = MonevSchedule.objects.filter(pemda=pemda).first()
    before: dict[str, Any] = {}
    if schedule is None:
        schedule = MonevSchedule(pemda=pemda)
    else:
        before = _schedule_values(schedule)
    restart = (
        schedule.pk is None
        or schedule.interval_days != interval_days
        or (active and not schedule.active)
        or schedule.next_due is None
    )
    schedule.interval_days, schedule.active = interval_days, active
    if restart:
        schedule.next_due = timezone.localdate() + dt.timedelta(days=interval_days)
    created = schedule.pk is None
    schedule.save()
    changes = diff(before, _schedule_values(schedule))
    if changes:
        log(
            actor=actor,
            action="monitoring.schedule.created" if created else "monitoring.schedule.updated",
            obj=schedule,
            pemda=pemda,
            changes=changes,
        )
    return schedule


def _schedule_values(schedule: MonevSchedule) -> dict[str, Any]:
    return {
        "interval_days": schedule.interval_days,
        "active": schedule.active,
        "next_due": schedule.next_due.isoformat() if schedule.next_due else None,
    }


def years_to_snapshot(pemda: Pemda, today: dt.date) -> list[int]:
    """Every year with data from last year on; when there is none, the latest year with data;
    without any data, the current year (the snapshot then records that nothing is in yet)."""
    years = years_with_data(pemda)
    recent = [y for y in years if y >= today.year - 1]
    return recent or years[:1] or [today.year]


def take_due_snapshots(today: dt.date | None = None) -> list[Snapshot]:
    """Take the scheduled snapshots of every active schedule due on or before ``today``, then
    move its next date on by its interval (past ``today``: missed periods are not made up).

    Each schedule is claimed with a conditional update, so a second worker running at the same
    time takes nothing twice."""
    today = today or timezone.localdate()
    taken: list[Snapshot] = []
    due = MonevSchedule.objects.filter(active=True, next_due__lte=today).select_related("pemda")
    for schedule in due:
        assert schedule.next_due is not None
        step = dt.timedelta(days=schedule.interval_days)
        next_due = schedule.next_due + step
        while next_due <= today:
            next_due += step
        claimed = MonevSchedule.objects.filter(
            pk=schedule.pk, active=True, next_due=schedule.next_due
        ).update(next_due=next_due)
        if claimed != 1:
            continue
        for tahun in years_to_snapshot(schedule.pemda, today):
            taken.append(
                take_snapshot(pemda=schedule.pemda, tahun=tahun, kind=Snapshot.Kind.SCHEDULED)
            )
    return taken


class Every:
    """True at most once per ``seconds`` (the worker loops check for due snapshots hourly)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.last: float | None = None

    def __call__(self) -> bool:
        now = time.monotonic()
        if self.last is not None and now - self.last < self.seconds:
            return False
        self.last = now
        return True


def take_due_snapshots_safely() -> int:
    """For the background loops: take what is due and never let a failure stop the loop."""
    try:
        return len(take_due_snapshots())
    except Exception:  # the import worker must keep running whatever happens here
        logger.exception("taking the due Monev snapshots failed")
        return 0


# ------------------------------------------------------------------ reads for the pages and API


def list_snapshots(
    snapshots: QuerySet[Snapshot], *, pemda: Pemda, tahun: int | None = None
) -> QuerySet[Snapshot]:
    """The snapshots of a Pemda (one year of it), newest first; ``snapshots`` is already
    narrowed to what the user may see."""
    qs = snapshots.filter(pemda=pemda)
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    return qs.order_by("-taken_at", "-pk")


def summarise_snapshot(snapshot: Snapshot) -> dict[str, Any]:
    """A snapshot's page: its whole figures and one line per unit with the change since the
    previous snapshot (units gone since then are listed last)."""
    change = deltas(snapshot)
    rows = snapshot.figures.get("rows") or []
    lines = [
        {"row": row, "change": change.for_key(unit_key(row)) if change.previous else None}
        for row in rows
    ]
    lines += [{"row": c.before, "change": c} for c in change.disappeared]
    return {
        "snapshot": snapshot,
        "figures": snapshot.figures,
        "previous": change.previous,
        "whole_change": change.whole,
        "lines": lines,
        "appeared": change.appeared,
        "disappeared": change.disappeared,
    }
