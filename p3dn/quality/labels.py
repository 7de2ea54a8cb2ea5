"""The words a person reads for each warning code and each row source (never the raw code on a
page or in a workbook)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

CODE_LABELS: dict[str, Any] = {
    "rup_sampel": _("RUP looks like a sample"),
    "capaian_di_atas_100": _("Capaian PDN above 100%"),
    "realisasi_tanpa_rup": _("Realization without a RUP package"),
    "unit_tanpa_komitmen": _("Perangkat daerah without commitment"),
    "umk_sama_dengan_nilai_kontrak": _("UMK equal to a contract value above Rp15 miliar"),
    "selisih_digit": _("Digit slip in a PDN or UMK value"),
    "nama_unit_ganda": _("Duplicate perangkat daerah name"),
    "realisasi_manual_ganda": _("Manual realization repeating SPSE"),
    "komitmen_pdn_nol": _("PDN commitment is zero"),
    "realisasi_total_nol": _("No realization"),
    "belanja_pengadaan_nol": _("Belanja pengadaan is zero"),
}

SOURCE_LABELS: dict[str, Any] = {
    "pemda": _("Whole Pemda"),
    "unit": _("Perangkat daerah"),
    "rup": _("RUP provider package"),
    "rup_swakelola": _("RUP swakelola package"),
    "tender": "Tender",
    "non_tender": "Non-tender",
    "pencatatan_non_tender": _("Recorded non-tender"),
    "swakelola": _("Recorded swakelola"),
    "e_purchasing": "e-Purchasing",
    "toko_daring": "Toko Daring",
    "manual": _("Manual realization"),
}

# The row sources the Dasbor's drill-down (monitoring:drill, ?sumber=) lists.
DRILLABLE = (
    "rup",
    "tender",
    "non_tender",
    "pencatatan_non_tender",
    "swakelola",
    "e_purchasing",
    "toko_daring",
    "manual",
)
