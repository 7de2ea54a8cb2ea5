"""Who may read the audit trail: the admin all of it, a Tim P3DN the entries of its Pemda.

Every app writes the trail, accounts included, so audit sits below accounts and never imports
it: it reads the role and the Pemda accounts gives each user by their values.
tests/test_architecture.py checks that the role values are still accounts' ``User.Role``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from p3dn.audit.models import LogEntry

ADMIN_ROLE = "admin"
TIM_P3DN_ROLE = "tim_p3dn"


def visible_log_entries(user: Any) -> QuerySet[LogEntry]:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    qs = LogEntry.objects.select_related("pemda")
    role, pemda_id = getattr(user, "role", None), getattr(user, "pemda_id", None)
    if role == ADMIN_ROLE:
        return qs
    if role == TIM_P3DN_ROLE and pemda_id is not None:
        return qs.filter(pemda_id=pemda_id)
    raise PermissionDenied
