"""The checks Katalog v6 rejects a listing for, run on every proposal and shown to the
reviewer (docs/catalog.md, "Katalog lokal"): NIB present, NIB status, NPWP present, KBLI
of the product among the producer's KBLI, and the producer's region inside the Pemda.

What the KBLI check compares, and why: Katalog v6 rejects a product whose category (level III
of the INAPROC category tree) does not match a KBLI on the producer's NIB. No authoritative
KBKI → KBLI correspondence ships with p3dn (BPS publishes KBKI 2015 without one to KBLI 2020),
and a product carries no INAPROC category, so the check compares the product's own KBLI code
(from the Kemenperin export or typed by hand) with the producer's KBLI codes (from its NIB:
e-Katalog's ``kbli2020_penyedia`` or typed by hand): the same 5-digit code passes. A product
without a KBLI code cannot be checked ("unknown"), and says so; it is never passed.

Each check is ``{"code", "status", "detail"}`` with status ``ok``, ``fail`` or ``unknown``;
anything but ``ok`` needs an explicit reason to approve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

OK, FAIL, UNKNOWN = "ok", "fail", "unknown"
CODES = ("nib", "nib_status", "npwp", "kbli", "region")


@dataclass(frozen=True)
class Facts:
    """What the checks read of a producer (and its product), from the registry or a proposal."""

    nib: str = ""
    nib_status: str = ""  # "", "aktif", "tidak_aktif" (catalog Producer.NibStatus)
    npwp: str = ""
    kbli: tuple[str, ...] = ()
    region: str | None = None  # Kemendagri code of the producer's kabupaten/kota or province
    province: str | None = None
    place: str = ""  # the name of ``region`` (or of the province), for the reviewer
    has_product: bool = False
    product_kbli: str = ""


@dataclass(frozen=True)
class Area:
    """The Pemda's territory: its region code, level and province."""

    code: str
    level: str  # provinsi, kabupaten, kota
    province: str | None = None


@dataclass
class Check:
    code: str
    status: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "status": self.status, "detail": self.detail}


def _region(facts: Facts, area: Area) -> Check:
    if facts.region is None and facts.province is None:
        return Check("region", UNKNOWN, {"why": "no_region"})
    where = {"region": facts.region or facts.province, "name": facts.place}
    if area.level == "provinsi":
        inside = area.code in (facts.region, facts.province)
        return Check("region", OK if inside else FAIL, where)
    if facts.region == area.code:
        return Check("region", OK, where)
    if facts.region is not None and facts.region != facts.province:
        return Check("region", FAIL, where)
    # Only the producer's province is known.
    if facts.province is not None and facts.province != area.province:
        return Check("region", FAIL, where)
    return Check("region", UNKNOWN, {"why": "province_only", **where})


def _kbli(facts: Facts) -> Check:
    codes = sorted(set(facts.kbli))
    if not codes:
        return Check("kbli", FAIL, {"why": "producer_none"})
    if not facts.has_product:
        return Check("kbli", OK, {"producer": codes})
    if not facts.product_kbli:
        return Check("kbli", UNKNOWN, {"why": "product_none", "producer": codes})
    if facts.product_kbli in codes:
        return Check("kbli", OK, {"product": facts.product_kbli, "producer": codes})
    return Check("kbli", FAIL, {"why": "mismatch", "product": facts.product_kbli,
                                "producer": codes})


def run(facts: Facts, area: Area) -> list[dict[str, Any]]:
    """Every check, in the order of ``CODES``."""
    checks = [
        Check("nib", OK if facts.nib else FAIL),
        Check(
            "nib_status",
            {"aktif": OK, "tidak_aktif": FAIL}.get(facts.nib_status, UNKNOWN)
            if facts.nib else UNKNOWN,
            {"status": facts.nib_status} if facts.nib else {"why": "no_nib"},
        ),
        Check("npwp", OK if facts.npwp else FAIL),
        _kbli(facts),
        _region(facts, area),
    ]
    return [c.as_dict() for c in checks]


def failed(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The checks that did not pass (failed or could not be checked)."""
    return [c for c in checks if c.get("status") != OK]


def label(code: str) -> str:
    return {
        "nib": _("NIB recorded"),
        "nib_status": _("NIB active"),
        "npwp": _("NPWP recorded"),
        "kbli": _("KBLI matches"),
        "region": _("Producer inside the Pemda"),
    }.get(code, code)


def status_label(status: str) -> str:
    return {OK: _("passed"), FAIL: _("failed"), UNKNOWN: _("not checkable")}.get(status, status)


def explain(check: dict[str, Any]) -> str:
    """One sentence for the reviewer and the export."""
    code, status, detail = check.get("code"), check.get("status"), check.get("detail") or {}
    why = detail.get("why")
    if code == "nib":
        return _("NIB given.") if status == OK else _("No NIB: Katalog v6 rejects it.")
    if code == "nib_status":
        if why == "no_nib":
            return _("No NIB to check.")
        return {OK: _("The NIB is active."), FAIL: _("The NIB is inactive or revoked.")}.get(
            str(status), _("The NIB's status has not been checked (OSS).")
        )
    if code == "npwp":
        return _("NPWP given.") if status == OK else _("No NPWP: Katalog v6 rejects it.")
    if code == "kbli":
        producer = ", ".join(detail.get("producer", [])) or "—"
        if why == "producer_none":
            return _("The producer has no KBLI code recorded (the NIB lists them).")
        if why == "product_none":
            return _("The product has no KBLI code to compare with the producer's (%(codes)s).") % {
                "codes": producer}
        if why == "mismatch":
            return _("The product's KBLI %(product)s is not among the producer's (%(codes)s).") % {
                "product": detail.get("product"), "codes": producer}
        if detail.get("product"):
            return _("The product's KBLI %(product)s is one of the producer's.") % {
                "product": detail["product"]}
        return _("The producer's KBLI: %(codes)s.") % {"codes": producer}
    if code == "region":
        if why == "no_region":
            return _("The producer's region is not known.")
        if why == "province_only":
            return _("Only the producer's province is known.")
        region = detail.get("name") or detail.get("region") or "—"
        if status == OK:
            return _("The producer is in %(region)s, inside the Pemda.") % {"region": region}
        return _("The producer is in %(region)s, outside the Pemda.") % {"region": region}
    return ""
