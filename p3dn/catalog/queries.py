"""Reads of the registry for the pages, the API and the command: one function each, with the
simple filters of the registry pages (name, province, UMK/IKM, validity). Full search is the
search library's (issue 12, point 3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

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
