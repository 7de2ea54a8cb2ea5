"""Who may see and decide what in the katalog lokal (docs/catalog.md, "Katalog lokal").

- Everyone, signed in or not, sees a Pemda's APPROVED entries (public pages and API) and may
  propose a producer through the public form. Nothing pending, rejected or removed is public.
- The users of a Pemda (Tim P3DN, operators, viewers) and national users read that Pemda's
  whole list, pending proposals and their checks included; another Pemda's does not exist for
  them (404).
- Only the Pemda's own Tim P3DN (and the national admin) propose from the app, approve, reject,
  remove and set the onboarding target; the others are refused (403). The contact a producer
  left on the public form is shown to those deciders only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from p3dn.accounts.access import can_edit_pemda, in_pemda_scope
from p3dn.accounts.models import Pemda, User
from p3dn.catalog.listings.models import Listing
from p3dn.catalog.models import CatalogProduct, Producer


def can_curate(user: User, pemda: Pemda | int) -> bool:
    return can_edit_pemda(user, pemda)


def require_curate(user: User, pemda: Pemda) -> None:
    if not can_curate(user, pemda):
        raise PermissionDenied


def visible_listings(user: User) -> QuerySet[Listing]:
    qs = Listing.objects.select_related(
        "pemda", "producer", "producer__region", "product", "decided_by", "proposed_by"
    )
    return in_pemda_scope(qs, user, "pemda_id")


def get_listing_for(user: User, pk: int | str, *, write: bool = False) -> Listing:
    try:
        listing = visible_listings(user).get(pk=pk)
    except (Listing.DoesNotExist, ValueError, TypeError):
        raise Http404("Listing not found") from None
    if write and not can_curate(user, listing.pemda_id):
        raise PermissionDenied
    return listing


def public_pemda(klpd: str) -> Pemda:
    """The Pemda whose public katalog lokal this LKPP code names (any visitor)."""
    try:
        return Pemda.objects.select_related("region").get(kd_klpd__iexact=klpd.strip()[:10])
    except (Pemda.DoesNotExist, Pemda.MultipleObjectsReturned):
        raise Http404("Pemda not found") from None


def get_listed_producer(pemda: Pemda, pk: int | str) -> Producer:
    """A producer with an APPROVED entry in ``pemda``'s katalog lokal (any visitor)."""
    ids = Listing.objects.filter(pemda=pemda, status=Listing.Status.APPROVED).values(
        "producer_id")
    try:
        return Producer.objects.select_related("region", "province").filter(pk__in=ids).get(
            pk=pk)
    except (Producer.DoesNotExist, ValueError, TypeError):
        raise Http404("Producer not listed") from None


def get_listed_product(pemda: Pemda, pk: int | str) -> CatalogProduct:
    """A product with an APPROVED entry in ``pemda``'s katalog lokal (any visitor)."""
    ids = Listing.objects.filter(pemda=pemda, status=Listing.Status.APPROVED).values(
        "product_id")
    try:
        return CatalogProduct.objects.select_related("producer", "producer__region").filter(
            pk__in=ids).get(pk=pk)
    except (CatalogProduct.DoesNotExist, ValueError, TypeError):
        raise Http404("Product not listed") from None
