"""C5-C7: TKDN of goods (both regulations) and of services, from cost lines.

Cost lines state where their domestic part comes from; the TKDN is KDN / total cost over the
lines, in full precision. Permenperin 16/2011 (until 11 Dec 2025) traces to tier 2 with the
small-item 100% rule; Permenperin 35/2025 (from 12 Dec 2025) stops at the first tier and
weighs components by their own TKDN, with incentives whose combination is configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from p3dn.rules import _fmt as f
from p3dn.rules.common import ONE, ZERO
from p3dn.rules.errors import FieldError, Problems
from p3dn.rules.params import DEFAULT_PARAMS, Params, unconfirmed
from p3dn.rules.versions import Kind, rule_set_by_version

R16 = "permenperin16_2011"
R35 = "permenperin35_2025"


class Category(StrEnum):
    MATERIAL = "material"  # bahan (material) langsung
    TENAGA_KERJA = "tenaga_kerja"  # tenaga kerja langsung
    OVERHEAD = "overhead"  # biaya tidak langsung pabrik
    ALAT_KERJA = "alat_kerja"  # alat kerja / fasilitas kerja (jasa)
    JASA_UMUM = "jasa_umum"  # jasa umum (jasa)


GOODS_CATEGORIES = (Category.MATERIAL, Category.TENAGA_KERJA, Category.OVERHEAD)
SERVICE_CATEGORIES = (Category.TENAGA_KERJA, Category.ALAT_KERJA, Category.JASA_UMUM)

CATEGORY_LABELS = {
    Category.MATERIAL: "material langsung",
    Category.TENAGA_KERJA: "tenaga kerja",
    Category.OVERHEAD: "biaya tidak langsung pabrik",
    Category.ALAT_KERJA: "alat kerja/fasilitas kerja",
    Category.JASA_UMUM: "jasa umum",
}


class Origin(StrEnum):
    DALAM_NEGERI = "dalam_negeri"  # made in Indonesia / WNI labour / domestic tools
    LUAR_NEGERI = "luar_negeri"


@dataclass(frozen=True)
class CostLine:
    """One cost line per unit of product (no profit, company overhead or output VAT).

    Its domestic part (KDN) is given by exactly one of: ``kdn`` (rupiah), ``tkdn`` (the
    component's own TKDN, a fraction) or ``asal`` (wholly domestic or wholly foreign).
    ``terverifikasi=False`` makes the KDN nil (16/2011 Pasal 7 ayat (2)). ``lapis2`` marks a
    tier-2 item claimed 100% under 16/2011 Pasal 4 (needs ``asal``).
    """

    uraian: str
    kategori: Category
    biaya: Decimal
    asal: Origin | None = None
    kdn: Decimal | None = None
    tkdn: Decimal | None = None
    terverifikasi: bool = True
    lapis2: bool = False


@dataclass(frozen=True)
class LineKdn:
    uraian: str
    kategori: Category
    biaya: Decimal
    kdn: Decimal
    dasar: (
        str  # how the KDN was found: asal, kdn, tkdn_komponen, lapis2_100, tidak_terverifikasi, ...
    )

    @property
    def kln(self) -> Decimal:
        return self.biaya - self.kdn


@dataclass(frozen=True)
class CategoryTotal:
    kategori: Category
    biaya: Decimal
    kdn: Decimal

    @property
    def kln(self) -> Decimal:
        return self.biaya - self.kdn


@dataclass(frozen=True)
class TkdnResult:
    regulation: str
    tkdn: Decimal  # final value, fraction
    tkdn_biaya: Decimal  # from the cost lines, before any incentive
    total: Decimal
    kdn: Decimal
    lines: tuple[LineKdn, ...]
    categories: tuple[CategoryTotal, ...]
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]

    @property
    def kln(self) -> Decimal:
        return self.total - self.kdn


def check_lines(
    lines: Sequence[CostLine],
    allowed: Sequence[Category],
    regulation: str,
    *,
    tier2_rule: bool = True,
) -> list[FieldError]:
    """Problems in cost lines, each with its path (``lines[2].kdn``)."""
    problems = Problems()
    problems.empty("lines", lines)
    for i, line in enumerate(lines):
        at = f"lines[{i}]"
        problems.choice(f"{at}.kategori", line.kategori, (c.value for c in allowed))
        problems.negative(f"{at}.biaya", line.biaya)
        problems.fraction(f"{at}.tkdn", line.tkdn)
        given = [k for k in ("asal", "kdn", "tkdn") if getattr(line, k) is not None]
        if len(given) > 1:
            names = ", ".join(given)
            problems.add(
                f"{at}.{given[1]}",
                "conflict",
                f"Isi hanya salah satu dari asal, kdn, tkdn (terisi: {names}).",
                f"Give only one of asal, kdn, tkdn (given: {names}).",
            )
        elif not given and line.terverifikasi:
            problems.add(
                f"{at}.asal",
                "required",
                "Isi asal, kdn atau tkdn untuk menentukan komponen dalam negeri.",
                "Give asal, kdn or tkdn to determine the domestic component.",
            )
        if line.kdn is not None and not ZERO <= line.kdn <= line.biaya:
            problems.add(
                f"{at}.kdn",
                "out_of_range",
                "KDN harus antara 0 dan biaya baris.",
                "KDN must be between 0 and the line cost.",
            )
        if line.lapis2 and not tier2_rule:
            problems.add(
                f"{at}.lapis2",
                "not_allowed",
                "Aturan 100% barang lapis kedua hanya untuk barang; isi kdn hasil telusur.",
                "The tier-2 100% rule is for goods only; give the traced kdn.",
            )
        elif line.lapis2 and regulation == R35:
            problems.add(
                f"{at}.lapis2",
                "not_allowed",
                "Permenperin 35/2025 menghitung sampai lapis pertama; aturan lapis kedua "
                "tidak berlaku.",
                "Permenperin 35/2025 stops at the first tier; the tier-2 rule does not apply.",
            )
        elif line.lapis2 and line.asal is None and line.terverifikasi:
            problems.add(
                f"{at}.asal",
                "required",
                "Barang lapis kedua memerlukan asal.",
                "A tier-2 item needs asal.",
            )
    return problems.errors


def _tier2_qualifiers(lines: Sequence[CostLine], hbj: Decimal, params: Params) -> set[int]:
    """Indexes of tier-2 lines counted 100% (16/2011 Pasal 4): domestic, each < 3% of the
    product cost, all together <= 10%; the 10% is filled from the cheapest item up."""
    small = sorted(
        (line.biaya, i)
        for i, line in enumerate(lines)
        if line.lapis2
        and line.terverifikasi
        and line.asal is Origin.DALAM_NEGERI
        and line.biaya < params.tier2_item_max_share * hbj
    )
    chosen: set[int] = set()
    running = ZERO
    for cost, i in small:
        if running + cost > params.tier2_total_max_share * hbj:
            break
        running += cost
        chosen.add(i)
    return chosen


def _line_kdn(line: CostLine, tier2_ok: bool) -> LineKdn:
    def out(kdn: Decimal, dasar: str) -> LineKdn:
        return LineKdn(line.uraian, line.kategori, line.biaya, kdn, dasar)

    if not line.terverifikasi:
        return out(ZERO, "tidak_terverifikasi")
    if line.lapis2:
        if line.asal is Origin.LUAR_NEGERI:
            return out(ZERO, "asal_luar_negeri")
        return out(line.biaya, "lapis2_100") if tier2_ok else out(ZERO, "lapis2_tidak_memenuhi")
    if line.kdn is not None:
        return out(line.kdn, "kdn")
    if line.tkdn is not None:
        return out(line.biaya * line.tkdn, "tkdn_komponen")
    if line.asal is Origin.DALAM_NEGERI:
        return out(line.biaya, "asal_dalam_negeri")
    return out(ZERO, "asal_luar_negeri")


_DASAR_TEXT = {
    "tidak_terverifikasi": (
        f"tidak dapat dipertanggungjawabkan {f.ARROW} KDN nihil (Pasal 7 ayat (2))"
    ),
    "asal_luar_negeri": f"asal luar negeri {f.ARROW} KDN 0",
    "asal_dalam_negeri": f"asal dalam negeri {f.ARROW} KDN 100%",
    "lapis2_100": (
        f"barang lapis kedua buatan dalam negeri, < 3% dan jumlahnya {f.LE} 10% {f.ARROW} "
        "dihitung 100% (Pasal 4)"
    ),
    "lapis2_tidak_memenuhi": (
        f"barang lapis kedua tidak memenuhi batas 3%/10% dan tanpa nilai telusur {f.ARROW} KDN 0"
    ),
    "kdn": "KDN ditelusuri",
}


def _describe(line: LineKdn, source: CostLine) -> str:
    basis = _DASAR_TEXT.get(line.dasar)
    if line.dasar == "tkdn_komponen":
        assert source.tkdn is not None
        basis = f"TKDN komponen {f.pct(source.tkdn)} {f.ARROW} KDN {f.rp(line.kdn)}"
    elif line.dasar == "kdn":
        basis = f"KDN ditelusuri {f.rp(line.kdn)}"
    return f"{line.uraian} ({CATEGORY_LABELS[line.kategori]}): biaya {f.rp(line.biaya)}; {basis}."


def _totals(lines: Sequence[LineKdn], order: Sequence[Category]) -> tuple[CategoryTotal, ...]:
    out = []
    for cat in order:
        mine = [x for x in lines if x.kategori is cat]
        if mine:
            out.append(
                CategoryTotal(
                    cat, sum((x.biaya for x in mine), ZERO), sum((x.kdn for x in mine), ZERO)
                )
            )
    return tuple(out)


def _ratio_line(name: str, kdn: Decimal, total: Decimal) -> str:
    value = kdn / total
    return (
        f"{name} = ({f.rp(total)} {f.MINUS} {f.rp(total - kdn)}) / {f.rp(total)} = "
        f"{f.rp(kdn)} / {f.rp(total)} = {f.pct(value)}."
    )


def _weights_35(params: Params) -> dict[Category, Decimal] | None:
    raw = {
        Category.MATERIAL: params.tkdn35_weight_material,
        Category.TENAGA_KERJA: params.tkdn35_weight_labour,
        Category.OVERHEAD: params.tkdn35_weight_overhead,
    }
    given = {k: v for k, v in raw.items() if v is not None}
    if not given:
        return None
    if len(given) != len(raw) or sum(given.values(), ZERO) != ONE:
        problems = Problems()
        problems.add(
            "params.tkdn35_weight_material",
            "invalid_weights",
            "Bobot material, tenaga kerja dan overhead harus diisi semua dan berjumlah 1.",
            "Material, labour and overhead weights must all be set and sum to 1.",
        )
        problems.raise_if_any()
    return given


def tkdn_barang(
    lines: Sequence[CostLine],
    *,
    regulation: str,
    investasi: bool = False,
    litbang: Decimal = ZERO,
    params: Params = DEFAULT_PARAMS,
) -> TkdnResult:
    """C5/C6: TKDN of goods from per-unit cost lines.

    Legal basis: Permenperin 16/M-IND/PER/2/2011 Pasal 3, 4 and 7 ayat (2) with Lampiran II:
    TKDN = (harga barang jadi - komponen luar negeri) / harga barang jadi. Permenperin 35/2025
    Lampiran I: material KDN = sum of (usage cost share x component TKDN); the 25% floor for
    investing producers (``investasi``) and the R&D add-on up to 20% (``litbang``) combine as
    ``params.tkdn35_incentive_mode`` says (not found in a text: unconfirmed).
    """
    problems = Problems()
    problems.extend(check_lines(lines, GOODS_CATEGORIES, regulation))
    problems.choice("regulation", regulation, (R16, R35))
    if regulation != R35 and (investasi or litbang):
        problems.add(
            "investasi" if investasi else "litbang",
            "not_allowed",
            "Insentif investasi/litbang hanya ada di Permenperin 35/2025.",
            "Investment/R&D incentives exist only under Permenperin 35/2025.",
        )
    if not ZERO <= litbang <= params.tkdn35_rd_bonus_max:
        limit = f.pct(params.tkdn35_rd_bonus_max)
        problems.add(
            "litbang",
            "above_max",
            f"Tambahan litbang harus antara 0 dan {limit}.",
            f"The R&D add-on must be between 0 and {limit}.",
        )
    problems.zero_total("lines", sum((x.biaya for x in lines), ZERO))
    problems.raise_if_any()
    rule_set = rule_set_by_version(Kind.TKDN, regulation)
    hbj = sum((x.biaya for x in lines), ZERO)
    tier2 = _tier2_qualifiers(lines, hbj, params) if regulation == R16 else set()
    computed = tuple(_line_kdn(line, i in tier2) for i, line in enumerate(lines))
    cats = _totals(computed, GOODS_CATEGORIES)
    kdn = sum((x.kdn for x in computed), ZERO)
    notes: list[str] = []
    text = [
        f"Dasar: {rule_set.legal_basis}. Harga barang jadi (HBJ) = material + tenaga kerja + "
        "biaya tidak langsung pabrik, per unit, tanpa keuntungan, overhead perusahaan dan PPN."
    ]
    text += [_describe(x, src) for x, src in zip(computed, lines, strict=True)]
    if any(line.lapis2 for line in lines):
        notes += ["tier2_item_max_share", "tier2_total_max_share", "tier2_rule_reading"]
    if regulation == R35 and any(
        x.dasar == "asal_dalam_negeri" and x.kategori is Category.MATERIAL for x in computed
    ):
        notes.append("tkdn35_uncertified_domestic")
    text += [
        f"{CATEGORY_LABELS[c.kategori].capitalize()}: KDN {f.rp(c.kdn)} dari {f.rp(c.biaya)}."
        for c in cats
    ]
    weights = _weights_35(params) if regulation == R35 else None
    if weights is None:
        value = kdn / hbj
        text.append(_ratio_line("TKDN", kdn, hbj))
        if regulation == R35:
            notes += ["tkdn35_weight_material", "tkdn35_weight_labour", "tkdn35_weight_overhead"]
            text.append(
                "Bobot material, tenaga kerja dan overhead menurut biaya (bobot Lampiran 35/2025 "
                "belum dikonfirmasi)."
            )
    else:
        parts = []
        value = ZERO
        for c in cats:
            share = c.kdn / c.biaya if c.biaya else ZERO
            value += weights[c.kategori] * share
            parts.append(f"{f.pct(weights[c.kategori])} {f.TIMES} {f.pct(share)}")
        text.append(f"TKDN = {' + '.join(parts)} = {f.pct(value)} (bobot dari konfigurasi).")
    cost_value = value
    if regulation == R35 and (investasi or litbang):
        value = _incentives(value, investasi, litbang, params, text)
        notes += ["tkdn35_investment_floor", "tkdn35_rd_bonus_max", "tkdn35_incentive_mode"]
    return TkdnResult(
        regulation=regulation,
        tkdn=value,
        tkdn_biaya=cost_value,
        total=hbj,
        kdn=kdn,
        lines=computed,
        categories=cats,
        legal_basis=(
            "Permenperin 16/M-IND/PER/2/2011 Pasal 3, 4, 7 ayat (2) dan Lampiran II"
            if regulation == R16
            else "Permenperin 35/2025 Lampiran I (penghitungan TKDN barang)"
        ),
        explanation=tuple(text),
        unconfirmed=unconfirmed(params, notes),
    )


def _incentives(
    value: Decimal, investasi: bool, litbang: Decimal, params: Params, text: list[str]
) -> Decimal:
    floor = params.tkdn35_investment_floor

    def apply_floor(v: Decimal) -> Decimal:
        if not investasi:
            return v
        out = max(v, floor)
        text.append(
            f"Insentif investasi: TKDN paling rendah {f.pct(floor)} {f.ARROW} max({f.pct(v)}, "
            f"{f.pct(floor)}) = {f.pct(out)}."
        )
        return out

    def add_rd(v: Decimal) -> Decimal:
        if not litbang:
            return v
        out = min(v + litbang, ONE)
        text.append(
            f"Insentif litbang: {f.pct(v)} + {f.pct(litbang)} = {f.pct(out)} (paling tinggi 100%)."
        )
        return out

    if params.tkdn35_incentive_mode == "add_then_floor":
        result = apply_floor(add_rd(value))
    else:
        result = add_rd(apply_floor(value))
    text.append(
        f"TKDN setelah insentif = {f.pct(result)} (urutan insentif: "
        f"{params.tkdn35_incentive_mode}, "
        "belum dikonfirmasi)."
    )
    return result


def tkdn_jasa(
    lines: Sequence[CostLine], *, regulation: str = R16, params: Params = DEFAULT_PARAMS
) -> TkdnResult:
    """C7: TKDN of services = KDN service cost / total service cost.

    Cost lines: labour, tools and work facilities, general services.

    Legal basis: Permenperin 16/M-IND/PER/2/2011 Pasal 8 (costed on site, without profit,
    company overhead or output VAT). Under Permenperin 35/2025 the same ratio is assumed.
    """
    problems = Problems()
    problems.extend(check_lines(lines, SERVICE_CATEGORIES, R16, tier2_rule=False))
    problems.choice("regulation", regulation, (R16, R35))
    problems.zero_total("lines", sum((x.biaya for x in lines), ZERO))
    problems.raise_if_any()
    total = sum((x.biaya for x in lines), ZERO)
    computed = tuple(_line_kdn(line, False) for line in lines)
    kdn = sum((x.kdn for x in computed), ZERO)
    cats = _totals(computed, SERVICE_CATEGORIES)
    text = [
        "Biaya jasa dihitung di lokasi pekerjaan: tenaga kerja, alat kerja/fasilitas kerja, jasa "
        "umum; "
        "tanpa keuntungan, overhead perusahaan dan PPN."
    ]
    text += [_describe(x, src) for x, src in zip(computed, lines, strict=True)]
    text.append(_ratio_line("TKDN jasa", kdn, total))
    notes = ["tkdn35_services_method"] if regulation == R35 else []
    return TkdnResult(
        regulation=regulation,
        tkdn=kdn / total,
        tkdn_biaya=kdn / total,
        total=total,
        kdn=kdn,
        lines=computed,
        categories=cats,
        legal_basis="Permenperin 16/M-IND/PER/2/2011 Pasal 8"
        + ("; Permenperin 35/2025 (rumus sama, diasumsikan)" if regulation == R35 else ""),
        explanation=tuple(text),
        unconfirmed=unconfirmed(params, notes),
    )
