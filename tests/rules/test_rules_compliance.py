"""The compliance checks of the rules library, one record at a time."""

from __future__ import annotations

import inspect
from decimal import Decimal

import pytest

from p3dn.rules import compliance
from p3dn.rules.common import JenisPengadaan
from p3dn.rules.compliance import RULES, Code, Severity

D = Decimal


def reserved(**changes):
    values = {
        "kd_rup": "42334503",
        "nama_paket": "Pengadaan Meja Kantor",
        "jenis_pengadaan": JenisPengadaan.BARANG,
        "pagu": D("750000000"),
        "status_ukm": "Non UKM",
        "alasan_non_ukm": "",
    }
    return compliance.reserved_package(**{**values, **changes})


def test_a_reserved_package_not_marked_ukm_and_without_a_reason_is_flagged():
    check = reserved()
    assert check is not None
    assert check.code is Code.RESERVED_NOT_UKM and check.severity is Severity.HIGH
    assert check.legal_basis == "Perpres 12/2021 Pasal 65 ayat (4) dan (5)"
    assert "Rp 750.000.000,00" in check.message and "Rp 15.000.000.000" in check.message


@pytest.mark.parametrize(
    "changes",
    [
        {"status_ukm": "UKM"},
        {"status_ukm": "UsahaKecil"},
        {"alasan_non_ukm": "Memerlukan kemampuan teknis khusus"},
        {"pagu": D("15000000000.01")},
        {"jenis_pengadaan": JenisPengadaan.JASA_KONSULTANSI},
    ],
)
def test_a_package_marked_ukm_explained_too_large_or_consultancy_is_not_flagged(changes):
    assert reserved(**changes) is None


def test_the_reserve_limit_itself_is_reserved():
    assert reserved(pagu=D("15000000000")) is not None


def test_a_pdn_package_whose_contract_reports_less_pdn_is_flagged_with_the_gap():
    check = compliance.pdn_realisation(
        status_pdn="PDN", nilai=D("1000000000"), nilai_pdn=D("600000000.5"), objek="kontrak tender"
    )
    assert check is not None and check.code is Code.PDN_BELOW_VALUE
    assert check.severity is Severity.MEDIUM
    assert "Rp 600.000.000,50" in check.message and "kurang Rp 399.999.999,50" in check.message
    assert "Pasal 66" in check.legal_basis


@pytest.mark.parametrize(
    ("status_pdn", "nilai_pdn"),
    [("PDN", D("1000000000")), ("Non-PDN", D("0")), ("", D("0")), ("PDN", None)],
)
def test_pdn_realisation_in_order(status_pdn, nilai_pdn):
    assert (
        compliance.pdn_realisation(
            status_pdn=status_pdn, nilai=D("1000000000"), nilai_pdn=nilai_pdn, objek="kontrak"
        )
        is None
    )


def test_a_ukm_package_realised_with_less_umk_is_flagged():
    check = compliance.umk_realisation(
        status_ukm="UKM", nilai=D("200"), nilai_umk=D("0"), objek="pencatatan non-tender"
    )
    assert check is not None and check.code is Code.UMK_BELOW_VALUE
    assert "Pasal 65 ayat (4)" in check.legal_basis
    assert (
        compliance.umk_realisation(
            status_ukm="Non UKM", nilai=D("200"), nilai_umk=D("0"), objek="x"
        )
        is None
    )


def test_pdn_or_umk_above_the_value_is_flagged_each():
    checks = compliance.part_within_value(
        nilai=D("100"), nilai_pdn=D("120"), nilai_umk=D("101"), objek="kontrak tender"
    )
    assert [c.code for c in checks] == [Code.PDN_ABOVE_VALUE, Code.UMK_ABOVE_VALUE]
    assert all(c.severity is Severity.HIGH for c in checks)
    assert "Rp 120,00 melebihi nilainya Rp 100,00 (selisih Rp 20,00)" in checks[0].message
    equal = compliance.part_within_value(
        nilai=D("100"), nilai_pdn=D("100"), nilai_umk=None, objek="kontrak"
    )
    assert equal == []


def test_a_missing_pdn_or_umk_value_is_flagged_but_zero_is_a_value():
    checks = compliance.reported_value(
        nilai=D("5000000"), nilai_pdn=None, nilai_umk=None, objek="kontrak non-tender"
    )
    assert [c.code for c in checks] == [Code.PDN_MISSING, Code.UMK_MISSING]
    assert checks[0].message.startswith("Kontrak non-tender bernilai Rp 5.000.000,00")
    assert (
        compliance.reported_value(
            nilai=D("5000000"), nilai_pdn=D("0"), nilai_umk=D("0"), objek="kontrak"
        )
        == []
    )


def test_every_rule_has_a_title_severity_and_legal_basis():
    assert set(RULES) == set(Code)
    for info in RULES.values():
        assert info.title and info.legal_basis.startswith(("Perpres", "Inpres"))


@pytest.mark.parametrize(
    "func",
    [
        compliance.reserved_package,
        compliance.pdn_realisation,
        compliance.umk_realisation,
        compliance.part_within_value,
        compliance.reported_value,
    ],
    ids=lambda f: f.__name__,
)
def test_every_check_names_its_legal_basis(func):
    assert "Legal basis: Perpres" in (inspect.getdoc(func) or "")
