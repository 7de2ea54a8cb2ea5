"""Reads of Monev: a snapshot's predecessor and the change since it, the snapshots and findings
of a Pemda-year as the pages list them, the years the schedule snapshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from p3dn.accounts.models import Pemda
from p3dn.monitoring.indicators import MONEY_KEYS, RATIO_KEYS
from p3dn.monitoring.monev.models import Finding, Snapshot
from p3dn.monitoring.queries import readable_warnings, year_incomplete, years_with_data

CLOSED = (Finding.Status.DONE, Finding.Status.DROPPED)


# ------------------------------------------------------------------ snapshots


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


def years_to_snapshot(pemda: Pemda, today: dt.date) -> list[int]:
    """Every year with data from last year on; when there is none, the latest year with data;
    without any data, the current year (the snapshot then records that nothing is in yet)."""
    years = years_with_data(pemda)
    recent = [y for y in years if y >= today.year - 1]
    return recent or years[:1] or [today.year]


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
        "warnings": readable_warnings(snapshot.figures.get("warnings")),
        "incomplete": year_incomplete(snapshot.figures),
        "previous": change.previous,
        "whole_change": change.whole,
        "lines": lines,
        "appeared": change.appeared,
        "disappeared": change.disappeared,
    }


# ------------------------------------------------------------------ findings


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
