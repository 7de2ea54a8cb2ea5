"""Who may see and change Monev snapshots, schedules and findings (see docs/roles.md).

- admin: everything.
- tim_p3dn: reads and writes its own Pemda's snapshots, schedule and findings.
- operator: reads its Pemda's snapshots and findings; on findings of its own unit it may add
  progress notes and change the status, nothing else.
- viewer: reads its Pemda (every Pemda when national), never writes.

Outside the user's scope an object does not exist (404); a write they may not make is 403.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from p3dn.accounts.access import can_edit_pemda, in_pemda_scope
from p3dn.accounts.models import Pemda, User
from p3dn.monitoring.monev.models import Finding, Snapshot

FindingAction = Literal["read", "follow_up", "edit"]


def can_manage_monev(user: User, pemda: Pemda) -> bool:
    """Take snapshots, set the schedule, create and edit findings: admin and the Tim P3DN."""
    return can_edit_pemda(user, pemda)


def visible_snapshots(user: User) -> QuerySet[Snapshot]:
    return in_pemda_scope(
        Snapshot.objects.select_related("pemda", "taken_by", "last_import__run"), user, "pemda_id"
    )


def get_snapshot_for(
    user: User, snapshot_id: int | str, *, pemda_id: int | None = None
) -> Snapshot:
    """A snapshot the user may read (of ``pemda_id`` when given); 404 otherwise."""
    qs = visible_snapshots(user)
    if pemda_id is not None:
        qs = qs.filter(pemda_id=pemda_id)
    try:
        return qs.get(pk=snapshot_id)
    except (Snapshot.DoesNotExist, ValueError, TypeError):
        raise Http404("Snapshot not found") from None


def visible_findings(user: User) -> QuerySet[Finding]:
    return in_pemda_scope(
        Finding.objects.select_related("pemda", "unit", "owner", "snapshot"), user, "pemda_id"
    )


def can_edit_finding(user: User, finding: Finding) -> bool:
    return can_edit_pemda(user, finding.pemda)


def can_follow_up(user: User, finding: Finding) -> bool:
    """Add a progress note or change the status."""
    if user.role == User.Role.OPERATOR:
        return finding.unit_id is not None and user.unit_id == finding.unit_id
    return can_edit_finding(user, finding)


def get_finding_for(
    user: User,
    finding_id: int | str,
    *,
    action: FindingAction = "read",
    pemda_id: int | None = None,
) -> Finding:
    """A finding the user may read (404 otherwise) and, for ``action`` "follow_up" or "edit",
    may change that way (403 otherwise)."""
    qs = visible_findings(user)
    if pemda_id is not None:
        qs = qs.filter(pemda_id=pemda_id)
    try:
        finding = qs.get(pk=finding_id)
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise Http404("Finding not found") from None
    allowed = {
        "read": True,
        "follow_up": can_follow_up(user, finding),
        "edit": can_edit_finding(user, finding),
    }[action]
    if not allowed:
        raise PermissionDenied
    return finding
