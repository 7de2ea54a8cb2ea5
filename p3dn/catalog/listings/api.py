"""The katalog lokal over the API (/api/v1/listings). Public reads of a Pemda's APPROVED
producers and products (by its LKPP code); for signed-in users of the Pemda (and national
users) its whole list with the checks and its progress; writes (proposals, decisions, the
target) for the Pemda's own Tim P3DN and the national admin only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from p3dn.accounts import access as accounts_access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.catalog import access as catalog_access
from p3dn.catalog.listings import access, checks, queries, services
from p3dn.catalog.listings.models import Listing
from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.web.apikit import NO_NUL, PUBLIC, READ, WRITE, Id, ShortText, errors, paginated

router = Router(tags=["katalog lokal"])

Klpd = Annotated[str, StringConstraints(min_length=1, max_length=10, pattern=r"^[A-Za-z0-9]+$")]
Reason = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]


def _pemda(klpd: str) -> Pemda:
    return access.public_pemda(klpd)


# ------------------------------------------------------------------ answers


class PemdaCatalogOut(Schema):
    """A Pemda's public katalog lokal: approved entries only."""

    pemda: int
    kd_klpd: str
    name: str
    url: str | None
    producers: int
    umk_producers: int
    products: int


class ListedProducerOut(Schema):
    id: int
    name: str
    legal_form: str
    nib: str
    region: str | None
    region_name: str | None
    kbli: list[str]
    size: str
    umk: bool | None
    ikm: bool | None
    registry_url: str

    @staticmethod
    def resolve_region(obj: Producer) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Producer) -> str | None:
        return obj.region.name if obj.region_id and obj.region else None

    @staticmethod
    def resolve_kbli(obj: Producer) -> list[str]:
        return obj.kbli_list

    @staticmethod
    def resolve_registry_url(obj: Producer) -> str:
        return obj.get_absolute_url()


class ListedProductOut(Schema):
    id: int
    name: str
    specification: str
    brand: str
    kbli: str
    kbki: str
    unit: str
    producer: int
    producer_name: str
    tkdn: Decimal | None
    tkdn_bmp: Decimal | None
    valid_until: dt.date | None
    price_min: Decimal | None
    registry_url: str

    @staticmethod
    def resolve_producer(obj: CatalogProduct) -> int:
        return obj.producer_id

    @staticmethod
    def resolve_producer_name(obj: CatalogProduct) -> str:
        return obj.producer.name

    @staticmethod
    def resolve_registry_url(obj: CatalogProduct) -> str:
        return obj.get_absolute_url()


class CheckOut(Schema):
    """One Katalog v6 check: ``ok``, ``fail`` or ``unknown`` (could not be checked)."""

    code: str
    status: str
    label: str
    text: str

    @staticmethod
    def resolve_label(obj: dict[str, Any]) -> str:
        return checks.label(obj["code"])

    @staticmethod
    def resolve_text(obj: dict[str, Any]) -> str:
        return checks.explain(obj)


class ListingOut(Schema):
    id: int
    pemda: int
    status: str
    source: str
    producer: int | None
    producer_name: str
    product: int | None
    product_name: str
    in_registry: bool
    note: str
    checks: list[CheckOut]
    reason: str
    override_reason: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    contact: dict[str, str] | None = Field(
        None, description="the public proposer's contact: to the Pemda's Tim P3DN only")

    @staticmethod
    def resolve_pemda(obj: Listing) -> int:
        return obj.pemda_id

    @staticmethod
    def resolve_producer(obj: Listing) -> int | None:
        return obj.producer_id

    @staticmethod
    def resolve_product(obj: Listing) -> int | None:
        return obj.product_id

    @staticmethod
    def resolve_decided_by(obj: Listing) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None

    @staticmethod
    def resolve_contact(obj: Listing, context: dict[str, Any]) -> dict[str, str] | None:
        if obj.source != Listing.Source.PUBLIC or not access.can_curate(
                user_of(context["request"]), obj.pemda_id):
            return None
        return {"name": obj.contact_name, "email": obj.contact_email,
                "phone": obj.contact_phone}


class HistoryOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    changes: dict[str, Any]


class ListingDetailOut(ListingOut):
    current_checks: list[CheckOut]
    history: list[HistoryOut]

    @staticmethod
    def resolve_current_checks(obj: Listing) -> list[dict[str, Any]]:
        return services.run_checks(obj)

    @staticmethod
    def resolve_history(obj: Listing) -> list[dict[str, Any]]:
        return [{"at": e.created_at, "actor": e.actor_name, "action": e.action,
                 "changes": e.changes} for e in queries.history(obj)]


class ProgressOut(Schema):
    """Counts against the onboarding target; ``share`` = approved UMK producers / target, a
    decimal fraction that may pass 1."""

    pemda: int
    umk_target: int
    target_set: bool
    umk_producers: int
    producers: int
    products: int
    pending: int
    share: Decimal


def _progress(pemda: Pemda) -> dict[str, Any]:
    p = queries.progress(pemda)
    return {"pemda": pemda.pk, "umk_target": p.umk_target, "target_set": p.target_set,
            "umk_producers": p.umk_producers, "producers": p.producers,
            "products": p.products, "pending": p.pending, "share": p.share}


# ------------------------------------------------------------------ input


class ProposalIn(Schema):
    producer: Id
    product: Id | None = None
    note: Reason = ""


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REMOVE = "remove"


