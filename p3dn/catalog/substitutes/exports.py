"""The Excel file of a scan's rows: a header sheet (Pemda, year, when the scan ran, the data
and registry as-of dates, the filters) and one line per row with its best alternative
(p3dn.lib.xlsx: every text cell neutralised by p3dn.lib.cells)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from p3dn.lib.xlsx import (
    append_facts,
    append_header,
    append_title,
    new_workbook,
    workbook_to_bytes,
)

from .finder import tier_label
from .models import Scan, ScanRow

HUNDRED = Decimal(100)


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else "—"


def _percent(value: str | None) -> Decimal | None:
    return Decimal(value) * HUNDRED if value is not None else None


def _money(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def scan_workbook(scan: Scan, rows: Iterable[ScanRow], *,
                  filters: Sequence[tuple[str, str]]) -> bytes:
    book = new_workbook()
    head = book.active
    assert head is not None
    head.title = _("Scan")[:31]
    append_title(head, _("Import substitution: domestic alternatives of non-PDN spending"))
    lines: list[tuple[str, object]] = [
        (_("Pemda"), scan.pemda.name),
        (_("Year"), scan.tahun),
        (_("Scan made at"), _local(scan.finished_at)),
        (_("By"), scan.actor_name),
        (_("Procurement data as of"), scan.data_as_of.strftime("%d-%m-%Y")
         if scan.data_as_of else "—"),
        (_("Registry as of (last sync)"), _local(scan.registry_as_of)),
        *filters,
    ]
    append_facts(head, lines)
    head.column_dimensions["A"].width = 34
    head.column_dimensions["B"].width = 60

    sheet = book.create_sheet(_("Rows")[:31])
    header = [_("Perangkat daerah"), _("Source"), _("Code"), _("Name"), _("Value (Rp)"),
              _("Non-PDN part (Rp)"), _("Alternatives found"), _("Purchase tier"),
              _("Best alternative"), _("Producer"), _("Producer's region"), _("TKDN (%)"),
              _("BMP (%)"), _("TKDN + BMP (%)"), _("Certificate"), _("Price (Rp)"),
              _("Price region"), _("Unit price paid (Rp)"), _("Price difference (Rp)")]
    append_header(sheet, header)
    for row in rows:
        best = row.best[0] if row.best else {}
        sheet.append([
            row.unit_name or _("Unit not known"), row.get_source_display(), row.ident,
            row.name, row.nilai, row.non_pdn, row.alternatives,
            tier_label(row.tier) if row.tier else "",
            best.get("produk", ""), best.get("perusahaan", ""), best.get("wilayah", ""),
            _percent(best.get("tkdn")), _percent(best.get("bmp")),
            _percent(best.get("tkdn_bmp")), best.get("status_sertifikat", ""),
            _money(best.get("harga")), best.get("wilayah_harga", ""), row.unit_price,
            _money(best.get("selisih_harga")),
        ])
    for n, width in enumerate((34, 18, 16, 50, 16, 16, 10, 40, 40, 30, 20, 9, 9, 11, 18, 16,
                               20, 16, 16), start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=n).column_letter].width = width
    return workbook_to_bytes(book)


def report_sheet(book: Any, card: dict[str, Any]) -> None:
    """The "Potensi PDN" sheet of the Laporan Monev P3DN workbook, from
    queries.dashboard_card: the scan's date, the totals, the units with the largest potensi."""
    sheet = book.create_sheet(_("Potensi PDN")[:31])
    scan: Scan | None = card.get("scan")
    if scan is None:
        sheet.append([_("No import-substitution scan has been made for this year.")])
        sheet.column_dimensions["A"].width = 60
        return
    totals = card["totals"]
    for label, value in (
        (_("Scan made at"), _local(scan.finished_at)),
        (_("Procurement data as of"),
         scan.data_as_of.strftime("%d-%m-%Y") if scan.data_as_of else "—"),
        (_("Potensi PDN in the plan (RUP)"), totals.potensi_rencana),
        (_("Potensi PDN in the realization"), totals.potensi_realisasi),
        (_("Rows with an alternative"), totals.rows_found),
        (_("non-PDN rows"), totals.rows),
    ):
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    header = [_("Perangkat daerah"), _("Potensi PDN (plan)"), _("Potensi PDN (realization)")]
    append_header(sheet, header)
    for unit in card["units"]:
        sheet.append([unit.name or _("Unit not known"), unit.potensi_rencana,
                      unit.potensi_realisasi])
    for letter, width in zip("ABC", (40, 22, 22), strict=True):
        sheet.column_dimensions[letter].width = width
