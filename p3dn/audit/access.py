"""Who may read the audit trail: the admin all of it, a Tim P3DN the entries of its Pemda."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from p3dn.accounts.models import User
from p3dn.audit.models import LogEntry


def visible_log_entries(user: User) -> QuerySet[LogEntry]:
    if not user.is_authenticated:
        raise PermissionDenied
    qs = LogEntry.objects.select_related("pemda")
    if user.role == User.Role.ADMIN:
        return qs
    if user.role == User.Role.TIM_P3DN and user.pemda_id is not None:
        return qs.filter(pemda_id=user.pemda_id)
    raise PermissionDenied
