"""C12/C13 applied to a TKDN *claim*: what an e-Katalog listing (or a hand entry) says about a
product's TKDN, checked against the certificates the registry knows.

A claim counts as TKDN only when a valid certificate backs it (C13: "TKDN if valid certificate
matched"); validity is C12 (issue date <= date <= expiry date, 999,99 is no TKDN value). The
decision is pure: given the claim, the certificates found for it and a date, one outcome.

Outcomes, the first that applies:

1. ``nomor_tidak_dikenal``: the claim names a certificate number no registry certificate has;
2. ``tanpa_sertifikat``: the claim gives a TKDN value but no number, and the registry has no
   certificate for the product;
3. ``kedaluwarsa``: no certificate found is valid on the date (expired, not yet valid, or
   without any date: never counted as valid);
4. ``pemegang_berbeda``: every valid certificate is held by a company that is neither the
   product's producer nor its provider;
5. ``nilai_berbeda``: the claimed TKDN differs from every valid certificate of the producer or
   provider by more than the tolerance (or the certificate says 999,99, not applicable);
6. ``cocok``: a valid certificate of the producer or provider with the claimed value (within
   the tolerance; a claim that gives only a number matches on validity and holder).

Tolerance: both Kemenperin and e-Katalog publish TKDN in percent with two decimals; a value
one of them rounded and the other truncated differs by 0,01 percentage point. So a claim
matches when ``|claimed - certified| <= 0,01 percentage point`` (0.0001 as a fraction); any
larger difference is reported with both values.

The rule is dated data (``RULES``, ``rule_for``): the legal basis of certificate validity
changed with Permenperin 35/2025 (in force 12 December 2025); the decision and the tolerance
are the same under both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from p3dn.rules.certificates import certificate_status
from p3dn.rules.versions import PERMENPERIN35_2025_START


class Outcome(StrEnum):
    COCOK = "cocok"
    NILAI_BERBEDA = "nilai_berbeda"
    KEDALUWARSA = "kedaluwarsa"
    PEMEGANG_BERBEDA = "pemegang_berbeda"
    TANPA_SERTIFIKAT = "tanpa_sertifikat"
    NOMOR_TIDAK_DIKENAL = "nomor_tidak_dikenal"


# The order in which outcomes are shown and counted (the worst first).
OUTCOMES: tuple[Outcome, ...] = (
    Outcome.NOMOR_TIDAK_DIKENAL,
    Outcome.TANPA_SERTIFIKAT,
    Outcome.KEDALUWARSA,
    Outcome.PEMEGANG_BERBEDA,
    Outcome.NILAI_BERBEDA,
    Outcome.COCOK,
)


@dataclass(frozen=True)
class ClaimRule:
    version: str
    legal_basis: str
    effective_from: date | None
    effective_until: date | None
    tolerance: Decimal  # a fraction: 0.0001 = 0,01 percentage point

    def in_force_on(self, on: date) -> bool:
        starts = self.effective_from is None or self.effective_from <= on
        return starts and (self.effective_until is None or on <= self.effective_until)


_C13 = (
    "Perpres 16/2018 jo. Perpres 12/2021 Pasal 66-67 (TKDN menurut sertifikat yang diterbitkan "
    "Kemenperin); Juknis Aplikasi SAKTI - Pencatatan Informasi TKDN v1.1 (DJPb Kemenkeu): "
    "belanja dihitung TKDN hanya bila sertifikat berlaku cocok (C13)"
)
TOLERANCE = Decimal("0.0001")

RULES: tuple[ClaimRule, ...] = (
    ClaimRule(
        "claims_permenperin16_2011",
        f"{_C13}; masa berlaku sertifikat: Permenperin 16/2011 (C12)",
        None,
        date.fromordinal(PERMENPERIN35_2025_START.toordinal() - 1),
        TOLERANCE,
    ),
    ClaimRule(
        "claims_permenperin35_2025",
        f"{_C13}; masa berlaku sertifikat: Permenperin 35/2025 (C12)",
        PERMENPERIN35_2025_START,
        None,
        TOLERANCE,
    ),
)


def rule_for(on: date) -> ClaimRule:
    """The claim rule in force on ``on``."""
    return next(rule for rule in RULES if rule.in_force_on(on))


@dataclass(frozen=True)
class Claim:
    """What a listing says: a certificate number ('' = none) and a TKDN fraction (None = none)."""

    number: str = ""
    tkdn: Decimal | None = None

    @property
    def is_claim(self) -> bool:
        """A listing claims TKDN when it names a certificate or gives a value above 0."""
        return bool(self.number.strip()) or (self.tkdn is not None and self.tkdn > 0)


@dataclass(frozen=True)
class KnownCertificate:
    """A registry certificate found for a claim. ``holder_is_party``: its holder is the
    product's producer or provider."""

    key: int
    tkdn: Decimal | None
    not_applicable: bool
    issue_date: date | None
    expiry_date: date | None
    holder_is_party: bool


