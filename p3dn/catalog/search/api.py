"""The search over the API: GET /api/v1/search (public, no login). Percentages in the filters
are decimal fractions ("0.4" for 40%), money decimal strings; ``nilai_tkdn`` in a result is in
percent as Kemenperin writes it ("56.79"), ``tkdn`` and ``tkdn_bmp`` fractions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import StringConstraints

from p3dn.regions.models import Region
from p3dn.web.apikit import NO_NUL, PUBLIC, ApiError, errors

from . import katalog_lokal as plug
from . import queries

router = Router(tags=["search"])

QueryText = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
Fraction = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 18, max_digits=20, decimal_places=2)]
Code = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,10}$")]
HsCode = Annotated[str, StringConstraints(pattern=r"^[0-9][0-9.]{0,12}$")]
Province = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
Klpd = Annotated[str, StringConstraints(min_length=1, max_length=10, pattern=r"^[A-Za-z0-9]+$")]
Day = Annotated[dt.date, Field(ge=dt.date(1990, 1, 1), le=dt.date(2100, 12, 31))]


class ResultOut(Schema):
    id: int
    produk: str
    perusahaan: str
    spesifikasi: str
    merk: str
    tipe: str
    nilai_tkdn: str | None = Field(description="TKDN in percent, e.g. \"56.79\"")
    tkdn: Decimal | None = Field(description="TKDN as a fraction")
    tkdn_bmp: Decimal | None = Field(description="TKDN + BMP as a fraction")
    berlaku_sampai: dt.date | None
    sertifikat: int
    harga_min: Decimal | None
    harga_max: Decimal | None
    provinsi: str | None
    umk: bool | None
    ikm: bool | None
    sumber: str
    skor: float
    url: str


class SearchOut(Schema):
    query: str
    total: int = Field(description="items matching the query and the filters; when "
                       "total_exact is false, more than this many match")
    total_exact: bool = Field(description="false for a broad query, whose count stops at "
                              "total (20.000 on SQLite, 5.000 on PostgreSQL): a lower bound")
    ranked: int = Field(description="how many of them are ordered (the first pages)")
    data_as_of: dt.datetime | None = Field(description="the registry sync the index reflects")
    index_built_at: dt.datetime | None
    results: list[ResultOut]


def _result(result: queries.Result) -> ResultOut:
    product = result.product
    producer = product.producer
    return ResultOut(
        id=product.pk, **queries.record(result), tipe=product.tipe, tkdn=product.tkdn,
        tkdn_bmp=product.tkdn_bmp, sertifikat=product.certificate_count,
        harga_min=product.price_min, harga_max=product.price_max,
        provinsi=producer.province_id, umk=producer.umk, ikm=producer.ikm,
        skor=round(result.score, 6), url=product.get_absolute_url(),
    )


@router.get("", response={200: SearchOut, **errors(*PUBLIC)}, auth=None)
def search(
    request: HttpRequest,
    q: QueryText,
    limit: Annotated[int, Field(ge=1, le=queries.MAX_RESULTS)] = 20,
    offset: Annotated[int, Field(ge=0, lt=queries.MAX_RESULTS)] = 0,
    tkdn_min: Fraction | None = None,
    tkdn_bmp_40: bool = False,
    berlaku: bool = False,
    as_of: Day | None = None,
    umk_ikm: bool = False,
    provinsi: Province | None = None,
    kbli: Code | None = None,
    kbki: Code | None = None,
    hs: HsCode | None = None,
    harga_min: Money | None = None,
    harga_max: Money | None = None,
    katalog_lokal: Klpd | None = None,
) -> SearchOut:
    """Registry products for a typed query, ranked by relevance then TKDN: typo-tolerant,
    Indonesian and English, synonyms, negation ("non", "tanpa"). Filters: TKDN at least
    ``tkdn_min``; TKDN + BMP at least 40%; certificate valid (C12) on ``as_of`` (today by
    default) when ``berlaku``; UMK or IKM producers; the producer's province; KBLI, KBKI, HS
    code prefixes; a price in [``harga_min``, ``harga_max``]; in the katalog lokal of the Pemda
    with LKPP code ``katalog_lokal``. ``offset`` + ``limit`` page through the first 200."""
    if provinsi and not Region.objects.filter(code=provinsi,
                                              level=Region.Level.PROVINSI).exists():
        raise ApiError(422, "invalid input", fields={"provinsi": ["unknown province code"]})
    if harga_min is not None and harga_max is not None and harga_min > harga_max:
        raise ApiError(422, "invalid input", fields={"harga_max": ["below harga_min"]})
    only: set[int] | None = None
    if katalog_lokal is not None:
        found = plug.pemda_of(katalog_lokal)
        if found is None:
            raise ApiError(422, "invalid input", fields={"katalog_lokal": ["unknown KLPD code"]})
        only = plug.product_ids_of(found)
    filters = queries.Filters(
        min_tkdn=tkdn_min, tkdn_bmp_40=tkdn_bmp_40,
        valid_on=(as_of or timezone.localdate()) if berlaku else None, umk_ikm=umk_ikm,
        province=provinsi or "", kbli=kbli or "", kbki=kbki or "", hs=hs or "",
        price_min=harga_min, price_max=harga_max,
    )
    page = queries.search(q, filters=filters, only_product_ids=only, limit=limit,
                          offset=offset)
    state = queries.index_state()
    return SearchOut(query=q, total=page.total, total_exact=page.total_exact,
                     ranked=page.ranked,
                     data_as_of=state.data_as_of, index_built_at=state.refreshed_at,
                     results=[_result(r) for r in page.results])

