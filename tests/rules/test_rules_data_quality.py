"""The pure decisions behind the data-quality warnings (p3dn/rules/data_quality.py)."""

from __future__ import annotations

from decimal import Decimal

from p3dn.rules import data_quality as rule

D = Decimal
M15 = D("15000000000")


def coverage(**changes) -> rule.RupCoverage:
    values = {
        "rup_packages": 4000,
        "rup_pagu": D(1000),
        "named": 1000,
        "named_missing": 600,
        "realisasi": D(1500),
    }
    return rule.RupCoverage(**{**values, **changes})


def test_umk_equal_to_a_contract_counts_only_above_15_miliar():
    assert rule.UMK_RESERVED_CEILING == M15
    assert rule.umk_equals_contract(M15 + 1, M15 + 1)
    assert not rule.umk_equals_contract(M15, M15)  # reserved for small enterprises: normal
    assert not rule.umk_equals_contract(M15 + 1, M15)  # part of it UMK
    assert not rule.umk_equals_contract(M15 + 1, None)


def test_a_digit_slip_is_a_part_more_than_five_times_its_value():
    assert rule.DIGIT_SLIP_FACTOR == 5
    assert rule.digit_slip(D(1000), D(10000))  # one digit too many
    assert rule.digit_slip(D(1000), D("5000.01"))
    assert not rule.digit_slip(D(1000), D(5000))
    assert not rule.digit_slip(D(1000), D(1030))  # a little above: not a slip
    assert not rule.digit_slip(D(1000), D(100))  # a small PDN part is legitimate
    assert rule.digit_slip(D(0), D(1))  # a part of nothing
    assert not rule.digit_slip(D(0), D(0))
    assert not rule.digit_slip(D(1000), None)


def test_capaian_above_full_needs_a_commitment():
    assert rule.capaian_above_full(D(101), D(100))
    assert not rule.capaian_above_full(D(100), D(100))
    assert not rule.capaian_above_full(D(5), D(0))


def test_a_rup_looks_like_a_sample_when_it_holds_far_fewer_packages_or_pagu():
    assert rule.sample_reasons(coverage()) == []  # many missing codes alone: no sample
    assert rule.sample_reasons(coverage(rup_packages=499)) == ["paket"]
    assert rule.sample_reasons(coverage(rup_packages=500)) == []
    assert rule.sample_reasons(coverage(rup_packages=4, named=9)) == []  # too little evidence
    assert rule.sample_reasons(coverage(rup_pagu=D(749))) == ["pagu"]
    assert rule.sample_reasons(coverage(rup_pagu=D(750))) == []
    assert rule.sample_reasons(coverage(rup_packages=50, rup_pagu=D(1))) == ["paket", "pagu"]
    assert coverage().missing_share == D("0.6")
    assert coverage(named=0).missing_share == 0


def test_unit_names_compare_without_case_or_extra_spaces():
    assert rule.unit_name_key(" Dinas  Kesehatan ") == rule.unit_name_key("DINAS KESEHATAN")
    assert rule.unit_name_key("Dinas Kesehatan") != rule.unit_name_key("Dinas Kesehatan Hewan")


def test_incomplete_means_a_sample_rup_or_a_capaian_above_full():
    assert rule.is_incomplete({"rup_sampel"})
    assert rule.is_incomplete({"capaian_di_atas_100", "selisih_digit"})
    assert not rule.is_incomplete({"realisasi_tanpa_rup", "nama_unit_ganda", "selisih_digit"})
    assert not rule.is_incomplete(set())
