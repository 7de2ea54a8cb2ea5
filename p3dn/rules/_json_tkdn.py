"""JSON adapters: tkdn_barang, tkdn_jasa, tkdn_gabungan, tkdn_multi, bmp, tkdn_ik (private)."""

from __future__ import annotations

from typing import Any

from p3dn.rules._fmt import frac_out, money_out, plain_out
from p3dn.rules._json_common import names_unique, regulation, tail
from p3dn.rules._payload import Checker, Obj
from p3dn.rules.bmp import SelectedFactor, bmp
from p3dn.rules.common import ONE, ZERO
from p3dn.rules.tkdn import (
    GOODS_CATEGORIES,
    SERVICE_CATEGORIES,
    Category,
    CostLine,
    Origin,
    TkdnResult,
    tkdn_barang,
    tkdn_jasa,
)
from p3dn.rules.tkdn_gabungan import (
    R35,
    Component,
    Part,
    Product,
    tkdn_gabungan_16_2011,
    tkdn_gabungan_35_2025,
    tkdn_multi,
)
from p3dn.rules.tkdn_ik import tkdn_ik
from p3dn.rules.versions import Kind


def _cost_lines(root: Obj, categories: tuple[Category, ...], *, allow_qty: bool) -> list[CostLine]:
    out = []
    for o in root.objects("lines"):
        uraian = o.text("uraian")
        kategori = Category(o.choice("kategori", tuple(c.value for c in categories)))
        if allow_qty and (o.has("qty") or o.has("harga")):
            qty, harga = o.decimal("qty"), o.money("harga")
            if o.has("biaya"):
                o.checker.add_custom(
                    o.at("biaya"),
                    "conflict",
                    "Isi biaya, atau qty dan harga, bukan keduanya.",
                    "Give biaya, or qty and harga, not both.",
                )
            biaya = qty * harga
        else:
            biaya = o.money("biaya")
        asal = o.opt_choice("asal", tuple(x.value for x in Origin))
        out.append(
            CostLine(
                uraian=uraian,
                kategori=kategori,
                biaya=biaya,
                asal=Origin(asal) if asal else None,
                kdn=o.opt_decimal("kdn"),
                tkdn=o.opt_decimal("tkdn", fraction=True),
                terverifikasi=o.boolean("terverifikasi", default=True),
                lapis2=o.boolean("lapis2", default=False),
            )
        )
    return out


def _tkdn_out(r: TkdnResult) -> dict[str, Any]:
    return {
        "regulation": r.regulation,
        "tkdn": frac_out(r.tkdn),
        "tkdn_biaya": frac_out(r.tkdn_biaya),
        "total_biaya": money_out(r.total),
        "kdn": money_out(r.kdn),
        "kln": money_out(r.kln),
        "kategori": [
            {
                "kategori": c.kategori.value,
                "biaya": money_out(c.biaya),
                "kdn": money_out(c.kdn),
                "kln": money_out(c.kln),
            }
            for c in r.categories
        ],
        "lines": [
            {
                "uraian": x.uraian,
                "kategori": x.kategori.value,
                "biaya": money_out(x.biaya),
                "kdn": money_out(x.kdn),
                "dasar": x.dasar,
            }
            for x in r.lines
        ],
        **tail(r),
    }


