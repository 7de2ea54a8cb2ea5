"""The packages, contracts and orders behind a number of the Dasbor.

A number is one part (``sumber``: the RUP set, the budget structure or a realization channel),
one measure of it (``nilai``: the value, its PDN part, its UMK part, or what is not yet
classified) and optionally one perangkat daerah and one month, under the Dasbor's filters.
The rows come from ``p3dn.procurement.sums.source_rows``, the very rows the indicators sum, so
the total of a drill-down is the number that was clicked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from p3dn.accounts.models import Pemda, Unit
from p3dn.lib.money import format_percent
from p3dn.procurement.sums import CHANNELS, SOURCES, ZERO, Filters, source_rows

MEASURES = ("nilai", "pdn", "umk", "unknown", "nilai_estimasi", "pdn_estimasi")
NO_UNIT = "tanpa"
NO_MONTH = "tanpa"

SOURCE_LABELS = {
    "rup": _("RUP provider packages (commitment)"),
    "belanja": _("Budget structure (belanja pengadaan)"),
    "tender": "Tender",
    "non_tender": "Non-tender",
    "pencatatan_non_tender": _("Recorded non-tender"),
    "swakelola": _("Recorded swakelola"),
    "e_purchasing": "e-Purchasing",
    "toko_daring": "Toko Daring",
    "manual": _("Manual realization (with evidence)"),
    "apbd": _("APBD commitment (template)"),
}

MEASURE_LABELS: dict[str, dict[str, Any]] = {
    "rup": {
        "nilai": _("Provider budget (pagu penyedia)"),
        "pdn": _("PDN commitment"),
        "umk": _("UMK commitment"),
    },
    "belanja": {"nilai": "Belanja pengadaan"},
    "apbd": {
        "pdn": _("APBD PDN commitment"),
        "umk": _("APBD UMK commitment"),
    },
}
REALIZATION_MEASURES: dict[str, Any] = {
    "nilai": _("Realization"),
    "pdn": _("PDN realization"),
    "umk": _("UMK realization"),
    "unknown": _("Not yet classified"),
    "nilai_estimasi": _("Classified by estimate (RUP package status)"),
    "pdn_estimasi": _("PDN by estimate (RUP package status)"),
}

# What identifies and names a row of each part: (code field, name field, note fields).
ROW_FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "rup": ("kd_rup", "nama_paket", ("metode_pengadaan", "jenis_pengadaan", "status_pdn",
                                     "status_ukm")),
    "belanja": ("kd_satker", "kd_satker", ()),
    "tender": ("kd_paket", "nama_paket", ("no_kontrak", "versi_addendum", "nama_penyedia")),
    "non_tender": ("kd_paket", "nama_paket", ("no_kontrak", "versi_addendum", "nama_penyedia")),
    "pencatatan_non_tender": ("kd_pct", "nama_paket", ("kd_rup", "status_ket")),
    "swakelola": ("kd_pct", "nama_paket", ("kd_rup", "status_ket")),
    "e_purchasing": ("kd_paket", "nama_paket", ("source", "kd_produk", "kd_rup")),
    "toko_daring": ("order_id", "merchant_name", ("marketplace", "kategori", "status_verif")),
    "manual": ("nomor_bukti", "uraian", ("jenis_bukti",)),
    "apbd": ("kd_satker", "kd_satker", ("keterangan",)),
}


class BadRequest(ValueError):
    """A drill-down parameter that names nothing."""


@dataclass(frozen=True)
class Selection:
    """Which number was clicked."""

    tahun: int
    sumber: str
    nilai: str = "nilai"
    unit: str = ""
    bulan: str = ""

    @classmethod
    def from_query(cls, query: Any, tahun: int) -> Selection:
        sumber = query.get("sumber") or "realisasi"
        nilai = query.get("nilai") or "nilai"
        if sumber not in (*SOURCES, "realisasi") or nilai not in MEASURES:
            raise BadRequest(f"{sumber}/{nilai}")
        bulan = query.get("bulan") or ""
        if bulan and bulan != NO_MONTH:
            try:
                dt.date.fromisoformat(f"{bulan}-01")
            except ValueError:
                raise BadRequest(bulan) from None
        unit = query.get("unit") or ""
        if unit and unit != NO_UNIT and not (unit.isascii() and unit.isdigit() and len(unit) < 19):
            raise BadRequest(unit)
        return cls(tahun=tahun, sumber=sumber, nilai=nilai, unit=unit, bulan=bulan)

    def query(self, **changes: str) -> list[tuple[str, str]]:
        values = {"tahun": str(self.tahun), "sumber": self.sumber, "nilai": self.nilai,
                  "unit": self.unit, "bulan": self.bulan, **changes}
        return [(k, v) for k, v in values.items() if v]


def measure_label(sumber: str, nilai: str) -> str:
    return str(MEASURE_LABELS.get(sumber, REALIZATION_MEASURES).get(nilai, nilai))


def _narrowed(rows: QuerySet[Any], selection: Selection) -> QuerySet[Any]:
    if selection.unit == NO_UNIT:
        rows = rows.filter(unit__isnull=True)
    elif selection.unit:
        rows = rows.filter(unit_id=int(selection.unit))
    if selection.bulan == NO_MONTH:
        rows = rows.filter(d_date__isnull=True)
    elif selection.bulan:
        year, month = (int(p) for p in selection.bulan.split("-"))
        rows = rows.filter(d_date__year=year, d_date__month=month)
    column = f"d_{selection.nilai}"
    if selection.nilai != "nilai":
        rows = rows.exclude(**{column: 0})  # rows that add nothing to the clicked number
    return rows


def rows_for(
    pemda: Pemda, selection: Selection, filters: Filters, day: dt.date | None = None
) -> QuerySet[Any]:
    """The rows behind the selected number, largest first."""
    rows = source_rows(selection.sumber, pemda, selection.tahun, day, filters)
    column = f"d_{selection.nilai}"
    return _narrowed(rows, selection).order_by(f"-{column}", "pk")


def total(rows: QuerySet[Any], nilai: str) -> Decimal:
    value = rows.order_by().aggregate(t=Sum(f"d_{nilai}"))["t"]
    return value if value is not None else ZERO


def channel_totals(
    pemda: Pemda, selection: Selection, filters: Filters, day: dt.date | None = None
) -> list[dict[str, Any]]:
    """For a realization number (all channels): the part each channel contributes."""
    out = []
    for channel in CHANNELS:
        rows = _narrowed(
            source_rows(channel, pemda, selection.tahun, day, filters),
            Selection(selection.tahun, channel, selection.nilai, selection.unit, selection.bulan),
        )
        out.append(
            {
                "sumber": channel,
                "label": SOURCE_LABELS[channel],
                "count": rows.count(),
                "total": total(rows, selection.nilai),
            }
        )
    return out


def table_row(sumber: str, row: Any, units: dict[int, Unit]) -> dict[str, Any]:
    code, name, notes = ROW_FIELDS[sumber]
    unit = units.get(row.unit_id) if row.unit_id else None
    label = getattr(row, name)
    if sumber in ("belanja", "apbd"):
        label = unit.name if unit else row.kd_satker
    shown = [str(getattr(row, n)) for n in notes if getattr(row, n) not in (None, "")]
    if sumber == "manual":  # the evidence: its kind, number, date (the row's), and TKDN
        shown = [
            str(row.get_jenis_bukti_display()),
            *([f"TKDN {format_percent(row.tkdn)}"] if row.tkdn is not None else []),
        ]
    return {
        "code": getattr(row, code),
        "name": label,
        "unit": unit,
        "date": row.d_date,
        "notes": shown,
        "nilai": row.d_nilai,
        "pdn": row.d_pdn,
        "umk": row.d_umk,
        "unknown": row.d_unknown,
    }


def pemda_units(pemda: Pemda) -> dict[int, Unit]:
    return {u.pk: u for u in Unit.objects.filter(pemda=pemda)}


def describe(selection: Selection, units: dict[int, Unit]) -> list[str]:
    """The selection in words, for the page heading."""
    parts = [str(SOURCE_LABELS.get(selection.sumber, _("All realization channels")))]
    if selection.unit == NO_UNIT:
        parts.append(str(_("without a perangkat daerah")))
    elif selection.unit and int(selection.unit) in units:
        parts.append(units[int(selection.unit)].name)
    if selection.bulan == NO_MONTH:
        parts.append(str(_("without a date")))
    elif selection.bulan:
        parts.append(selection.bulan)
    return parts

