"""The claim rule (p3dn.rules.claims): one outcome per claim, certificates and date; the
tolerance; the dated legal basis; an expired certificate never counts as TKDN."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from p3dn.rules.claims import (
    OUTCOMES,
    Claim,
    KnownCertificate,
    Outcome,
    check_claim,
    claim_counts_as_tkdn,
    rule_for,
)

DAY = date(2024, 6, 1)


def cert(key=1, tkdn="0.4521", issue=date(2022, 1, 1), expiry=date(2025, 1, 1), party=True,
         not_applicable=False) -> KnownCertificate:
    return KnownCertificate(key, None if tkdn is None else Decimal(tkdn), not_applicable, issue,
                            expiry, party)


def test_a_valid_certificate_of_the_producer_with_the_claimed_value_matches():
    check = check_claim(claim=Claim("1/SJ", Decimal("0.4521")), certificates=[cert()], as_of=DAY)
    assert (check.outcome, check.certificate, check.difference) == (Outcome.COCOK, 1, 0)
    assert check.valid == (1,)


def test_the_tolerance_is_one_hundredth_of_a_percentage_point_inclusive():
    within = check_claim(claim=Claim("", Decimal("0.4522")), certificates=[cert()], as_of=DAY)
    beyond = check_claim(claim=Claim("", Decimal("0.4523")), certificates=[cert()], as_of=DAY)
    assert within.outcome is Outcome.COCOK and within.difference == Decimal("0.0001")
    assert beyond.outcome is Outcome.NILAI_BERBEDA and beyond.difference == Decimal("0.0002")
    assert rule_for(DAY).tolerance == Decimal("0.0001")


def test_the_closest_valid_certificate_decides_the_value():
    certs = [cert(1, "0.30"), cert(2, "0.4521")]
    assert check_claim(claim=Claim("", Decimal("0.4521")), certificates=certs,
                       as_of=DAY).certificate == 2


def test_a_number_nobody_knows_and_a_value_without_any_certificate():
    assert check_claim(claim=Claim("9/X", Decimal("0.5")), certificates=[],
                       as_of=DAY).outcome is Outcome.NOMOR_TIDAK_DIKENAL
    assert check_claim(claim=Claim("", Decimal("0.5")), certificates=[],
                       as_of=DAY).outcome is Outcome.TANPA_SERTIFIKAT


def test_expired_not_yet_valid_or_undated_certificates_are_never_valid():
    expired = check_claim(claim=Claim("1", Decimal("0.4521")), certificates=[cert()],
                          as_of=date(2025, 1, 2))
    assert expired.outcome is Outcome.KEDALUWARSA and expired.certificate == 1
    on_last_day = check_claim(claim=Claim("1", Decimal("0.4521")), certificates=[cert()],
                              as_of=date(2025, 1, 1))
    assert on_last_day.outcome is Outcome.COCOK
    early = check_claim(claim=Claim("1", None), certificates=[cert()], as_of=date(2021, 12, 31))
    assert early.outcome is Outcome.KEDALUWARSA
    undated = check_claim(claim=Claim("1", None), certificates=[cert(issue=None, expiry=None)],
                          as_of=DAY)
    assert undated.outcome is Outcome.KEDALUWARSA


def test_an_expiry_estimated_from_the_issue_date_under_16_2011_is_three_years():
    estimated = cert(issue=date(2021, 7, 1), expiry=None)
    assert check_claim(claim=Claim("1", None), certificates=[estimated],
                       as_of=date(2024, 7, 1)).outcome is Outcome.COCOK
    assert check_claim(claim=Claim("1", None), certificates=[estimated],
                       as_of=date(2024, 7, 2)).outcome is Outcome.KEDALUWARSA


def test_the_holder_must_be_the_producer_or_the_provider():
    check = check_claim(claim=Claim("1", Decimal("0.4521")), certificates=[cert(party=False)],
                        as_of=DAY)
    assert check.outcome is Outcome.PEMEGANG_BERBEDA
    mixed = [cert(1, party=False), cert(2, "0.10")]
    assert check_claim(claim=Claim("1", Decimal("0.4521")), certificates=mixed,
                       as_of=DAY).outcome is Outcome.NILAI_BERBEDA


def test_expiry_is_judged_before_holder_and_value():
    check = check_claim(claim=Claim("1", Decimal("0.9")), certificates=[cert(party=False)],
                        as_of=date(2026, 1, 1))
    assert check.outcome is Outcome.KEDALUWARSA


def test_a_not_applicable_certificate_never_matches_a_value():
    na = cert(tkdn=None, not_applicable=True)
    assert check_claim(claim=Claim("1", Decimal("0.4")), certificates=[na],
                       as_of=DAY).outcome is Outcome.NILAI_BERBEDA
    assert check_claim(claim=Claim("1", None), certificates=[na],
                       as_of=DAY).outcome is Outcome.COCOK


def test_no_number_and_no_value_is_no_claim():
    assert not Claim("  ", Decimal(0)).is_claim
    with pytest.raises(ValueError):
        check_claim(claim=Claim(), certificates=[cert()], as_of=DAY)


def test_the_legal_basis_is_dated_by_the_certificate_regulation():
    assert rule_for(date(2025, 12, 11)).version == "claims_permenperin16_2011"
    assert rule_for(date(2025, 12, 12)).version == "claims_permenperin35_2025"
    assert all("C13" in rule_for(d).legal_basis for d in (DAY, date(2026, 1, 1)))
    assert len(OUTCOMES) == len(Outcome)


def test_an_expired_certificate_never_counts_as_tkdn_on_the_purchase_date():
    certs = [cert()]
    assert claim_counts_as_tkdn(claimed_tkdn=Decimal("0.45"), certificates=certs, on=DAY)
    assert not claim_counts_as_tkdn(claimed_tkdn=Decimal("0.45"), certificates=certs,
                                    on=date(2025, 1, 2))
    # one valid certificate among expired ones is enough; an unknown certificate keeps the claim
    renewed = [cert(1), cert(2, issue=date(2025, 1, 2), expiry=date(2028, 1, 1))]
    assert claim_counts_as_tkdn(claimed_tkdn=Decimal("0.45"), certificates=renewed,
                                on=date(2026, 1, 1))
    assert claim_counts_as_tkdn(claimed_tkdn=Decimal("0.45"), certificates=[], on=DAY)
    assert not claim_counts_as_tkdn(claimed_tkdn=Decimal(0), certificates=[], on=DAY)
    # a certificate saying 999,99 (not applicable) backs no TKDN claim
    assert not claim_counts_as_tkdn(claimed_tkdn=Decimal("0.45"),
                                    certificates=[cert(tkdn=None, not_applicable=True)], on=DAY)
