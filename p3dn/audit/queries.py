from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from p3dn.audit.access import visible_log_entries
from p3dn.audit.models import LogEntry


def list_log_entries(*, user: Any, filters: dict[str, Any]) -> QuerySet[LogEntry]:
    qs = visible_log_entries(user)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(object_repr__icontains=q) | Q(actor_name__icontains=q))
    if action := (filters.get("action") or "").strip():
        qs = qs.filter(action__startswith=action)
    if date_from := filters.get("date_from"):
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(created_at__date__lte=date_to)
    return qs
