"""Compliance flags of a Pemda-year: the records the Tim P3DN should follow up, per unit.

The checks themselves are the rules library's (``p3dn.rules.compliance``, which uses C18 of
``p3dn.rules.packages`` for reserved packages); this module only reads the facts the indicators
read — the same RUP set, the current version of each e-contract, the pencatatan that are not
cancelled (``p3dn.procurement.sums.source_rows``) — links a realization to its SiRUP package
and hands each record to the rules.

Linking a realization to its package: a tender e-contract through SPSE-TenderSelesaiNilai
(kd_tender → kd_rup_paket); a pencatatan non-tender through its own kd_rup. Non-tender
e-contracts name no package in the published data, pencatatan swakelola name a swakelola
package (which carries no PDN or UKM status), and e-Purchasing and Toko Daring report no PDN
value of their own: none of them can be checked against the plan (docs/indicators.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda, Unit
from p3dn.lib.xlsx import Block, workbook_bytes
from p3dn.procurement.models import TenderResult
from p3dn.procurement.queries import as_of as facts_as_of
from p3dn.procurement.sums import source_rows
from p3dn.rules import compliance as rules
from p3dn.rules.common import parse_jenis

# What a flag points at: (kind, the name of its key in LKPP's data, how a message names it).
OBJECTS = {
    "rup": ("kd_rup", "paket RUP"),
    "tender": ("kd_tender", "kontrak tender"),
    "non_tender": ("kd_nontender", "kontrak non-tender"),
    "pencatatan_non_tender": ("kd_nontender_pct", "pencatatan non-tender"),
    "swakelola": ("kd_swakelola_pct", "pencatatan swakelola"),
}
SEVERITY_ORDER = {rules.Severity.HIGH: 0, rules.Severity.MEDIUM: 1, rules.Severity.LOW: 2}


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str
    unit_id: int | None
    kd_satker: str
    object_kind: str  # a key of OBJECTS
    object_key: str  # its kd_rup / kd_tender / kd_nontender / kd_pct
    nama_paket: str
    nilai: Decimal
    message: str
    legal_basis: str
    kd_rup: str = ""  # the SiRUP package a realization was linked to, if any

    @property
    def key_name(self) -> str:
        return OBJECTS[self.object_kind][0]

    @property
    def title(self) -> str:
        return rules.RULES[rules.Code(self.code)].title


def _flag(
    check: rules.Check, row: Any, kind: str, key: object, nilai: Decimal, kd_rup: str = ""
) -> Flag:
    return Flag(
        code=check.code.value,
        severity=check.severity.value,
        unit_id=row.unit_id,
        kd_satker=row.kd_satker,
        object_kind=kind,
        object_key=str(key),
        nama_paket=row.nama_paket,
        nilai=nilai,
        message=check.message,
        legal_basis=check.legal_basis,
        kd_rup=kd_rup,
    )


@dataclass(frozen=True)
class Plan:
    """What SiRUP says of a package."""

    kd_rup: str
    status_pdn: str
    status_ukm: str


def _codes(text: str) -> list[str]:
    """The kd_rup a realization names ('36083930' or '1;2')."""
    return [code.strip() for code in (text or "").split(";") if code.strip()]


def _plan_of(codes: Iterable[str], plans: dict[str, Plan]) -> Plan | None:
    """The package among ``codes`` in the RUP set; PDN and UKM packages take precedence."""
    found = [plans[c] for c in codes if c in plans]
    if not found:
        return None
    return max(found, key=lambda p: (p.status_pdn == "PDN", p.status_ukm in rules.UKM_VALUES))


def flags(*, pemda: Pemda, tahun: int, as_of: dt.date | None = None) -> list[Flag]:
    """Every compliance flag of the Pemda-year on the data as of ``as_of`` (current data when
    None), most severe first, then by unit and key."""
    out: list[Flag] = []
    plans: dict[str, Plan] = {}
    for package in source_rows("rup", pemda, tahun, as_of):
        kd_rup = str(package.kd_rup)
        plans[kd_rup] = Plan(kd_rup, package.status_pdn, package.status_ukm)
        jenis = parse_jenis(package.jenis_pengadaan or package.kd_jenis_pengadaan or "")
        if jenis is None or package.pagu < 0:
            continue  # not a SiRUP type the reserve applies to, or a value C18 refuses
        check = rules.reserved_package(
            kd_rup=kd_rup,
            nama_paket=package.nama_paket,
            jenis_pengadaan=jenis,
            pagu=package.pagu,
            status_ukm=package.status_ukm,
            alasan_non_ukm=package.alasan_non_ukm,
        )
        if check:
            out.append(_flag(check, package, "rup", kd_rup, package.pagu, kd_rup))

    tender_packages: dict[int, list[str]] = {}
    results = facts_as_of(TenderResult.objects.filter(pemda=pemda), as_of)
    for kd_tender, kd_rup in results.values_list("kd_tender", "kd_rup"):
        tender_packages[kd_tender] = _codes(kd_rup)

    for channel in ("tender", "non_tender", "pencatatan_non_tender", "swakelola"):
        kind_text = OBJECTS[channel][1]
        for row in source_rows(channel, pemda, tahun, as_of):
            if channel in ("tender", "non_tender"):
                key, nilai = row.kd_paket, row.nilai_kontrak
                pdn, umk = row.nilai_pdn_kontrak, row.nilai_umk_kontrak
                codes = tender_packages.get(row.kd_paket, []) if channel == "tender" else []
            else:
                key, nilai = row.kd_pct, row.total_realisasi
                pdn, umk = row.nilai_pdn_pct, row.nilai_umk_pct
                codes = _codes(row.kd_rup) if channel == "pencatatan_non_tender" else []
            checks = [
                *rules.part_within_value(
                    nilai=nilai, nilai_pdn=pdn, nilai_umk=umk, objek=kind_text
                ),
                *rules.reported_value(nilai=nilai, nilai_pdn=pdn, nilai_umk=umk, objek=kind_text),
            ]
            plan = _plan_of(codes, plans)
            if plan is not None:
                for check in (
                    rules.pdn_realisation(
                        status_pdn=plan.status_pdn, nilai=nilai, nilai_pdn=pdn, objek=kind_text
                    ),
                    rules.umk_realisation(
                        status_ukm=plan.status_ukm, nilai=nilai, nilai_umk=umk, objek=kind_text
                    ),
                ):
                    if check:
                        checks.append(check)
            linked = plan.kd_rup if plan else ";".join(codes)
            out.extend(_flag(c, row, channel, key, nilai, linked) for c in checks)
    out.sort(
        key=lambda f: (
            SEVERITY_ORDER[rules.Severity(f.severity)],
            list(rules.RULES).index(rules.Code(f.code)),
            f.unit_id or 0,
            f.object_key,
        )
    )
    return out


# ------------------------------------------------------------------ summaries for the page


def select(found: Sequence[Flag], *, code: str = "", unit: str = "") -> list[Flag]:
    """The flags of one rule and/or one unit ('-' for flags without a unit)."""
    out = list(found)
    if code:
        out = [f for f in out if f.code == code]
    if unit == "-":
        out = [f for f in out if f.unit_id is None]
    elif unit:
        out = [f for f in out if str(f.unit_id) == unit]
    return out


def summarise_flags(found: Sequence[Flag], pemda: Pemda) -> dict[str, Any]:
    """Counts and values per rule (every rule, also those without flags) and per unit."""
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    values: dict[str, Decimal] = defaultdict(Decimal)
    per_unit: dict[int | None, Counter[str]] = defaultdict(Counter)
    for f in found:
        per_rule[f.code]["count"] += 1
        values[f.code] += f.nilai
        per_unit[f.unit_id][f.code] += 1
    units = {u.pk: u for u in Unit.objects.filter(pemda=pemda)}
    rule_rows = [
        {
            "code": info.code.value,
            "title": info.title,
            "severity": info.severity.value,
            "legal_basis": info.legal_basis,
            "count": per_rule[info.code.value]["count"],
            "nilai": values[info.code.value],
        }
        for info in rules.RULES.values()
    ]
    unit_rows: list[dict[str, Any]] = [
        {
            "unit_id": unit_id,
            "name": units[unit_id].name if unit_id in units else _("(no unit)"),
            "kd_satker": units[unit_id].kd_satker if unit_id in units else "",
            "count": sum(counts.values()),
            "by_rule": [counts.get(code.value, 0) for code in rules.RULES],
        }
        for unit_id, counts in per_unit.items()
    ]
    unit_rows.sort(key=lambda r: (-r["count"], str(r["name"])))
    return {"rules": rule_rows, "units": unit_rows, "total": len(found)}


def workbook(*, pemda: Pemda, tahun: int, found: Sequence[Flag]) -> bytes:
    """The flags as an Excel workbook: counts per rule and per unit, then every flag."""
    summary = summarise_flags(found, pemda)
    codes = [info.code.value for info in rules.RULES.values()]
    return workbook_bytes(
        _("Compliance"),
        f"p3dn — {_('Compliance flags')} — {pemda.name} {tahun}",
        [
            Block(
                _("Per rule"),
                [
                    [r["code"], r["title"], r["severity"], r["count"], r["nilai"], r["legal_basis"]]
                    for r in summary["rules"]
                ],
                [
                    _("Rule"),
                    _("Description"),
                    _("Severity"),
                    _("Flags"),
                    _("Value"),
                    _("Legal basis"),
                ],
            ),
            Block(
                _("Per unit"),
                [[r["kd_satker"], r["name"], r["count"], *r["by_rule"]] for r in summary["units"]],
                [_("Satker code"), _("Unit"), _("Flags"), *codes],
            ),
            Block(
                _("Flags"),
                [
                    [
                        f.code,
                        f.severity,
                        f.kd_satker,
                        f.object_kind,
                        f.key_name,
                        f.object_key,
                        f.kd_rup,
                        f.nama_paket,
                        f.nilai,
                        f.message,
                        f.legal_basis,
                    ]
                    for f in found
                ],
                [
                    _("Rule"),
                    _("Severity"),
                    _("Satker code"),
                    _("Record"),
                    _("Key"),
                    _("Code"),
                    "kd_rup",
                    _("package name"),
                    _("Value"),
                    _("Message"),
                    _("Legal basis"),
                ],
            ),
        ],
    )
