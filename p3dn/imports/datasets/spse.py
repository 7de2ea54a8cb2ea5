"""SPSE datasets: e-contracts and their documents, tender results, pencatatan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from p3dn.imports.datasets.base import (
    Dataset,
    col,
    date_value,
    integer,
    key_hash,
    money,
    required_integer,
    required_money,
    set_of,
    several,
    text,
    zero_money,
)
from p3dn.procurement.models import (
    Contract,
    ContractDocument,
    Pencatatan,
    PencatatanRealisasi,
    TenderResult,
)

SATKER = col("kd_satker", clean=text)
KONTRAK_FIELDS = frozenset({"no_kontrak", "nilai_kontrak", "nilai_pdn_kontrak", "versi_addendum"})


def _contract(name: str, title: str, channel: str, paket: str) -> Dataset:
    return Dataset(
        name=name,
        title=title,
        model=Contract,
        signature=KONTRAK_FIELDS | {paket, "nilai_umk_kontrak", "tgl_kontrak"},
        columns=(
            SATKER,
            col("kd_paket", paket, clean=required_integer, required=True),
            col("versi_addendum", clean=lambda v: integer(v) or 0),
            col("no_kontrak"),
            col("tgl_kontrak", clean=date_value),
            col("nama_paket"),
            col("nilai_kontrak", clean=required_money, required=True),
            col("nilai_pdn_kontrak", clean=money),
            col("nilai_umk_kontrak", clean=money),
            col("kd_penyedia", clean=integer),
            col("nama_penyedia"),
            col("bentuk_usaha_penyedia"),
            col("status_kontrak"),
        ),
        fixed={"channel": channel},
    )


TENDER_KONTRAK = _contract(
    "SPSE-TenderEkontrak-Kontrak", "SPSE: kontrak tender", Contract.Channel.TENDER, "kd_tender"
)
NONTENDER_KONTRAK = _contract(
    "SPSE-NonTenderEkontrak-Kontrak",
    "SPSE: kontrak non-tender",
    Contract.Channel.NON_TENDER,
    "kd_nontender",
)


def _document(
    name: str,
    title: str,
    channel: str,
    kind: str,
    paket: str,
    marker: str,
    nomor: str,
    tanggal: str,
    nilai: str | None,
    key_fields: tuple[str, ...],
) -> Dataset:
    def derive(values: dict[str, Any], raw: Mapping[str, Any]) -> None:
        values["doc_key"] = key_hash(*(raw.get(f) for f in key_fields))

    columns = [
        SATKER,
        col("kd_paket", paket, clean=required_integer, required=True),
        col("versi_addendum", clean=lambda v: integer(v) or 0),
        col("nomor", nomor),
        col("tanggal", tanggal, clean=date_value),
    ]
    if nilai:
        columns.append(col("nilai", nilai, clean=money))
    return Dataset(
        name=name,
        title=title,
        model=ContractDocument,
        signature=frozenset({paket, marker, tanggal}),
        columns=tuple(columns),
        fixed={"channel": channel, "kind": kind},
        derive=derive,
    )


_DOCS = []
for _channel, _paket, _label, _word in (
    (Contract.Channel.TENDER, "kd_tender", "Tender", "tender"),
    (Contract.Channel.NON_TENDER, "kd_nontender", "NonTender", "non-tender"),
):
    _DOCS += [
        _document(
            f"SPSE-{_label}Ekontrak-SPPBJ",
            f"SPSE: SPPBJ {_word}",
            _channel,
            ContractDocument.Kind.SPPBJ,
            _paket,
            "no_sppbj",
            "no_sppbj",
            "tgl_sppbj",
            "harga_final",
            ("no_sppbj", "versi_addendum", "harga_final"),
        ),
        _document(
            f"SPSE-{_label}Ekontrak-SPMKSPP",
            f"SPSE: SPMK/SPP {_word}",
            _channel,
            ContractDocument.Kind.SPMKSPP,
            _paket,
            "no_spmk_spp",
            "no_spmk_spp",
            "tgl_spmk_spp",
            None,
            ("no_spmk_spp", "versi_addendum"),
        ),
        _document(
            f"SPSE-{_label}Ekontrak-BAPBAST",
            f"SPSE: BAP/BAST {_word}",
            _channel,
            ContractDocument.Kind.BAPBAST,
            _paket,
            "no_bast",
            "no_bast",
            "tgl_bast",
            "besar_pembayaran",
            (
                "no_bap",
                "no_bast",
                "tgl_bap",
                "tgl_bast",
                "besar_pembayaran",
                "progres_pekerjaan",
                "versi_addendum",
            ),
        ),
    ]
CONTRACT_DOCUMENTS = tuple(_DOCS)

TENDER_SELESAI_NILAI = Dataset(
    name="SPSE-TenderSelesaiNilai",
    title="SPSE: tender selesai dengan nilai",
    model=TenderResult,
    signature=frozenset({"kd_tender", "nilai_penawaran", "nilai_terkoreksi", "hps"}),
    columns=(
        SATKER,
        col("kd_tender", clean=required_integer, required=True),
        col("kd_rup", "kd_rup_paket", clean=several),
        *(
            col(f, clean=money)
            for f in (
                "pagu",
                "hps",
                "nilai_penawaran",
                "nilai_terkoreksi",
                "nilai_negosiasi",
                "nilai_kontrak",
                "nilai_pdn_kontrak",
                "nilai_umk_kontrak",
            )
        ),
        col("kd_penyedia", clean=integer),
        col("nama_penyedia"),
    ),
)


def _pencatatan(name: str, title: str, channel: str, kd: str, status: str) -> Dataset:
    return Dataset(
        name=name,
        title=title,
        model=Pencatatan,
        signature=frozenset({kd, "total_realisasi", "nilai_pdn_pct", status}),
        columns=(
            SATKER,
            col("kd_pct", kd, clean=required_integer, required=True),
            col("kd_rup", clean=several),
            col("nama_paket"),
            col("pagu", clean=money),
            col("total_realisasi", clean=zero_money),
            col("nilai_pdn_pct", clean=money),
            col("nilai_umk_pct", clean=money),
            col("status_ket", status),
            col("tgl_mulai_paket", clean=date_value),
            col("tgl_selesai_paket", clean=date_value),
            col("sumber_dana", clean=set_of),
        ),
        fixed={"channel": channel},
    )


PENCATATAN_NONTENDER = _pencatatan(
    "SPSE-PencatatanNonTender",
    "SPSE: pencatatan non-tender",
    Pencatatan.Channel.NON_TENDER,
    "kd_nontender_pct",
    "status_nontender_pct_ket",
)
PENCATATAN_SWAKELOLA = _pencatatan(
    "SPSE-PencatatanSwakelola",
    "SPSE: pencatatan swakelola",
    Pencatatan.Channel.SWAKELOLA,
    "kd_swakelola_pct",
    "status_swakelola_pct_ket",
)


def _realisasi(name: str, title: str, channel: str, kd: str) -> Dataset:
    def derive(values: dict[str, Any], raw: Mapping[str, Any]) -> None:
        values["line_key"] = key_hash(
            raw.get("kd_rup_paket"),
            raw.get("no_realisasi"),
            raw.get("tgl_realisasi"),
            raw.get("jenis_realisasi"),
            raw.get("nilai_realisasi"),
            raw.get("ket_realisasi"),
        )

    return Dataset(
        name=name,
        title=title,
        model=PencatatanRealisasi,
        signature=frozenset({kd, "nilai_realisasi", "jenis_realisasi", "tgl_realisasi"}),
        columns=(
            SATKER,
            col("kd_pct", kd, clean=required_integer, required=True),
            col("no_realisasi"),
            col("tgl_realisasi", clean=date_value),
            col("jenis_realisasi"),
            col("nilai_realisasi", clean=zero_money),
        ),
        fixed={"channel": channel},
        derive=derive,
    )


PENCATATAN_NONTENDER_REALISASI = _realisasi(
    "SPSE-PencatatanNonTenderRealisasi",
    "SPSE: realisasi pencatatan non-tender",
    Pencatatan.Channel.NON_TENDER,
    "kd_nontender_pct",
)
PENCATATAN_SWAKELOLA_REALISASI = _realisasi(
    "SPSE-PencatatanSwakelolaRealisasi",
    "SPSE: realisasi pencatatan swakelola",
    Pencatatan.Channel.SWAKELOLA,
    "kd_swakelola_pct",
)
