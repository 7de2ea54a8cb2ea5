"""Who sees the claim findings: signed-in users only (never the public).

- national users (administrator, national viewer): every finding;
- a Pemda's users (Tim P3DN, operators, viewers): the findings of products their Pemda bought
  through the e-Katalog, and of producers located in their region (their kabupaten or kota;
  for a province, anywhere in it).

Findings are read-only: the verification rewrites them (services.verify_claims, run by the
worker and the command line); nobody edits one.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from p3dn.accounts.models import Pemda, User
from p3dn.catalog.claims.models import Finding


def can_read(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def pemda_q(pemda: Pemda) -> Q:
    """The findings that concern ``pemda``: it bought the product, or the producer is in its
    region (a province: anywhere in the province)."""
    return (
        Q(purchases__pemda=pemda)
        | Q(producer_region_id=pemda.region_id)
        | Q(producer_province_id=pemda.region_id)
    )


def visible_findings(user: User) -> QuerySet[Finding]:
    qs = Finding.objects.select_related(
        "product", "producer", "producer_province", "certificate", "run"
    )
    if not can_read(user):
        return qs.none()
    if user.is_national:
        return qs
    if user.pemda_id is None or user.pemda is None:
        return qs.none()
    ids = Finding.objects.filter(pemda_q(user.pemda)).values("pk")
    return qs.filter(pk__in=ids)


def get_finding_for(user: User, pk: int | str) -> Finding:
    try:
        return visible_findings(user).get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise Http404("Finding not found") from None
