"""Reads of the claim findings for the page, its export, the API and the command: one
function each, always narrowed to what the user may see (access.visible_findings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from p3dn.accounts.models import Pemda, User
from p3dn.catalog.claims import access
from p3dn.catalog.claims.models import Finding, Outcome, Purchase, VerificationRun
from p3dn.rules.claims import OUTCOMES


def last_run() -> VerificationRun | None:
    return VerificationRun.objects.order_by("-finished_at", "-id").first()


def list_findings(*, user: User, filters: dict[str, Any]) -> QuerySet[Finding]:
    """The findings ``user`` sees, filtered by outcome, Pemda (it bought the product or the
    producer is in its region), province (the producer's, or of a Pemda that bought it),
    producer name and source; worst outcome first."""
    qs = access.visible_findings(user)
    if outcome := filters.get("hasil"):
        qs = qs.filter(outcome=outcome)
    if source := filters.get("sumber"):
        qs = qs.filter(source=source)
    if name := filters.get("produsen"):
        qs = qs.filter(producer__name__icontains=name)
    pemda: Pemda | None = filters.get("pemda")
    if pemda is not None:
        qs = qs.filter(pk__in=Finding.objects.filter(access.pemda_q(pemda)).values("pk"))
    if province := filters.get("provinsi"):
        in_province = (
            Q(producer_province_id=province)
            | Q(purchases__pemda__region_id=province)
            | Q(purchases__pemda__region__parent_id=province)
        )
        qs = qs.filter(pk__in=Finding.objects.filter(in_province).values("pk"))
    order = {o.value: n for n, o in enumerate(OUTCOMES)}
    rank = Case(*(When(outcome=k, then=Value(v)) for k, v in order.items()),
                output_field=IntegerField())
    return qs.annotate(rank=rank).order_by("rank", "producer__name", "product__name", "id")


@dataclass(frozen=True)
class OutcomeCount:
    outcome: str
    label: str
    count: int


def count_outcomes(findings: QuerySet[Finding]) -> list[OutcomeCount]:
    counts = dict(
        findings.order_by().values_list("outcome").annotate(n=Count("id", distinct=True))
    )
    labels = dict(Outcome.choices)
    return [OutcomeCount(o.value, str(labels[o.value]), counts.get(o.value, 0)) for o in OUTCOMES]


def purchases_of(finding: Finding, user: User) -> QuerySet[Purchase]:
    """The purchases behind a finding the user may see: all for national users, their own
    Pemda's for the others."""
    qs = finding.purchases.select_related("pemda").order_by("pemda__name")
    if user.is_national:
        return qs
    if user.pemda_id is None:
        return qs.none()
    return qs.filter(pemda_id=user.pemda_id)


def evidence_of(finding: Finding) -> list[dict[str, Any]]:
    """The certificates compared for a finding, with their dates as dates and TKDN as
    Decimal fractions (the JSON stores text)."""
    rows = []
    for cert in finding.evidence:
        row = dict(cert)
        for key in ("issue_date", "expiry_date", "valid_until"):
            row[key] = dt.date.fromisoformat(cert[key]) if cert.get(key) else None
        for key in ("tkdn", "bmp"):
            row[key] = Decimal(cert[key]) if cert.get(key) is not None else None
        row["chosen"] = cert.get("id") == finding.certificate_id
        rows.append(row)
    return rows
