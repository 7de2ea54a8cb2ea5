"""Every change of the katalog lokal: proposals (by a Tim P3DN, or by a producer through the
public form), decisions and the onboarding target. Keyword-only, atomic, audited.

A producer's public proposal writes nothing to the public registry: what was typed stays on the
entry (``Listing.proposal``) until the Pemda's Tim P3DN approves it, and only then are the
registry's producer and product created through catalog's own services (with their merge rule:
catalog/identity.py), or linked when the registry already has them. So spam never reaches a
public page, and a proposal can never change a registry record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda, User
from p3dn.audit.services import diff, log, snapshot
from p3dn.catalog import identity
from p3dn.catalog import services as registry
from p3dn.catalog.listings import access, checks
from p3dn.catalog.listings.models import DEFAULT_UMK_TARGET, Listing, OnboardingTarget
from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.regions.models import Region

PUBLIC_ACTOR = "formulir publik"
AUDIT_FIELDS = ["status", "producer", "product", "source", "note", "reason", "override_reason"]
_KBLI = re.compile(r"^\d{5}$")
PRODUCER_KEYS = ("name", "nib", "npwp", "address", "region", "kbli", "size")
PRODUCT_KEYS = ("name", "specification", "brand", "tipe", "kbli", "kbki", "unit")


class ProposalLimitReached(Exception):
    """Too many public proposals from one address, or too many awaiting review at a Pemda."""


def address_key(address: str) -> str:
    """A keyed hash of an address: counted by the rate limit, never stored in clear."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, f"listing-proposal:{address}".encode(), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------ checks


def area_of(pemda: Pemda) -> checks.Area:
    region = pemda.region
    province = region.code if region.level == Region.Level.PROVINSI else region.parent_id
    return checks.Area(code=region.code, level=region.level, province=province)


def _facts(producer: Producer, product: CatalogProduct | None) -> checks.Facts:
    place = producer.region or producer.province
    return checks.Facts(
        nib=producer.nib, nib_status=producer.nib_status, npwp=producer.npwp,
        kbli=tuple(producer.kbli_list), region=producer.region_id,
        province=producer.province_id, place=place.name if place else "",
        has_product=product is not None, product_kbli=product.kbli if product else "",
    )


def _proposal_facts(proposal: dict[str, Any]) -> checks.Facts:
    producer, product = proposal.get("producer") or {}, proposal.get("product")
    region = Region.objects.filter(code=producer.get("region") or "").first()
    province = None
    if region is not None:
        province = region.code if region.level == Region.Level.PROVINSI else region.parent_id
    return checks.Facts(
        nib=producer.get("nib", ""), nib_status="", npwp=producer.get("npwp", ""),
        kbli=tuple(str(producer.get("kbli", "")).split()),
        region=region.code if region else None, province=province,
        place=region.name if region else "",
        has_product=bool(product), product_kbli=(product or {}).get("kbli", ""),
    )


def run_checks(listing: Listing) -> list[dict[str, Any]]:
    """The checks on what the entry names now: the registry rows, else the typed proposal."""
    if listing.producer is not None and listing.in_registry:
        facts = _facts(listing.producer, listing.product)
    else:
        facts = _proposal_facts(listing.proposal)
    return checks.run(facts, area_of(listing.pemda))


# ------------------------------------------------------------------ proposals


def open_clash(pemda: Pemda, producer: Producer | None, product: CatalogProduct | None,
               exclude: int | None = None) -> Listing | None:
    """The pending or approved entry of the Pemda that already names this producer alone, or
    this product."""
    if producer is None:
        return None
    qs = Listing.objects.filter(pemda=pemda, status__in=Listing.OPEN)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if product is not None:
        return qs.filter(product=product).first()
    return qs.filter(producer=producer, product__isnull=True).first()


def _clash_error(clash: Listing) -> ValidationError:
    return ValidationError(
        _("This is already in the katalog lokal (entry no. %(id)s, %(status)s).")
        % {"id": clash.pk, "status": clash.get_status_display()}
    )


