"""Regulation versions as dated data: which rule set is in force on a date.

A computation never tests dates itself; it asks ``rule_set_for(kind, on)`` and reads the
version it gets (STYLE.md 4.2 point 5). Versions selected by an explicit switch rather than by
date (the legacy HEA formula) have ``dated=False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from p3dn.rules.params import Confidence


class Kind(StrEnum):
    """The rule families that changed over time."""

    PDN_OBLIGATION = "pdn_obligation"  # Pasal 66 (C1, C2)
    PREFERENCE = "preference"  # Pasal 67 HEA formula (C3, C4)
    TKDN = "tkdn"  # TKDN and BMP calculation, certificate validity (C5-C10, C12)
    TKDN_IK = "tkdn_ik"  # small-industry TKDN (C11, C12)


@dataclass(frozen=True)
class RuleSet:
    """One regulation version of one rule family."""

    kind: Kind
    version: str
    title: str
    legal_basis: str
    effective_from: date | None  # None: no lower bound known to this library
    effective_until: date | None  # last day in force; None: still in force
    confidence: Confidence
    note: str = ""
    dated: bool = True

    def in_force_on(self, on: date) -> bool:
        if not self.dated:
            return False
        starts = self.effective_from is None or self.effective_from <= on
        ends = self.effective_until is None or on <= self.effective_until
        return starts and ends


PERPRES46_2025_START = date(2025, 4, 30)
PERMENPERIN35_2025_START = date(2025, 12, 12)

RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        Kind.PDN_OBLIGATION,
        "perpres12_2021",
        "Kewajiban PDN bila ada produk dengan TKDN + BMP >= 40%",
        "Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (2) dan (3)",
        None,
        date(2025, 4, 29),
        Confidence.CONFIRMED,
        "Also applied to dates before Perpres 12/2021: Perpres 16/2018 carried the same 40% rule.",
    ),
    RuleSet(
        Kind.PDN_OBLIGATION,
        "perpres46_2025",
        "Urutan pembelian PDN tingkat a-d, lalu impor",
        "Perpres 46/2025 (Perpres 16/2018 Pasal 66 ayat (2) huruf a-d sebagaimana diubah)",
        PERPRES46_2025_START,
        None,
        Confidence.CONFIRMED,
        "Diundangkan 30 April 2025. The ayat of the import fallback is not found.",
    ),
    RuleSet(
        Kind.PREFERENCE,
        "perpres12_2021",
        "HEA = (1 - KP) x HP",
        "Perpres 16/2018 jo. Perpres 12/2021 Pasal 67 ayat (2) dan (3)",
        None,
        None,
        Confidence.CONFLICT,
        "Default formula; start date not recorded; whether Perpres 46/2025 changed Pasal 67 is "
        "not found.",
    ),
    RuleSet(
        Kind.PREFERENCE,
        "legacy",
        "HEA = HP / (1 + KP)",
        "Perpres 54/2010 jo. Perpres 70/2012 (rumus lama preferensi harga)",
        None,
        None,
        Confidence.CONFLICT,
        "Kept behind a switch only (DOMAIN.md decision).",
        dated=False,
    ),
    RuleSet(
        Kind.TKDN,
        "permenperin16_2011",
        "Ketentuan dan tata cara penghitungan TKDN",
        "Permenperin 16/M-IND/PER/2/2011",
        None,
        date(2025, 12, 11),
        Confidence.CONFIRMED,
        "Repealed by Permenperin 35/2025.",
    ),
    RuleSet(
        Kind.TKDN,
        "permenperin35_2025",
        "Sertifikasi TKDN dan BMP",
        "Permenperin 35/2025",
        PERMENPERIN35_2025_START,
        None,
        Confidence.SECONDARY,
        "Signed 11 September 2025, effective 12 December 2025.",
    ),
    RuleSet(
        Kind.TKDN_IK,
        "permenperin46_2022",
        "TKDN industri kecil (self-assessment)",
        "Permenperin 46/2022",
        None,
        date(2025, 12, 11),
        Confidence.SECONDARY,
        "Repealed by Permenperin 35/2025; start date not recorded.",
    ),
    RuleSet(
        Kind.TKDN_IK,
        "permenperin35_2025",
        "TKDN industri kecil (self-declare)",
        "Permenperin 35/2025",
        PERMENPERIN35_2025_START,
        None,
        Confidence.SECONDARY,
    ),
)


def rule_set_for(kind: Kind | str, on: date) -> RuleSet:
    """The rule set of ``kind`` in force on ``on``.

    Raises LookupError when none is (cannot happen for the kinds above, whose first
    version has no lower bound; the legacy HEA formula is never chosen by date).
    """
    for rule_set in RULE_SETS:
        if rule_set.kind == kind and rule_set.in_force_on(on):
            return rule_set
    raise LookupError(f"no {kind} rule set in force on {on.isoformat()}")


def rule_set_by_version(kind: Kind | str, version: str) -> RuleSet:
    """The rule set of ``kind`` named ``version`` (e.g. an explicit regulation switch)."""
    for rule_set in RULE_SETS:
        if rule_set.kind == kind and rule_set.version == version:
            return rule_set
    raise LookupError(f"unknown {kind} version {version!r}")


def versions_of(kind: Kind | str) -> tuple[str, ...]:
    """The version names of ``kind``, oldest first."""
    return tuple(r.version for r in RULE_SETS if r.kind == kind)
