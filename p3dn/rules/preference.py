"""C3 price-preference eligibility and C4 KP, HEA and ranking (Pasal 67).

Default formula HEA = (1 - KP) x HP (Perpres 12/2021); the legacy HEA = HP / (1 + KP)
(Perpres 54/2010 era) only when asked for. Computation keeps full precision; HEA is rounded
(half-up, 2 decimals) only when shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

from p3dn.rules import _fmt as f
from p3dn.rules.common import ONE, ZERO, JenisPengadaan
from p3dn.rules.errors import FieldError, Problems
from p3dn.rules.params import DEFAULT_PARAMS, Params
from p3dn.rules.versions import Kind, rule_set_by_version

_PRECISION = 60  # enough that HEA ties and orderings are exact for any realistic amounts


class Formula(StrEnum):
    PERPRES12_2021 = "perpres12_2021"
    LEGACY = "legacy"


@dataclass(frozen=True)
class Bid:
    """A bid that passed administrative and technical evaluation.

    ``hp``: price after arithmetic correction; ``tkdn``: fraction (0.60 = 60%).
    """

    name: str
    hp: Decimal
    tkdn: Decimal


@dataclass(frozen=True)
class EvaluatedBid:
    name: str
    hp: Decimal
    tkdn: Decimal
    eligible: bool
    kp: Decimal
    hea: Decimal
    rank: int


@dataclass(frozen=True)
class PreferenceResult:
    formula: Formula
    eligible: bool
    ineligible_reasons: tuple[str, ...]
    bids: tuple[EvaluatedBid, ...]  # in input order
    winner: str | None
    tied: tuple[str, ...]
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    # Bids far from the HPS: above it, or below LOW_BID_SHARE of it (Indonesian sentences).
    warnings: tuple[str, ...] = ()


# A bid under 80% of the HPS is checked for a fair price and needs a performance bond of 5% of
# the HPS instead of 5% of the contract (Perpres 16/2018 Pasal 33 ayat (3) huruf c).
LOW_BID_SHARE = Decimal("0.80")


def bid_warnings(bids: Sequence[Bid], hps: Decimal) -> tuple[str, ...]:
    """A sentence for every bid above the HPS or under 80% of it (nothing when HPS is 0)."""
    if hps <= ZERO:
        return ()
    out = []
    for b in bids:
        share = f.pct(b.hp / hps)
        if b.hp > hps:
            out.append(
                f"Penawaran {b.name} {f.rp(b.hp)} di atas HPS {f.rp(hps)} ({share} dari HPS): "
                "penawaran yang melebihi HPS digugurkan pada evaluasi harga."
            )
        elif b.hp < LOW_BID_SHARE * hps:
            out.append(
                f"Penawaran {b.name} {f.rp(b.hp)} hanya {share} dari HPS {f.rp(hps)}, di bawah "
                f"{f.pct(LOW_BID_SHARE)}: lakukan klarifikasi kewajaran harga; jaminan "
                "pelaksanaan 5% dari nilai total HPS (Perpres 16/2018 Pasal 33 ayat (3) huruf c)."
            )
    return tuple(out)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    steps: tuple[str, ...]  # every check, passed or not
    failures: tuple[str, ...]  # the checks that failed


def preference_eligibility(
    *, jenis: JenisPengadaan, hps: Decimal, params: Params = DEFAULT_PARAMS
) -> Eligibility:
    """C3 (tender level): may price preference be applied at all?

    Legal basis: Perpres 12/2021 Pasal 67 ayat (2) (HPS above Rp1 miliar) and ayat (3)
    (only for Barang). Per-bid TKDN >= 25% is checked in ``koefisien_preferensi``.
    """
    steps: list[str] = []
    failures: list[str] = []
    if jenis is JenisPengadaan.BARANG:
        steps.append(
            "Jenis pengadaan Barang: preferensi harga dapat diberikan (Pasal 67 ayat (3))."
        )
    else:
        failures.append(
            f"Jenis pengadaan {jenis.value}: preferensi harga Pasal 67 ayat (3) hanya untuk Barang."
        )
        steps.append(failures[-1])
    if hps > params.preference_hps_min:
        steps.append(f"HPS {f.rp(hps)} > {f.rp(params.preference_hps_min)} (Pasal 67 ayat (2)).")
    else:
        failures.append(
            f"HPS {f.rp(hps)} tidak di atas {f.rp(params.preference_hps_min)}: "
            "preferensi tidak berlaku (Pasal 67 ayat (2))."
        )
        steps.append(failures[-1])
    return Eligibility(not failures, tuple(steps), tuple(failures))


def koefisien_preferensi(
    tkdn: Decimal,
    preferensi_tertinggi: Decimal,
    *,
    tender_eligible: bool = True,
    params: Params = DEFAULT_PARAMS,
) -> Decimal:
    """C4: KP = TKDN x preferensi tertinggi, or 0 when the tender or the bid is not eligible.

    Legal basis: Perpres 12/2021 Pasal 67 ayat (3) huruf a (TKDN >= 25%) and huruf e.
    """
    if not tender_eligible or tkdn < params.preference_tkdn_min:
        return ZERO
    return tkdn * preferensi_tertinggi


def harga_evaluasi_akhir(
    hp: Decimal, kp: Decimal, formula: Formula = Formula.PERPRES12_2021
) -> Decimal:
    """C4: HEA = (1 - KP) x HP (Perpres 12/2021 Pasal 67 ayat (3) huruf e), or the legacy
    HP / (1 + KP) (Perpres 54/2010 era). Unrounded."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        if formula is Formula.LEGACY:
            return hp / (ONE + kp)
        return (ONE - kp) * hp


