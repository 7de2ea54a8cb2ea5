"""The Dasbor's tables as Excel or CSV: the same numbers as the page, from ``compute``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda
from p3dn.lib.csvfile import csv_text
from p3dn.lib.xlsx import Block, workbook_bytes
from p3dn.monitoring.indicators import (
    APBD_MONEY_KEYS,
    APBD_RATIO_KEYS,
    MONEY_KEYS,
    RATIO_KEYS,
    PemdaYear,
)
from p3dn.procurement.sums import CHANNELS, NO_FILTERS, Filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The columns of a perangkat daerah row, as the Dasbor export and the report's workbook write
# them: three identifying columns, then money and ratios, then the APBD commitment's.
# A unit has no pagu penyedia of its own in the export and no komposisi PDN.
UNIT_KEYS = (
    "kd_satker",
    "kd_satker_str",
    "nama_satker",
    *(key for key in MONEY_KEYS if key != "pagu_penyedia"),
    *(key for key in RATIO_KEYS if key != "komposisi_pdn"),
    "komitmen_pdn_apbd",
    "capaian_pdn_apbd",
)


def unit_header() -> list[str]:
    return [
        _("Satker code"),
        _("Budget code"),
        _("Unit"),
        _("PDN commitment"),
        _("UMK commitment"),
        "Belanja pengadaan",
        _("Realization"),
        _("PDN realization"),
        _("UMK realization"),
        "Capaian PDN",
        "Porsi UMK rencana",
        "Porsi UMK realisasi",
        _("APBD PDN commitment"),
        _("Capaian (APBD)"),
    ]


def channel_header() -> list[str]:
    return [_("Channel"), _("Value"), "PDN", "UMK", _("Not yet classified")]


def _unit_rows(year: PemdaYear) -> tuple[list[str], list[list[Any]]]:
    return unit_header(), [[r[key] for key in UNIT_KEYS] for r in year.units]


def dashboard_tables(
    *, pemda: Pemda, tahun: int, fmt: str, filters: Filters = NO_FILTERS
) -> tuple[bytes, str]:
    """(content, content type). Money as exact decimals, ratios as fractions with 6 decimals;
    under the Dasbor's filters when given."""
    year = PemdaYear(pemda=pemda, tahun=tahun, filters=filters)
    whole = year.whole
    channels = [
        [
            c,
            whole["realisasi"][c]["nilai"],
            whole["realisasi"][c]["pdn"],
            whole["realisasi"][c]["umk"],
            whole["realisasi"][c].get("belum_terklasifikasi"),
        ]
        for c in CHANNELS
    ]
    unit_header, units = _unit_rows(year)
    if fmt == "csv":
        return csv_text([unit_header, *units]).encode("utf-8"), "text/csv; charset=utf-8"
    summary = [
        [key, whole[key]]
        for key in (*MONEY_KEYS, *RATIO_KEYS, *APBD_MONEY_KEYS, *APBD_RATIO_KEYS)
    ]
    summary += [
        ["tkdn_pdn_umkk", whole["indikator_pk"]["nilai_terhitung"]],
        ["indikator_pk", whole["indikator_pk"]["indikator"]],
    ]
    content = workbook_bytes(
        f"{tahun}",
        f"p3dn — {pemda.name} {tahun}",
        [
            Block(_("Indicators"), summary),
            Block(_("Realization by channel"), channels, channel_header()),
            Block(_("Perangkat daerah"), units, unit_header),
        ],
    )
    return content, XLSX
