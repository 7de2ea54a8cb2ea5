"""SiRUP datasets: procurement plans, swakelola plans, budget lines and budget structure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from p3dn.imports.datasets.base import (
    Dataset,
    col,
    date_value,
    flag,
    integer,
    jenis_codes,
    jenis_names,
    key_hash,
    required_integer,
    required_money,
    signed_money,
    text,
    zero_money,
)
from p3dn.procurement.models import BudgetStructure, RupBudgetLine, RupPackage, RupSwakelola

SATKER = col("kd_satker", "kd_satker", "satker_id", clean=text)

RUP_PENYEDIA = Dataset(
    name="RUP-PaketPenyedia-Terumumkan",
    title="SiRUP: paket penyedia terumumkan",
    model=RupPackage,
    signature=frozenset({"kd_rup", "pagu", "status_pdn", "status_ukm", "kd_metode_pengadaan"}),
    columns=(
        SATKER,
        col("kd_rup", clean=required_integer, required=True),
        col("nama_paket"),
        col("pagu", clean=required_money, required=True),
        col("kd_metode_pengadaan", clean=integer),
        col("metode_pengadaan"),
        col("kd_jenis_pengadaan", clean=jenis_codes),
        col("jenis_pengadaan", clean=jenis_names),
        col("status_pdn"),
        col("status_ukm"),
        col("alasan_non_ukm"),
        col("status_umumkan_rup"),
        col("status_aktif_rup", clean=flag(True)),
        col("status_delete_rup", clean=flag(False)),
        col("status_dikecualikan", clean=flag(False)),
        col("tipe_paket"),
        col("tgl_awal_pemilihan", clean=date_value),
        col("tgl_awal_kontrak", clean=date_value),
        col("tgl_pengumuman_paket", clean=date_value),
    ),
)

RUP_SWAKELOLA = Dataset(
    name="RUP-PaketSwakelola-Terumumkan",
    title="SiRUP: paket swakelola terumumkan",
    model=RupSwakelola,
    signature=frozenset({"kd_rup", "pagu", "tipe_swakelola", "status_umumkan_rup"}),
    columns=(
        SATKER,
        col("kd_rup", clean=required_integer, required=True),
        col("nama_paket"),
        col("pagu", clean=required_money, required=True),
        col("tipe_swakelola", clean=integer),
        col("status_umumkan_rup"),
        col("status_aktif_rup", clean=flag(True)),
        col("status_delete_rup", clean=flag(False)),
    ),
)

_LINE_FIELDS = (
    "mak",
    "sumber_dana",
    "asal_dana",
    "kd_kegiatan",
    "kd_komponen",
    "kd_subkegiatan",
    "tahun_anggaran_dana",
    "asal_dana_klpd",
    "asal_dana_satker",
    "pagu",
)


def _budget_line_key(values: dict[str, Any], raw: Mapping[str, Any]) -> None:
    values["line_key"] = key_hash(*(raw.get(f) for f in _LINE_FIELDS))


RUP_ANGGARAN_PENYEDIA = Dataset(
    name="RUP-PaketAnggaranPenyedia",
    title="SiRUP: anggaran paket penyedia",
    model=RupBudgetLine,
    signature=frozenset({"kd_rup", "pagu", "mak", "sumber_dana", "asal_dana"}),
    columns=(
        SATKER,
        col("kd_rup", clean=required_integer, required=True),
        col("mak"),
        col("sumber_dana"),
        col("pagu", clean=signed_money, required=True),
    ),
    derive=_budget_line_key,
    fixed={"jenis": "penyedia"},
    name_hint="penyedia",
)

RUP_ANGGARAN_SWAKELOLA = Dataset(
    name="RUP-PaketAnggaranSwakelola",
    title="SiRUP: anggaran paket swakelola",
    model=RupBudgetLine,
    signature=RUP_ANGGARAN_PENYEDIA.signature,
    name_hint="swakelola",
    columns=RUP_ANGGARAN_PENYEDIA.columns,
    derive=_budget_line_key,
    fixed={"jenis": "swakelola"},
)

STRUKTUR_ANGGARAN = Dataset(
    name="RUP-StrukturAnggaranPD",
    title="SiRUP: struktur anggaran perangkat daerah",
    model=BudgetStructure,
    signature=frozenset({"kd_satker", "belanja_pengadaan", "belanja_operasi", "total_belanja"}),
    columns=(
        col("kd_satker", clean=text, required=True),
        col("belanja_operasi", clean=zero_money),
        col("belanja_modal", clean=zero_money),
        col("belanja_btt", clean=zero_money),
        col("belanja_non_pengadaan", clean=zero_money),
        col("belanja_pengadaan", clean=zero_money),
        col("total_belanja", clean=zero_money),
    ),
    empty_unless=(
        "tahun_anggaran",
        "belanja_operasi",
        "belanja_modal",
        "belanja_btt",
        "belanja_non_pengadaan",
        "belanja_pengadaan",
        "total_belanja",
    ),
)

# RUP-MasterSatker creates and updates perangkat daerah; it has no fact table of its own.
MASTER_SATKER = Dataset(
    name="RUP-MasterSatker",
    title="SiRUP: master satker",
    model=None,
    signature=frozenset({"kd_satker", "nama_satker", "status_satker", "jenis_satker"}),
    columns=(
        col("kd_satker", clean=text, required=True),
        col("kd_satker_str"),
        col("nama_satker", required=True),
        col("status_satker"),
        col("aktif", "status_satker", clean=lambda v: text(v).lower() in ("", "aktif")),
    ),
    year_sources=(),
)
