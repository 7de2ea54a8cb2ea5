"""C1 the PDN obligation and C2 the purchase tier (Pasal 66 of Perpres 16/2018 as amended).

Which rule applies is chosen by date: the Perpres 12/2021 rule before 30 April 2025, the
Perpres 46/2025 cascade (tiers a-d, then imports) from then on (``versions.rule_set_for``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from p3dn.rules import _fmt as f
from p3dn.rules.common import ZERO
from p3dn.rules.errors import FieldError, Problems
from p3dn.rules.params import DEFAULT_PARAMS, Params, unconfirmed
from p3dn.rules.versions import Kind, rule_set_for


@dataclass(frozen=True)
class Candidate:
    """A domestic product that could meet the need, with values from the inventory list.

    ``tkdn`` and ``bmp`` are fractions (0.30 = 30%). TKDN counts only when ``certified``
    (Pasal 66 ayat (3): values come from the Kemenperin inventory list).
    """

    name: str
    tkdn: Decimal | None = None
    bmp: Decimal = ZERO
    certified: bool = True
    in_siinas: bool = False
    available_volume: Decimal | None = None


@dataclass(frozen=True)
class CandidateCheck:
    name: str
    tkdn_plus_bmp: Decimal | None
    qualifies: bool
    reason: str


@dataclass(frozen=True)
class ObligationResult:
    wajib_pdn: bool
    threshold: Decimal
    candidates: tuple[CandidateCheck, ...]
    qualifying: tuple[str, ...]
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


class Tier(StrEnum):
    """Purchase tiers: a-d and impor under Perpres 46/2025; wajib/tidak_wajib under 12/2021."""

    A = "a"
    B = "b"
    C = "c"
    D = "d"
    IMPOR = "impor"
    WAJIB = "wajib"
    TIDAK_WAJIB = "tidak_wajib"


# Lower is stricter (more domestic); used to compare tiers within one regulation.
TIER_ORDER = {
    Tier.A: 0,
    Tier.B: 1,
    Tier.C: 2,
    Tier.D: 3,
    Tier.IMPOR: 4,
    Tier.WAJIB: 0,
    Tier.TIDAK_WAJIB: 1,
}

_TIER_BASIS = {
    Tier.A: "Perpres 46/2025, Pasal 66 ayat (2) huruf a",
    Tier.B: "Perpres 46/2025, Pasal 66 ayat (2) huruf b",
    Tier.C: "Perpres 46/2025, Pasal 66 ayat (2) huruf c",
    Tier.D: "Perpres 46/2025, Pasal 66 ayat (2) huruf d",
    Tier.IMPOR: (
        "Perpres 46/2025, Pasal 66 ayat (2) (impor bila huruf a-d tidak terpenuhi; "
        "ayat tidak ditemukan)"
    ),
    Tier.WAJIB: (
        "Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (2) dan (3); PP 29/2018 Pasal 61; "
        "Inpres 2/2022"
    ),
    Tier.TIDAK_WAJIB: "Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (2)",
}


@dataclass(frozen=True)
class TierCandidate:
    name: str
    groups: tuple[str, ...]  # which of "a", "b", "c", "d" the product qualifies for
    reason: str


@dataclass(frozen=True)
class TierResult:
    as_of: date
    regulation: str
    tier: Tier
    allowed: tuple[str, ...]
    imports_allowed: bool
    groups: dict[str, tuple[str, ...]]
    candidates: tuple[TierCandidate, ...]
    volume_needed: Decimal | None
    volume_a: Decimal | None
    volume_partial: bool
    volume_missing: tuple[str, ...]
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def check_candidates(
    candidates: Sequence[Candidate], params: Params = DEFAULT_PARAMS
) -> list[FieldError]:
    """Range problems of candidates: TKDN in [0, 1], BMP at most 15% (Permenperin 16/2011
    Pasal 13), volumes not negative."""
    problems = Problems()
    for i, c in enumerate(candidates):
        at = f"candidates[{i}]"
        problems.fraction(f"{at}.tkdn", c.tkdn)
        problems.negative(f"{at}.available_volume", c.available_volume)
        if not ZERO <= c.bmp <= params.bmp_max:
            limit = f.pct(params.bmp_max)
            problems.add(
                f"{at}.bmp",
                "above_max",
                f"BMP harus antara 0 dan {limit}.",
                f"BMP must be between 0 and {limit}.",
            )
        if c.certified and c.tkdn is None:
            problems.add(
                f"{at}.tkdn",
                "required",
                "TKDN wajib diisi untuk produk bersertifikat.",
                "TKDN is required for a certified product.",
            )
    return problems.errors


def _sum_text(c: Candidate) -> str:
    assert c.tkdn is not None
    return f"TKDN {f.pct(c.tkdn)} + BMP {f.pct(c.bmp)} = {f.pct(c.tkdn + c.bmp)}"


def pdn_obligation(
    candidates: Sequence[Candidate], *, params: Params = DEFAULT_PARAMS
) -> ObligationResult:
    """C1: must the buyer use domestic products for this commodity?

    Legal basis: Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (2) and (3): the obligation
    applies when a domestic product exists whose TKDN + BMP is at least 40%, values taken from
    the Kemenperin inventory list. Because BMP is at most 15%, such a product has TKDN >= 25%.
    """
    problems = Problems()
    problems.extend(check_candidates(candidates, params))
    problems.raise_if_any()
    threshold = params.pdn_min_tkdn_bmp
    checks: list[CandidateCheck] = []
    lines = [
        f"Syarat: ada produk dalam negeri dengan TKDN + BMP {f.GE} {f.pct(threshold)} "
        "(nilai dari daftar inventarisasi Kemenperin)."
    ]
    for c in candidates:
        if not c.certified or c.tkdn is None:
            reason = f"{c.name}: tidak bersertifikat TKDN {f.ARROW} tidak dihitung."
            checks.append(CandidateCheck(c.name, None, False, reason))
        else:
            total = c.tkdn + c.bmp
            ok = total >= threshold
            sign = f.GE if ok else "<"
            reason = f"{c.name}: {_sum_text(c)} {sign} {f.pct(threshold)}" + (
                " (memenuhi)." if ok else "."
            )
            checks.append(CandidateCheck(c.name, total, ok, reason))
        lines.append(checks[-1].reason)
    qualifying = tuple(ch.name for ch in checks if ch.qualifies)
    wajib = bool(qualifying)
    if wajib:
        lines.append(
            f"Kesimpulan: WAJIB menggunakan produk dalam negeri ({', '.join(qualifying)} memenuhi)."
        )
    else:
        lines.append(
            "Kesimpulan: kewajiban Pasal 66 ayat (2) tidak berlaku (tidak ada produk yang "
            "memenuhi)."
        )
    return ObligationResult(
        wajib_pdn=wajib,
        threshold=threshold,
        candidates=tuple(checks),
        qualifying=qualifying,
        legal_basis="Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (2) dan (3)",
        explanation=tuple(lines),
        unconfirmed=unconfirmed(params, ["pdn_min_tkdn_bmp", "bmp_max"]),
    )


def _groups(c: Candidate, params: Params) -> tuple[tuple[str, ...], str]:
    has_tkdn = c.certified and c.tkdn is not None
    groups: list[str] = []
    parts: list[str] = []
    if has_tkdn:
        assert c.tkdn is not None
        total = c.tkdn + c.bmp
        if total >= params.pdn_min_tkdn_bmp:
            groups.append("a")
            parts.append(f"{_sum_text(c)} {f.GE} {f.pct(params.pdn_min_tkdn_bmp)} {f.ARROW} a")
        if c.tkdn >= params.tkdn_min_pdn:
            groups.append("b")
            parts.append(f"TKDN {f.pct(c.tkdn)} {f.GE} {f.pct(params.tkdn_min_pdn)} {f.ARROW} b")
        else:
            groups.append("c")
            parts.append(
                f"bersertifikat, TKDN {f.pct(c.tkdn)} < {f.pct(params.tkdn_min_pdn)} {f.ARROW} c"
            )
    else:
        parts.append("tanpa sertifikat TKDN")
    if c.in_siinas:
        groups.append("d")
        parts.append(f"terdaftar di SIINas {f.ARROW} d")
    else:
        parts.append("tidak terdaftar di SIINas")
    return tuple(groups), f"{c.name}: " + "; ".join(parts) + "."


def purchase_tier(
    candidates: Sequence[Candidate],
    *,
    as_of: date,
    volume_needed: Decimal | None = None,
    params: Params = DEFAULT_PARAMS,
) -> TierResult:
    """C2: which domestic products may be bought, by the rule in force on ``as_of``.

    Legal basis: before 30 April 2025, Perpres 16/2018 jo. 12/2021 Pasal 66 ayat (2) (with
    PP 29/2018 Pasal 61 and Inpres 2/2022: buy TKDN >= 25% when a TKDN + BMP >= 40% product
    exists). From 30 April 2025, Perpres 46/2025 Pasal 66 ayat (2) huruf a-d: (a) a TKDN + BMP
    >= 40% product exists -> buy TKDN >= 25%; (b) none, or its volume is short -> TKDN >= 25%;
    (c) none with TKDN >= 25% -> certified with TKDN < 25%; (d) none certified -> registered in
    SIINas; then imports. When volumes are partial the split is left to the user, and said.
    """
    problems = Problems()
    problems.extend(check_candidates(candidates, params))
    problems.negative("volume_needed", volume_needed)
    problems.raise_if_any()
    rule_set = rule_set_for(Kind.PDN_OBLIGATION, as_of)
    checked = [(c, *_groups(c, params)) for c in candidates]
    members: dict[str, list[Candidate]] = {"a": [], "b": [], "c": [], "d": []}
    for c, groups, _reason in checked:
        for g in groups:
            members[g].append(c)
    group_names = {g: tuple(c.name for c in cs) for g, cs in members.items()}
    lines = [f"Tanggal acuan {f.tanggal(as_of)}: berlaku {rule_set.legal_basis}."]
    lines += [reason for _c, _g, reason in checked]
    if not candidates:
        lines.append("Tidak ada calon produk dalam negeri yang diberikan.")
    notes: list[str] = []
    volume_a: Decimal | None = None
    volume_partial = False
    missing: tuple[str, ...] = ()
    imports_allowed = False

    if rule_set.version == "perpres12_2021":
        if members["a"]:
            tier, allowed = Tier.WAJIB, group_names["b"]
            lines.append(
                f"Ada produk dengan TKDN + BMP {f.GE} {f.pct(params.pdn_min_tkdn_bmp)} "
                f"{f.ARROW} wajib membeli PDN dengan TKDN {f.GE} {f.pct(params.tkdn_min_pdn)}: "
                f"{', '.join(allowed)}."
            )
            lines.append("Volume tidak menentukan kewajiban menurut aturan ini.")
        else:
            tier, allowed, imports_allowed = (
                Tier.TIDAK_WAJIB,
                tuple(c.name for c in candidates),
                True,
            )
            lines.append(
                f"Tidak ada produk dengan TKDN + BMP {f.GE} {f.pct(params.pdn_min_tkdn_bmp)} "
                f"{f.ARROW} kewajiban Pasal 66 ayat (2) tidak berlaku; PDN tetap diutamakan."
            )
    else:
        a_enough = False
        if members["a"]:
            known = [c.available_volume for c in members["a"] if c.available_volume is not None]
            missing = tuple(c.name for c in members["a"] if c.available_volume is None)
            volume_a = sum(known, ZERO) if known else None
            if volume_needed is None:
                a_enough = True
                lines.append(
                    "Kebutuhan volume tidak diisi: ketersediaan volume tingkat a tidak diperiksa."
                )
            elif missing and (volume_a is None or volume_a < volume_needed):
                a_enough = True
                lines.append(
                    f"Volume tersedia tidak diketahui untuk {', '.join(missing)}: "
                    "dianggap mencukupi; periksa ketersediaannya sebelum memilih huruf b."
                )
            else:
                volume_a = volume_a if volume_a is not None else ZERO
                a_enough = volume_a >= volume_needed
                sign = f.GE if a_enough else "<"
                lines.append(
                    f"Volume tingkat a {f.qty(volume_a)} {sign} kebutuhan {f.qty(volume_needed)}."
                )
                if not a_enough and volume_a > 0:
                    volume_partial = True
        if members["a"] and a_enough:
            tier, allowed = Tier.A, group_names["b"]
        elif members["b"]:
            tier, allowed = Tier.B, group_names["b"]
        elif members["c"]:
            tier, allowed = Tier.C, group_names["c"]
        elif members["d"]:
            tier, allowed = Tier.D, group_names["d"]
        else:
            tier, allowed, imports_allowed = Tier.IMPOR, (), True
        lines.append(_tier_sentence(tier, allowed, params))
        if volume_partial:
            assert volume_a is not None and volume_needed is not None
            lines.append(
                f"Volume sebagian: produk tingkat a hanya {f.qty(volume_a)} dari "
                f"{f.qty(volume_needed)}. "
                "Peraturan tidak mengatur pembagian pembelian; keputusan ada pada PPK (mis. "
                "membeli "
                f"{f.qty(volume_a)} dari produk tingkat a dan sisanya dari produk TKDN {f.GE} "
                f"{f.pct(params.tkdn_min_pdn)})."
            )
            notes.append("tier_volume_split")
        if tier in (Tier.A, Tier.B) and volume_needed is not None:
            b_known = [c.available_volume for c in members["b"]]
            if all(v is not None for v in b_known):
                volume_b = sum((v for v in b_known if v is not None), ZERO)
                if volume_b < volume_needed:
                    lines.append(
                        f"Volume produk TKDN {f.GE} {f.pct(params.tkdn_min_pdn)} juga kurang "
                        f"({f.qty(volume_b)} < {f.qty(volume_needed)}); peraturan tidak "
                        "menyatakan apakah "
                        "kekurangannya boleh dipenuhi dari tingkat c atau d."
                    )
                    notes.append("tier_volume_split")
        if tier is Tier.IMPOR:
            notes.append("perpres46_import_fallback")
    return TierResult(
        as_of=as_of,
        regulation=rule_set.version,
        tier=tier,
        allowed=allowed,
        imports_allowed=imports_allowed,
        groups=group_names,
        candidates=tuple(TierCandidate(c.name, g, r) for c, g, r in checked),
        volume_needed=volume_needed,
        volume_a=volume_a,
        volume_partial=volume_partial,
        volume_missing=missing,
        legal_basis=_TIER_BASIS[tier],
        explanation=tuple(lines),
        unconfirmed=unconfirmed(params, ["pdn_min_tkdn_bmp", "tkdn_min_pdn", "bmp_max", *notes]),
    )


def _tier_sentence(tier: Tier, allowed: tuple[str, ...], params: Params) -> str:
    names = ", ".join(allowed)
    t25 = f.pct(params.tkdn_min_pdn)
    if tier is Tier.A:
        return (
            f"Tingkat a: ada produk TKDN + BMP {f.GE} {f.pct(params.pdn_min_tkdn_bmp)} {f.ARROW} "
            f"beli PDN dengan TKDN {f.GE} {t25}: {names}."
        )
    if tier is Tier.B:
        return (
            f"Tingkat b: produk tingkat a tidak ada atau volumenya kurang {f.ARROW} "
            f"beli PDN dengan TKDN {f.GE} {t25}: {names}."
        )
    if tier is Tier.C:
        return (
            f"Tingkat c: tidak ada produk TKDN {f.GE} {t25} {f.ARROW} beli PDN bersertifikat "
            f"dengan TKDN < {t25}: {names}."
        )
    if tier is Tier.D:
        return (
            f"Tingkat d: tidak ada produk bersertifikat TKDN {f.ARROW} beli PDN terdaftar di "
            f"SIINas: {names}."
        )
    return "Tidak ada PDN pada tingkat a-d " + f.ARROW + " impor diperbolehkan."
