"""The TKDN-IK pipeline over the API (/api/v1/tkdnik): target progress per kecamatan, Pemda and
province; a Pemda's candidates and their steps; its producers' onboarding and the certificates
ending within 60 days. Reads for the Pemda's users and national users (a province's users also
read their kabupaten/kota's progress); writes for the Pemda's Tim P3DN and the national admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from p3dn.accounts import access as accounts_access
from p3dn.accounts.access import user_of
from p3dn.catalog import access as catalog_access
from p3dn.tkdnik import access, queries, services
from p3dn.tkdnik.models import Candidate
from p3dn.web.apikit import NO_NUL, READ, WRITE, Id, ShortText, errors, paginated
from p3dn.web.params import YEAR_MAX, YEAR_MIN

router = Router(tags=["TKDN-IK"])

Text = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
Line = Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)]
Kbli = Annotated[str, StringConstraints(pattern=r"^(\d{5})?$")]
KbliList = Annotated[str, StringConstraints(max_length=200, pattern=r"^[\d ,]*$")]
Amount = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 18, decimal_places=2)]
KecamatanCode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}$")]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
Score = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]


# ------------------------------------------------------------------ answers


class TargetProgressOut(Schema):
    target_ikm: int
    target_produk: int
    ikm: int
    produk: int
    has_target: bool
    share_ikm: Decimal | None
    share_produk: Decimal | None


class KecamatanProgressOut(TargetProgressOut):
    kecamatan: str
    name: str
    triwulan: int


class PemdaProgressOut(TargetProgressOut):
    pemda: int
    name: str
    year: int
    rows: list[KecamatanProgressOut]


class ProvinceProgressOut(TargetProgressOut):
    province: str
    name: str
    pemdas: list[PemdaProgressOut]


def _pemda_progress(p: queries.PemdaProgress) -> dict[str, Any]:
    assert p.pemda is not None
    return {**_sums(p), "pemda": p.pemda.pk, "name": p.pemda.name, "year": p.year,
            "rows": [{**_sums(r), "kecamatan": r.kecamatan, "name": r.name,
                      "triwulan": r.triwulan} for r in p.rows]}


def _sums(p: queries.Progress) -> dict[str, Any]:
    return {"target_ikm": p.target_ikm, "target_produk": p.target_produk, "ikm": p.ikm,
            "produk": p.produk, "has_target": p.has_target, "share_ikm": p.share_ikm,
            "share_produk": p.share_produk}


class Finding(Schema):
    cause: str
    status: str
    message: str
    legal_basis: str


class CandidateOut(Schema):
    id: int
    pemda: int = Field(alias="pemda_id")
    kecamatan: str = Field(alias="kecamatan_id")
    producer: int = Field(alias="producer_id")
    producer_name: str
    product: int | None = Field(alias="product_id")
    product_name: str
    specification: str
    brand: str
    tipe: str
    product_kbli: str
    health_product: bool
    nie: str
    raw_material_evidence: bool | None
    modal_usaha: Decimal | None = Field(description="as the producer declared it")
    hasil_penjualan: Decimal | None = Field(description="as the producer declared it")
    nib_kbli: str = Field(description="KBLI codes on the NIB as declared, space-separated")
    status: str
    registered_on: dt.date
    assessed_on: dt.date | None
    regulation: str
    tkdn_ik: Decimal | None
    certifiable: bool | None
    prechecked_on: dt.date | None
    precheck_passed: bool | None
    findings: list[Finding]
    override_reason: str
    submitted_on: dt.date | None
    decided_on: dt.date | None
    certificate: int | None = Field(alias="certificate_id")
    closed_by_import: bool
    rejection_cause: str
    rejection_note: str

    @staticmethod
    def resolve_producer_name(obj: Candidate) -> str:
        return obj.producer.name


class PrecheckOutcomeOut(Schema):
    prechecked: int
    decided: int
    rejected: int
    certified: int
    share: Decimal | None
    by_cause: dict[str, int]


class OnboardingProducerOut(Schema):
    id: int
    name: str
    nib: str
    nib_status: str
    kbli: list[str]
    size: str
    umk: bool | None
    katalog_lokal: str
    toko_daring_orders: int | None = Field(
        description="None when the Pemda's Toko Daring data names no merchant")
    candidates: int


class OnboardingOut(Schema):
    pemda: int
    umk_target: int
    target_set: bool
    umk_producers: int
    share: Decimal
    producers: int


class ExpiringOut(Schema):
    certificate: int
    producer: str
    product: str
    valid_until: dt.date
    days_left: int
    candidate: int | None


# ------------------------------------------------------------------ input


class RegisterIn(Schema):
    kecamatan: KecamatanCode
    producer: Id
    product: Id | None = None
    product_name: Line = ""
    specification: Text = ""
    brand: Line = ""
    tipe: Line = ""
    product_kbli: Kbli = ""
    health_product: bool = False
    nie: Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)] = ""
    raw_material_evidence: bool | None = None
    raw_material_note: Line = ""
    registered_on: dt.date | None = None
    modal_usaha: Amount | None = None
    hasil_penjualan: Amount | None = None
    nib_kbli: KbliList = ""


class EvidenceIn(Schema):
    product_kbli: Kbli = ""
    health_product: bool = False
    nie: Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)] = ""
    raw_material_evidence: bool | None = None
    raw_material_note: Line = ""
    modal_usaha: Amount | None = None
    hasil_penjualan: Amount | None = None
    nib_kbli: KbliList = ""


class Regulation(StrEnum):
    R46 = "permenperin46_2022"
    R35 = "permenperin35_2025"


class AssessmentIn(Schema):
    regulation: Regulation
    material: Score
    tenaga_kerja: Score
    overhead: Score
    pengembangan: Score
    assessed_on: dt.date | None = None


class SubmitIn(Schema):
    submitted_on: dt.date | None = None
    override_reason: Text = ""


class Cause(StrEnum):
    SIZE = "ukuran_usaha"
    KBLI = "kbli"
    RAW_MATERIAL = "bahan_baku"
    NIE = "nie"
    OTHER = "lainnya"


assert {c.value for c in Cause} == set(Candidate.RejectionCause.values)


class CandidateDecisionIn(Schema):
    certificate: Id | None = Field(None, description="the registry certificate (certified)")
    rejection_cause: Cause | None = Field(None, description="the cause (rejected)")
    rejection_note: Text = ""
    decided_on: dt.date | None = None


class CandidateStatusFilter(StrEnum):
    REGISTERED = "registered"
    ASSESSED = "assessed"
    SUBMITTED = "submitted"
    CERTIFIED = "certified"
    REJECTED = "rejected"


assert {s.value for s in CandidateStatusFilter} == set(Candidate.Status.values)


class YearQuery(Schema):
    tahun: Year | None = None


def _year(pemdas: list[Any], tahun: int | None) -> int:
    if tahun is not None:
        return tahun
    years = queries.available_years(pemdas)
    return years[0] if years else timezone.localdate().year


# ------------------------------------------------------------------ progress


@router.get("/progress", response={200: list[ProvinceProgressOut], **errors(*READ)})
def list_progress(request: HttpRequest, filters: Query[YearQuery]) -> list[dict[str, Any]]:
    """Progress against the targets per province and Pemda the user reads (national users:
    every Pemda with a target or a candidate; a province's users: their province and its
    kabupaten/kota; the others: their Pemda)."""
    scope = list(access.progress_pemda(user_of(request)))
    year = _year(scope, filters.tahun)
    out = []
    for prov in queries.province_progress(queries.pemda_with_data(scope, year), year):
        assert prov.province is not None
        out.append({**_sums(prov), "province": prov.province.code, "name": prov.province.name,
                    "pemdas": [_pemda_progress(p) for p in prov.pemdas]})
    return out


@router.get("/pemda/{pemda_id}/progress", response={200: PemdaProgressOut, **errors(*READ)})
def get_progress(request: HttpRequest, pemda_id: Id, filters: Query[YearQuery]
                 ) -> dict[str, Any]:
    """A Pemda's targets per kecamatan and quarter against the products and small industries
    its candidates certified there and then."""
    pemda = access.get_progress_pemda_for(user_of(request), pemda_id)
    return _pemda_progress(queries.target_progress(pemda, _year([pemda], filters.tahun)))


# ------------------------------------------------------------------ candidates


@router.get("/pemda/{pemda_id}/candidates", response={200: list[CandidateOut], **errors(*READ)})
@paginated
def list_candidates(request: HttpRequest, pemda_id: Id, status: CandidateStatusFilter | None = None,
                    q: ShortText | None = None) -> QuerySet[Candidate]:
    """The Pemda's candidates with their steps and pre-check findings."""
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    qs = access.visible_candidates(user).filter(pemda=pemda)
    return queries.list_candidates(qs, status=status, q=q)


