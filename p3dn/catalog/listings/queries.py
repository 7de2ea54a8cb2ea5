"""Reads of the katalog lokal for the pages, the API, the export and other apps.

``listed_product_ids(pemda)`` is what the search filters by ("katalog lokal of a Pemda").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.text import slugify

from p3dn.accounts.models import Pemda
from p3dn.audit.models import LogEntry
from p3dn.catalog import identity
from p3dn.catalog.listings.models import DEFAULT_UMK_TARGET, Listing, OnboardingTarget
from p3dn.catalog.models import CatalogProduct, Producer

APPROVED = Listing.Status.APPROVED


def _approved(pemda: Pemda | int) -> QuerySet[Listing]:
    return Listing.objects.filter(pemda=pemda, status=APPROVED)


def listed_product_ids(pemda: Pemda | int) -> set[int]:
    """The CatalogProduct ids of the Pemda's approved katalog lokal entries."""
    return set(
        _approved(pemda).filter(product__isnull=False).values_list("product_id", flat=True)
    )


def listed_producers(pemda: Pemda) -> QuerySet[Producer]:
    """The producers of the Pemda's approved entries (a producer alone or with products), with
    how many of their products are listed."""
    ids = _approved(pemda).values("producer_id")
    listed = Q(pk__in=ids)
    return (
        Producer.objects.filter(listed)
        .select_related("region", "province")
        .order_by("name_key", "id")
    )


def listed_products(pemda: Pemda) -> QuerySet[CatalogProduct]:
    return (
        CatalogProduct.objects.filter(pk__in=_approved(pemda).values("product_id"))
        .select_related("producer", "producer__region")
        .order_by("name", "id")
    )


def products_of(pemda: Pemda, producer: Producer) -> QuerySet[CatalogProduct]:
    return listed_products(pemda).filter(producer=producer)


def pemda_key(pemda: Pemda) -> str | None:
    """``D107-kabupaten-bandung``: the share-friendly key of a Pemda's public pages (None when
    the Pemda has no LKPP code yet)."""
    if not pemda.kd_klpd:
        return None
    return f"{pemda.kd_klpd}-{slugify(pemda.name)[:80] or 'pemda'}"


def public_path(pemda: Pemda) -> str | None:
    """The address of the Pemda's public katalog lokal (None without an LKPP code)."""
    key = pemda_key(pemda)
    if key is None:
        return None
    return reverse("listings:pemda", args=key.split("-", 1))


@dataclass(frozen=True)
class Progress:
    """Counts of a Pemda's katalog lokal against its onboarding target."""

    umk_target: int
    target_set: bool
    umk_producers: int
    producers: int
    products: int
    pending: int

    @property
    def share(self) -> Decimal:
        """Approved UMK producers as a fraction of the target (may pass 1)."""
        return (Decimal(self.umk_producers) / Decimal(self.umk_target)).quantize(
            Decimal("0.0001"))


def progress(pemda: Pemda) -> Progress:
    target = OnboardingTarget.objects.filter(pemda=pemda).first()
    approved = _approved(pemda)
    producer_ids = approved.values("producer_id")
    producers = Producer.objects.filter(pk__in=producer_ids).aggregate(
        all=Count("id"), umk=Count("id", filter=Q(umk=True)))
    return Progress(
        umk_target=target.umk_target if target else DEFAULT_UMK_TARGET,
        target_set=target is not None,
        umk_producers=producers["umk"],
        producers=producers["all"],
        products=approved.filter(product__isnull=False).count(),
        pending=Listing.objects.filter(pemda=pemda, status=Listing.Status.PENDING).count(),
    )


def list_listings(qs: QuerySet[Listing], *, status: str | None = None,
                  q: str | None = None) -> QuerySet[Listing]:
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(producer__name__icontains=q) | Q(product__name__icontains=q)
                       | Q(proposal__producer__name__icontains=q))
    return qs.order_by("-created_at", "-id")


def status_counts(qs: QuerySet[Listing]) -> dict[str, int]:
    counts = {s: 0 for s in Listing.Status.values}
    for row in qs.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def history(listing: Listing) -> QuerySet[LogEntry]:
    """Every proposal and decision of the entry, oldest first (the audit trail)."""
    return LogEntry.objects.filter(
        object_type=Listing._meta.label_lower, object_id=str(listing.pk)
    ).select_related("actor").order_by("created_at", "id")


def namesakes(listing: Listing) -> list[Producer]:
    """Registry producers of the proposed name (same legal-form family and name key): the
    reviewer links to one only when it is the same company."""
    name = (listing.proposal.get("producer") or {}).get("name")
    if not name or listing.producer_id is not None:
        return []
    parsed = identity.parse_name(name)
    return [p for p in Producer.objects.filter(name_key=parsed.key[:255]).select_related(
        "region")[:20] if p.family == parsed.family]


def public_pemdas() -> list[dict[str, Any]]:
    """The Pemda with at least one approved entry, with their counts, by name."""
    rows = (
        Listing.objects.filter(status=APPROVED)
        .values("pemda")
        .annotate(producers=Count("producer", distinct=True),
                  products=Count("product", distinct=True))
    )
    counts = {r["pemda"]: r for r in rows}
    pemdas = Pemda.objects.filter(pk__in=counts, kd_klpd__isnull=False).order_by("name")
    return [{"pemda": p, "url": public_path(p), **counts[p.pk]} for p in pemdas]


def public_counts(pemda: Pemda) -> dict[str, int]:
    """What the public pages count: approved entries only."""
    p = progress(pemda)
    return {"producers": p.producers, "umk_producers": p.umk_producers, "products": p.products}
