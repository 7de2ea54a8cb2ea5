"""Reads of the finder for the pages, the API, the command, the export, the Dasbor card and
the report: the alternatives of a typed text (``alternatives_of``), and the stored scan of a
Pemda-year read per perangkat daerah (``unit_summary``) and per row (``scan_rows``).

"Potensi PDN" of a unit is the non-PDN value of its rows that have at least one domestic
alternative. The RUP (a plan) and the realization are summed apart and never added together:
a package and the contract that carries it out are the same spending.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from p3dn.accounts.models import Pemda

from . import finder
from .models import PLAN_SOURCES, REALIZATION_SOURCES, Scan, ScanRow

ZERO = Decimal("0.00")
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)


def alternatives_of(text: str, *, pemda: Pemda | None = None,
                    unit_price: Decimal | None = None,
                    as_of: dt.date | None = None) -> finder.Found:
    """The domestic alternatives of a typed text (searched as written, one search)."""
    return finder.find([text], pemda=pemda, unit_price=unit_price,
                       as_of=as_of or timezone.localdate())


def tier_record(found: finder.Found) -> dict[str, Any] | None:
    """The C2 tier of the alternatives found, as the API and the command write it."""
    result = found.tier
    if result is None:
        return None
    return {
        "tingkat": result.tier.value,
        "keterangan": finder.tier_label(result.tier.value),
        "dasar_hukum": result.legal_basis,
        "tanggal_acuan": result.as_of.isoformat(),
        "penjelasan": list(result.explanation),
    }


def found_record(text: str, found: finder.Found, limit: int) -> dict[str, Any]:
    return {
        "query": text,
        "total": len(found.alternatives),
        "lebih_banyak": found.truncated,
        "tingkat_pembelian": tier_record(found),
        "results": [finder.record(a) for a in found.alternatives[:limit]],
    }


def for_display(record: dict[str, Any]) -> dict[str, Any]:
    """A stored alternative (finder.record) as a page shows it: its date as a date."""
    shown = dict(record)
    day = record.get("berlaku_sampai")
    shown["berlaku_sampai"] = dt.date.fromisoformat(day) if day else None
    return shown


def _money(condition: Q) -> Coalesce:
    return Coalesce(Sum("non_pdn", filter=condition), Value(ZERO), output_field=MONEY)


PLAN = Q(source__in=PLAN_SOURCES)
REALIZATION = Q(source__in=REALIZATION_SOURCES)
FOUND = Q(alternatives__gt=0)


@dataclass(frozen=True)
class UnitLine:
    unit_id: int | None
    name: str
    rows: int
    rows_found: int
    non_pdn_rencana: Decimal
    potensi_rencana: Decimal
    non_pdn_realisasi: Decimal
    potensi_realisasi: Decimal

    @property
    def key(self) -> str:
        return str(self.unit_id) if self.unit_id else "tanpa"


def _lines(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.annotate(
        n=Count("id"), found=Count("id", filter=FOUND),
        non_pdn_rencana=_money(PLAN), potensi_rencana=_money(PLAN & FOUND),
        non_pdn_realisasi=_money(REALIZATION), potensi_realisasi=_money(REALIZATION & FOUND),
    )


def unit_summary(scan: Scan) -> list[UnitLine]:
    """Per perangkat daerah: its non-PDN rows, and the potensi PDN of the plan and of the
    realization; the largest potensi first."""
    grouped = _lines(ScanRow.objects.filter(scan=scan).values("unit_id", "unit_name")
                     .order_by())
    lines = [
        UnitLine(g["unit_id"], g["unit_name"], g["n"], g["found"], g["non_pdn_rencana"],
                 g["potensi_rencana"], g["non_pdn_realisasi"], g["potensi_realisasi"])
        for g in grouped
    ]
    lines.sort(key=lambda u: (-(u.potensi_rencana + u.potensi_realisasi), -u.rows_found,
                              u.name, u.unit_id or 0))
    return lines


def totals(scan: Scan) -> UnitLine:
    found = list(_lines(ScanRow.objects.filter(scan=scan).values("scan_id").order_by()))
    g = found[0] if found else None
    if g is None:
        return UnitLine(None, "", 0, 0, ZERO, ZERO, ZERO, ZERO)
    return UnitLine(None, "", g["n"], g["found"], g["non_pdn_rencana"], g["potensi_rencana"],
                    g["non_pdn_realisasi"], g["potensi_realisasi"])


def scan_rows(scan: Scan, *, unit: str = "", source: str = "", found_only: bool = False
              ) -> QuerySet[ScanRow]:
    """The rows of a scan: of one unit (its id, or "tanpa" for rows without a unit), of one
    source, only those with an alternative; the largest non-PDN part first."""
    rows = ScanRow.objects.filter(scan=scan)
    if unit == "tanpa":
        rows = rows.filter(unit__isnull=True)
    elif unit:
        rows = rows.filter(unit_id=int(unit))
    if source:
        rows = rows.filter(source=source)
    if found_only:
        rows = rows.filter(FOUND)
    return rows.order_by("-non_pdn", "id")


def latest_scan(pemda: Pemda, tahun: int) -> Scan | None:
    return Scan.objects.filter(pemda=pemda, tahun=tahun).order_by("-finished_at", "-id").first()


def dashboard_card(*, pemda: Pemda, tahun: int) -> dict[str, Any]:
    """What the Dasbor and the report show: the latest scan of the Pemda-year (None before
    the first), its totals and the units with the largest potensi PDN. The callers have
    already checked that the user reads the Pemda."""
    scan = latest_scan(pemda, tahun)
    if scan is None:
        return {"scan": None, "pemda": pemda, "tahun": tahun}
    units = [u for u in unit_summary(scan) if u.rows_found]
    return {"scan": scan, "pemda": pemda, "tahun": tahun, "totals": totals(scan),
            "units": units[:10], "more_units": max(0, len(units) - 10)}
