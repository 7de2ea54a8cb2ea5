"""The registry over the API (/api/v1/catalog): public reads, and writes for the hand entry of
the national admin and a Tim P3DN (catalog/access.py). Percentages are decimal fractions
("0.5679" for 56,79%) and money exact decimal strings; certificate statuses are C12's as of
``as_of`` (default today)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints
from pydantic.json_schema import SkipJsonSchema

from p3dn.accounts.access import user_of
from p3dn.catalog import access, queries, services
from p3dn.catalog.models import CatalogProduct, Certificate, Origin, Producer
from p3dn.catalog.validity import STATUSES
from p3dn.regions.models import Region
from p3dn.rules.params import DEFAULT_PARAMS
from p3dn.web.apikit import NO_NUL, PUBLIC, READ, WRITE, Id, ShortText, errors, paginated

router = Router(tags=["registry"])

Name = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=NO_NUL)]
Line = Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
Fraction = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]
Bmp = Annotated[Decimal, Field(ge=0, le=DEFAULT_PARAMS.bmp_max, max_digits=5, decimal_places=4)]
Money = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=2)]
Days = Annotated[int, Field(ge=1, le=3650)]
# The dates a registry date may be (as services.FIRST_DAY and LAST_DAY)
Day = Annotated[dt.date, Field(ge=dt.date(1990, 1, 1), le=dt.date(2100, 12, 31))]
Unit = Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=NO_NUL)]
Phone = Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)]
Number = Annotated[str, StringConstraints(max_length=120, pattern=NO_NUL)]



class ValidityFilter(StrEnum):
    """C12 statuses on ``as_of``; ``valid`` = berlaku or segera_berakhir."""

    VALID = "valid"
    BERLAKU = "berlaku"
    SEGERA_BERAKHIR = "segera_berakhir"
    KEDALUWARSA = "kedaluwarsa"
    BELUM_BERLAKU = "belum_berlaku"
    TIDAK_DIKETAHUI = "tidak_diketahui"


assert {v.value for v in ValidityFilter} == {"valid", *STATUSES}


def _as_of(request: HttpRequest) -> dt.date:
    return getattr(request, "catalog_as_of", None) or timezone.localdate()


# ------------------------------------------------------------------ answers


class ProducerOut(Schema):
    """A producer as the public sees it (no NPWP; contacts only of legal entities)."""

    id: int
    name: str
    legal_form: str
    bumn: bool
    nib: str
    nib_status: str
    address: str
    region: str | None
    province: str | None
    province_name: str
    kbli: list[str]
    size: str
    size_basis: str
    umk: bool | None
    ikm: bool | None
    bmp: Decimal | None
    email: str | None
    phone: str | None
    identity_conflict: bool
    owner_pemda: int | None
    url: str

    @staticmethod
    def resolve_region(obj: Producer) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_province(obj: Producer) -> str | None:
        return obj.province_id

    @staticmethod
    def resolve_kbli(obj: Producer) -> list[str]:
        return obj.kbli_list

    @staticmethod
    def resolve_email(obj: Producer) -> str | None:
        return obj.email if obj.contact_is_public else None

    @staticmethod
    def resolve_phone(obj: Producer) -> str | None:
        return obj.phone if obj.contact_is_public else None

    @staticmethod
    def resolve_owner_pemda(obj: Producer) -> int | None:
        return obj.owner_pemda_id

    @staticmethod
    def resolve_url(obj: Producer) -> str:
        return obj.get_absolute_url()


class ProducerFullOut(ProducerOut):
    """Everything recorded of a producer, for signed-in users: NPWP, contacts, and where each
    value came from."""

    npwp: str
    email: str | None
    phone: str | None
    modal_usaha: Decimal | None
    hasil_penjualan: Decimal | None
    provenance: dict[str, Any]

    @staticmethod
    def resolve_email(obj: Producer) -> str | None:
        return obj.email

    @staticmethod
    def resolve_phone(obj: Producer) -> str | None:
        return obj.phone

    @staticmethod
    def resolve_provenance(obj: Producer) -> dict[str, Any]:
        return {k: {kk: str(vv) if isinstance(vv, dt.date) else vv for kk, vv in v.items()}
                for k, v in obj.provenance.items()}


class ProductOut(Schema):
    id: int
    producer: int
    producer_name: str
    name: str
    specification: str
    tipe: str
    brand: str
    kelompok_barang: str
    kbki: str
    kode_hs: str
    kbli: str
    unit: str
    origin: str
    tkdn: Decimal | None
    bmp: Decimal | None
    tkdn_bmp: Decimal | None
    valid_until: dt.date | None
    certificate_count: int
    price_min: Decimal | None
    price_max: Decimal | None
    listed: bool
    owner_pemda: int | None
    url: str

    @staticmethod
    def resolve_producer(obj: CatalogProduct) -> int:
        return obj.producer_id

    @staticmethod
    def resolve_producer_name(obj: CatalogProduct) -> str:
        return obj.producer.name

    @staticmethod
    def resolve_owner_pemda(obj: CatalogProduct) -> int | None:
        return obj.owner_pemda_id

    @staticmethod
    def resolve_url(obj: CatalogProduct) -> str:
        return obj.get_absolute_url()


class CertificateOut(Schema):
    id: int
    product: int
    product_name: str
    holder: int
    holder_name: str
    kind: str
    number: str | None
    tkdn: Decimal | None
    not_applicable: bool
    bmp: Decimal | None
    effective_bmp: Decimal | None
    tkdn_bmp: Decimal | None
    issue_date: dt.date | None
    expiry_date: dt.date | None
    valid_until: dt.date | None
    valid_until_estimated: bool
    as_of: dt.date
    status: str
    label: str
    days_left: int | None
    owner_pemda: int | None

    @staticmethod
    def resolve_product(obj: Certificate) -> int:
        return obj.product_id

    @staticmethod
    def resolve_product_name(obj: Certificate) -> str:
        return obj.product.name

    @staticmethod
    def resolve_holder(obj: Certificate) -> int:
        return obj.holder_id

    @staticmethod
    def resolve_holder_name(obj: Certificate) -> str:
        return obj.holder.name

    @staticmethod
    def resolve_owner_pemda(obj: Certificate) -> int | None:
        return obj.owner_pemda_id

    @staticmethod
    def resolve_as_of(obj: Certificate, context: dict[str, Any]) -> dt.date:
        return _as_of(context["request"])

    @staticmethod
    def resolve_status(obj: Certificate, context: dict[str, Any]) -> str:
        return queries.certificate_validity(obj, _as_of(context["request"])).status

    @staticmethod
    def resolve_label(obj: Certificate, context: dict[str, Any]) -> str:
        return queries.certificate_validity(obj, _as_of(context["request"])).label

    @staticmethod
    def resolve_days_left(obj: Certificate, context: dict[str, Any]) -> int | None:
        return queries.certificate_validity(obj, _as_of(context["request"])).days_left


class PriceOut(Schema):
    region: str | None
    region_name: str | None
    ecat_provinsi: str
    ecat_kabupaten: str
    harga: Decimal
    ongkos_kirim: Decimal | None
    kd_produk: str

    @staticmethod
    def resolve_region(obj: Any) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Any) -> str | None:
        return obj.region.name if obj.region_id else None


class ProductDetailOut(ProductOut):
    certificates: list[CertificateOut]
    prices: list[PriceOut]
    listings: list[str]

    @staticmethod
    def resolve_certificates(obj: CatalogProduct) -> Any:
        return queries.product_certificates(obj)

    @staticmethod
    def resolve_prices(obj: CatalogProduct) -> Any:
        return queries.product_prices(obj)

    @staticmethod
    def resolve_listings(obj: CatalogProduct) -> list[str]:
        return sorted(set(obj.sources.values_list("fact__kd_produk", flat=True)))


class SourceOut(Schema):
    kind: str
    fact: int | None
    run: int | None
    data_as_of: dt.date | None

    @staticmethod
    def resolve_fact(obj: Any) -> int | None:
        return obj.fact_id

    @staticmethod
    def resolve_run(obj: Any) -> int | None:
        return obj.run_id

    @staticmethod
    def resolve_data_as_of(obj: Any) -> dt.date | None:
        return obj.run.data_as_of if obj.run_id else obj.created_at.date()


class CertificateDetailOut(CertificateOut):
    sources: list[SourceOut]

    @staticmethod
    def resolve_sources(obj: Certificate) -> Any:
        return queries.certificate_sources(obj)


# ------------------------------------------------------------------ input


class ProducerIn(Schema):
    name: Name
    legal_form: Producer.LegalForm = Producer.LegalForm.UNKNOWN
    nib: ShortText = ""
    nib_status: Producer.NibStatus = Producer.NibStatus.UNKNOWN
    npwp: ShortText = ""
    address: LongText = ""
    region: ShortText | None = Field(None, description="Kemendagri code, e.g. 32.04")
    email: Email = ""
    phone: Phone = ""
    kbli: LongText = Field("", description="5-digit codes separated by spaces")
    modal_usaha: Money | None = None
    hasil_penjualan: Money | None = None
    size: Producer.Size = Producer.Size.UNKNOWN
    ikm: bool | None = None
    bmp: Bmp | None = None


class ProducerPatch(Schema):
    """Only the fields sent change."""

    name: Name | SkipJsonSchema[None] = None
    legal_form: Producer.LegalForm | SkipJsonSchema[None] = None
    nib: ShortText | SkipJsonSchema[None] = None
    nib_status: Producer.NibStatus | SkipJsonSchema[None] = None
    npwp: ShortText | SkipJsonSchema[None] = None
    address: LongText | SkipJsonSchema[None] = None
    region: ShortText | None = None
    email: Email | SkipJsonSchema[None] = None
    phone: Phone | SkipJsonSchema[None] = None
    kbli: LongText | SkipJsonSchema[None] = None
    modal_usaha: Money | None = None
    hasil_penjualan: Money | None = None
    size: Producer.Size | SkipJsonSchema[None] = None
    ikm: bool | None = None
    bmp: Bmp | None = None


class ProductIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=NO_NUL)]
    specification: LongText = ""
    tipe: Line = ""
    brand: Line = ""
    kelompok_barang: Line = ""
    kbki: Annotated[str, StringConstraints(max_length=20, pattern=r"^\d*$")] = ""
    kode_hs: Annotated[str, StringConstraints(max_length=40, pattern=r"^[\d.]*$")] = ""
    kbli: Annotated[str, StringConstraints(max_length=5, pattern=r"^(\d{5})?$")] = ""
    unit: Unit = ""
    origin: Origin = Origin.PDN
    harga: Money | None = None
    price_region: ShortText | None = None


class ProductPatch(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=NO_NUL)] | (
        SkipJsonSchema[None]) = None
    specification: LongText | SkipJsonSchema[None] = None
    tipe: Line | SkipJsonSchema[None] = None
    brand: Line | SkipJsonSchema[None] = None
    kelompok_barang: Line | SkipJsonSchema[None] = None
    kbki: Annotated[str, StringConstraints(max_length=20, pattern=r"^\d*$")] | (
        SkipJsonSchema[None]) = None
    kode_hs: Annotated[str, StringConstraints(max_length=40, pattern=r"^[\d.]*$")] | (
        SkipJsonSchema[None]) = None
    kbli: Annotated[str, StringConstraints(max_length=5, pattern=r"^(\d{5})?$")] | (
        SkipJsonSchema[None]) = None
    unit: Unit | SkipJsonSchema[None] = None
    origin: Origin | SkipJsonSchema[None] = None
    harga: Money | None = None
    price_region: ShortText | None = None


class CertificateIn(Schema):
    number: Number | None = None
    kind: Certificate.Kind = Certificate.Kind.TKDN
    tkdn: Fraction | None = None
    not_applicable: bool = False
    bmp: Bmp | None = None
    issue_date: Day | None = None
    expiry_date: Day | None = None


class CertificatePatch(Schema):
    number: Number | None = None
    kind: Certificate.Kind | SkipJsonSchema[None] = None
    tkdn: Fraction | None = None
    not_applicable: bool | SkipJsonSchema[None] = None
    bmp: Bmp | None = None
    issue_date: Day | None = None
    expiry_date: Day | None = None


def _region(code: str | None, field: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ValidationError({field: ["unknown region code"]})
    return region


def _producer_values(payload: Schema, *, partial: bool) -> dict[str, Any]:
    values = payload.dict(exclude_unset=partial)
    if "region" in values:
        values["region"] = _region(values["region"], "region")
    return {k: v for k, v in values.items() if not (v is None and k in ("name",))}


def _product_values(payload: Schema, *, partial: bool) -> tuple[dict[str, Any], Any]:
    values = payload.dict(exclude_unset=partial)
    price = None
    if "harga" in values or "price_region" in values:
        price = {"harga": values.pop("harga", None),
                 "region": _region(values.pop("price_region", None), "price_region")}
    return {k: v for k, v in values.items() if v is not None}, price


# ------------------------------------------------------------------ reads (public)


@router.get("/producers", response={200: list[ProducerOut], **errors(*PUBLIC)}, auth=None)
@paginated
def list_producers(
    request: HttpRequest,
    q: ShortText | None = None,
    provinsi: ShortText | None = None,
    umk: bool | None = None,
    ikm: bool | None = None,
    bentuk: Producer.LegalForm | None = None,
) -> QuerySet[Producer]:
    """Producers of the registry: name contains ``q``, in a province (Kemendagri code), UMK,
    IKM, legal form."""
    filters = {"q": q, "provinsi": provinsi, "umk": umk, "ikm": ikm, "bentuk": bentuk}
    return queries.list_producers(filters=filters)


@router.get("/producers/{producer_id}", response={200: ProducerOut, **errors(*PUBLIC, 404)},
            auth=None)
def get_producer(request: HttpRequest, producer_id: Id) -> Producer:
    return access.get_producer_for(user_of(request), producer_id)


@router.get("/producers/{producer_id}/full", response={200: ProducerFullOut, **errors(*READ)})
def get_producer_full(request: HttpRequest, producer_id: Id) -> Producer:
    """The whole record, NPWP and provenance included (signed-in users)."""
    return access.get_producer_for(user_of(request), producer_id)


@router.get("/products", response={200: list[ProductOut], **errors(*PUBLIC)}, auth=None)
@paginated
def list_products(
    request: HttpRequest,
    q: ShortText | None = None,
    perusahaan: ShortText | None = None,
    produsen: Id | None = None,
    provinsi: ShortText | None = None,
    umk: bool | None = None,
    ikm: bool | None = None,
    status: ValidityFilter | None = None,
    asal: Origin | None = None,
    as_of: Day | None = None,
) -> QuerySet[CatalogProduct]:
    """Catalogue items, one per producer + product + specification + brand (+ type): name,
    brand or type contains ``q``; producer name contains ``perusahaan``; the validity of the
    certificate that counts on ``as_of``."""
    filters = {"q": q, "perusahaan": perusahaan, "produsen": produsen, "provinsi": provinsi,
               "umk": umk, "ikm": ikm, "status": status, "asal": asal}
    return queries.list_products(filters=filters, as_of=as_of or timezone.localdate())


@router.get("/products/{product_id}", response={200: ProductDetailOut, **errors(*PUBLIC, 404)},
            auth=None)
def get_product(request: HttpRequest, product_id: Id, as_of: Day | None = None
                ) -> CatalogProduct:
    """A product with its certificates (C12 status as of ``as_of``), prices by region and
    e-Katalog listings."""
    request.catalog_as_of = as_of  # type: ignore[attr-defined]
    return access.get_product_for(user_of(request), product_id)


@router.get("/certificates", response={200: list[CertificateOut], **errors(*PUBLIC)}, auth=None)
@paginated
def list_certificates(
    request: HttpRequest,
    q: ShortText | None = None,
    perusahaan: ShortText | None = None,
    nomor: ShortText | None = None,
    produk: Id | None = None,
    provinsi: ShortText | None = None,
    umk: bool | None = None,
    ikm: bool | None = None,
    status: ValidityFilter | None = None,
    berakhir_dalam: Days | None = None,
    as_of: Day | None = None,
) -> QuerySet[Certificate]:
    """TKDN certificates with their C12 status on ``as_of`` (default today); ``status`` one of
    valid, berlaku, segera_berakhir, kedaluwarsa, belum_berlaku, tidak_diketahui;
    ``berakhir_dalam=60``: valid on ``as_of`` and ending within 60 days."""
    request.catalog_as_of = as_of  # type: ignore[attr-defined]
    filters = {"q": q, "perusahaan": perusahaan, "nomor": nomor, "produk": produk,
               "provinsi": provinsi, "umk": umk, "ikm": ikm, "status": status,
               "berakhir_dalam": berakhir_dalam}
    return queries.list_certificates(filters=filters, as_of=as_of or timezone.localdate())


@router.get("/certificates/{certificate_id}",
            response={200: CertificateDetailOut, **errors(*PUBLIC, 404)}, auth=None)
def get_certificate(request: HttpRequest, certificate_id: Id, as_of: Day | None = None
                    ) -> Certificate:
    """A certificate with its status and its sources: every export row (fact version and
    import run) and hand entry it was built from."""
    request.catalog_as_of = as_of  # type: ignore[attr-defined]
    return access.get_certificate_for(user_of(request), certificate_id)


# ------------------------------------------------------------------ writes (hand entry)


@router.post("/producers", response={201: ProducerFullOut, **errors(*WRITE)})
def create_producer(request: HttpRequest, payload: ProducerIn) -> Status:
    """A producer entered by hand; it belongs to the caller's Pemda (a Tim P3DN)."""
    user = user_of(request)
    access.require_enter(user)
    producer = services.create_producer(actor=user, **_producer_values(payload, partial=False))
    return Status(201, producer)