@router.get("/pemda/{pemda_id}/precheck-outcome",
            response={200: PrecheckOutcomeOut, **errors(*READ)})
def get_precheck_outcome(request: HttpRequest, pemda_id: Id) -> dict[str, Any]:
    """Of the pre-checked candidates since decided, the share rejected (None before any
    decision) and the rejections per cause."""
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    o = queries.precheck_outcome(access.visible_candidates(user).filter(pemda=pemda))
    return {"prechecked": o.prechecked, "decided": o.decided, "rejected": o.rejected,
            "certified": o.certified, "share": o.share, "by_cause": o.by_cause}


@router.post("/pemda/{pemda_id}/candidates", response={201: CandidateOut, **errors(*WRITE)})
def register(request: HttpRequest, pemda_id: Id, payload: RegisterIn) -> Status:
    """Register a small-industry producer's product (its Tim P3DN; audited)."""
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    access.require_manage(user, pemda)
    producer = catalog_access.get_producer_for(user, payload.producer)
    product = catalog_access.get_product_for(user, payload.product) if payload.product else None
    data = payload.model_dump(exclude={"kecamatan", "producer", "product"})
    candidate = services.register_candidate(
        actor=user, pemda=pemda, kecamatan=services.kecamatan_of(pemda, payload.kecamatan),
        producer=producer, product=product, **data)
    return Status(201, candidate)


