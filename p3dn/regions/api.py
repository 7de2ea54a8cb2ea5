"""Regions are public reference data: no login needed."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from p3dn.regions.models import ExternalCode, Region
from p3dn.web.apikit import PUBLIC, ShortText, errors

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent_id


class ExternalCodeOut(Schema):
    system: str
    code: str
    region: str
    name_in_source: str

    @staticmethod
    def resolve_region(obj: ExternalCode) -> str:
        return obj.region_id


@router.get("", response={200: list[RegionOut], **errors(*PUBLIC)}, auth=None)
def list_regions(
    request: HttpRequest,
    level: Region.Level | None = None,
    parent: ShortText | None = None,
    q: ShortText | None = None,
) -> QuerySet[Region]:
    """Kemendagri regions; filter by level, parent code or a name fragment."""
    qs = Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


@router.get("/codes", response={200: list[ExternalCodeOut], **errors(*PUBLIC)}, auth=None)
def list_codes(
    request: HttpRequest, system: ExternalCode.System | None = None
) -> QuerySet[ExternalCode]:
    """How SiRUP, e-Katalog and LPSE codes map to Kemendagri codes."""
    qs = ExternalCode.objects.all()
    return qs.filter(system=system) if system else qs


@router.get("/{code}", response={200: RegionOut, **errors(*PUBLIC, 404)}, auth=None)
def get_region(request: HttpRequest, code: ShortText) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region
