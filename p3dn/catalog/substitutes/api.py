"""The finder over the API: GET /api/v1/substitutes?q= (public, as the search), and the
stored scan of a Pemda-year for its own users and national users (GET
/api/v1/substitutes/scans/{pemda_id}?tahun= and .../rows). Percentages are decimal fractions
("0.4521" for 45,21%), money decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from pydantic import StringConstraints

from p3dn.accounts.access import user_of
from p3dn.web.apikit import NO_NUL, PUBLIC, READ, Id, errors, paginated

from . import access, finder, queries
from .models import RowSource, ScanRow

router = Router(tags=["substitutes"])

QueryText = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 18, max_digits=20, decimal_places=2)]
Year = Annotated[int, Field(ge=2000, le=2100)]
UnitKey = Annotated[str, StringConstraints(pattern=r"^([0-9]{1,10}|tanpa)$")]


class SubstituteAlternativeOut(Schema):
    product_id: int
    produk: str
    merk: str
    spesifikasi: str
    perusahaan: str
    producer_id: int
    wilayah: str = Field(description="the producer's region")
    provinsi: str
    umk: bool | None
    tkdn: Decimal | None = Field(description="TKDN as a fraction")
    bmp: Decimal | None
    tkdn_bmp: Decimal | None
    berlaku_sampai: dt.date | None
    sertifikat_berlaku: bool
    status_sertifikat: str
    harga: Decimal | None
    wilayah_harga: str
    selisih_harga: Decimal | None = Field(
        description="the alternative's price minus the price paid, when both are known")
    dicari: str = Field(description="the text that found it")
    url: str
    producer_url: str


class SubstituteTierOut(Schema):
    tingkat: str = Field(description="a, b, c, d or impor (Perpres 46/2025 Pasal 66(2))")
    keterangan: str
    dasar_hukum: str
    tanggal_acuan: dt.date
    penjelasan: list[str]


class SubstitutesOut(Schema):
    query: str
    total: int = Field(description="domestic alternatives found")
    lebih_banyak: bool = Field(description="the search matched more items than were read")
    tingkat_pembelian: SubstituteTierOut | None
    results: list[SubstituteAlternativeOut]


@router.get("", response={200: SubstitutesOut, **errors(*PUBLIC)}, auth=None)
def substitutes(request: HttpRequest, q: QueryText, harga: Money | None = None,
                limit: Annotated[int, Field(ge=1, le=finder.PER_TEXT)] = 20) -> dict[str, Any]:
    """The domestic alternatives of a typed text (the registry search), each with TKDN, BMP,
    price and region, producer, certificate validity; the purchase tier (C2) that applies to
    the set found; ``harga`` (the price paid per unit) gives each alternative's difference."""
    found = queries.alternatives_of(q, unit_price=harga)
    return queries.found_record(q, found, limit)


class SubstituteUnitOut(Schema):
    unit_id: int | None
    nama: str
    baris: int
    baris_ada_alternatif: int
    non_pdn_rencana: Decimal
    potensi_pdn_rencana: Decimal
    non_pdn_realisasi: Decimal
    potensi_pdn_realisasi: Decimal


class SubstituteScanOut(Schema):
    pemda_id: int
    tahun: int
    dibuat: dt.datetime
    oleh: str
    data_per: dt.date | None
    registri_per: dt.datetime | None
    baris: int
    baris_ada_alternatif: int
    potensi_pdn_rencana: Decimal
    potensi_pdn_realisasi: Decimal
    units: list[SubstituteUnitOut]


class SubstituteRowOut(Schema):
    id: int
    unit_id: int | None
    unit: str = Field(alias="unit_name")
    sumber: RowSource = Field(alias="source")
    kode: str = Field(alias="ident")
    nama: str = Field(alias="name")
    nilai: Decimal
    non_pdn: Decimal
    harga_satuan: Decimal | None = Field(alias="unit_price")
    alternatif: int = Field(alias="alternatives")
    tingkat: str = Field(alias="tier")
    terbaik: list[SubstituteAlternativeOut] = Field(alias="best")


def _unit(line: queries.UnitLine) -> SubstituteUnitOut:
    return SubstituteUnitOut(unit_id=line.unit_id, nama=line.name, baris=line.rows,
                   baris_ada_alternatif=line.rows_found, non_pdn_rencana=line.non_pdn_rencana,
                   potensi_pdn_rencana=line.potensi_rencana,
                   non_pdn_realisasi=line.non_pdn_realisasi,
                   potensi_pdn_realisasi=line.potensi_realisasi)


def _scan(request: HttpRequest, pemda_id: int, tahun: int) -> Any:
    user = user_of(request)
    pemda = access.get_pemda_to_read(user, pemda_id)
    scan = access.get_scan_for(user, pemda, tahun)
    if scan is None:
        raise Http404("no scan of this Pemda-year")
    return scan


@router.get("/scans/{pemda_id}", response={200: SubstituteScanOut, **errors(*READ)})
def scan_summary(request: HttpRequest, pemda_id: Id, tahun: Year) -> SubstituteScanOut:
    """The latest scan of a Pemda-year: when it was made, as of which data, and per
    perangkat daerah the potensi PDN (non-PDN value of rows with a domestic alternative) of
    the plan (RUP) and of the realization, never added together."""
    scan = _scan(request, pemda_id, tahun)
    whole = queries.totals(scan)
    return SubstituteScanOut(
        pemda_id=scan.pemda_id, tahun=scan.tahun, dibuat=scan.finished_at,
        oleh=scan.actor_name, data_per=scan.data_as_of, registri_per=scan.registry_as_of,
        baris=scan.rows, baris_ada_alternatif=scan.rows_with_alternatives,
        potensi_pdn_rencana=whole.potensi_rencana,
        potensi_pdn_realisasi=whole.potensi_realisasi,
        units=[_unit(u) for u in queries.unit_summary(scan)],
    )


@router.get("/scans/{pemda_id}/rows", response={200: list[SubstituteRowOut], **errors(*READ)})
@paginated
def scan_rows(request: HttpRequest, pemda_id: Id, tahun: Year, unit: UnitKey | None = None,
              sumber: RowSource | None = None, ada_alternatif: bool = False
              ) -> QuerySet[ScanRow]:
    """The rows of the latest scan, the largest non-PDN part first: of one ``unit`` (its id,
    or "tanpa"), one ``sumber``, only those with an alternative (``ada_alternatif``)."""
    scan = _scan(request, pemda_id, tahun)
    return queries.scan_rows(scan, unit=unit or "", source=sumber.value if sumber else "",
                             found_only=ada_alternatif)
