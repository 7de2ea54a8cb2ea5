"""Writing the audit trail. Services call ``log`` inside the transaction that makes the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, models

from p3dn.audit.models import LogEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-ready values of ``fields`` of ``obj``; a foreign key as "name (#id)"."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            related = getattr(obj, name)
            values[name] = None if related is None else f"{related} (#{related.pk})"
        else:
            values[name] = _plain(getattr(obj, name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [before, after] for the fields whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {
        k: [before.get(k), after.get(k)]
        for k in keys
        if before.get(k) != after.get(k)
        and not (before.get(k) in (None, "") and after.get(k) in (None, ""))
    }


def log(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, list[Any]] | None = None,
    pemda: Any = None,
) -> LogEntry:
    """Record one change. Must run inside the caller's transaction, so both land or neither."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.log must be called inside the transaction that makes the change")
    user = actor if getattr(actor, "pk", None) else None
    return LogEntry.objects.create(
        actor=user,
        actor_name=(user.get_username() if user else str(actor or "system"))[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        pemda=pemda,
        changes=changes or {},
    )