def run_tkdn_barang(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    reg = regulation(root, Kind.TKDN)
    lines = _cost_lines(root, GOODS_CATEGORIES, allow_qty=True)
    investasi = root.boolean("investasi", default=False)
    litbang = root.fraction("litbang", default=ZERO, maximum=params.tkdn35_rd_bonus_max)
    ck.finish()
    return _tkdn_out(
        tkdn_barang(lines, regulation=reg, investasi=investasi, litbang=litbang, params=params)
    )


def run_tkdn_jasa(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    reg = regulation(root, Kind.TKDN)
    lines = _cost_lines(root, SERVICE_CATEGORIES, allow_qty=False)
    ck.finish()
    return _tkdn_out(tkdn_jasa(lines, regulation=reg, params=params))


def run_tkdn_gabungan(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    root.params()
    reg = regulation(root, Kind.TKDN)
    if reg == R35:
        comps = [
            Component(
                o.text("uraian"),
                o.choice("jenis", ("barang", "jasa")),
                o.fraction("tkdn"),
                o.opt_fraction("proporsi"),
                o.opt_decimal("nilai"),
            )
            for o in root.objects("komponen")
        ]
        ck.finish()
        r = tkdn_gabungan_35_2025(comps)
    else:
        parts = {}
        for name in ("barang", "jasa"):
            o = root.obj(name)
            parts[name] = Part(o.money("total"), o.money("kln", default=ZERO))
        ck.finish()
        r = tkdn_gabungan_16_2011(parts["barang"], parts["jasa"])
    return {
        "regulation": r.regulation,
        "tkdn": frac_out(r.tkdn),
        "nilai_gabungan": None if r.nilai_gabungan is None else money_out(r.nilai_gabungan),
        "komponen": [
            {
                "uraian": x.uraian,
                "jenis": x.jenis,
                "tkdn": frac_out(x.tkdn),
                "proporsi": frac_out(x.proporsi),
                "nilai": None if x.nilai is None else plain_out(x.nilai),
                "kontribusi": frac_out(x.kontribusi),
            }
            for x in r.parts
        ],
        **tail(r),
    }


def run_tkdn_multi(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    root.params()
    objs = root.objects("produk")
    products = [Product(o.text("nama"), o.fraction("tkdn"), o.money("harga")) for o in objs]
    names_unique(ck, objs, [p.nama for p in products], "nama")
    ck.finish()
    r = tkdn_multi(products)
    return {"tkdn": frac_out(r.tkdn), "total_harga": money_out(r.total_harga), **tail(r)}


def run_bmp(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    reg = regulation(root, Kind.TKDN)
    factors = [
        SelectedFactor(o.text("kode"), o.fraction("capaian", default=ONE))
        for o in root.objects("faktor", required=False)
    ]
    tkdn = root.opt_fraction("tkdn")
    ck.finish()
    r = bmp(factors, regulation=reg, tkdn=tkdn, params=params)
    return {
        "regulation": r.regulation,
        "bmp": frac_out(r.bmp),
        "bmp_sebelum_batas": frac_out(r.bmp_sebelum_batas),
        "dibatasi": r.dibatasi,
        "faktor": [
            {
                "kode": x.kode,
                "label": x.label_id,
                "bobot": frac_out(x.bobot),
                "capaian": plain_out(x.capaian),
                "nilai": frac_out(x.nilai),
                "confidence": x.confidence.value,
            }
            for x in r.factors
        ],
        "tkdn": None if r.tkdn is None else plain_out(r.tkdn),
        "tkdn_plus_bmp": None if r.tkdn_plus_bmp is None else frac_out(r.tkdn_plus_bmp),
        **tail(r),
    }


def run_tkdn_ik(payload: object) -> dict[str, Any]:
    ck = Checker()
    root = ck.root(payload)
    params = root.params()
    reg = regulation(root, Kind.TKDN_IK)
    scores = {k: root.fraction(k) for k in ("material", "tenaga_kerja", "overhead", "pengembangan")}
    modal = root.opt_decimal("modal_usaha")
    ck.finish()
    r = tkdn_ik(regulation=reg, modal_usaha=modal, params=params, **scores)
    return {
        "regulation": r.regulation,
        "tkdn_ik": frac_out(r.tkdn_ik),
        "minimum": frac_out(r.minimum),
        "dapat_disertifikasi": r.dapat_disertifikasi,
        "industri_kecil": r.industri_kecil,
        "masa_berlaku_tahun": r.masa_berlaku_tahun,
        "komponen": [
            {
                "komponen": s.komponen,
                "skor": plain_out(s.skor),
                "batas": None if s.batas is None else frac_out(s.batas),
                "dihitung": frac_out(s.dihitung),
            }
            for s in r.scores
        ],
        **tail(r),
    }
