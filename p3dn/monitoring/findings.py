"""Monev findings (temuan) per perangkat daerah and their follow-up (tindak lanjut).

Every change writes a ``FindingEvent`` (the finding's own history: before → after of each
changed field, the status after it, an optional note) and an audit entry, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda, Unit, User
from p3dn.audit.services import diff, log, snapshot
from p3dn.monitoring import access
from p3dn.monitoring.models import Finding, FindingEvent, Snapshot

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


def is_overdue(finding: Finding, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(finding.due_date and finding.due_date < today and finding.status not in CLOSED)


def list_findings(
    *,
    findings: QuerySet[Finding],
    pemda: Pemda,
    tahun: int,
    unit_id: int | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> QuerySet[Finding]:
    """The findings of a Pemda-year (already narrowed to what the user may see): open ones
    first, then in progress, done and dropped; the earliest due first within each."""
    qs = findings.filter(pemda=pemda, tahun=tahun)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(due_date__lt=timezone.localdate()).exclude(status__in=CLOSED)
    rank = Case(
        *(When(status=s, then=Value(i)) for i, s in enumerate(Finding.Status.values)),
        output_field=IntegerField(),
    )
    return qs.annotate(rank=rank).order_by("rank", F("due_date").asc(nulls_last=True), "pk")
