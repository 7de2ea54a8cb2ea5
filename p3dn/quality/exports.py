"""The suspicious rows as a workbook, to send back to the PPK for correction."""

from __future__ import annotations

from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda
from p3dn.lib.xlsx import Block, workbook_bytes
from p3dn.quality.labels import CODE_LABELS, SOURCE_LABELS
from p3dn.quality.queries import DataWarning, SourceRow


def header() -> list[str]:
    return [
        _("Warning"),
        _("Perangkat daerah"),
        _("Source"),
        _("Package / contract code"),
        _("RUP code"),
        _("Contract number"),
        _("Name"),
        _("Value"),
        "PDN",
        "UMK",
        _("Why"),
    ]


def row_cells(r: SourceRow) -> list[object]:
    return [
        str(CODE_LABELS[r.code]),
        r.unit_name,
        str(SOURCE_LABELS.get(r.sumber, r.sumber)),
        r.ident,
        r.kd_rup,
        r.no_kontrak,
        r.nama,
        r.nilai,
        r.pdn,
        r.umk,
        r.alasan,
    ]


def rows_workbook(
    pemda: Pemda, tahun: int, warnings: list[DataWarning], rows: list[SourceRow]
) -> bytes:
    """One sheet: the warnings (label, rows, rupiah, sentence), then every row listed."""
    summary = Block(
        _("Warnings"),
        [[str(CODE_LABELS[w.code]), w.count, w.nilai, w.message] for w in warnings],
        header=[_("Warning"), _("Rows"), _("Value"), _("Explanation")],
    )
    listed = Block(_("Rows to check with the PPK"), [row_cells(r) for r in rows], header=header())
    heading = _("Data quality %(pemda)s %(tahun)s") % {"pemda": pemda.name, "tahun": tahun}
    return workbook_bytes(_("Data quality"), heading, [summary, listed])