@router.get("/candidates/{candidate_id}", response={200: CandidateOut, **errors(*READ)})
def get_candidate(request: HttpRequest, candidate_id: Id) -> Candidate:
    return access.get_candidate_for(user_of(request), candidate_id)


@router.post("/candidates/{candidate_id}/assessment",
             response={200: CandidateOut, **errors(*WRITE)})
def assess(request: HttpRequest, candidate_id: Id, payload: AssessmentIn) -> Candidate:
    """The C11 self-assessment, computed by the rules library and stored."""
    user = user_of(request)
    candidate = access.get_candidate_for(user, candidate_id, write=True)
    return services.record_self_assessment(
        actor=user, candidate=candidate, regulation=payload.regulation.value,
        material=payload.material, tenaga_kerja=payload.tenaga_kerja,
        overhead=payload.overhead, pengembangan=payload.pengembangan,
        assessed_on=payload.assessed_on)


@router.post("/candidates/{candidate_id}/evidence",
             response={200: CandidateOut, **errors(*WRITE)})
def evidence(request: HttpRequest, candidate_id: Id, payload: EvidenceIn) -> Candidate:
    """Correct what the pre-check reads before submission (audited)."""
    user = user_of(request)
    candidate = access.get_candidate_for(user, candidate_id, write=True)
    return services.update_evidence(actor=user, candidate=candidate, **payload.model_dump())


@router.post("/candidates/{candidate_id}/precheck",
             response={200: CandidateOut, **errors(*WRITE)})
def precheck(request: HttpRequest, candidate_id: Id) -> Candidate:
    """Record the pre-check of the four main rejection causes, each with its legal basis."""
    user = user_of(request)
    candidate = access.get_candidate_for(user, candidate_id, write=True)
    return services.run_precheck(actor=user, candidate=candidate)