def check_bids(
    bids: Sequence[Bid], preferensi_tertinggi: Decimal, params: Params
) -> list[FieldError]:
    """Problems in the bids and the preference (at most 25%: Perpres 12/2021 Pasal 67 ayat (3)
    huruf b), each with its path (``bids[2].tkdn``)."""
    problems = Problems()
    if not ZERO <= preferensi_tertinggi <= params.preference_max:
        limit = f.pct(params.preference_max)
        problems.add(
            "preferensi_tertinggi",
            "above_max",
            f"Preferensi tertinggi harus antara 0 dan {limit} (Pasal 67 ayat (3) huruf b).",
            f"The highest preference must be between 0 and {limit} (Pasal 67(3)(b)).",
        )
    problems.empty("bids", bids)
    for i, b in enumerate(bids):
        problems.negative(f"bids[{i}].hp", b.hp)
        problems.fraction(f"bids[{i}].tkdn", b.tkdn)
    problems.duplicates("bids", (b.name for b in bids))
    return problems.errors


def evaluate_bids(
    *,
    jenis: JenisPengadaan,
    hps: Decimal,
    preferensi_tertinggi: Decimal,
    bids: Sequence[Bid],
    formula: Formula | None = None,
    params: Params = DEFAULT_PARAMS,
) -> PreferenceResult:
    """C3-C4: KP and HEA of every bid, the ranking and the winner.

    Legal basis: Perpres 16/2018 jo. Perpres 12/2021 Pasal 67 ayat (2) and (3): winner = lowest
    HEA (huruf d); equal lowest HEA -> higher TKDN wins (huruf f). Bids still equal on both
    share a rank and no winner is named (the regulation does not break that tie).
    """
    problems = Problems()
    problems.extend(check_bids(bids, preferensi_tertinggi, params))
    problems.raise_if_any()
    formula = formula or Formula(params.preference_formula)
    rule_set = rule_set_by_version(Kind.PREFERENCE, formula.value)
    check = preference_eligibility(jenis=jenis, hps=hps, params=params)
    eligible = check.eligible
    lines = list(check.steps)
    if eligible:
        lines.append(
            f"Preferensi tertinggi {f.pct(preferensi_tertinggi)} {f.LE} "
            f"{f.pct(params.preference_max)} "
            "(Pasal 67 ayat (3) huruf b)."
        )
    if formula is Formula.LEGACY:
        lines.append(f"Rumus lama: HEA = HP / (1 + KP); KP = TKDN {f.TIMES} preferensi tertinggi.")
    else:
        lines.append(
            f"Rumus: HEA = (1 {f.MINUS} KP) {f.TIMES} HP; KP = TKDN {f.TIMES} preferensi tertinggi "
            "(Pasal 67 ayat (3) huruf e)."
        )

    evaluated: list[tuple[Bid, bool, Decimal, Decimal]] = []
    for b in bids:
        bid_ok = eligible and b.tkdn >= params.preference_tkdn_min
        kp = koefisien_preferensi(
            b.tkdn, preferensi_tertinggi, tender_eligible=eligible, params=params
        )
        hea = harga_evaluasi_akhir(b.hp, kp, formula)
        evaluated.append((b, bid_ok, kp, hea))
        lines.append(_bid_line(b, bid_ok, eligible, kp, hea, preferensi_tertinggi, formula, params))

    keys = [(hea, -b.tkdn) for b, _ok, _kp, hea in evaluated]
    ranks = [1 + sum(1 for other in keys if other < key) for key in keys]
    results = tuple(
        EvaluatedBid(b.name, b.hp, b.tkdn, ok, kp, hea, rank)
        for (b, ok, kp, hea), rank in zip(evaluated, ranks, strict=True)
    )
    ordered = [r for _i, r in sorted(enumerate(results), key=lambda pair: (pair[1].rank, pair[0]))]
    lines.append("Peringkat: " + ", ".join(f"{r.rank}. {r.name}" for r in ordered) + ".")
    first = [r for r in results if r.rank == 1]
    winner = first[0].name if len(first) == 1 else None
    tied = tuple(r.name for r in first) if len(first) > 1 else ()
    same_hea = [r for r in results if r.hea == first[0].hea] if first else []
    if winner is not None and len(same_hea) > 1:
        lines.append(
            f"HEA terendah sama untuk {', '.join(r.name for r in same_hea)}: TKDN lebih tinggi "
            "menang "
            f"(Pasal 67 ayat (3) huruf f) {f.ARROW} pemenang {winner}."
        )
    elif winner is not None:
        lines.append(
            f"Pemenang: {winner} (HEA terendah, Pasal 67 ayat (3) huruf d). "
            "HEA tidak mengubah nilai kontrak."
        )
    else:
        lines.append(
            f"HEA dan TKDN sama untuk {', '.join(tied)}: Pasal 67 tidak menentukan pemenang; "
            "putuskan menurut dokumen pemilihan."
        )
    return PreferenceResult(
        formula=formula,
        eligible=eligible,
        ineligible_reasons=check.failures,
        bids=results,
        winner=winner,
        tied=tied,
        legal_basis=rule_set.legal_basis
        + (" huruf d-f" if formula is Formula.PERPRES12_2021 else ""),
        explanation=tuple(lines),
        # The formula itself is in conflict (DOMAIN.md 1.4), whichever one is used.
        unconfirmed=("preference_formula",),
        warnings=bid_warnings(bids, hps),
    )


def _bid_line(
    b: Bid,
    bid_ok: bool,
    tender_ok: bool,
    kp: Decimal,
    hea: Decimal,
    pref: Decimal,
    formula: Formula,
    params: Params,
) -> str:
    hp = f.rp(b.hp)
    hea_text = f.rp(hea, 2)
    if not tender_ok:
        return f"{b.name}: preferensi tidak berlaku {f.ARROW} KP = 0; HEA = HP = {hea_text}."
    if not bid_ok:
        return (
            f"{b.name}: TKDN {f.pct(b.tkdn)} < {f.pct(params.preference_tkdn_min)} {f.ARROW} KP = "
            "0; "
            f"HEA = HP = {hea_text}."
        )
    kp_text = f"KP = {f.pct(b.tkdn)} {f.TIMES} {f.pct(pref)} = {f.pct(kp)}"
    if formula is Formula.LEGACY:
        return f"{b.name}: {kp_text}; HEA = {hp} / (1 + {f.pct(kp)}) = {hea_text}."
    return f"{b.name}: {kp_text}; HEA = (1 {f.MINUS} {f.pct(kp)}) {f.TIMES} {hp} = {hea_text}."
