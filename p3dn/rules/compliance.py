"""Compliance checks on single procurement records: what the Tim P3DN must follow up.

Each check looks at one record (a contract, a recorded purchase, a SiRUP package) and returns a
``Check`` naming the rule, its severity, an Indonesian message with the numbers, and its legal
basis — or None when the record is in order. The reserved-package check is C18
(``packages.reserved_packages``); ``reserved_package`` wraps it for one package.

Legal bases: Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 (the obligation to use domestic
products, measured by the PDN value an e-contract or a pencatatan reports) and Pasal 65 ayat (3)
and (4) (the UMK allocation and the packages reserved for small business, measured by the UMK
value); Inpres 2/2022 (plan, allocate and realize, and report the realization).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from p3dn.rules import _fmt as f
from p3dn.rules.common import JenisPengadaan
from p3dn.rules.packages import Package, reserved_packages
from p3dn.rules.params import DEFAULT_PARAMS, Params

PDN_VALUES = ("PDN",)  # SiRUP status_pdn of a package planned as domestic
UKM_VALUES = ("UKM", "UsahaKecil")


class Severity(StrEnum):
    HIGH = "high"  # a value that cannot be right, or an obligation not met without reason
    MEDIUM = "medium"  # a realization that falls short of what the plan promised
    LOW = "low"  # a value not reported


class Code(StrEnum):
    RESERVED_NOT_UKM = "reserved_not_ukm"
    PDN_BELOW_VALUE = "pdn_below_value"
    UMK_BELOW_VALUE = "umk_below_value"
    PDN_ABOVE_VALUE = "pdn_above_value"
    UMK_ABOVE_VALUE = "umk_above_value"
    PDN_MISSING = "pdn_missing"
    UMK_MISSING = "umk_missing"


@dataclass(frozen=True)
class RuleInfo:
    code: Code
    severity: Severity
    title: str  # Indonesian
    legal_basis: str


PASAL_66 = "Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (1)"
PASAL_65_3 = "Perpres 16/2018 jo. Perpres 12/2021 Pasal 65 ayat (3)"
PASAL_65_4 = "Perpres 16/2018 jo. Perpres 12/2021 Pasal 65 ayat (4)"
INPRES = "Inpres 2/2022"

RULES: dict[Code, RuleInfo] = {
    info.code: info
    for info in (
        RuleInfo(
            Code.RESERVED_NOT_UKM,
            Severity.HIGH,
            "Paket dicadangkan untuk usaha kecil tidak berstatus UKM tanpa alasan",
            "Perpres 12/2021 Pasal 65 ayat (4) dan (5)",
        ),
        RuleInfo(
            Code.PDN_BELOW_VALUE,
            Severity.MEDIUM,
            "Paket berstatus PDN, realisasi PDN lebih kecil dari nilainya",
            PASAL_66,
        ),
        RuleInfo(
            Code.UMK_BELOW_VALUE,
            Severity.MEDIUM,
            "Paket berstatus UKM, realisasi UMK lebih kecil dari nilainya",
            PASAL_65_4,
        ),
        RuleInfo(
            Code.PDN_ABOVE_VALUE,
            Severity.HIGH,
            "Nilai PDN melebihi nilai kontrak/realisasi",
            f"{PASAL_66}; {INPRES}",
        ),
        RuleInfo(
            Code.UMK_ABOVE_VALUE,
            Severity.HIGH,
            "Nilai UMK melebihi nilai kontrak/realisasi",
            f"{PASAL_65_3}; {INPRES}",
        ),
        RuleInfo(
            Code.PDN_MISSING,
            Severity.LOW,
            "Nilai PDN tidak diisi",
            f"{PASAL_66}; {INPRES}",
        ),
        RuleInfo(
            Code.UMK_MISSING,
            Severity.LOW,
            "Nilai UMK tidak diisi",
            f"{PASAL_65_3}; {INPRES}",
        ),
    )
}


@dataclass(frozen=True)
class Check:
    code: Code
    severity: Severity
    message: str
    legal_basis: str


def _check(code: Code, message: str) -> Check:
    info = RULES[code]
    return Check(code, info.severity, message, info.legal_basis)


def reserved_package(
    *,
    kd_rup: str,
    nama_paket: str,
    jenis_pengadaan: JenisPengadaan,
    pagu: Decimal,
    status_ukm: str | None,
    alasan_non_ukm: str | None,
    params: Params = DEFAULT_PARAMS,
) -> Check | None:
    """C18 on one package: reserved for small business (Barang, Pekerjaan Konstruksi or Jasa
    Lainnya with pagu <= Rp15 miliar) but not marked UKM and without alasan_non_ukm.

    Legal basis: Perpres 12/2021 Pasal 65 ayat (4) and (5), through
    ``packages.reserved_packages``.
    """
    result = reserved_packages(
        [Package(kd_rup, nama_paket, jenis_pengadaan, pagu, status_ukm, alasan_non_ukm)],
        params=params,
    )
    package = result.packages[0]
    if not package.perlu_tindak_lanjut:
        return None
    return _check(
        Code.RESERVED_NOT_UKM,
        f"{jenis_pengadaan.value} dengan pagu {f.rp(pagu, 2)} {f.LE} "
        f"{f.rp(params.reserved_pagu_max)} dicadangkan untuk usaha kecil/koperasi, tetapi "
        "status_ukm bukan UKM dan alasan_non_ukm kosong.",
    )


def pdn_realisation(
    *, status_pdn: str | None, nilai: Decimal, nilai_pdn: Decimal | None, objek: str
) -> Check | None:
    """A package planned as PDN in SiRUP whose e-contract or pencatatan (``objek``) reports a
    PDN value below its value. A missing PDN value is ``reported_value``'s concern.

    Legal basis: Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (1).
    """
    if (status_pdn or "").strip() not in PDN_VALUES or nilai_pdn is None or nilai_pdn >= nilai:
        return None
    return _check(
        Code.PDN_BELOW_VALUE,
        f"Paket berstatus PDN di SiRUP, tetapi {objek} mencatat nilai PDN {f.rp(nilai_pdn, 2)} "
        f"dari nilai {f.rp(nilai, 2)} (kurang {f.rp(nilai - nilai_pdn, 2)}).",
    )


def umk_realisation(
    *, status_ukm: str | None, nilai: Decimal, nilai_umk: Decimal | None, objek: str
) -> Check | None:
    """A package marked UKM in SiRUP whose e-contract or pencatatan (``objek``) reports a UMK
    value below its value: the package went, at least in part, to a non-small business.

    Legal basis: Perpres 16/2018 jo. Perpres 12/2021 Pasal 65 ayat (4).
    """
    if (status_ukm or "").strip() not in UKM_VALUES or nilai_umk is None or nilai_umk >= nilai:
        return None
    return _check(
        Code.UMK_BELOW_VALUE,
        f"Paket berstatus UKM di SiRUP, tetapi {objek} mencatat nilai UMK {f.rp(nilai_umk, 2)} "
        f"dari nilai {f.rp(nilai, 2)} (kurang {f.rp(nilai - nilai_umk, 2)}).",
    )


def part_within_value(
    *, nilai: Decimal, nilai_pdn: Decimal | None, nilai_umk: Decimal | None, objek: str
) -> list[Check]:
    """The PDN and the UMK value of an e-contract or pencatatan are parts of its value and
    cannot exceed it; a larger one inflates the realization.

    Legal basis: Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (1) (PDN) and Pasal 65
    ayat (3) (UMK); Inpres 2/2022 (reporting the realization).
    """
    checks = []
    for code, name, part in (
        (Code.PDN_ABOVE_VALUE, "PDN", nilai_pdn),
        (Code.UMK_ABOVE_VALUE, "UMK", nilai_umk),
    ):
        if part is not None and part > nilai:
            checks.append(
                _check(
                    code,
                    f"Nilai {name} {objek} {f.rp(part, 2)} melebihi nilainya {f.rp(nilai, 2)} "
                    f"(selisih {f.rp(part - nilai, 2)}).",
                )
            )
    return checks


def reported_value(
    *, nilai: Decimal, nilai_pdn: Decimal | None, nilai_umk: Decimal | None, objek: str
) -> list[Check]:
    """An e-contract or pencatatan that reports no PDN value (or no UMK value) at all: its
    realization cannot be counted as PDN (or UMK) until it is filled in.

    Legal basis: Perpres 16/2018 jo. Perpres 12/2021 Pasal 66 ayat (1) and Pasal 65 ayat (3);
    Inpres 2/2022 (reporting the realization).
    """
    checks = []
    for code, name, part in (
        (Code.PDN_MISSING, "PDN", nilai_pdn),
        (Code.UMK_MISSING, "UMK", nilai_umk),
    ):
        if part is None:
            checks.append(
                _check(
                    code,
                    f"{objek[:1].upper()}{objek[1:]} bernilai {f.rp(nilai, 2)} tidak "
                    f"mencantumkan nilai {name}; realisasinya belum dapat dihitung sebagai "
                    f"{name}.",
                )
            )
    return checks
