"""Reads of the registry for the pages, the API and the command: one function each, with the
simple filters of the registry pages (name, province, UMK/IKM, validity). Full search is the
search library's (issue 12, point 3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from p3dn.catalog import access
from p3dn.catalog.models import (
    CatalogProduct,
    Certificate,
    CertificateSource,
    Producer,
    ProductPrice,
    ProductSource,
)
from p3dn.catalog.validity import UNKNOWN, WARNING_DAYS, Validity, validity
from p3dn.lib.dates import format_date
from p3dn.lib.money import format_percent
from p3dn.regions.models import Region
from p3dn.rules.certificates import Status


def _yes_no(value: Any) -> bool | None:
    return {"ya": True, "yes": True, "true": True, True: True,
            "tidak": False, "no": False, "false": False, False: False}.get(value)


def _producer_filters(prefix: str, filters: dict[str, Any]) -> Q:
    q = Q()
    if name := (filters.get("perusahaan") or "").strip():
        q &= Q(**{f"{prefix}name__icontains": name})
    if province := (filters.get("provinsi") or "").strip():
        q &= Q(**{f"{prefix}province_id": province})
    umk = _yes_no(filters.get("umk"))
    if umk is not None:
        q &= Q(**{f"{prefix}umk": True}) if umk else ~Q(**{f"{prefix}umk": True})
    ikm = _yes_no(filters.get("ikm"))
    if ikm is not None:
        q &= Q(**{f"{prefix}ikm": True}) if ikm else ~Q(**{f"{prefix}ikm": True})
    if form := filters.get("bentuk"):
        q &= Q(**{f"{prefix}legal_form": form})
    return q


def validity_q(status: str, as_of: dt.date, field: str = "valid_until",
               issue: str | None = "issue_date") -> Q:
    """The certificates (or products, by their certificate that counts) whose C12 status on
    ``as_of`` is ``status``: the same partition as validity.validity, done by the database."""
    not_yet = Q(**{f"{issue}__gt": as_of}) if issue else Q(pk__in=[])
    warn_end = as_of + dt.timedelta(days=WARNING_DAYS)
    if status == Status.BELUM_BERLAKU:
        return not_yet
    if status == Status.KEDALUWARSA:
        return Q(**{f"{field}__lt": as_of}) & ~not_yet
    if status == Status.SEGERA_BERAKHIR:
        return Q(**{f"{field}__gte": as_of, f"{field}__lte": warn_end}) & ~not_yet
    if status == Status.BERLAKU:
        return Q(**{f"{field}__gt": warn_end}) & ~not_yet
    if status == "valid":  # berlaku or segera berakhir
        return Q(**{f"{field}__gte": as_of}) & ~not_yet
    if status == UNKNOWN:
        return Q(**{f"{field}__isnull": True}) & ~not_yet
    raise ValueError(status)


def list_producers(*, filters: dict[str, Any]) -> QuerySet[Producer]:
    qs = access.visible_producers().filter(_producer_filters("", filters))
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(name__icontains=q)
    if owner := filters.get("pemda"):
        qs = qs.filter(owner_pemda_id=owner)
    return qs.annotate(product_count=Count("products", distinct=True)).order_by("name", "id")


def list_products(*, filters: dict[str, Any], as_of: dt.date) -> QuerySet[CatalogProduct]:
    qs = access.visible_products().filter(_producer_filters("producer__", filters))
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(brand__icontains=q) | Q(tipe__icontains=q))
    if producer := filters.get("produsen"):
        qs = qs.filter(producer_id=producer)
    if origin := filters.get("asal"):
        qs = qs.filter(origin=origin)
    if status := filters.get("status"):
        qs = qs.filter(validity_q(status, as_of, field="valid_until", issue=None))
    if not filters.get("semua"):
        qs = qs.filter(listed=True)
    return qs.order_by("name", "id")


def list_certificates(*, filters: dict[str, Any], as_of: dt.date) -> QuerySet[Certificate]:
    qs = access.visible_certificates().filter(_producer_filters("holder__", filters))
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(product__name__icontains=q) | Q(number__icontains=q))
    if number := (filters.get("nomor") or "").strip():
        qs = qs.filter(number=number)
    if product := filters.get("produk"):
        qs = qs.filter(product_id=product)
    if status := filters.get("status"):
        qs = qs.filter(validity_q(status, as_of))
    if days := filters.get("berakhir_dalam"):  # valid on as_of, ending within the days
        qs = qs.filter(
            ~Q(issue_date__gt=as_of),
            valid_until__gte=as_of,
            valid_until__lte=as_of + dt.timedelta(days=days),
        )
    return qs.order_by("valid_until", "id")


def expiring(*, as_of: dt.date, days: int = WARNING_DAYS) -> QuerySet[Certificate]:
    """Certificates valid on ``as_of`` that end within ``days`` (C12's 60 days by default)."""
    return list_certificates(filters={"berakhir_dalam": days}, as_of=as_of)


def producer_detail(producer: Producer) -> QuerySet[CatalogProduct]:
    return producer.products.order_by("-listed", "name", "id")


def product_certificates(product: CatalogProduct) -> QuerySet[Certificate]:
    return product.certificates.select_related("holder").order_by("-valid_until", "id")


def product_prices(product: CatalogProduct) -> QuerySet[ProductPrice]:
    return product.prices.select_related("region").order_by("harga", "region_id", "id")


def product_listings(product: CatalogProduct) -> QuerySet[ProductSource]:
    """The e-Katalog listing versions an item was built from."""
    return product.sources.select_related("fact").order_by("fact__kd_produk", "id")


def manual_price(product: CatalogProduct) -> ProductPrice | None:
    """The price entered by hand (a listing's prices come from e-Katalog)."""
    return product.prices.filter(kd_produk="").first()


def certificate_sources(certificate: Certificate) -> QuerySet[CertificateSource]:
    return certificate.sources.select_related("fact", "run", "entered_by").order_by(
        "run_id", "id"
    )


def with_certificates(qs: QuerySet[CatalogProduct]) -> QuerySet[CatalogProduct]:
    return qs.prefetch_related(
        Prefetch("certificates", queryset=Certificate.objects.order_by("-valid_until", "id"))
    )


@dataclass(frozen=True)
class Shown:
    """A certificate with its C12 validity on a date, as pages and the API show it."""

    certificate: Certificate
    validity: Validity


def certificate_validity(certificate: Certificate, as_of: dt.date) -> Validity:
    return validity(
        as_of=as_of,
        issue=certificate.issue_date,
        expiry=certificate.expiry_date,
        nilai_tkdn_persen=certificate.nilai_tkdn_persen,
    )


def shown(certificates: Any, as_of: dt.date) -> list[Shown]:
    return [Shown(c, certificate_validity(c, as_of)) for c in certificates]


def provinces() -> QuerySet[Region]:
    """The provinces some producer is in (for the filter)."""
    used = Producer.objects.exclude(province=None).values("province_id")
    return Region.objects.filter(level=Region.Level.PROVINSI, code__in=used).order_by("name")


def summary(as_of: dt.date) -> dict[str, int]:
    """The registry's size and how many certificates are valid, ending soon, expired, not yet
    valid or without a validity date (the five add up to all certificates): one query per
    table."""
    producers = Producer.objects.aggregate(
        producers=Count("pk"), umk=Count("pk", filter=Q(umk=True))
    )
    parts = {
        "berlaku": Status.BERLAKU,
        "segera_berakhir": Status.SEGERA_BERAKHIR,
        "kedaluwarsa": Status.KEDALUWARSA,
        "belum_berlaku": Status.BELUM_BERLAKU,
        "tanpa_tanggal": UNKNOWN,
    }
    certificates = Certificate.objects.aggregate(
        certificates=Count("pk"),
        **{key: Count("pk", filter=validity_q(status, as_of)) for key, status in parts.items()},
    )
    return {
        **producers,
        "products": CatalogProduct.objects.filter(listed=True).count(),
        **certificates,
    }


LOOKUP_KINDS = ("produsen", "produk", "sertifikat")
LOOKUP_LIMIT = 20


@dataclass(frozen=True)
class Pick:
    """One registry entry offered where a form asks for a producer, product or certificate."""

    pk: int
    label: str


def _words_q(field: str, text: str) -> Q:
    q = Q()
    for word in text.split()[:8]:
        q &= Q(**{f"{field}__icontains": word})
    return q


def _producer_label(p: Producer) -> str:
    place = p.region.name if p.region is not None else (p.province_name or "")
    nib = f"NIB {p.nib}" if p.nib else ""
    return " · ".join(x for x in (p.name, place, nib) if x)


def _product_label(p: CatalogProduct) -> str:
    brand = f" ({p.brand})" if p.brand else ""
    return f"{p.name}{brand} — {p.producer.name}"


def _certificate_label(c: Certificate) -> str:
    product = c.product.name
    variant = " ".join(x for x in (c.product.brand, c.product.tipe) if x)
    parts = [c.number or str(_("no number")), f"{product} ({variant})" if variant else product,
             c.holder.name]
    if c.tkdn is not None:
        parts.append(f"TKDN {format_percent(c.tkdn)}")
    if c.valid_until:
        parts.append(str(_("valid until %(day)s") % {"day": format_date(c.valid_until)}))
    parts.append(str(_("registry no. %(n)s") % {"n": c.pk}))
    return " · ".join(parts)


def _lookup_producers(text: str, number: int | None, limit: int) -> list[Pick]:
    q = Q()
    if text:
        q = _words_q("name", text) | Q(nib=text) | Q(npwp=text)
    if number is not None:
        q |= Q(pk=number)
    found = access.visible_producers().filter(q).order_by("name", "pk")[:limit]
    return [Pick(p.pk, _producer_label(p)) for p in found]


def _lookup_products(text: str, number: int | None, producer_id: int | None,
                     limit: int) -> list[Pick]:
    q = (_words_q("name", text) | _words_q("brand", text)) if text else Q()
    if number is not None:
        q |= Q(pk=number)
    found = access.visible_products().filter(q)
    if producer_id is not None:
        found = found.filter(producer_id=producer_id)
    return [Pick(p.pk, _product_label(p)) for p in found.order_by("name", "pk")[:limit]]


def _lookup_certificates(text: str, number: int | None, producer_id: int | None,
                         limit: int) -> list[Pick]:
    q = Q()
    if text:
        q = (_words_q("product__name", text) | _words_q("holder__name", text)
             | Q(number__icontains=text))
    if number is not None:
        q |= Q(pk=number)
    found = access.visible_certificates().filter(q)
    if producer_id is not None:
        found = found.filter(holder_id=producer_id)
    return [Pick(c.pk, _certificate_label(c))
            for c in found.order_by("-valid_until", "pk")[:limit]]


def lookup(kind: str, text: str, *, producer_id: int | None = None,
           limit: int = LOOKUP_LIMIT) -> tuple[list[Pick], bool]:
    """The registry entries of ``kind`` whose name (or NIB, NPWP, certificate number, or
    registry number) holds every word of ``text``; the second value says more exist than
    ``limit``. ``producer_id`` keeps a producer's own products and certificates."""
    text = text.strip()
    if kind not in LOOKUP_KINDS:
        raise ValueError(kind)
    if not text and producer_id is None:
        return [], False
    number = int(text) if text.isdigit() and len(text) <= 18 else None
    if kind == "produsen":
        picks = _lookup_producers(text, number, limit + 1)
    elif kind == "produk":
        picks = _lookup_products(text, number, producer_id, limit + 1)
    else:
        picks = _lookup_certificates(text, number, producer_id, limit + 1)
    return picks[:limit], len(picks) > limit


def picked(kind: str, pk: Any) -> Pick | None:
    """The entry a form already holds, for its label (None: not a number or not there)."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    if not 1 <= number < 2**63:
        return None
    if kind == "produsen":
        producer = access.visible_producers().filter(pk=number).first()
        return Pick(number, _producer_label(producer)) if producer else None
    if kind == "produk":
        product = access.visible_products().filter(pk=number).first()
        return Pick(number, _product_label(product)) if product else None
    certificate = access.visible_certificates().filter(pk=number).first()
    return Pick(number, _certificate_label(certificate)) if certificate else None