def _audit(listing: Listing, action: str, actor: Any, before: dict[str, Any],
           extra: dict[str, list[Any]] | None = None) -> None:
    changes = diff(before, snapshot(listing, AUDIT_FIELDS))
    log(actor=actor, action=action, obj=listing, pemda=listing.pemda,
        changes={**changes, **(extra or {})})


@transaction.atomic
def propose_listing(*, actor: User, pemda: Pemda, producer: Producer,
                    product: CatalogProduct | None = None, note: str = "") -> Listing:
    """The Tim P3DN proposes a registry producer (and one of its products) for its list."""
    access.require_curate(actor, pemda)
    if product is not None and product.producer_id != producer.pk:
        raise ValidationError({"product": _("This product is not one of this producer's.")})
    clash = open_clash(pemda, producer, product)
    if clash is not None:
        raise _clash_error(clash)
    listing = Listing(pemda=pemda, producer=producer, product=product, proposed_by=actor,
                      source=Listing.Source.TIM, note=note.strip()[:5000])
    listing.checks = run_checks(listing)
    listing.save()
    _audit(listing, "listings.listing.proposed", actor, {},
           {"checks": [None, _summary(listing.checks)]})
    return listing


def _summary(results: list[dict[str, Any]]) -> dict[str, str]:
    return {c["code"]: c["status"] for c in results}


def clean_producer_values(values: dict[str, Any]) -> dict[str, str]:
    """What a producer typed, normalised; a ValidationError names each bad field."""
    errors: dict[str, str] = {}
    out = {k: " ".join(str(values.get(k) or "").split()) for k in PRODUCER_KEYS}
    out["address"] = str(values.get("address") or "").strip()[:1000]
    if not out["name"]:
        errors["name"] = _("Give the producer's name.")
    out["name"] = out["name"][:255]
    for key, clean, message in (
        ("nib", identity.nib_digits, _("A NIB has 13 digits.")),
        ("npwp", identity.npwp_digits, _("An NPWP has 15 or 16 digits.")),
    ):
        raw, out[key] = out[key], clean(out[key])
        if raw and not out[key]:
            errors[key] = message
    codes = out["kbli"].replace(",", " ").split()
    if any(not _KBLI.match(c) for c in codes) or len(codes) > 50:
        errors["kbli"] = _("KBLI codes have 5 digits, separated by spaces.")
    out["kbli"] = " ".join(sorted(set(codes)))
    if out["size"] not in Producer.Size.values:
        errors["size"] = _("Unknown size.")
    if out["region"] and not Region.objects.filter(code=out["region"]).exclude(
            level=Region.Level.KECAMATAN).exists():
        errors["region"] = _("Choose a province, regency or city.")
    if errors:
        raise ValidationError(errors)
    return out


def clean_product_values(values: dict[str, Any] | None) -> dict[str, str] | None:
    if not values or not str(values.get("name") or "").strip():
        return None
    out = {k: " ".join(str(values.get(k) or "").split()) for k in PRODUCT_KEYS}
    out["specification"] = str(values.get("specification") or "").strip()[:5000]
    out["name"], out["brand"], out["tipe"] = out["name"][:1000], out["brand"][:255], out[
        "tipe"][:255]
    errors = {}
    if out["kbli"] and not _KBLI.match(out["kbli"]):
        errors["product_kbli"] = _("A KBLI code has 5 digits.")
    if out["kbki"] and not re.fullmatch(r"\d{1,20}", out["kbki"]):
        errors["kbki"] = _("A KBKI code has digits only.")
    out["unit"] = out["unit"][:60]
    if errors:
        raise ValidationError(errors)
    return out


