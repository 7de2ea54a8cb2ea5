"""JSON adapters: cluster, capaian, umk_share, reserved_package, enterprise_size,
indicator_p3dn, region_code (private)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from p3dn.rules._fmt import frac_out, money_out, plain_out
from p3dn.rules._json_common import jenis, tail
from p3dn.rules._payload import Checker
from p3dn.rules.indicators import (
    IndicatorLine,
    SpendLine,
    capaian,
    classify_spend,
    indicator_p3dn,
    umk_share,
)
from p3dn.rules.packages import Package, enterprise_size, reserved_packages
from p3dn.rules.regions import parse_region_code


def _opt(value: Decimal | None, out: Any = frac_out) -> str | None:
    return None if value is None else str(out(value))


def run_cluster(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    root.params()
    lines = [
        SpendLine(
            o.text("uraian"),
            o.money("nilai"),
            o.boolean("sertifikat_berlaku", default=False),
            o.opt_fraction("tkdn"),
            o.boolean("produsen_dalam_negeri", default=False),
        )
        for o in root.objects("lines")
    ]
    ck.finish()
    r = classify_spend(lines)
    return {
        "lines": [
            {
                "uraian": x.uraian,
                "nilai": plain_out(x.nilai),
                "cluster": x.cluster.value,
                "tkdn": _opt(x.tkdn, plain_out),
                "nilai_tkdn_rp": money_out(x.nilai_tkdn_rp),
            }
            for x in r.lines
        ],
        "totals": [
            {
                "cluster": t.cluster.value,
                "jumlah": t.jumlah,
                "nilai": money_out(t.nilai),
                "nilai_tkdn_rp": money_out(t.nilai_tkdn_rp),
            }
            for t in r.totals
        ],
        "total_nilai": money_out(r.total_nilai),
        **tail(r),
    }


def run_capaian(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    root.params()
    rincian = [
        (o.text("label"), o.money("nilai"))
        for o in root.objects("rincian_realisasi_pdn", required=False)
    ]
    given = root.opt_decimal("realisasi_pdn", required=not rincian)
    realisasi = given if given is not None else sum((v for _n, v in rincian), Decimal(0))
    komitmen = root.money("komitmen_pdn")
    total = root.opt_decimal("realisasi_total_pengadaan")
    target = root.opt_fraction("target")
    ck.finish()
    r = capaian(
        realisasi_pdn=realisasi,
        komitmen_pdn=komitmen,
        realisasi_total_pengadaan=total,
        target=target,
        rincian=rincian,
    )
    return {
        "realisasi_pdn": money_out(r.realisasi_pdn),
        "komitmen_pdn": money_out(r.komitmen_pdn),
        "capaian": frac_out(r.capaian),
        "capaian_label": "Capaian (progres) = realisasi PDN / komitmen PDN",
        "komitmen_nol": r.komitmen_nol,
        "komposisi_pdn": _opt(r.komposisi_pdn),
        "komposisi_label": "Komposisi = realisasi PDN / realisasi total pengadaan (bukan capaian)",
        "target": _opt(r.target, plain_out),
        "memenuhi_target": r.memenuhi_target,
        **tail(r),
    }


_UMK_KEYS = {
    "rencana": ("pagu_ukm",),
    "realisasi": ("nilai_umk_kontrak", "nilai_umk_pct", "nilai_umk_katalog"),
}


def run_umk_share(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    tahap = root.choice("tahap", ("rencana", "realisasi"))
    parts = [
        (k, root.money(k, default=Decimal(0) if tahap == "realisasi" else None))
        for k in _UMK_KEYS[tahap]
    ]
    denominators = {k: root.opt_decimal(k) for k in ("belanja_pengadaan", "belanja_barang_jasa")}
    penyebut = root.choice("penyebut", tuple(denominators), default=params.umk_denominator)
    if denominators[penyebut] is None and not root.has_error(penyebut):
        ck.add(root.at(penyebut), "required")
    ck.finish()
    r = umk_share(tahap=tahap, bagian=parts, penyebut=penyebut, params=params, **denominators)
    return {
        "tahap": r.tahap,
        "nilai_umk": money_out(r.nilai_umk),
        "penyebut": r.penyebut,
        "nilai_penyebut": money_out(r.nilai_penyebut),
        "pangsa_umk": frac_out(r.pangsa),
        "minimum": frac_out(r.minimum),
        "memenuhi": r.memenuhi,
        **tail(r),
    }


def run_reserved_package(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    packages = [
        Package(
            o.text("kd_rup"),
            o.text("nama_paket"),
            jenis(o, "jenis_pengadaan"),
            o.money("pagu"),
            o.opt_text("status_ukm"),
            o.opt_text("alasan_non_ukm"),
            o.boolean("pengecualian_teknis", default=False),
        )
        for o in root.objects("paket")
    ]
    ck.finish()
    r = reserved_packages(packages, params=params)
    return {
        "paket": [
            {
                "kd_rup": c.kd_rup,
                "nama_paket": c.nama_paket,
                "dicadangkan": c.dicadangkan,
                "berstatus_ukm": c.ditandai_ukm,
                "perlu_tindak_lanjut": c.perlu_tindak_lanjut,
            }
            for c in r.packages
        ],
        "jumlah_dicadangkan": r.jumlah_dicadangkan,
        "jumlah_perlu_tindak_lanjut": r.jumlah_perlu_tindak_lanjut,
        **tail(r),
    }


def run_enterprise_size(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    modal = root.opt_decimal("modal_usaha")
    sales = root.opt_decimal("hasil_penjualan")
    if (
        modal is None
        and sales is None
        and not root.has_error("modal_usaha")
        and not root.has_error("hasil_penjualan")
    ):
        ck.add_custom(
            root.at("modal_usaha"),
            "required",
            "Isi modal_usaha atau hasil_penjualan.",
            "Give modal_usaha or hasil_penjualan.",
        )
    ck.finish()
    r = enterprise_size(modal_usaha=modal, hasil_penjualan=sales, params=params)
    return {
        "ukuran": r.ukuran.value,
        "menurut_modal": None if r.menurut_modal is None else r.menurut_modal.value,
        "menurut_penjualan": None if r.menurut_penjualan is None else r.menurut_penjualan.value,
        "berbeda": r.berbeda,
        "usaha_kecil": r.usaha_kecil,
        **tail(r),
    }


def run_indicator_p3dn(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    lines = [
        IndicatorLine(
            o.text("uraian"),
            o.money("nilai"),
            o.boolean("tkdn", default=False),
            o.boolean("pdn", default=False),
            o.boolean("umkk", default=False),
        )
        for o in root.objects("belanja")
    ]
    total = root.opt_decimal("total_realisasi")
    quarter = root.opt_integer("triwulan", minimum=1, maximum=4)
    target = root.opt_fraction("target")
    ck.finish()
    r = indicator_p3dn(lines, total_realisasi=total, triwulan=quarter, target=target, params=params)
    return {
        "definisi": r.definisi,
        "indikator": frac_out(r.indikator),
        "nilai_terhitung": money_out(r.nilai_terhitung),
        "total_realisasi": money_out(r.total_realisasi),
        "per_kategori": {k: money_out(v) for k, v in r.per_kategori},
        "triwulan": r.triwulan,
        "target": _opt(r.target),
        "memenuhi_target": r.memenuhi_target,
        **tail(r),
    }


def run_region_code(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    root.params()
    kode = root.text("kode")
    ck.finish()
    r = parse_region_code(kode)
    return {
        "kode": r.kode,
        "level": r.level.value,
        "provinsi": r.provinsi,
        "kabupaten_kota": r.kabupaten_kota,
        "kecamatan": r.kecamatan,
        "desa_kelurahan": r.desa_kelurahan,
        "jenis_kabupaten_kota": r.jenis_kabupaten_kota,
        "jenis_desa": r.jenis_desa,
        "induk": r.induk,
        **tail(r),
    }
