"""Every write of the monitoring app outside Monev: a Pemda's targets for a year. Keyword-only,
atomic, audited through p3dn.audit.services.log. Monev's writes (snapshots, the schedule,
findings) are in p3dn/monitoring/monev/services.py, in the same shape.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from p3dn.accounts.models import Pemda, User
from p3dn.audit.services import diff, log, snapshot
from p3dn.monitoring.models import Target
from p3dn.monitoring.targets import FIELDS


@transaction.atomic
def save_target(*, actor: User | None, pemda: Pemda, tahun: int, values: dict[str, Any]) -> Target:
    target = Target.objects.select_for_update().filter(pemda=pemda, tahun=tahun).first()
    created = target is None
    if target is None:
        target = Target(pemda=pemda, tahun=tahun)
    before = {} if created else snapshot(target, FIELDS)
    for name in FIELDS:
        if name in values:
            setattr(target, name, values[name])
    target.full_clean()
    target.save()
    log(
        actor=actor,
        action="monitoring.target.created" if created else "monitoring.target.updated",
        obj=target,
        changes=diff(before, snapshot(target, FIELDS)),
        pemda=pemda,
    )
    return target
