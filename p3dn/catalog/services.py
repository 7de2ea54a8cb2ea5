"""Entering and correcting the registry by hand: one function per change, keyword-only,
atomic, audited (``catalog.<thing>.<verb>``). The sync from the imported facts is
``sync.sync_registry``."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda, User
from p3dn.audit.services import diff, log, snapshot
from p3dn.catalog import access, identity
from p3dn.catalog.models import (
    CatalogProduct,
    Certificate,
    CertificateSource,
    Origin,
    Producer,
    ProductPrice,
)
from p3dn.catalog.sync import refresh_summaries
from p3dn.catalog.validity import end_date
from p3dn.regions.models import Region
from p3dn.rules.errors import RuleInputError
from p3dn.rules.packages import enterprise_size
from p3dn.rules.params import DEFAULT_PARAMS
from p3dn.web.rule_errors import message_for

MANUAL = "manual"
ONE = Decimal(1)
FIRST_DAY, LAST_DAY = dt.date(1990, 1, 1), dt.date(2100, 12, 31)

PRODUCER_FIELDS = [
    "name", "legal_form", "nib", "nib_status", "npwp", "address", "region", "email", "phone",
    "kbli", "size", "modal_usaha", "hasil_penjualan", "ikm", "bmp",
]
PRODUCT_FIELDS = [
    "name", "specification", "tipe", "brand", "kelompok_barang", "kbki", "kode_hs", "kbli",
    "unit", "origin",
]
CERTIFICATE_FIELDS = [
    "kind", "number", "tkdn", "bmp", "not_applicable", "issue_date", "expiry_date",
]


def _owner(actor: User) -> Pemda | None:
    """What a Tim P3DN enters belongs to its Pemda; what the admin enters to nobody."""
    return actor.pemda if actor.role == User.Role.TIM_P3DN else None


def _manual(actor: User) -> dict[str, Any]:
    return {"source": MANUAL, "user": actor.get_username(), "date": timezone.localdate()}


# ------------------------------------------------------------------ producers


def _clean_producer(producer: Producer, values: dict[str, Any]) -> None:
    """Validate and normalise what was typed; raises ValidationError naming each field."""
    errors: dict[str, str] = {}
    name = " ".join(str(values.get("name", producer.name) or "").split())
    if not name:
        errors["name"] = _("Give the producer's name.")
    if "npwp" in values:
        raw = str(values["npwp"] or "")
        values["npwp"] = identity.npwp_digits(raw)
        if raw.strip() and not values["npwp"]:
            errors["npwp"] = _("An NPWP has 15 or 16 digits.")
    if "nib" in values:
        raw = str(values["nib"] or "")
        values["nib"] = identity.nib_digits(raw)
        if raw.strip() and not values["nib"]:
            errors["nib"] = _("A NIB has 13 digits.")
    if "kbli" in values:
        codes, bad = identity.kbli_codes(values["kbli"])
        if bad:
            errors["kbli"] = _("KBLI codes have 5 digits: %(codes)s") % {"codes": ", ".join(bad)}
        values["kbli"] = " ".join(sorted(set(codes)))
    bmp = values.get("bmp")
    if bmp is not None and not Decimal(0) <= bmp <= DEFAULT_PARAMS.bmp_max:
        errors["bmp"] = _("BMP is at most %(max)s%%.") % {"max": DEFAULT_PARAMS.bmp_max * 100}
    if values.get("legal_form") not in (None, *Producer.LegalForm.values):
        errors["legal_form"] = _("Unknown legal form.")
    if values.get("size") not in (None, *Producer.Size.values):
        errors["size"] = _("Unknown size.")
    region = values.get("region")
    if region is not None and region.level == Region.Level.KECAMATAN:
        errors["region"] = _("Choose a province, regency or city.")
    if errors:
        raise ValidationError(errors)
    values["name"] = name[:255]


def _apply_size(producer: Producer, changed: set[str]) -> None:
    """C19 (PP 7/2021) from capital or sales, through the rules library; else the size as
    declared (e.g. the scale shown on the NIB). UMK follows the size."""
    if producer.modal_usaha is not None or producer.hasil_penjualan is not None:
        try:
            result = enterprise_size(
                modal_usaha=producer.modal_usaha, hasil_penjualan=producer.hasil_penjualan
            )
        except RuleInputError as exc:
            raise ValidationError(
                {e["field"]: message_for(e) for e in exc.errors}
            ) from None
        producer.size = result.ukuran.value
        basis = [b for b, v in (("modal", producer.modal_usaha),
                                ("penjualan", producer.hasil_penjualan)) if v is not None]
        producer.size_basis = " dan ".join(basis) + " (PP 7/2021)"
        producer.umk = result.usaha_kecil
        changed |= {"size", "umk"}
    elif "size" in changed:
        producer.size_basis = "dinyatakan" if producer.size else ""
        producer.umk = producer.size in (Producer.Size.MIKRO, Producer.Size.KECIL) if (
            producer.size) else producer.umk
        changed.add("umk")


def _same_identity(producer: Producer) -> Producer | None:
    """Another producer this one would be (same name and form, no NPWP/NIB telling apart)."""
    parsed = identity.ParsedName(producer.legal_form, producer.name_key, producer.bumn)
    for other in Producer.objects.filter(name_key=producer.name_key).exclude(pk=producer.pk):
        if other.family != parsed.family:
            continue
        npwp_differs = producer.npwp and other.npwp and (
            identity.npwp16(producer.npwp) != identity.npwp16(other.npwp))
        nib_differs = producer.nib and other.nib and producer.nib != other.nib
        if not (npwp_differs or nib_differs):
            return other
    return None


def _save_producer(producer: Producer, values: dict[str, Any], actor: User) -> set[str]:
    _clean_producer(producer, values)
    form = values.pop("legal_form", None) or None  # empty: read from the name
    changed = set()
    for name, value in values.items():
        if name not in PRODUCER_FIELDS:
            raise TypeError(f"cannot set {name}")
        if value is None and name in ("name",):
            continue
        if getattr(producer, name) != value:
            setattr(producer, name, value)
            changed.add(name)
    parsed = identity.parse_name(producer.name)
    producer.name_key = parsed.key[:255]
    if (form or parsed.legal_form) != producer.legal_form:
        producer.legal_form = form or parsed.legal_form
        changed.add("legal_form")
    producer.bumn = parsed.bumn or producer.legal_form in (identity.PERSERO, identity.PERUM)
    if "region" in changed:
        region = producer.region
        producer.province = (
            region if region is None or region.level == Region.Level.PROVINSI
            else Region.objects.filter(code=region.parent_id).first()
        )
    _apply_size(producer, changed)
    clash = _same_identity(producer)
    if clash is not None:
        raise ValidationError(
            {"name": _("“%(name)s” is already in the registry (no. %(id)s); give its NPWP or "
                       "NIB if it is another company.") % {"name": clash.name, "id": clash.pk}}
        )
    for name in changed:
        producer.provenance[name] = _manual(actor)
    namesakes = [o.pk for o in Producer.objects.filter(name_key=producer.name_key)
                 .exclude(pk=producer.pk) if o.family == producer.family]
    if namesakes:  # same name and form, told apart by NPWP or NIB: flagged for checking
        producer.identity_conflict = True
    producer.full_clean(exclude=["provenance", "name_key"])
    producer.save()
    Producer.objects.filter(pk__in=namesakes).update(identity_conflict=True)
    if "bmp" in changed:  # BMP belongs to the company: its products' TKDN + BMP change
        refresh_summaries(producer.certificates.values_list("product_id", flat=True))
    return changed


AUDIT_PRODUCER = [*PRODUCER_FIELDS, "legal_form", "umk", "owner_pemda"]


@transaction.atomic
def create_producer(*, actor: User, **values: Any) -> Producer:
    """A producer entered by hand; it belongs to the Pemda of the Tim P3DN that entered it."""
    access.require_enter(actor)
    producer = Producer(owner_pemda=_owner(actor), entered_by=actor, provenance={})
    _save_producer(producer, {k: v for k, v in values.items() if v not in ("", None)}, actor)
    log(
        actor=actor,
        action="catalog.producer.created",
        obj=producer,
        pemda=producer.owner_pemda,
        changes=diff({}, snapshot(producer, AUDIT_PRODUCER)),
    )
    return producer


@transaction.atomic
def update_producer(*, actor: User, producer: Producer, **values: Any) -> Producer:
    if not access.can_edit_producer(actor, producer):
        raise PermissionDenied
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    before = snapshot(producer, AUDIT_PRODUCER)
    _save_producer(producer, values, actor)
    changes = diff(before, snapshot(producer, AUDIT_PRODUCER))
    if changes:
        log(actor=actor, action="catalog.producer.updated", obj=producer,
            pemda=producer.owner_pemda, changes=changes)
    return producer


# ------------------------------------------------------------------ products


def item_key(product: CatalogProduct) -> str:
    key = identity.product_key(product.name, product.specification, product.brand, product.tipe)
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _save_product(product: CatalogProduct, values: dict[str, Any], price: dict[str, Any] | None
                  ) -> None:
    for name, value in values.items():
        if name not in PRODUCT_FIELDS:
            raise TypeError(f"cannot set {name}")
        setattr(product, name, " ".join(str(value).split()) if name in ("name", "tipe", "brand")
                else value)
    product.brand = identity.brand_text(product.brand)
    if not product.name:
        raise ValidationError({"name": _("Give the product's name.")})
    if product.origin not in Origin.values:
        raise ValidationError({"origin": _("Unknown origin.")})
    product.item_key = item_key(product)
    clash = CatalogProduct.objects.filter(
        producer_id=product.producer_id, item_key=product.item_key
    ).exclude(pk=product.pk).first()
    if clash is not None:
        raise ValidationError(
            {"name": _("This producer already has this product with this specification and "
                       "brand (no. %(id)s).") % {"id": clash.pk}}
        )
    product.full_clean(exclude=["producer", "owner_pemda", "entered_by"])
    product.save()
    if price is not None:
        ProductPrice.objects.filter(product=product, kd_produk="").delete()
        if price.get("harga") is not None:
            ProductPrice.objects.create(
                product=product, kd_produk="", region=price.get("region"), harga=price["harga"]
            )
    refresh_summaries([product.pk])
    product.refresh_from_db()


AUDIT_PRODUCT = [*PRODUCT_FIELDS, "producer", "price_min", "owner_pemda"]


@transaction.atomic
def create_product(
    *, actor: User, producer: Producer, price: dict[str, Any] | None = None, **values: Any
) -> CatalogProduct:
    """A product of a producer the actor may change; it belongs to the actor's Pemda."""
    if not access.can_edit_producer(actor, producer):
        raise PermissionDenied
    product = CatalogProduct(producer=producer, owner_pemda=_owner(actor), entered_by=actor)
    _save_product(product, {"origin": Origin.PDN, **values}, price)
    log(actor=actor, action="catalog.product.created", obj=product, pemda=product.owner_pemda,
        changes=diff({}, snapshot(product, AUDIT_PRODUCT)))
    return product


