"""Every write of Monev: snapshots (on demand and on the 7/14-day schedule), the schedule, and
findings with their follow-up. Keyword-only, atomic, audited through p3dn.audit.services.log.

A snapshot stores the JSON of the Pemda-year's indicators per perangkat daerah as it was
(``indicators.PemdaYear.json("satker")``): the whole Pemda-year plus one row per unit, money
as exact decimal strings. Reopening it reads that JSON back, so later imports never change a
snapshot's numbers. Its date is the facts' own as-of (``procurement.queries.latest_refresh``),
never an import run.

Every change of a finding writes a ``FindingEvent`` (the finding's own history: before → after
of each changed field, the status after it, an optional note) and an audit entry, in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts import access as accounts_access
from p3dn.accounts.models import Pemda, Unit, User
from p3dn.audit.services import diff, log, snapshot
from p3dn.monitoring.indicators import PemdaYear
from p3dn.monitoring.monev import access
from p3dn.monitoring.monev.models import Finding, FindingEvent, MonevSchedule, Snapshot
from p3dn.monitoring.monev.queries import years_to_snapshot
from p3dn.procurement.queries import latest_refresh

logger = logging.getLogger(__name__)

DUE_CHECK_SECONDS = 3600  # how often the worker loops look for due snapshots


# ------------------------------------------------------------------ snapshots


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

    Without ``data_as_of`` the snapshot is of the current data, dated by the facts' newest
    refresh (today when they have none). With it, the indicators are computed on the data as
    it stood that day (``PemdaYear(as_of=…)``), and the refresh is the newest up to that day."""
    if actor is not None and not accounts_access.can_edit_pemda(actor, pemda):
        raise PermissionDenied
    refresh = latest_refresh(pemda=pemda, day=data_as_of)
    figures = PemdaYear(pemda=pemda, tahun=tahun, as_of=data_as_of).json("satker")
    day: dt.date = data_as_of or (refresh and refresh.data_as_of) or timezone.localdate()
    snapshot = Snapshot.objects.create(
        pemda=pemda,
        tahun=tahun,
        kind=kind,
        taken_at=timezone.now(),
        data_as_of=day,
        last_import=refresh,
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


# ------------------------------------------------------------------ findings


FIELDS = (
    "unit",
    "temuan",
    "tindak_lanjut",
    "penanggung_jawab",
    "owner",
    "due_date",
    "status",
    "snapshot",
)
CLOSED = (Finding.Status.DONE, Finding.Status.DROPPED)


def _validate(finding: Finding) -> None:
    errors: dict[str, list[str]] = {}
    if not finding.temuan.strip():
        errors["temuan"] = [_("Describe the finding.")]
    if finding.unit is not None and finding.unit.pemda_id != finding.pemda_id:
        errors["unit"] = [_("The unit must belong to this Pemda.")]
    if finding.owner is not None and finding.owner.pemda_id not in (None, finding.pemda_id):
        errors["owner"] = [_("The owner must be an account of this Pemda.")]
    if finding.snapshot is not None and finding.snapshot.pemda_id != finding.pemda_id:
        errors["snapshot"] = [_("The snapshot must be of this Pemda.")]
    if finding.status not in Finding.Status.values:
        errors["status"] = [_("Unknown status.")]
    if errors:
        raise ValidationError(errors)


def _event(
    *, finding: Finding, actor: User | None, changes: dict[str, list[Any]], catatan: str = ""
) -> FindingEvent:
    return FindingEvent.objects.create(
        finding=finding, actor=actor, status=finding.status, changes=changes, catatan=catatan
    )


@transaction.atomic
def create_finding(
    *,
    actor: User | None,
    pemda: Pemda,
    tahun: int,
    temuan: str,
    unit: Unit | None = None,
    tindak_lanjut: str = "",
    penanggung_jawab: str = "",
    owner: User | None = None,
    due_date: dt.date | None = None,
    status: str = Finding.Status.OPEN,
    snapshot_of: Snapshot | None = None,
) -> Finding:
    """Record a finding about a unit of ``pemda`` (admin and the Pemda's Tim P3DN only)."""
    if actor is not None and not access.can_manage_monev(actor, pemda):
        raise PermissionDenied
    finding = Finding(
        pemda=pemda,
        tahun=tahun,
        unit=unit,
        temuan=temuan.strip(),
        tindak_lanjut=tindak_lanjut.strip(),
        penanggung_jawab=penanggung_jawab.strip(),
        owner=owner,
        due_date=due_date,
        status=status,
        snapshot=snapshot_of,
        created_by=actor,
    )
    _validate(finding)
    finding.save()
    changes = diff({}, snapshot(finding, FIELDS))
    _event(finding=finding, actor=actor, changes=changes)
    log(actor=actor, action="monitoring.finding.created", obj=finding, pemda=pemda, changes=changes)
    return finding


@transaction.atomic
def update_finding(
    *, actor: User | None, finding: Finding, catatan: str = "", **fields: Any
) -> Finding:
    """Change a finding. The Tim P3DN and the admin may change every field; the operator of the
    finding's unit only its status. Nothing changed and no note: nothing is recorded."""
    if actor is not None:
        if set(fields) - {"status"}:
            if not access.can_edit_finding(actor, finding):
                raise PermissionDenied
        elif not access.can_follow_up(actor, finding):
            raise PermissionDenied
    before = snapshot(finding, FIELDS)
    for name, value in fields.items():
        if name not in FIELDS:
            raise TypeError(f"update_finding cannot change {name}")
        setattr(finding, name, value.strip() if isinstance(value, str) else value)
    _validate(finding)
    changes = diff(before, snapshot(finding, FIELDS))
    if not changes and not catatan.strip():
        return finding
    finding.save()
    _event(finding=finding, actor=actor, changes=changes, catatan=catatan.strip())
    log(
        actor=actor,
        action="monitoring.finding.updated" if changes else "monitoring.finding.noted",
        obj=finding,
        pemda=finding.pemda,
        changes=changes or {"catatan": [None, catatan.strip()]},
    )
    return finding


def add_note(
    *, actor: User | None, finding: Finding, catatan: str, status: str | None = None
) -> Finding:
    """A progress note on the follow-up, optionally with a new status (the unit's operator may
    do this on its own unit's findings)."""
    if not catatan.strip() and not status:
        raise ValidationError({"catatan": [_("Write a note or choose a status.")]})
    fields = {"status": status} if status else {}
    return update_finding(actor=actor, finding=finding, catatan=catatan, **fields)
