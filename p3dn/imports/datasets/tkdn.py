"""Kemenperin's TKDN certificate lists: the web export (an HTML table named .xls) and the JSON
shape of scrapers of the same site."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from p3dn.imports.datasets.base import (
    CleanError,
    Dataset,
    col,
    date_value,
    fraction_of_percent,
    key_hash,
    text,
)
from p3dn.procurement.models import TkdnCertificate

NOT_APPLICABLE = {"999.99", "999,99"}
_EXCEL_TIME = re.compile(r"^(\d{1,3})[.:](\d{2})[.:]00$")  # 37.01 turned into a time: "37.01.00"


def tkdn_percent(value: Any) -> Any:
    """Nilai TKDN (%) as a fraction; 999,99 (not applicable) and Excel times handled. At
    most two decimals, as Kemenperin publishes them: more are refused, not rounded."""
    if isinstance(value, dict | list):
        raise CleanError(_("not a percentage"))
    raw = text(value).rstrip("%").strip()
    if not raw or raw in NOT_APPLICABLE:
        return None
    match = _EXCEL_TIME.match(raw)
    if match:
        raw = f"{match.group(1)}.{match.group(2)}"
    return fraction_of_percent(raw.replace(",", "."))


def _identity(values: dict[str, Any], raw: Mapping[str, Any]) -> None:
    values["cert_key"] = key_hash(
        *(
            text(raw.get(f)).lower()
            for f in (
                "Nama Perusahaan",
                "perusahaan",
                "Produk",
                "jenis_produk",
                "Spesifikasi",
                "spesifikasi",
                "Tipe",
                "tipe",
                "Merk",
                "merk",
                "Kode HS",
                "Nilai TKDN (%)",
                "nilai_tkdn",
                "Tanggal Kadaluarsa Sertifikat",
            )
        )
    )
    nilai = text(raw.get("Nilai TKDN (%)") or raw.get("nilai_tkdn")).rstrip("%").strip()
    values["tkdn_not_applicable"] = nilai in NOT_APPLICABLE


def _required(value: Any) -> str:
    result = text(value)
    if not result:
        raise CleanError(_("partial record: the field is empty"))
    return result


TKDN_EXPORT = Dataset(
    name="Kemenperin-TKDN-Export",
    title="Kemenperin: daftar sertifikat TKDN (ekspor situs)",
    model=TkdnCertificate,
    signature=frozenset({"Nama Perusahaan", "Produk", "Nilai TKDN (%)"}),
    columns=(
        col("perusahaan", "Nama Perusahaan", clean=_required, required=True),
        col("produk", "Produk", clean=_required, required=True),
        col("merk", "Merk"),
        col("spesifikasi", "Spesifikasi"),
        col("kelompok_barang", "Kelompok Barang"),
        col("nilai_tkdn", "Nilai TKDN (%)", clean=tkdn_percent),
        col("tanggal_berlaku", "Tanggal Kadaluarsa Sertifikat", clean=date_value),
        col("kode_hs", "Kode HS"),
        col("kbli", "KBLI"),
    ),
    scope="global",
    derive=_identity,
    drop=frozenset(),  # the company's address (Alamat) is kept in ``extra`` for the registry
    record_sightings=True,
)

TKDN_SCRAPE = Dataset(
    name="Kemenperin-TKDN-Scrape",
    title="Kemenperin: daftar sertifikat TKDN (hasil scraping JSON)",
    model=TkdnCertificate,
    signature=frozenset({"id_data", "Kelompok Barang"}),
    columns=(
        col("perusahaan", "perusahaan", clean=_required, required=True),
        col("produk", "jenis_produk", clean=_required, required=True),
        col("merk", "merk"),
        col("spesifikasi", "spesifikasi"),
        col("kelompok_barang", "Kelompok Barang"),
        col("nilai_tkdn", "nilai_tkdn", clean=tkdn_percent),
    ),
    scope="global",
    derive=_identity,
    drop=frozenset({"id_data"}),
    record_sightings=True,
)
