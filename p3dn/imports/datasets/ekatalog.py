"""e-Katalog and Toko Daring datasets, in the ISB shapes and the older kabupaten exports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from p3dn.imports.datasets.base import (
    CleanError,
    Dataset,
    col,
    date_value,
    datetime_value,
    integer,
    key_hash,
    money,
    percent_fraction,
    quantity,
    required_money,
    several,
    text,
    ukm_flag,
)
from p3dn.procurement.models import EPurchase, Product, Provider, TokoDaringOrder

SATKER = col("kd_satker", "kd_satker", "satker_id", clean=text)

# Package states that mean the purchase is done (v5 / kabupaten exports and v6).
COMPLETED_V5 = {"paket_selesai", "Paket Selesai", "selesai"}
COMPLETED_V6 = {"COMPLETED"}


def _required_text(value: Any) -> str:
    result = text(value)
    if not result:
        raise CleanError(_("missing"))
    return result


def _v5_line(values: dict[str, Any], raw: Mapping[str, Any]) -> None:
    values["line_key"] = values.get("kd_produk") or "-"
    status = {text(raw.get("status_paket")), text(raw.get("paket_status_str"))}
    values["completed"] = bool(status & COMPLETED_V5)
    values["status"] = text(raw.get("paket_status_str")) or text(raw.get("status_paket"))


EPURCHASING_V5 = Dataset(
    name="Ecat-PaketEPurchasing",
    title="e-Katalog v5: paket e-purchasing (per produk)",
    model=EPurchase,
    signature=frozenset({"kd_paket", "kd_produk", "kuantitas", "harga_satuan", "total_harga"}),
    columns=(
        SATKER,
        col("kd_paket", clean=_required_text, required=True),
        col("kd_rup", clean=integer),
        col("nama_paket"),
        col("kd_produk", clean=text),
        col("kd_penyedia", clean=text),
        col("kuantitas", clean=quantity),
        col("harga_satuan", clean=money),
        col("ongkos_kirim", clean=money),
        col("total_harga", clean=required_money, required=True),
        col("tanggal", "tanggal_buat_paket", clean=date_value),
    ),
    fixed={"source": EPurchase.Source.V5},
    derive=_v5_line,
)

# The kabupaten exports (trxkatalog) carry the v5 lines under slightly different names.
EPURCHASING_LEGACY = Dataset(
    name="trxkatalog",
    title="e-Katalog: transaksi (ekspor kabupaten)",
    model=EPurchase,
    signature=frozenset(
        {
            "kd_paket",
            "kd_produk",
            "satker_id",
            "kuantitas",
            "harga_satuan",
            "total_harga",
            "paket_status_str",
        }
    ),
    columns=EPURCHASING_V5.columns,
    fixed={"source": EPurchase.Source.LEGACY},
    derive=_v5_line,
)


def product_id_list(value: Any) -> list[str]:
    """The distinct product ids of a v6 package's ``product_ids`` (one comma-separated string
    of UUIDs), in their order; blanks dropped."""
    ids: list[str] = []
    for part in text(value).split(","):
        part = part.strip()
        if part and part not in ids:
            ids.append(part)
    return ids


def _product_ids(value: Any) -> str:
    return ",".join(product_id_list(value))


def _v6_package(values: dict[str, Any], raw: Mapping[str, Any]) -> None:
    values["line_key"] = "-"
    values["product_count"] = len(product_id_list(values.get("product_ids")))
    values["completed"] = text(raw.get("status_pengiriman")) in COMPLETED_V6
    values["status"] = f"{text(raw.get('status_pkt'))}/{text(raw.get('status_pengiriman'))}"


EPURCHASING_V6 = Dataset(
    name="Ecat-PaketEPurchasingV6",
    title="e-Katalog v6: paket e-purchasing",
    model=EPurchase,
    signature=frozenset({"kd_paket", "kd_penyedia_v6", "product_ids", "status_pengiriman"}),
    columns=(
        col("kd_satker", "kd_satker_str", clean=text),
        col("kd_paket", clean=_required_text, required=True),
        col("kd_rup", clean=integer),
        col("nama_paket", "rup_nama_pkt"),
        col("kd_penyedia", "kd_penyedia_v6", clean=text),
        col("product_ids", clean=_product_ids),
        col("ongkos_kirim", "ongkir", clean=money),
        col("total_harga", clean=required_money, required=True),
        col("tanggal", "tgl_order", clean=date_value),
    ),
    fixed={"source": EPurchase.Source.V6},
    derive=_v6_package,
)

FAILED_WORDS = ("kadaluarsa", "kedaluwarsa", "dibatalkan", "ditolak")


def _order(values: dict[str, Any], raw: Mapping[str, Any]) -> None:
    status = text(raw.get("status_konfirmasi_ppmse")).lower()
    note = text(raw.get("keterangan_ppmse")).lower()
    values["failed"] = status == "gagal" or any(word in note for word in FAILED_WORDS)
    values["verified"] = text(raw.get("status_verif")).lower() == "verified"
    # One order can have several lines (items, categories): each is its own fact.
    values["line_key"] = key_hash(
        raw.get("valuasi"),
        raw.get("kategori"),
        raw.get("order_desc"),
        raw.get("merchant_name") or raw.get("nama_merchant"),
    )


TOKO_DARING = Dataset(
    name="Bela-TokoDaringRealisasi",
    title="Toko Daring (Bela Pengadaan): realisasi",
    model=TokoDaringOrder,
    signature=frozenset({"order_id", "valuasi", "marketplace", "status_konfirmasi_ppmse"}),
    columns=(
        SATKER,
        col("order_id", clean=_required_text, required=True),
        col("valuasi", clean=required_money, required=True),
        col("tanggal_transaksi", clean=datetime_value),
        col("marketplace"),
        col("merchant_name", "merchant_name", "nama_merchant"),
        col("kategori", clean=several),  # "ATK;Souvenir": one line of several
        col("status_verif"),
        col("status_konfirmasi_ppmse"),
        col("keterangan_ppmse"),
    ),
    year_sources=("tahun", "tahun_anggaran"),
    derive=_order,
)


def _tkdn_fraction(value: Any) -> Any:
    return percent_fraction(value)


PRODUCT = Dataset(
    name="Ecat-ProdukDetail",
    title="e-Katalog: produk (dengan TKDN)",
    model=Product,
    signature=frozenset({"kd_produk", "nama_produk", "jenis_produk", "tkdn_produk", "nilai_bmp"}),
    columns=(
        col("kd_produk", clean=_required_text, required=True),
        col("nama_produk"),
        col("nama_manufaktur"),
        col("jenis_produk"),
        col("kbki_id", clean=text),
        col("nomor_tkdn"),
        col("tkdn_produk", clean=_tkdn_fraction),
        col("nilai_bmp", clean=_tkdn_fraction),
        col("kd_penyedia", clean=text),
    ),
    scope="global",
)

PROVIDER = Dataset(
    name="Ecat-PenyediaDetail",
    title="e-Katalog: penyedia",
    model=Provider,
    signature=frozenset({"kd_penyedia", "nama_penyedia", "penyedia_ukm"}),
    columns=(
        col("kd_penyedia", clean=_required_text, required=True),
        col("nama_penyedia"),
        col("npwp_penyedia"),
        col("penyedia_ukm", clean=ukm_flag),
        col("kbli2020_penyedia"),
    ),
    scope="global",
)