def registry_match(values: dict[str, str]) -> Producer | None:
    """The registry producer a proposal names beyond doubt: same legal-form family and name
    key (catalog/identity.py) AND the same NPWP or NIB. A namesake with another NPWP or NIB,
    or without either to compare, is never linked: the reviewer decides."""
    parsed = identity.parse_name(values["name"])
    for other in Producer.objects.filter(name_key=parsed.key[:255]):
        if other.family != parsed.family:
            continue
        same_npwp = bool(values["npwp"] and other.npwp) and (
            identity.npwp16(values["npwp"]) == identity.npwp16(other.npwp))
        same_nib = bool(values["nib"] and other.nib) and values["nib"] == other.nib
        npwp_differs = bool(values["npwp"] and other.npwp) and not same_npwp
        nib_differs = bool(values["nib"] and other.nib) and not same_nib
        if (same_npwp or same_nib) and not (npwp_differs or nib_differs):
            return other
    return None


def _product_match(producer: Producer, values: dict[str, str]) -> CatalogProduct | None:
    probe = CatalogProduct(name=values["name"], specification=values["specification"],
                           brand=identity.brand_text(values["brand"]), tipe=values["tipe"])
    return CatalogProduct.objects.filter(
        producer=producer, item_key=registry.item_key(probe)
    ).first()


@transaction.atomic
def submit_proposal(*, pemda: Pemda, producer: dict[str, Any], product: dict[str, Any] | None,
                    contact_name: str, contact_email: str = "", contact_phone: str = "",
                    note: str = "", address: str = "") -> Listing:
    """A producer proposes itself (and a product) through the public form, without signing
    in. Bounded: at most P3DN_LISTING_PROPOSALS_PER_HOUR from one address, and at most
    P3DN_LISTING_PENDING_PUBLIC per Pemda awaiting review."""
    key = address_key(address)
    since = timezone.now() - dt.timedelta(hours=1)
    per_hour = settings.P3DN_LISTING_PROPOSALS_PER_HOUR
    if Listing.objects.filter(address_key=key, created_at__gte=since).count() >= per_hour:
        raise ProposalLimitReached
    pending = Listing.objects.filter(pemda=pemda, source=Listing.Source.PUBLIC,
                                     status=Listing.Status.PENDING).count()
    if pending >= settings.P3DN_LISTING_PENDING_PUBLIC:
        raise ProposalLimitReached
    values = clean_producer_values(producer)
    product_values = clean_product_values(product)
    if not contact_name.strip():
        raise ValidationError({"contact_name": _("Give the name of a contact person.")})
    linked = registry_match(values)
    linked_product = (_product_match(linked, product_values)
                      if linked is not None and product_values else None)
    proposal: dict[str, Any] = {"producer": values, "product": product_values}
    complete = linked is not None and (linked_product is not None or not product_values)
    if complete:
        clash = open_clash(pemda, linked, linked_product)
        if clash is not None:
            raise _clash_error(clash)
    elif linked is not None:  # a new product of a known producer: linked when approved
        proposal["registry_producer"] = linked.pk
    listing = Listing(
        pemda=pemda, producer=linked if complete else None,
        product=linked_product if complete else None, source=Listing.Source.PUBLIC,
        proposal=proposal,
        contact_name=contact_name.strip()[:120], contact_email=contact_email.strip()[:254],
        contact_phone=contact_phone.strip()[:40], note=note.strip()[:2000], address_key=key,
    )
    listing.checks = run_checks(listing)
    listing.save()
    _audit(listing, "listings.listing.proposed", PUBLIC_ACTOR, {},
           {"checks": [None, _summary(listing.checks)]})
    return listing


# ------------------------------------------------------------------ decisions


