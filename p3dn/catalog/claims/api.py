"""The claim findings over the API (/api/v1/claims), for signed-in users and API tokens, as
the page narrows them (access.visible_findings). Percentages are decimal fractions
("0.4521" for 45,21%), money exact decimal strings, dates ISO dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from p3dn.accounts.access import get_pemda_for, user_of
from p3dn.catalog.claims import access, queries
from p3dn.catalog.claims.models import Finding, Outcome
from p3dn.regions.models import Region
from p3dn.web.apikit import READ, Id, ShortText, errors, paginated

router = Router(tags=["claims"])


class CertificateEvidenceOut(Schema):
    """A registry certificate compared with the claim, with its C12 status on ``as_of``."""

    id: int
    number: str
    tkdn: Decimal | None
    not_applicable: bool
    bmp: Decimal | None
    holder: str
    holder_id: int
    holder_is_party: bool
    issue_date: dt.date | None
    expiry_date: dt.date | None
    valid_until: dt.date | None
    valid_until_estimated: bool
    status: str
    status_label: str
    valid: bool
    sources: list[str]
    files: list[str]
    chosen: bool


class PurchaseOut(Schema):
    pemda_id: int
    pemda: str
    lines: int
    total: Decimal
    first_date: dt.date | None
    last_date: dt.date | None


class FindingOut(Schema):
    id: int
    outcome: Outcome
    outcome_label: str
    source: Finding.Source
    product_id: int
    product: str
    producer_id: int
    producer: str
    producer_province: str | None
    kd_produk: str
    import_run_id: int | None
    claimed_number: str
    claimed_tkdn: Decimal | None
    claimed_bmp: Decimal | None
    claimed_holder: str
    manufacturer: str
    certificate_id: int | None
    difference: Decimal | None

    @staticmethod
    def resolve_outcome_label(obj: Finding) -> str:
        return str(obj.get_outcome_display())

    @staticmethod
    def resolve_product(obj: Finding) -> str:
        return obj.product.name

    @staticmethod
    def resolve_producer(obj: Finding) -> str:
        return obj.producer.name

    @staticmethod
    def resolve_producer_province(obj: Finding) -> str | None:
        return obj.producer_province_id


class FindingDetailOut(FindingOut):
    as_of: dt.date
    legal_basis: str
    tolerance: Decimal
    certificates: list[CertificateEvidenceOut]
    bought_by: list[PurchaseOut]


class OutcomeCountOut(Schema):
    outcome: str
    label: str
    count: int


class SummaryOut(Schema):
    """The last verification (null before the first) and the outcomes the caller sees."""

    as_of: dt.date | None
    verified_at: dt.datetime | None
    rule_version: str | None
    legal_basis: str | None
    tolerance: Decimal | None
    claims: int
    outcomes: list[OutcomeCountOut]


def _filters(request: HttpRequest, hasil: Outcome | None, pemda: int | None,
             provinsi: str | None, produsen: str | None,
             sumber: Finding.Source | None) -> dict[str, Any]:
    user = user_of(request)
    if provinsi is not None and not Region.objects.filter(
            code=provinsi, level=Region.Level.PROVINSI).exists():
        raise HttpError(404, "province not found")
    return {
        "hasil": hasil.value if hasil else "",
        "pemda": get_pemda_for(user, pemda) if pemda is not None else None,
        "provinsi": provinsi or "",
        "produsen": (produsen or "").strip(),
        "sumber": sumber.value if sumber else "",
    }


@router.get("", response={200: list[FindingOut], **errors(*READ)})
@paginated
def list_findings(
    request: HttpRequest,
    hasil: Outcome | None = None,
    pemda: Id | None = None,
    provinsi: ShortText | None = None,
    produsen: ShortText | None = None,
    sumber: Finding.Source | None = None,
) -> QuerySet[Finding]:
    """The findings of the last verification the caller may see, worst outcome first:
    ``hasil`` (outcome), ``pemda`` (id: it bought the product or the producer is in its
    region), ``provinsi`` (Kemendagri code: the producer's province or of a Pemda that bought
    it), ``produsen`` (name contains), ``sumber`` (ekatalog or manual)."""
    filters = _filters(request, hasil, pemda, provinsi, produsen, sumber)
    return queries.list_findings(user=user_of(request), filters=filters)


@router.get("/summary", response={200: SummaryOut, **errors(*READ)})
def summary(
    request: HttpRequest,
    hasil: Outcome | None = None,
    pemda: Id | None = None,
    provinsi: ShortText | None = None,
    produsen: ShortText | None = None,
    sumber: Finding.Source | None = None,
) -> dict[str, Any]:
    """The last verification and the number of findings per outcome, with the same filters."""
    filters = _filters(request, hasil, pemda, provinsi, produsen, sumber)
    findings = queries.list_findings(user=user_of(request), filters=filters)
    run = queries.last_run()
    counts = queries.count_outcomes(findings)
    return {
        "as_of": run.as_of if run else None,
        "verified_at": run.finished_at if run else None,
        "rule_version": run.rule_version if run else None,
        "legal_basis": run.legal_basis if run else None,
        "tolerance": run.tolerance if run else None,
        "claims": sum(c.count for c in counts),
        "outcomes": [c.__dict__ for c in counts],
    }


@router.get("/{finding_id}", response={200: FindingDetailOut, **errors(*READ)})
def get_finding(request: HttpRequest, finding_id: Id) -> Finding:
    """A finding with its evidence: every certificate compared (``certificates``) and the
    e-Katalog purchases of the product the caller may see (``bought_by``)."""
    user = user_of(request)
    finding = access.get_finding_for(user, finding_id)
    finding.as_of = finding.run.as_of  # type: ignore[attr-defined]
    finding.legal_basis = finding.run.legal_basis  # type: ignore[attr-defined]
    finding.tolerance = finding.run.tolerance  # type: ignore[attr-defined]
    finding.certificates = queries.evidence_of(finding)  # type: ignore[attr-defined]
    finding.bought_by = [  # type: ignore[attr-defined]
        {"pemda_id": p.pemda_id, "pemda": p.pemda.name, "lines": p.lines, "total": p.total,
         "first_date": p.first_date, "last_date": p.last_date}
        for p in queries.purchases_of(finding, user)
    ]
    return finding
