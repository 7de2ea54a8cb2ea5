"""C12: TKDN certificate validity on a date, its label, and the 999,99 sentinel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from p3dn.rules import _fmt as f
from p3dn.rules.common import ZERO
from p3dn.rules.errors import Problems, RuleInputError
from p3dn.rules.params import DEFAULT_PARAMS, Params, unconfirmed
from p3dn.rules.versions import Kind, rule_set_for

HUNDRED = Decimal(100)


class CertificateKind(StrEnum):
    TKDN = "tkdn"
    TKDN_IK = "tkdn_ik"


class Status(StrEnum):
    BERLAKU = "berlaku"
    SEGERA_BERAKHIR = "segera_berakhir"
    KEDALUWARSA = "kedaluwarsa"
    BELUM_BERLAKU = "belum_berlaku"


def status_label(status: Status, warning_days: int) -> str:
    """Indonesian label of a status ("Segera berakhir (≤ 60 hari)")."""
    return {
        Status.BERLAKU: "Berlaku",
        Status.SEGERA_BERAKHIR: f"Segera berakhir ({f.LE} {warning_days} hari)",
        Status.KEDALUWARSA: "Kedaluwarsa",
        Status.BELUM_BERLAKU: "Belum berlaku",
    }[status]


@dataclass(frozen=True)
class CertificateResult:
    as_of: date
    regulation: str
    tanggal_terbit: date | None
    tanggal_berakhir: date
    berakhir_diperkirakan: bool
    status: Status
    label: str
    berlaku: bool
    sisa_hari: int
    tkdn: Decimal | None  # fraction; None when absent or "not applicable"
    tkdn_tidak_berlaku: bool
    legal_basis: str
    explanation: tuple[str, ...]
    unconfirmed: tuple[str, ...]


def tkdn_from_percent(value: Decimal, params: Params = DEFAULT_PARAMS) -> Decimal | None:
    """An export percentage as a fraction; the 999,99 sentinel -> None (not applicable)."""
    if value == params.tkdn_not_applicable_sentinel:
        return None
    if not ZERO <= value <= HUNDRED:
        problems = Problems()
        problems.add(
            "nilai_tkdn_persen",
            "out_of_range",
            "Nilai TKDN (%) harus antara 0 dan 100, atau 999,99 (tidak berlaku).",
            "TKDN (%) must be between 0 and 100, or 999.99 (not applicable).",
        )
        problems.raise_if_any()
    return value / HUNDRED


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validity_years(
    regulation: str, kind: CertificateKind, params: Params, extended: bool = False
) -> int:
    """Default validity in years by regime.

    16/2011: 3 (2 also seen); TKDN-IK: 3 + one 2-year extension; 35/2025: 5.
    """
    if regulation == "permenperin35_2025":
        return params.cert_validity_years_35_2025
    if kind is CertificateKind.TKDN_IK:
        return params.cert_validity_years_ik_46_2022 + (
            params.cert_extension_years_ik_46_2022 if extended else 0
        )
    return params.cert_validity_years_16_2011


def certificate_status(
    *,
    as_of: date,
    tanggal_terbit: date | None = None,
    tanggal_berakhir: date | None = None,
    jenis: CertificateKind = CertificateKind.TKDN,
    diperpanjang: bool = False,
    nilai_tkdn_persen: Decimal | None = None,
    params: Params = DEFAULT_PARAMS,
) -> CertificateResult:
    """C12: is a certificate valid on ``as_of``? valid iff issue date <= as_of <= expiry date.

    Labels: berlaku; segera berakhir (valid, expiry within 60 days); kedaluwarsa; belum berlaku.
    Without an expiry date it is estimated from the issue date and the regime in force on that
    date. Legal basis: Permenperin 16/2011 (3 years; 2 years also seen), Permenperin 46/2022
    (TKDN-IK 3 years + one 2-year extension), Permenperin 35/2025 (5 years).
    """
    problems = Problems()
    if tanggal_terbit is None and tanggal_berakhir is None:
        problems.add(
            "tanggal_berakhir",
            "required",
            "Isi tanggal berakhir, atau tanggal terbit untuk memperkirakannya.",
            "Give the expiry date, or the issue date to estimate it.",
        )
    if tanggal_terbit and tanggal_berakhir and tanggal_berakhir < tanggal_terbit:
        problems.add(
            "tanggal_berakhir",
            "before_issue",
            "Tanggal berakhir sebelum tanggal terbit.",
            "Expiry date is before the issue date.",
        )
    tkdn: Decimal | None = None
    if nilai_tkdn_persen is not None:
        try:
            tkdn = tkdn_from_percent(nilai_tkdn_persen, params)
        except RuleInputError as exc:
            problems.extend(exc.errors)
    problems.raise_if_any()
    notes: list[str] = []
    regime_date = tanggal_terbit or as_of
    kind = Kind.TKDN_IK if jenis is CertificateKind.TKDN_IK else Kind.TKDN
    rule_set = rule_set_for(kind, regime_date)
    text = []
    estimated = tanggal_berakhir is None
    if tanggal_berakhir is None:
        assert tanggal_terbit is not None
        years = validity_years(rule_set.version, jenis, params, diperpanjang)
        tanggal_berakhir = _add_years(tanggal_terbit, years)
        text.append(
            f"Terbit {f.tanggal(tanggal_terbit)} di bawah {rule_set.legal_basis}: masa berlaku "
            f"{years} tahun "
            f"{f.ARROW} berakhir (perkiraan) {f.tanggal(tanggal_berakhir)}."
        )
        notes.append("certificate_expiry_estimated")
        if rule_set.version == "permenperin35_2025":
            notes.append("cert_validity_years_35_2025")
        elif jenis is CertificateKind.TKDN_IK:
            notes += ["cert_validity_years_ik_46_2022"] + (
                ["cert_extension_years_ik_46_2022"] if diperpanjang else []
            )
        else:
            notes.append("cert_validity_years_16_2011")
    else:
        text.append(f"Tanggal berakhir {f.tanggal(tanggal_berakhir)}.")
    days_left = (tanggal_berakhir - as_of).days
    warn = params.cert_expiry_warning_days
    if tanggal_terbit is not None and as_of < tanggal_terbit:
        status = Status.BELUM_BERLAKU
        text.append(
            f"Tanggal acuan {f.tanggal(as_of)} sebelum tanggal terbit {f.tanggal(tanggal_terbit)}."
        )
    elif days_left < 0:
        status = Status.KEDALUWARSA
        text.append(
            f"Tanggal acuan {f.tanggal(as_of)} sudah lewat {-days_left} hari dari tanggal berakhir."
        )
    elif days_left <= warn:
        status = Status.SEGERA_BERAKHIR
        notes.append("cert_expiry_warning_days")
        text.append(f"Sisa {days_left} hari {f.LE} {warn} hari {f.ARROW} segera berakhir.")
    else:
        status = Status.BERLAKU
        text.append(f"Sisa {days_left} hari > {warn} hari {f.ARROW} berlaku.")
    not_applicable = nilai_tkdn_persen is not None and tkdn is None
    if not_applicable:
        text.append(
            f"Nilai TKDN {f.qty(params.tkdn_not_applicable_sentinel)} berarti 'tidak berlaku', "
            "bukan persentase."
        )
        notes.append("tkdn_not_applicable_sentinel")
    elif tkdn is not None:
        text.append(f"Nilai TKDN {f.pct(tkdn)}.")
    return CertificateResult(
        as_of=as_of,
        regulation=rule_set.version,
        tanggal_terbit=tanggal_terbit,
        tanggal_berakhir=tanggal_berakhir,
        berakhir_diperkirakan=estimated,
        status=status,
        label=status_label(status, warn),
        berlaku=status in (Status.BERLAKU, Status.SEGERA_BERAKHIR),
        sisa_hari=days_left,
        tkdn=tkdn,
        tkdn_tidak_berlaku=not_applicable,
        legal_basis=f"{rule_set.legal_basis} (masa berlaku sertifikat)",
        explanation=tuple(text),
        unconfirmed=unconfirmed(params, notes),
    )
