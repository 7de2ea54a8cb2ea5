"""Reads over the procurement facts, current or as they stood at a recorded date."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import OuterRef, Q, QuerySet, Subquery

from p3dn.accounts.models import Pemda
from p3dn.procurement.models import Contract, Fact, Refresh
from p3dn.rules.common import SET_SEPARATOR

F = TypeVar("F", bound=Fact)


def as_of(facts: QuerySet[F], day: dt.date | None = None) -> QuerySet[F]:
    """The versions that were current on ``day`` (today's when None): brought by an import of
    data as of that day or earlier and not yet replaced by such an import."""
    if day is None:
        return facts.filter(valid_to__isnull=True)
    return facts.filter(valid_from__data_as_of__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__data_as_of__gt=day))


def latest_contract_versions(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """One row per tender / non-tender: the highest versi_addendum among ``contracts``."""
    top = (contracts.filter(channel=OuterRef("channel"), kd_paket=OuterRef("kd_paket"))
           .order_by("-versi_addendum").values("versi_addendum")[:1])
    return contracts.filter(versi_addendum=Subquery(top))


def names(column: str, value: str) -> Q:
    """Rows whose ``column``, one value or a set of them (``p3dn.rules.common.value_set``:
    "Jasa Konsultansi;Jasa Lainnya"), holds ``value``: the same on SQLite and PostgreSQL, and a
    row matches once however many of its values match (it is one row)."""
    sep = SET_SEPARATOR
    return (
        Q(**{column: value})
        | Q(**{f"{column}__startswith": f"{value}{sep}"})
        | Q(**{f"{column}__endswith": f"{sep}{value}"})
        | Q(**{f"{column}__contains": f"{sep}{value}{sep}"})
    )
def latest_refresh(*, pemda: Pemda, day: dt.date | None = None) -> Refresh | None:
    """The refresh of the Pemda's facts with the newest data (of data as of ``day`` or earlier
    when given): the newest data first, then the latest finished run, then the latest run."""
    refreshes = Refresh.objects.select_related("run").filter(
        pemda=pemda, run__data_as_of__isnull=False
    )
    if day is not None:
        refreshes = refreshes.filter(run__data_as_of__lte=day)
    return refreshes.order_by("-run__data_as_of", "-run__finished_at", "-run_id").first()
