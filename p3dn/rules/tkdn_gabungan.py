"""C8 combined goods + services TKDN (both forms) and C9 the TKDN of several products."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from p3dn.rules import _fmt as f
from p3dn.rules.common import ONE, ZERO
from p3dn.rules.errors import Problems

R16 = "permenperin16_2011"
R35 = "permenperin35_2025"


@dataclass(frozen=True)
class Part:
    """A goods or services part of a combined value: its total and its foreign part (16/2011)."""

    total: Decimal
    kln: Decimal = ZERO


@dataclass(frozen=True)
class Component:
    """One component of a combined value under 35/2025: its TKDN and its share or value."""

    uraian: str
    jenis: str  # "barang" or "jasa"
    tkdn: Decimal
    proporsi: Decimal | None = None
    nilai: Decimal | None = None


@dataclass(frozen=True)
class ShareLine:
    uraian: str
    jenis: str
    tkdn: Decimal
    proporsi: Decimal
    nilai: Decimal | None
    kontribusi: Decimal


@dataclass(frozen=True)
class GabunganResult:
    regulation: str
    tkdn: Decimal
    nilai_gabungan: Decimal | None
    parts: tuple[ShareLine, ...]
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def tkdn_gabungan_16_2011(barang: Part, jasa: Part) -> GabunganResult:
    """C8 (16/2011 recap form): TKDN = ((B_total - B_LN) + (J_total - J_LN)) / (B_total + J_total).

    Legal basis: Permenperin 16/M-IND/PER/2/2011, formulir rekapitulasi TKDN gabungan barang dan
    jasa (rows I-II barang, III-VI jasa).
    """
    problems = Problems()
    for name, part in (("barang", barang), ("jasa", jasa)):
        problems.negative(f"{name}.total", part.total)
        problems.negative(f"{name}.kln", part.kln)
        if ZERO <= part.total < part.kln:
            problems.add(
                f"{name}.kln",
                "above_max",
                "KLN tidak boleh melebihi total.",
                "KLN must not exceed the total.",
            )
    problems.zero_total("barang.total", barang.total + jasa.total)
    problems.raise_if_any()
    total = barang.total + jasa.total
    value = ((barang.total - barang.kln) + (jasa.total - jasa.kln)) / total
    parts = tuple(
        ShareLine(
            uraian=name,
            jenis=name,
            tkdn=(p.total - p.kln) / p.total if p.total else ZERO,
            proporsi=p.total / total,
            nilai=p.total,
            kontribusi=(p.total - p.kln) / total,
        )
        for name, p in (("barang", barang), ("jasa", jasa))
    )
    b, j, m = barang, jasa, f.MINUS
    text = (
        f"Nilai gabungan = barang {f.rp(b.total)} + jasa {f.rp(j.total)} = {f.rp(total)}.",
        f"Proporsi: barang {f.pct(parts[0].proporsi)}, jasa {f.pct(parts[1].proporsi)}.",
        f"TKDN gabungan = (({f.rp(b.total)} {m} {f.rp(b.kln)}) + ({f.rp(j.total)} {m} "
        f"{f.rp(j.kln)})) / {f.rp(total)} = {f.pct(value)}.",
    )
    basis = "Permenperin 16/M-IND/PER/2/2011, formulir rekapitulasi TKDN gabungan barang dan jasa"
    return GabunganResult(R16, value, total, parts, basis, text, ())


def tkdn_gabungan_35_2025(components: Sequence[Component]) -> GabunganResult:
    """C8 (35/2025): TKDN = sum of TKDN_k x share_k, shares given or taken from values.

    Legal basis: Permenperin 35/2025 Pasal 18-20 (secondary source: alatanindonesia.id).
    """
    problems = Problems()
    problems.empty("komponen", components)
    by_share = [c.proporsi is not None for c in components]
    if any(by_share) and not all(by_share):
        problems.add(
            "komponen",
            "conflict",
            "Isi proporsi untuk semua komponen, atau nilai untuk semua.",
            "Give proporsi for every component, or nilai for every component.",
        )
    for i, c in enumerate(components):
        if (c.proporsi is None) == (c.nilai is None):
            problems.add(
                f"komponen[{i}].proporsi",
                "conflict",
                "Isi salah satu: proporsi atau nilai.",
                "Give exactly one of proporsi or nilai.",
            )
        problems.fraction(f"komponen[{i}].tkdn", c.tkdn)
        problems.fraction(f"komponen[{i}].proporsi", c.proporsi, "Proporsi")
        problems.negative(f"komponen[{i}].nilai", c.nilai)
    shares_given = bool(components) and all(by_share)
    if (
        not problems.errors
        and shares_given
        and sum((c.proporsi or ZERO for c in components), ZERO) != ONE
    ):
        problems.add(
            "komponen",
            "sum_not_one",
            "Jumlah proporsi harus 1 (100%).",
            "Shares must add up to 1 (100%).",
        )
    total = None if shares_given else sum((c.nilai or ZERO for c in components), ZERO)
    problems.zero_total("komponen", ONE if total is None else total)
    problems.raise_if_any()
    lines: list[ShareLine] = []
    for c in components:
        share = c.proporsi if c.proporsi is not None else (c.nilai or ZERO) / (total or ONE)
        lines.append(ShareLine(c.uraian, c.jenis, c.tkdn, share, c.nilai, c.tkdn * share))
    value = sum((x.kontribusi for x in lines), ZERO)
    text: list[str] = []
    if total is not None:
        values = " + ".join(f.rp(x.nilai or ZERO) for x in lines)
        text.append(f"Nilai gabungan = {values} = {f.rp(total)}.")
    for x in lines:
        text.append(
            f"{x.uraian} ({x.jenis}): TKDN {f.pct(x.tkdn)} {f.TIMES} proporsi "
            f"{f.pct(x.proporsi)} = {f.pct(x.kontribusi)}."
        )
    terms = " + ".join(f"{f.pct(x.tkdn)} {f.TIMES} {f.pct(x.proporsi)}" for x in lines)
    text.append(f"TKDN gabungan = {terms} = {f.pct(value)}.")
    basis = "Permenperin 35/2025 Pasal 18-20 (TKDN gabungan barang dan jasa)"
    return GabunganResult(R35, value, total, tuple(lines), basis, tuple(text), ())


@dataclass(frozen=True)
class Product:
    nama: str
    tkdn: Decimal
    harga: Decimal  # purchase price


@dataclass(frozen=True)
class MultiResult:
    tkdn: Decimal
    total_harga: Decimal
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def tkdn_multi(products: Sequence[Product]) -> MultiResult:
    """C9: TKDN of several products = sum(TKDN_i x price_i) / sum(price_i).

    Legal basis: Permenperin 16/M-IND/PER/2/2011 Pasal 6.
    """
    problems = Problems()
    problems.empty("produk", products)
    for i, p in enumerate(products):
        problems.fraction(f"produk[{i}].tkdn", p.tkdn)
        problems.negative(f"produk[{i}].harga", p.harga)
    total = sum((p.harga for p in products), ZERO)
    problems.zero_total("produk", total)
    problems.raise_if_any()
    weighted = sum((p.tkdn * p.harga for p in products), ZERO)
    value = weighted / total
    text = [
        f"{p.nama}: TKDN {f.pct(p.tkdn)} {f.TIMES} {f.rp(p.harga)} = {f.rp(p.tkdn * p.harga)}."
        for p in products
    ]
    text.append(f"TKDN = {f.rp(weighted)} / {f.rp(total)} = {f.pct(value)}.")
    return MultiResult(value, total, "Permenperin 16/M-IND/PER/2/2011 Pasal 6", tuple(text), ())