def _into_registry(listing: Listing, actor: User, producer: Producer | None) -> None:
    """Link or create the registry rows a public proposal names (catalog's services)."""
    proposal = listing.proposal
    if listing.producer_id is None:
        if producer is None and proposal.get("registry_producer"):
            producer = Producer.objects.filter(pk=proposal["registry_producer"]).first()
        if producer is None:
            values = dict(proposal["producer"])
            region = Region.objects.filter(code=values.pop("region") or "").first()
            producer = registry.create_producer(actor=actor, region=region, **values)
        listing.producer = producer
    elif producer is not None and producer.pk != listing.producer_id:
        raise ValidationError({"producer": _("This entry already names registry producer "
                                             "no. %(id)s.") % {"id": listing.producer_id}})
    product_values = proposal.get("product")
    if product_values and listing.product_id is None:
        assert listing.producer is not None
        found = _product_match(listing.producer, product_values)
        if found is None:
            try:
                found = registry.create_product(actor=actor, producer=listing.producer,
                                                **product_values)
            except PermissionDenied:
                raise ValidationError({"producer": _(
                    "This producer came from the imported registry: only the national "
                    "administrator may add a product to it.")}) from None
        listing.product = found


@transaction.atomic
def decide_listing(*, actor: User, listing: Listing, decision: str, reason: str = "",
                   override_reason: str = "", producer: Producer | None = None) -> Listing:
    """Approve or reject a pending entry, or remove an approved one, with its reason.
    Approving runs the checks again on the registry rows; any that did not pass needs
    ``override_reason``. ``producer`` links a public proposal to that registry producer
    instead of creating one."""
    if not access.can_curate(actor, listing.pemda_id):
        raise PermissionDenied
    listing = Listing.objects.select_for_update().select_related("pemda", "pemda__region").get(
        pk=listing.pk)
    before = snapshot(listing, AUDIT_FIELDS)
    reason, override_reason = reason.strip()[:5000], override_reason.strip()[:5000]
    allowed = {"approve": Listing.Status.PENDING, "reject": Listing.Status.PENDING,
               "remove": Listing.Status.APPROVED}
    if decision not in allowed:
        raise ValidationError({"decision": _("Unknown decision.")})
    if listing.status != allowed[decision]:
        raise ValidationError(_("This entry is %(status)s: it cannot be decided that way.")
                              % {"status": listing.get_status_display()})
    extra: dict[str, list[Any]] = {}
    if decision == "approve":
        _into_registry(listing, actor, producer)
        clash = open_clash(listing.pemda, listing.producer, listing.product, listing.pk)
        if clash is not None:
            raise _clash_error(clash)
        results = run_checks(listing)
        extra["checks"] = [_summary(listing.checks), _summary(results)]
        listing.checks = results
        if checks.failed(results) and not override_reason:
            raise ValidationError({"override_reason": _(
                "Some checks did not pass: give the reason for approving anyway.")})
        listing.status = Listing.Status.APPROVED
        listing.override_reason = override_reason if checks.failed(results) else ""
        listing.reason = reason
    else:
        if not reason:
            raise ValidationError({"reason": _("Give the reason.")})
        listing.status = (Listing.Status.REJECTED if decision == "reject"
                          else Listing.Status.REMOVED)
        listing.reason = reason
    listing.decided_by, listing.decided_at = actor, timezone.now()
    try:
        with transaction.atomic():
            listing.save()
    except IntegrityError:
        raise ValidationError(_("This is already in the katalog lokal.")) from None
    action = {"approve": "approved", "reject": "rejected", "remove": "removed"}[decision]
    _audit(listing, f"listings.listing.{action}", actor, before, extra)
    return listing


@transaction.atomic
def set_target(*, actor: User, pemda: Pemda, umk_target: int) -> OnboardingTarget:
    """The number of UMK producers the Pemda aims to onboard (default 1.000)."""
    access.require_curate(actor, pemda)
    if not 1 <= umk_target <= 1_000_000:
        raise ValidationError({"umk_target": _("A target from 1 to 1.000.000.")})
    target = OnboardingTarget.objects.select_for_update().filter(pemda=pemda).first()
    before = target.umk_target if target else DEFAULT_UMK_TARGET
    if target is None:
        target = OnboardingTarget(pemda=pemda, umk_target=umk_target)
    target.umk_target, target.updated_by = umk_target, actor
    target.save()
    if before != umk_target:
        log(actor=actor, action="listings.target.updated", obj=target, pemda=pemda,
            changes={"umk_target": [before, umk_target]})
    return target