@transaction.atomic
def update_product(
    *, actor: User, product: CatalogProduct, price: dict[str, Any] | None = None, **values: Any
) -> CatalogProduct:
    if not access.can_edit_product(actor, product):
        raise PermissionDenied
    product = CatalogProduct.objects.select_for_update().get(pk=product.pk)
    before = snapshot(product, AUDIT_PRODUCT)
    _save_product(product, values, price)
    changes = diff(before, snapshot(product, AUDIT_PRODUCT))
    if changes:
        log(actor=actor, action="catalog.product.updated", obj=product,
            pemda=product.owner_pemda, changes=changes)
    return product


# ------------------------------------------------------------------ certificates


def _clean_certificate(cert: Certificate) -> None:
    errors: dict[str, str] = {}
    cert.number = " ".join((cert.number or "").split()) or None
    if cert.not_applicable:
        cert.tkdn = None
    elif cert.tkdn is None:
        errors["tkdn"] = _("Give the TKDN value, or mark it not applicable (999,99).")
    elif not Decimal(0) <= cert.tkdn <= ONE:
        errors["tkdn"] = _("TKDN lies between 0 and 100%.")
    if cert.bmp is not None and not Decimal(0) <= cert.bmp <= DEFAULT_PARAMS.bmp_max:
        errors["bmp"] = _("BMP is at most %(max)s%%.") % {"max": DEFAULT_PARAMS.bmp_max * 100}
    if cert.issue_date and cert.expiry_date and cert.expiry_date < cert.issue_date:
        errors["expiry_date"] = _("The expiry date is before the issue date.")
    for name in ("issue_date", "expiry_date"):
        day = getattr(cert, name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            errors[name] = _("A date between 1990 and 2100.")
    if not cert.issue_date and not cert.expiry_date:
        errors["expiry_date"] = _("Give the expiry date (or at least the issue date).")
    if cert.number and Certificate.objects.filter(
        product_id=cert.product_id, number=cert.number
    ).exclude(pk=cert.pk).exists():
        errors["number"] = _("This product already has a certificate with this number.")
    if errors:
        raise ValidationError(errors)
    cert.valid_until, cert.valid_until_estimated = end_date(cert.issue_date, cert.expiry_date)


AUDIT_CERTIFICATE = [*CERTIFICATE_FIELDS, "product", "holder", "owner_pemda"]


@transaction.atomic
def create_certificate(
    *, actor: User, product: CatalogProduct, **values: Any
) -> Certificate:
    """A certificate entered by hand for a product the actor may change; traced as such."""
    if not access.can_edit_product(actor, product):
        raise PermissionDenied
    cert = Certificate(
        product=product, holder_id=product.producer_id, owner_pemda=_owner(actor),
        entered_by=actor,
    )
    for name, value in values.items():
        if name not in CERTIFICATE_FIELDS:
            raise TypeError(f"cannot set {name}")
        setattr(cert, name, value)
    _clean_certificate(cert)
    cert.full_clean(exclude=["product", "holder", "owner_pemda", "entered_by"])
    cert.save()
    CertificateSource.objects.create(
        certificate=cert, kind=CertificateSource.Kind.MANUAL, entered_by=actor
    )
    refresh_summaries([product.pk])
    log(actor=actor, action="catalog.certificate.created", obj=cert, pemda=cert.owner_pemda,
        changes=diff({}, snapshot(cert, AUDIT_CERTIFICATE)))
    return cert


@transaction.atomic
def update_certificate(*, actor: User, certificate: Certificate, **values: Any) -> Certificate:
    if not access.can_edit_certificate(actor, certificate):
        raise PermissionDenied
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    before = snapshot(cert, AUDIT_CERTIFICATE)
    for name, value in values.items():
        if name not in CERTIFICATE_FIELDS:
            raise TypeError(f"cannot set {name}")
        setattr(cert, name, value)
    _clean_certificate(cert)
    cert.full_clean(exclude=["product", "holder", "owner_pemda", "entered_by"])
    cert.save()
    refresh_summaries([cert.product_id])
    changes = diff(before, snapshot(cert, AUDIT_CERTIFICATE))
    if changes:
        CertificateSource.objects.get_or_create(
            certificate=cert, kind=CertificateSource.Kind.MANUAL, fact=None,
            defaults={"entered_by": actor},
        )
        log(actor=actor, action="catalog.certificate.updated", obj=cert,
            pemda=cert.owner_pemda, changes=changes)
    return cert