class DecisionIn(Schema):
    decision: Decision
    reason: Reason = ""
    override_reason: Reason = ""
    producer: Id | None = Field(
        None, description="link a public proposal to this registry producer instead of "
                          "creating one")


class TargetIn(Schema):
    umk_target: int = Field(ge=1, le=1_000_000)


class StatusFilter(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REMOVED = "removed"


assert {s.value for s in StatusFilter} == set(Listing.Status.values)


# ------------------------------------------------------------------ public reads


@router.get("/klpd/{klpd}", response={200: PemdaCatalogOut, **errors(*PUBLIC, 404)}, auth=None)
def get_pemda_catalog(request: HttpRequest, klpd: Klpd) -> dict[str, Any]:
    """A Pemda's public katalog lokal by its LKPP code (D107): approved counts and its page."""
    pemda = _pemda(klpd)
    counts = queries.public_counts(pemda)
    return {"pemda": pemda.pk, "kd_klpd": pemda.kd_klpd, "name": pemda.name,
            "url": queries.public_path(pemda), **counts}


@router.get("/klpd/{klpd}/producers", response={200: list[ListedProducerOut],
                                                 **errors(*PUBLIC, 404)}, auth=None)
@paginated
def list_listed_producers(request: HttpRequest, klpd: Klpd) -> QuerySet[Producer]:
    """The approved producers of a Pemda's katalog lokal."""
    return queries.listed_producers(_pemda(klpd))


@router.get("/klpd/{klpd}/products", response={200: list[ListedProductOut],
                                                **errors(*PUBLIC, 404)}, auth=None)
@paginated
def list_listed_products(request: HttpRequest, klpd: Klpd) -> QuerySet[CatalogProduct]:
    """The approved products of a Pemda's katalog lokal."""
    return queries.listed_products(_pemda(klpd))


# ------------------------------------------------------------------ the Pemda's own list


@router.get("/pemda/{pemda_id}/progress", response={200: ProgressOut, **errors(*READ)})
def get_progress(request: HttpRequest, pemda_id: Id) -> dict[str, Any]:
    """Approved UMK producers, producers and products, and pending proposals, against the
    onboarding target (default 1.000 UMK)."""
    return _progress(accounts_access.get_pemda_for(user_of(request), pemda_id))


@router.put("/pemda/{pemda_id}/target", response={200: ProgressOut, **errors(*WRITE)})
def set_target(request: HttpRequest, pemda_id: Id, payload: TargetIn) -> dict[str, Any]:
    """Set the Pemda's onboarding target (its Tim P3DN; audited)."""
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    services.set_target(actor=user, pemda=pemda, umk_target=payload.umk_target)
    return _progress(pemda)


@router.get("/pemda/{pemda_id}/entries", response={200: list[ListingOut], **errors(*READ)})
@paginated
def list_entries(request: HttpRequest, pemda_id: Id, status: StatusFilter | None = None,
                 q: ShortText | None = None) -> QuerySet[Listing]:
    """Every entry of the Pemda's list (pending proposals included) with its checks."""
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    qs = access.visible_listings(user).filter(pemda=pemda)
    return queries.list_listings(qs, status=status, q=q)


@router.post("/pemda/{pemda_id}/entries", response={201: ListingOut, **errors(*WRITE, 409)})
def propose(request: HttpRequest, pemda_id: Id, payload: ProposalIn) -> Status:
    """The Tim P3DN proposes a registry producer (and one of its products); 409 when it is
    already pending or approved."""
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    access.require_curate(user, pemda)
    producer = catalog_access.get_producer_for(user, payload.producer)
    product = catalog_access.get_product_for(user, payload.product) if payload.product else None
    clash = services.open_clash(pemda, producer, product)
    if clash is not None:
        return Status(409, {"error": f"already in the katalog lokal: entry {clash.pk}"})
    listing = services.propose_listing(actor=user, pemda=pemda, producer=producer,
                                       product=product, note=payload.note)
    return Status(201, listing)


@router.get("/entries/{listing_id}", response={200: ListingDetailOut, **errors(*READ)})
def get_entry(request: HttpRequest, listing_id: Id) -> Listing:
    """An entry with the checks as proposed and as of now, and its history (the audit
    trail of its proposal and decisions)."""
    return access.get_listing_for(user_of(request), listing_id)


@router.post("/entries/{listing_id}/decision", response={200: ListingOut,
                                                        **errors(*WRITE, 409)})
def decide(request: HttpRequest, listing_id: Id, payload: DecisionIn) -> Any:
    """Approve or reject a pending entry, or remove an approved one. A decision the entry's
    status does not allow is a 409; approving with failed checks needs ``override_reason``
    (else 422); rejecting and removing need ``reason``."""
    user = user_of(request)
    listing = access.get_listing_for(user, listing_id, write=True)
    allowed = {"approve": Listing.Status.PENDING, "reject": Listing.Status.PENDING,
               "remove": Listing.Status.APPROVED}
    if listing.status != allowed[payload.decision]:
        return Status(409, {"error": f"the entry is {listing.status}"})
    producer = (catalog_access.get_producer_for(user, payload.producer)
                if payload.producer else None)
    return services.decide_listing(actor=user, listing=listing, decision=payload.decision,
                                   reason=payload.reason,
                                   override_reason=payload.override_reason, producer=producer)
