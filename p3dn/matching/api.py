"""Business matching over the API (/api/v1/matching): events, the demand of a Pemda-year, the
suggested producers of a package or need, needs, interests and commitments, and the totals
with their conversion. Same rights as the pages (access.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from p3dn.accounts import access as accounts_access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Unit
from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.matching import access, present, queries, services, suggestions
from p3dn.matching.models import Event, Interest, Need
from p3dn.rules.common import JenisPengadaan
from p3dn.web.apikit import NO_NUL, READ, WRITE, Id, ShortText, Year, errors, paginated

router = Router(tags=["business matching"])

Money = Annotated[Decimal, Field(gt=0, le=Decimal("999999999999999999"), decimal_places=2)]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
Digits = Annotated[str, StringConstraints(max_length=10, pattern=r"^[0-9]*$")]
MAX_MATCHED_LINES = 300


class Kind(StrEnum):
    PEMDA = "pemda"
    STAGE_1 = "nasional_1"
    STAGE_2 = "nasional_2"
    STAGE_3 = "nasional_3"
    STAGE_4 = "nasional_4"
    STAGE_5 = "nasional_5"
    STAGE_6 = "nasional_6"


assert {k.value for k in Kind} == set(Event.Kind.values)

class Jenis(StrEnum):
    BARANG = "Barang"
    PEKERJAAN_KONSTRUKSI = "Pekerjaan Konstruksi"
    JASA_KONSULTANSI = "Jasa Konsultansi"
    JASA_LAINNYA = "Jasa Lainnya"


assert {j.value for j in Jenis} == {j.value for j in JenisPengadaan}


# ------------------------------------------------------------------ answers


class EventOut(Schema):
    id: int
    pemda: int
    pemda_name: str
    name: str
    kind: str
    kind_label: str
    date: dt.date
    tahun: int
    place: str
    organizer: str
    note: str
    units: list[int]
    producers: list[int]

    @staticmethod
    def resolve_pemda(obj: Event) -> int:
        return obj.pemda_id

    @staticmethod
    def resolve_pemda_name(obj: Event) -> str:
        return obj.pemda.name

    @staticmethod
    def resolve_kind_label(obj: Event) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_units(obj: Event) -> list[int]:
        return sorted(obj.units.values_list("pk", flat=True))

    @staticmethod
    def resolve_producers(obj: Event) -> list[int]:
        return sorted(obj.producers.values_list("pk", flat=True))


class DemandLineOut(Schema):
    kind: str = Field(description="rup: an open RUP package; need: a need entered by hand")
    kd_rup: int | None
    need: int | None
    unit: int | None
    unit_name: str
    name: str
    jenis: str
    metode: str
    pagu: Decimal
    selection_date: dt.date | None


class DemandOut(Schema):
    pemda: int
    tahun: int
    count: int
    pagu: Decimal
    lines: list[DemandLineOut]


class SuggestionReasonOut(Schema):
    code: str
    weight: Decimal
    text: str


class ProductMatchOut(Schema):
    product: int
    name: str
    score: Decimal
    reasons: list[SuggestionReasonOut]


class SuggestionOut(Schema):
    producer: int
    producer_name: str
    score: Decimal
    products: list[ProductMatchOut]


class SuggestionsOut(Schema):
    line: DemandLineOut
    searched: list[str]
    suggestions: list[SuggestionOut]


class NeedOut(Schema):
    id: int
    pemda: int
    unit: int
    tahun: int
    name: str
    specification: str
    jenis: str
    pagu: Decimal
    planned_date: dt.date | None
    kbki: str
    kbli: str
    kode_hs: str
    kd_rup: int | None

    @staticmethod
    def resolve_pemda(obj: Need) -> int:
        return obj.pemda_id

    @staticmethod
    def resolve_unit(obj: Need) -> int:
        return obj.unit_id


class FollowedOut(Schema):
    source: str
    reference: str
    provider_name: str
    nilai: Decimal
    date: dt.date | None
    producer_agrees: bool | None


class InterestOut(Schema):
    id: int
    event: int
    producer: int
    producer_name: str
    product: int | None
    kd_rup: int | None
    need: int | None
    unit: int | None
    demand_name: str
    nilai_ketertarikan: Decimal
    nilai_komitmen: Decimal | None
    committed_on: dt.date | None
    note: str

    @staticmethod
    def resolve_event(obj: Interest) -> int:
        return obj.event_id

    @staticmethod
    def resolve_producer(obj: Interest) -> int:
        return obj.producer_id

    @staticmethod
    def resolve_producer_name(obj: Interest) -> str:
        return obj.producer.name

    @staticmethod
    def resolve_product(obj: Interest) -> int | None:
        return obj.product_id

    @staticmethod
    def resolve_need(obj: Interest) -> int | None:
        return obj.need_id

    @staticmethod
    def resolve_unit(obj: Interest) -> int | None:
        return obj.unit_id


class LinkOut(Schema):
    interest: InterestOut
    status: str
    status_text: str
    converted_value: Decimal
    followed: list[FollowedOut]
    possible: list[FollowedOut] = Field(
        description="non-tender e-contracts of the same unit and provider after the event: "
                    "they name no RUP code, so they are never counted as the conversion")


class TotalsOut(Schema):
    key: str
    label: str
    interests: int
    ketertarikan: Decimal
    commitments: int
    komitmen: Decimal
    converted: int
    converted_value: Decimal
    conversion_rate: Decimal | None
    conversion_value_rate: Decimal | None


class ReportOut(Schema):
    total: TotalsOut
    by_event: list[TotalsOut]
    by_unit: list[TotalsOut]
    by_producer: list[TotalsOut]
    interests: list[LinkOut]


# ------------------------------------------------------------------ input


class EventIn(Schema):
    pemda: Id | None = Field(None, description="the national admin only; else the user's own")
    name: Name
    kind: Kind = Kind.PEMDA
    date: dt.date
    tahun: Year
    place: ShortText = ""
    organizer: ShortText = ""
    note: LongText = ""
    units: list[Id] = Field(default_factory=list, max_length=1000)
    producers: list[Id] = Field(default_factory=list, max_length=1000)


class EventPatch(Schema):
    name: Name | None = None
    kind: Kind | None = None
    date: dt.date | None = None
    tahun: Year | None = None
    place: ShortText | None = None
    organizer: ShortText | None = None
    note: LongText | None = None
    units: list[Id] | None = Field(None, max_length=1000)
    producers: list[Id] | None = Field(None, max_length=1000)


class NeedIn(Schema):
    unit: Id
    tahun: Year
    name: Name
    specification: LongText = ""
    jenis: Jenis
    pagu: Money
    planned_date: dt.date | None = None
    kbki: Digits = ""
    kbli: Digits = ""
    kode_hs: Digits = ""
    kd_rup: Id | None = None


class InterestIn(Schema):
    producer: Id
    product: Id | None = None
    kd_rup: Id | None = None
    need: Id | None = None
    nilai_ketertarikan: Money
    note: LongText = ""


class InterestPatch(Schema):
    nilai_ketertarikan: Money | None = None
    nilai_komitmen: Money | None = None
    committed_on: dt.date | None = None
    note: LongText | None = None


class DemandQuery(Schema):
    tahun: Year
    unit: Id | None = None
    jenis: Jenis | None = None
    pagu_min: Annotated[Decimal, Field(ge=0, le=Decimal("999999999999999999"))] | None = None
    pagu_max: Annotated[Decimal, Field(ge=0, le=Decimal("999999999999999999"))] | None = None
    dari: dt.date | None = None
    sampai: dt.date | None = None
    alternatif: bool | None = Field(
        None, description="true: only lines with a suggested producer; false: only without "
                          f"(at most {MAX_MATCHED_LINES} lines after the other filters)")


# ------------------------------------------------------------------ helpers


def _line(line: queries.DemandLine) -> dict[str, Any]:
    return {"kind": line.kind, "kd_rup": line.kd_rup, "need": line.need_id, "unit": line.unit_id,
            "unit_name": line.unit_name, "name": line.name, "jenis": line.jenis,
            "metode": line.metode, "pagu": line.pagu, "selection_date": line.selection_date}


def _suggestions(pemda: Any, line: queries.DemandLine) -> dict[str, Any]:
    found = suggestions.suggest(line, suggestions.Context.for_pemda(pemda), limit=10)
    return {"line": _line(line), "searched": suggestions.phrases(line), "suggestions": [
        {"producer": s.producer.pk, "producer_name": s.producer.name, "score": s.score.value,
         "products": [{"product": m.product.pk, "name": m.product.name, "score": m.score.value,
                       "reasons": [{"code": r.code, "weight": r.weight,
                                    "text": present.reason_text(r)}
                                   for r in m.score.reasons]} for m in s.products]}
        for s in found]}


def _totals(t: queries.Totals) -> dict[str, Any]:
    return {"key": t.key, "label": t.label, "interests": t.interests,
            "ketertarikan": t.ketertarikan, "commitments": t.commitments, "komitmen": t.komitmen,
            "converted": t.converted, "converted_value": t.converted_value,
            "conversion_rate": t.conversion_rate,
            "conversion_value_rate": t.conversion_value_rate}


def _report(interests: QuerySet[Interest]) -> dict[str, Any]:
    report = queries.report(interests)
    return {
        "total": _totals(report.total),
        "by_event": [_totals(t) for t in report.by_event],
        "by_unit": [_totals(t) for t in report.by_unit],
        "by_producer": [_totals(t) for t in report.by_producer],
        "interests": [{"interest": link.interest, "status": link.status,
                       "status_text": present.status_text(link.status),
                       "converted_value": link.converted_value,
                       "followed": [f.__dict__ for f in link.followed],
                       "possible": [f.__dict__ for f in link.possible]}
                      for link in report.links],
    }


def _guests(pemda_id: int, units: list[int], producers: list[int]
            ) -> tuple[list[Unit], list[Producer]]:
    found_units = list(Unit.objects.filter(pk__in=units))
    found_producers = list(Producer.objects.filter(pk__in=producers))
    if len(found_units) != len(set(units)) or any(u.pemda_id != pemda_id for u in found_units):
        raise ValidationError({"units": ["unknown unit or a unit of another Pemda"]})
    if len(found_producers) != len(set(producers)):
        raise ValidationError({"producers": ["unknown registry producer"]})
    return found_units, found_producers


# ------------------------------------------------------------------ events


@router.get("/events", response={200: list[EventOut], **errors(*READ)})
@paginated
def list_events(request: HttpRequest, tahun: Year | None = None) -> QuerySet[Event]:
    """The events the user may see (its Pemda's; every Pemda's for national users)."""
    events = access.visible_events(user_of(request)).prefetch_related("units", "producers")
    return events.filter(tahun=tahun) if tahun is not None else events


@router.post("/events", response={201: EventOut, **errors(*WRITE)})
def create_event(request: HttpRequest, payload: EventIn) -> Status:
    user = user_of(request)
    if payload.pemda is not None and not user.is_national:
        raise ValidationError({"pemda": ["only the national admin names the Pemda"]})
    pemda_id = payload.pemda or user.pemda_id
    if pemda_id is None:
        raise ValidationError({"pemda": ["name the Pemda of the event"]})
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    units, producers = _guests(pemda.pk, payload.units, payload.producers)
    event = services.create_event(
        actor=user, pemda=pemda, name=payload.name, kind=payload.kind.value, date=payload.date,
        tahun=payload.tahun, place=payload.place, organizer=payload.organizer,
        note=payload.note, units=units, producers=producers)
    return Status(201, event)


@router.get("/events/{event_id}", response={200: EventOut, **errors(*READ)})
def get_event(request: HttpRequest, event_id: Id) -> Event:
    return access.get_event_for(user_of(request), event_id)


@router.patch("/events/{event_id}", response={200: EventOut, **errors(*WRITE)})
def update_event(request: HttpRequest, event_id: Id, payload: EventPatch) -> Event:
    user = user_of(request)
    event = access.get_event_for(user, event_id, write=True)
    data = payload.dict(exclude_unset=True)
    units, producers = data.pop("units", None), data.pop("producers", None)
    if "kind" in data and data["kind"] is not None:
        data["kind"] = Kind(data["kind"]).value
    fields = {k: v for k, v in data.items() if v is not None}
    if fields:
        event = services.update_event(actor=user, event=event, **fields)
    if units is not None or producers is not None:
        found_units, found_producers = _guests(
            event.pemda_id,
            units if units is not None else list(event.units.values_list("pk", flat=True)),
            producers if producers is not None
            else list(event.producers.values_list("pk", flat=True)))
        services.set_guests(actor=user, event=event, units=found_units,
                            producers=found_producers)
    return event


@router.delete("/events/{event_id}", response={204: None, **errors(*WRITE)})
def delete_event(request: HttpRequest, event_id: Id) -> Status:
    user = user_of(request)
    services.delete_event(actor=user, event=access.get_event_for(user, event_id, write=True))
    return Status(204, None)


@router.get("/events/{event_id}/report", response={200: ReportOut, **errors(*READ)})
def event_report(request: HttpRequest, event_id: Id) -> dict[str, Any]:
    """Interest, commitment and conversion of the event: totals, per unit, per producer, and
    each interest with the facts that followed it."""
    user = user_of(request)
    event = access.get_event_for(user, event_id)
    return _report(access.visible_interests(user).filter(event=event))


@router.get("/report", response={200: ReportOut, **errors(*READ)})
def overall_report(request: HttpRequest, tahun: Year | None = None) -> dict[str, Any]:
    """The same over every event the user may see (of one budget year when given)."""
    interests = access.visible_interests(user_of(request))
    if tahun is not None:
        interests = interests.filter(event__tahun=tahun)
    return _report(interests)


# ------------------------------------------------------------------ demand


@router.get("/pemda/{pemda_id}/demand", response={200: DemandOut, **errors(*READ)})
def demand(request: HttpRequest, pemda_id: Id, filters: Query[DemandQuery]) -> dict[str, Any]:
    """Open RUP packages and needs of a Pemda-year, largest pagu first."""
    pemda = accounts_access.get_pemda_for(user_of(request), pemda_id)
    if (filters.pagu_min is not None and filters.pagu_max is not None
            and filters.pagu_min > filters.pagu_max):
        raise ValidationError({"pagu_min": ["above pagu_max"]})
    if filters.dari and filters.sampai and filters.dari > filters.sampai:
        raise ValidationError({"dari": ["after sampai"]})
    wanted = queries.DemandFilters(
        unit_id=filters.unit, jenis=filters.jenis.value if filters.jenis else "",
        pagu_min=filters.pagu_min, pagu_max=filters.pagu_max, selection_from=filters.dari,
        selection_until=filters.sampai, domestic=filters.alternatif)
    lines = queries.demand(pemda, filters.tahun, wanted)
    if wanted.domestic is not None:
        if len(lines) > MAX_MATCHED_LINES:
            raise ValidationError({"alternatif": [
                f"narrow the other filters first: at most {MAX_MATCHED_LINES} lines"]})
        lines = suggestions.with_domestic_alternative(
            lines, suggestions.Context.for_pemda(pemda), wanted.domestic)
    return {"pemda": pemda.pk, "tahun": filters.tahun, "count": len(lines),
            "pagu": sum((line.pagu for line in lines), queries.ZERO),
            "lines": [_line(line) for line in lines]}


@router.get("/pemda/{pemda_id}/packages/{kd_rup}/suggestions",
            response={200: SuggestionsOut, **errors(*READ)})
def package_suggestions(request: HttpRequest, pemda_id: Id, kd_rup: Id) -> dict[str, Any]:
    """The registry producers that could supply an open RUP package, with their reasons."""
    pemda = accounts_access.get_pemda_for(user_of(request), pemda_id)
    line = queries.package_line(pemda, kd_rup)
    if line is None:
        raise Http404("No open package")
    return _suggestions(pemda, line)


# ------------------------------------------------------------------ needs


@router.get("/needs", response={200: list[NeedOut], **errors(*READ)})
@paginated
def list_needs(request: HttpRequest, tahun: Year | None = None) -> QuerySet[Need]:
    needs = access.visible_needs(user_of(request))
    return needs.filter(tahun=tahun) if tahun is not None else needs


@router.post("/needs", response={201: NeedOut, **errors(*WRITE)})
def create_need(request: HttpRequest, payload: NeedIn) -> Status:
    user = user_of(request)
    unit = accounts_access.get_unit_for(user, payload.unit)
    data = payload.dict()
    data.pop("unit")
    data["jenis"] = str(payload.jenis.value)
    return Status(201, services.create_need(actor=user, unit=unit, **data))


@router.get("/needs/{need_id}/suggestions", response={200: SuggestionsOut, **errors(*READ)})
def need_suggestions(request: HttpRequest, need_id: Id) -> dict[str, Any]:
    need = access.get_need_for(user_of(request), need_id)
    return _suggestions(need.pemda, queries.need_line(need))


@router.delete("/needs/{need_id}", response={204: None, **errors(*WRITE)})
def delete_need(request: HttpRequest, need_id: Id) -> Status:
    user = user_of(request)
    services.delete_need(actor=user, need=access.get_need_for(user, need_id, write=True))
    return Status(204, None)


# ------------------------------------------------------------------ interests


@router.post("/events/{event_id}/interests", response={201: InterestOut, **errors(*WRITE)})
def create_interest(request: HttpRequest, event_id: Id, payload: InterestIn
                    ) -> Status:
    user = user_of(request)
    event = access.get_event_for(user, event_id, write=True)
    producer = Producer.objects.filter(pk=payload.producer).first()
    if producer is None:
        raise ValidationError({"producer": ["unknown registry producer"]})
    product = None
    if payload.product is not None:
        product = CatalogProduct.objects.filter(pk=payload.product).first()
        if product is None:
            raise ValidationError({"product": ["unknown registry product"]})
    need = None
    if payload.need is not None:
        need = access.visible_needs(user).filter(pk=payload.need).first()
        if need is None:
            raise ValidationError({"need": ["unknown need"]})
    interest = services.record_interest(
        actor=user, event=event, producer=producer, product=product, kd_rup=payload.kd_rup,
        need=need, nilai_ketertarikan=payload.nilai_ketertarikan, note=payload.note)
    return Status(201, interest)


@router.patch("/interests/{interest_id}", response={200: InterestOut, **errors(*WRITE)})
def update_interest(request: HttpRequest, interest_id: Id, payload: InterestPatch) -> Interest:
    """Change the interest or record its commitment (nilai_komitmen with committed_on)."""
    user = user_of(request)
    interest = access.get_interest_for(user, interest_id, write=True)
    return services.update_interest(actor=user, interest=interest,
                                    **payload.dict(exclude_unset=True))


@router.delete("/interests/{interest_id}", response={204: None, **errors(*WRITE)})
def delete_interest(request: HttpRequest, interest_id: Id) -> Status:
    user = user_of(request)
    services.delete_interest(actor=user,
                             interest=access.get_interest_for(user, interest_id, write=True))
    return Status(204, None)