@router.patch("/producers/{producer_id}", response={200: ProducerFullOut, **errors(*WRITE)})
def update_producer(request: HttpRequest, producer_id: Id, payload: ProducerPatch) -> Producer:
    user = user_of(request)
    producer = access.get_producer_for(user, producer_id, write=True)
    values = _producer_values(payload, partial=True)
    return services.update_producer(actor=user, producer=producer, **values)


@router.post("/producers/{producer_id}/products",
             response={201: ProductDetailOut, **errors(*WRITE)})
def create_product(request: HttpRequest, producer_id: Id, payload: ProductIn) -> Status:
    user = user_of(request)
    producer = access.get_producer_for(user, producer_id, write=True)
    values, price = _product_values(payload, partial=False)
    product = services.create_product(actor=user, producer=producer, price=price, **values)
    return Status(201, product)


@router.patch("/products/{product_id}", response={200: ProductDetailOut, **errors(*WRITE)})
def update_product(request: HttpRequest, product_id: Id, payload: ProductPatch
                   ) -> CatalogProduct:
    user = user_of(request)
    product = access.get_product_for(user, product_id, write=True)
    values, price = _product_values(payload, partial=True)
    return services.update_product(actor=user, product=product, price=price, **values)


@router.post("/products/{product_id}/certificates",
             response={201: CertificateDetailOut, **errors(*WRITE)})
def create_certificate(request: HttpRequest, product_id: Id, payload: CertificateIn) -> Status:
    user = user_of(request)
    product = access.get_product_for(user, product_id, write=True)
    certificate = services.create_certificate(actor=user, product=product, **payload.dict())
    return Status(201, certificate)


@router.patch("/certificates/{certificate_id}",
              response={200: CertificateDetailOut, **errors(*WRITE)})
def update_certificate(request: HttpRequest, certificate_id: Id, payload: CertificatePatch
                       ) -> Certificate:
    user = user_of(request)
    certificate = access.get_certificate_for(user, certificate_id, write=True)
    values = payload.dict(exclude_unset=True)
    return services.update_certificate(actor=user, certificate=certificate, **values)
