"""Monev snapshots over the API: the figures exactly as they were stored.

A snapshot's ``figures`` is the indicator JSON of its Pemda-year with ``rows`` per perangkat
daerah (``indicators.PemdaYear.json("satker")``), described by the indicators' schemas
(p3dn/monitoring/api.py). Every key is optional and any other key stored is kept, so a snapshot
taken by an older version answers what it stored, key for key (``exclude_unset``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict, Field

from p3dn.accounts import access as accounts_access
from p3dn.accounts.access import user_of
from p3dn.monitoring.api import FiguresOut, IndicatorRowOut, IndicatorWarningOut
from p3dn.monitoring.monev import access, queries
from p3dn.monitoring.monev.models import Snapshot
from p3dn.web.apikit import READ, Id, ShortText, Year, errors, paginated

router = Router(tags=["monev"])


class SnapshotOut(Schema):
    id: int
    klpd: str | None
    pemda: str
    tahun: int
    kind: str
    taken_at: dt.datetime
    data_as_of: dt.date
    last_import: int | None
    taken_by: str | None
    catatan: str
    realisasi_pdn: str
    capaian_pdn: str | None

    @staticmethod
    def resolve_klpd(obj: Snapshot) -> str | None:
        return obj.pemda.kd_klpd

    @staticmethod
    def resolve_pemda(obj: Snapshot) -> str:
        return obj.pemda.name

    @staticmethod
    def resolve_last_import(obj: Snapshot) -> int | None:
        return obj.last_import_id

    @staticmethod
    def resolve_taken_by(obj: Snapshot) -> str | None:
        return obj.taken_by.get_username() if obj.taken_by else None

    @staticmethod
    def resolve_realisasi_pdn(obj: Snapshot) -> str:
        return str(obj.figures.get("realisasi_pdn"))

    @staticmethod
    def resolve_capaian_pdn(obj: Snapshot) -> str | None:
        return obj.figures.get("capaian_pdn")


# A snapshot taken before the warnings were objects stored them as English sentences.
OLD_WARNINGS = "objects; a snapshot taken before they were stored English sentences instead"


class SnapshotRowOut(IndicatorRowOut):
    model_config = ConfigDict(extra="allow")

    warnings: list[IndicatorWarningOut | str] | None = Field(None, description=OLD_WARNINGS)  # type: ignore[assignment]  # wider: old snapshots


class SnapshotHeadOut(BaseModel):
    klpd: str | None = None
    pemda: str | None = None
    tahun: int | None = None
    as_of: str | None = Field(None, description="YYYY-MM-DD when taken on a past day's data")


class SnapshotFiguresOut(FiguresOut, SnapshotHeadOut):  # the head's keys first, as stored
    """The indicators of the Pemda-year as they were computed when the snapshot was taken."""

    model_config = ConfigDict(extra="allow")

    warnings: list[IndicatorWarningOut | str] | None = Field(None, description=OLD_WARNINGS)  # type: ignore[assignment]  # wider: old snapshots
    rows: list[SnapshotRowOut] | None = Field(None, description="one per perangkat daerah")


class SnapshotDetailOut(SnapshotOut):
    figures: SnapshotFiguresOut


@router.get("/snapshots", response={200: list[SnapshotOut], **errors(*READ)})
@paginated
def list_snapshots(
    request: HttpRequest, klpd: ShortText, tahun: Year | None = None
) -> QuerySet[Snapshot]:
    """The Monev snapshots of a Pemda (of one fiscal year), newest first, with their headline
    numbers."""
    user = user_of(request)
    pemda = accounts_access.get_pemda_by_klpd_for(user, klpd)
    return queries.list_snapshots(access.visible_snapshots(user), pemda=pemda, tahun=tahun)


@router.get(
    "/snapshots/{snapshot_id}",
    response={200: SnapshotDetailOut, **errors(*READ)},
    exclude_unset=True,
)
def get_snapshot(request: HttpRequest, snapshot_id: Id) -> Snapshot:
    """One snapshot with its ``figures`` exactly as stored: the indicator JSON of the
    Pemda-year with ``rows`` per perangkat daerah (money as exact decimal strings)."""
    return access.get_snapshot_for(user_of(request), snapshot_id)