@dataclass(frozen=True)
class ClaimCheck:
    outcome: Outcome
    certificate: int | None  # the certificate the outcome rests on, when one
    difference: Decimal | None  # claimed - certified (fraction), when values were compared
    valid: tuple[int, ...]  # the certificates valid on the date
    as_of: date
    rule: ClaimRule


def is_valid_on(cert: KnownCertificate, on: date) -> bool:
    """C12: issue date <= on <= expiry date (estimated from the issue date when missing);
    a certificate without any date is never valid."""
    if cert.issue_date is None and cert.expiry_date is None:
        return False
    if cert.issue_date and cert.expiry_date and cert.expiry_date < cert.issue_date:
        return False
    return certificate_status(
        as_of=on, tanggal_terbit=cert.issue_date, tanggal_berakhir=cert.expiry_date
    ).berlaku


def _end(cert: KnownCertificate) -> date:
    return cert.expiry_date or cert.issue_date or date.min


def check_claim(
    *, claim: Claim, certificates: Sequence[KnownCertificate], as_of: date
) -> ClaimCheck:
    """The outcome of ``claim`` against the ``certificates`` found for it (by its number when
    it names one, else the product's) on ``as_of``. Raises ValueError for a non-claim."""
    if not claim.is_claim:
        raise ValueError("neither a certificate number nor a TKDN value is claimed")
    rule = rule_for(as_of)

    def result(outcome: Outcome, cert: KnownCertificate | None = None,
               difference: Decimal | None = None, valid: Sequence[KnownCertificate] = ()
               ) -> ClaimCheck:
        return ClaimCheck(outcome, cert.key if cert else None, difference,
                          tuple(c.key for c in valid), as_of, rule)

    if not certificates:
        return result(Outcome.NOMOR_TIDAK_DIKENAL if claim.number.strip()
                      else Outcome.TANPA_SERTIFIKAT)
    valid = [c for c in certificates if is_valid_on(c, as_of)]
    if not valid:
        return result(Outcome.KEDALUWARSA, max(certificates, key=_end))
    own = [c for c in valid if c.holder_is_party]
    if not own:
        return result(Outcome.PEMEGANG_BERBEDA, valid[0], valid=valid)
    if claim.tkdn is None:
        return result(Outcome.COCOK, own[0], valid=valid)
    compared = [c for c in own if not c.not_applicable and c.tkdn is not None]
    if not compared:
        return result(Outcome.NILAI_BERBEDA, own[0], valid=valid)
    best = min(compared, key=lambda c: abs(claim.tkdn - c.tkdn))  # type: ignore[operator]
    assert best.tkdn is not None
    difference = claim.tkdn - best.tkdn
    if abs(difference) <= rule.tolerance:
        return result(Outcome.COCOK, best, difference, valid)
    return result(Outcome.NILAI_BERBEDA, best, difference, valid)


def claim_counts_as_tkdn(
    *, claimed_tkdn: Decimal | None, certificates: Sequence[KnownCertificate], on: date
) -> bool:
    """Whether a TKDN claim makes a purchase on ``on`` count as TKDN spending (C13): there is a
    value above 0, and, when certificates are known for it, one of them is valid on ``on`` and
    has a TKDN value (999,99 is none, C12). An expired certificate never counts. A claim whose
    certificate p3dn does not know keeps counting as the data says (the claim verification
    reports it: ``nomor_tidak_dikenal`` / ``tanpa_sertifikat``). procurement/sums.py applies
    this rule in the database (the windows catalog/claims writes)."""
    if claimed_tkdn is None or claimed_tkdn <= 0:
        return False
    return not certificates or any(
        is_valid_on(c, on) and not c.not_applicable for c in certificates
    )