@router.post("/candidates/{candidate_id}/submission",
             response={200: CandidateOut, **errors(*WRITE)})
def submit(request: HttpRequest, candidate_id: Id, payload: SubmitIn) -> Candidate:
    """Record the submission; a rejection cause found by the pre-check needs
    ``override_reason`` (else 422)."""
    user = user_of(request)
    candidate = access.get_candidate_for(user, candidate_id, write=True)
    return services.submit_candidate(actor=user, candidate=candidate,
                                     submitted_on=payload.submitted_on,
                                     override_reason=payload.override_reason)


@router.post("/candidates/{candidate_id}/decision",
             response={200: CandidateOut, **errors(*WRITE)})
def decide(request: HttpRequest, candidate_id: Id, payload: CandidateDecisionIn) -> Any:
    """Record Kemenperin's decision: ``certificate`` (a registry certificate of the producer)
    or ``rejection_cause`` (with ``rejection_note``; needed for 'lainnya'); exactly one."""
    user = user_of(request)
    candidate = access.get_candidate_for(user, candidate_id, write=True)
    if (payload.certificate is None) == (payload.rejection_cause is None):
        return Status(422, {"error": "give either certificate or rejection_cause"})
    if payload.certificate is not None:
        cert = catalog_access.get_certificate_for(user, payload.certificate)
        return services.record_certificate(actor=user, candidate=candidate, certificate=cert,
                                           decided_on=payload.decided_on)
    assert payload.rejection_cause is not None
    return services.record_rejection(actor=user, candidate=candidate,
                                     cause=payload.rejection_cause.value,
                                     note=payload.rejection_note,
                                     decided_on=payload.decided_on)


# ------------------------------------------------------------------ onboarding and reminders


@router.get("/pemda/{pemda_id}/onboarding", response={200: OnboardingOut, **errors(*READ)})
def get_onboarding(request: HttpRequest, pemda_id: Id) -> dict[str, Any]:
    """The Pemda's approved UMK producers against its onboarding target."""
    pemda = accounts_access.get_pemda_for(user_of(request), pemda_id)
    p = queries.onboarding_progress(pemda)
    return {"pemda": pemda.pk, "umk_target": p.umk_target, "target_set": p.target_set,
            "umk_producers": p.umk_producers, "share": p.share, "producers": p.producers}


@router.get("/pemda/{pemda_id}/producers",
            response={200: list[OnboardingProducerOut], **errors(*READ)})
@paginated
def list_onboarding_producers(request: HttpRequest, pemda_id: Id) -> list[dict[str, Any]]:
    """Per producer of the Pemda: NIB and its status, KBLI, size, katalog lokal status and
    its Toko Daring orders at the Pemda."""
    pemda = accounts_access.get_pemda_for(user_of(request), pemda_id)
    producers = list(queries.onboarding_producers(pemda))
    return [
        {"id": r.producer.pk, "name": r.producer.name, "nib": r.producer.nib,
         "nib_status": r.producer.nib_status, "kbli": r.producer.kbli_list,
         "size": r.producer.size, "umk": r.producer.umk, "katalog_lokal": r.listing_status,
         "toko_daring_orders": r.toko_daring_orders, "candidates": r.candidates}
        for r in queries.onboarding_rows(pemda, producers)
    ]


@router.get("/pemda/{pemda_id}/expiring", response={200: list[ExpiringOut], **errors(*READ)})
def list_expiring(request: HttpRequest, pemda_id: Id) -> list[dict[str, Any]]:
    """The certificates of the Pemda's producers ending within 60 days (C12)."""
    pemda = accounts_access.get_pemda_for(user_of(request), pemda_id)
    return [
        {"certificate": e.certificate.pk, "producer": e.certificate.holder.name,
         "product": e.certificate.product.name, "valid_until": e.certificate.valid_until,
         "days_left": e.days_left, "candidate": e.candidate_id}
        for e in queries.expiring_certificates(pemda, as_of=timezone.localdate())
    ]
