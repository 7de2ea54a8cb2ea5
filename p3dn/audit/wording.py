"""The audit trail in words a person reads: the action as "Temuan dibuat", a changed field by its
label, a value as the page shows it (a choice by its label, yes/no, rupiah, percent, a date).

The labels come from the models themselves through Django's app registry (the verbose names
and choices each app declares), so the audit app imports none of the apps it records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p3dn.audit.models import LogEntry
from p3dn.lib.money import format_number, format_percent, format_rupiah

# The last word of an action ("monitoring.finding.created") → what happened.
VERBS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("changed"),
    "deleted": gettext_lazy("deleted"),
    "applied": gettext_lazy("applied"),
    "taken": gettext_lazy("taken"),
    "synced": gettext_lazy("synchronised"),
    "password_changed": gettext_lazy("password changed"),
    "locked": gettext_lazy("locked"),
    "unlocked": gettext_lazy("unlocked"),
    "revoked": gettext_lazy("revoked"),
    "approved": gettext_lazy("approved"),
    "rejected": gettext_lazy("rejected"),
    "proposed": gettext_lazy("proposed"),
    "verified": gettext_lazy("verified"),
    "closed": gettext_lazy("closed"),
    "committed": gettext_lazy("committed"),
}
# Who acted when no person did.
ACTORS = {
    "system": gettext_lazy("System (automatic)"),
    "cli": gettext_lazy("Command line"),
    "demo": gettext_lazy("Demo data"),
    "worker": gettext_lazy("Import worker"),
}
# Values of fields that are not model fields (a snapshot's figures): read by their name.
_MONEY_PREFIXES = ("realisasi", "komitmen", "pagu", "nilai", "belanja", "anggaran")
_PERCENT_PREFIXES = ("capaian", "persen", "porsi")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _humane(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def action_label(entry: LogEntry) -> str:
    model = _model(entry.object_type)
    thing = str(model._meta.verbose_name) if model else _humane(entry.object_type.split(".")[-1])
    verb = entry.action.rsplit(".", 1)[-1]
    what = VERBS.get(verb)
    text = _("%(thing)s %(verb)s") % {"thing": thing, "verb": what or _humane(verb).lower()}
    return text[:1].upper() + text[1:]


def actor_label(entry: LogEntry) -> str:
    if entry.actor_id:
        return entry.actor_name
    return str(ACTORS.get(entry.actor_name, entry.actor_name or ACTORS["system"]))


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or a reverse relation
        return None
    return field if isinstance(field, models.Field) else None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return str(formats.date_format(dt.date.fromisoformat(value), "j F Y"))
    except ValueError:
        return None


def value_text(field: models.Field[Any, Any] | None, name: str, value: Any) -> str:
    """A recorded value as the pages show it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value in (True, "True", "true", 1) else _("No")
    number = _decimal(value) if not isinstance(value, (list, dict)) else None
    if isinstance(field, models.DecimalField) and number is not None:
        if field.decimal_places >= 4 and (field.max_digits or 0) <= 7:
            return format_percent(number)
        if field.decimal_places == 2 and (field.max_digits or 0) >= 15:
            return format_rupiah(number)
        return format_number(number, field.decimal_places or 0)
    if field is None and number is not None:
        if name.startswith(_PERCENT_PREFIXES):
            return format_percent(number)
        if name.startswith(_MONEY_PREFIXES):
            return format_rupiah(number)
    if (field is None or isinstance(field, (models.DateField, models.DateTimeField))) and (
        day := _date(value)
    ) is not None:
        return day
    if isinstance(value, (list, dict)):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def changes(entry: LogEntry) -> list[Change]:
    return model_changes(_model(entry.object_type), entry.changes)


def model_changes(model: type[models.Model] | None, recorded: dict[str, Any] | None
                  ) -> list[Change]:
    """Recorded changes of an object of ``model`` ({field: [before, after]}) in words: the
    field's label and each value as the pages show it. Also for an app's own history rows
    (a Monev finding's events)."""
    out = []
    for name, pair in (recorded or {}).items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else _humane(name)
        label = label[:1].upper() + label[1:]
        out.append(
            Change(label, value_text(field, name, before), value_text(field, name, after))
        )
    return out
