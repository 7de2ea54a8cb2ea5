"""Pemda and their units, within what the caller may see (accounts/access.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import field_validator
from pydantic.json_schema import SkipJsonSchema

from p3dn.accounts import access, queries, services
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda, Unit
from p3dn.web.apikit import READ, WRITE, Id, ShortText, errors, paginated

router = Router(tags=["government units"])


class PemdaOut(Schema):
    id: int
    name: str
    kd_klpd: str | None
    region: str
    level: str
    has_tim_p3dn: bool

    @staticmethod
    def resolve_region(obj: Pemda) -> str:
        return obj.region_id

    @staticmethod
    def resolve_level(obj: Pemda) -> str:
        return obj.region.level


class UnitOut(Schema):
    id: int
    pemda: int
    kd_klpd: str | None
    kd_satker: str | None
    kd_satker_str: str
    name: str
    parent: int | None
    is_active: bool

    @staticmethod
    def resolve_pemda(obj: Unit) -> int:
        return obj.pemda_id

    @staticmethod
    def resolve_kd_klpd(obj: Unit) -> str | None:
        return obj.pemda.kd_klpd

    @staticmethod
    def resolve_parent(obj: Unit) -> int | None:
        return obj.parent_id


class UnitIn(Schema):
    name: ShortText
    kd_satker: ShortText | None = None
    kd_satker_str: ShortText = ""
    parent: Id | None = None


class UnitPatch(Schema):
    """Only the fields sent change. `kd_satker` may be null (no SiRUP code); the others may
    be left out but not set to null."""

    name: ShortText | SkipJsonSchema[None] = None
    kd_satker: ShortText | None = None
    kd_satker_str: ShortText | SkipJsonSchema[None] = None
    is_active: bool | SkipJsonSchema[None] = None

    @field_validator("name", "kd_satker_str", "is_active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


@router.get("/pemda", response={200: list[PemdaOut], **errors(*READ)})
@paginated
def list_pemda(
    request: HttpRequest, level: ShortText | None = None, q: ShortText | None = None
) -> QuerySet[Pemda]:
    """The Pemda the caller may see (all for national users, its own otherwise)."""
    return queries.list_pemda(user=user_of(request), filters={"level": level, "q": q})


@router.get("/pemda/{pemda_id}", response={200: PemdaOut, **errors(*READ)})
def get_pemda(request: HttpRequest, pemda_id: Id) -> Pemda:
    return access.get_pemda_for(user_of(request), pemda_id)


@router.get("/units", response={200: list[UnitOut], **errors(*READ)})
@paginated
def list_units(request: HttpRequest, pemda: Id | None = None, q: ShortText = "") -> QuerySet[Unit]:
    """Perangkat daerah the caller may see."""
    user = user_of(request)
    scope = access.get_pemda_for(user, pemda) if pemda is not None else None
    return queries.list_units(user=user, pemda=scope, q=q)


@router.get("/units/{unit_id}", response={200: UnitOut, **errors(*READ)})
def get_unit(request: HttpRequest, unit_id: Id) -> Unit:
    return access.get_unit_for(user_of(request), unit_id)


@router.post("/pemda/{pemda_id}/units", response={201: UnitOut, **errors(*WRITE)})
def create_unit(request: HttpRequest, pemda_id: Id, payload: UnitIn) -> Status:
    user = user_of(request)
    pemda = access.get_pemda_for(user, pemda_id, write=True)
    parent = access.get_unit_for(user, payload.parent) if payload.parent else None
    unit = services.create_unit(
        actor=user,
        pemda=pemda,
        name=payload.name,
        kd_satker=payload.kd_satker,
        kd_satker_str=payload.kd_satker_str,
        parent=parent,
    )
    return Status(201, unit)


@router.patch("/units/{unit_id}", response={200: UnitOut, **errors(*WRITE)})
def update_unit(request: HttpRequest, unit_id: Id, payload: UnitPatch) -> Unit:
    user = user_of(request)
    unit = access.get_unit_for(user, unit_id, write=True)
    changes = payload.dict(exclude_unset=True)
    return services.update_unit(actor=user, unit=unit, **changes)
