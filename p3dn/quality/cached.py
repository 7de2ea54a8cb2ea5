"""The data-quality warnings of a Pemda-year as the indicators carry them, kept in Django's cache.

``queries.warnings_for`` reads every source row of the year (1,3 to 2,7 s on the demo's
Pemda-years); the indicator JSON of the Dasbor, the API, the CLI, the report, Monev and the
ranking all carry its warnings, so they read them here. The cache key holds the Pemda, the year,
the day the data stood (``as_of``), the active language (the sentences are translated) and the
newest import refresh of the Pemda (``procurement.Refresh``: its id and how many there are). An
import applied for the Pemda records a new refresh and so changes the key: what is read here is
never older than the facts. The warnings are kept without their source rows (the data-quality
page lists those and reads them itself).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda
from p3dn.procurement.models import Refresh
from p3dn.quality.queries import DataWarning, warnings_for

# A day: the key changes with every import, so the time only bounds what an idle cache keeps.
TIMEOUT = 24 * 60 * 60


# What the facts of a Pemda stand on: its newest import refresh and how many it has.
RefreshMark = tuple[int, int]


def refresh_marks(pemda_ids: list[int]) -> dict[int, RefreshMark]:
    """The refresh mark of each Pemda in one query (a Pemda without a refresh: (0, 0)), for a
    page that reads the warnings of many Pemda (the ranking)."""
    rows = (
        Refresh.objects.filter(pemda_id__in=pemda_ids)
        .values("pemda_id")
        .annotate(newest=Max("run_id"), n=Count("pk"))
        .order_by()
    )
    found = {row["pemda_id"]: (row["newest"], row["n"]) for row in rows}
    return {pk: found.get(pk, (0, 0)) for pk in pemda_ids}


def cache_key(
    *, pemda: Pemda, tahun: int, as_of: dt.date | None, mark: RefreshMark | None = None
) -> str:
    if mark is None:
        mark = refresh_marks([pemda.pk])[pemda.pk]
    day = as_of.isoformat() if as_of else "now"
    return (
        f"p3dn.quality.warnings:{pemda.pk}:{tahun}:{day}:{get_language() or '-'}:"
        f"{mark[0]}:{mark[1]}"
    )


def year_warnings(
    *, pemda: Pemda, tahun: int, as_of: dt.date | None = None, mark: RefreshMark | None = None
) -> list[DataWarning]:
    """``queries.warnings_for`` of the Pemda-year without their rows, computed once per import
    (``mark``: the Pemda's refresh mark when the caller read it already, see ``refresh_marks``)."""
    key = cache_key(pemda=pemda, tahun=tahun, as_of=as_of, mark=mark)
    found: list[DataWarning] | None = cache.get(key)
    if found is None:
        found = remember(
            pemda=pemda,
            tahun=tahun,
            as_of=as_of,
            warnings=warnings_for(pemda=pemda, tahun=tahun, as_of=as_of),
            key=key,
        )
    return found


def remember(
    *,
    pemda: Pemda,
    tahun: int,
    as_of: dt.date | None,
    warnings: list[DataWarning],
    key: str | None = None,
) -> list[DataWarning]:
    """Keep the whole ``warnings_for`` of a Pemda-year that a page has just read (the
    data-quality page and its API read the rows), so the indicators need not read them again."""
    kept = [dataclasses.replace(w, rows=()) for w in warnings]
    cache.set(key or cache_key(pemda=pemda, tahun=tahun, as_of=as_of), kept, TIMEOUT)
    return kept


def sample_rup_notice(*, pemda: Pemda, tahun: int) -> dict[str, str] | None:
    """What every page showing the numbers of a Pemda-year whose RUP is only a sample
    (``rup_sampel``) says in its banner (the template include ``quality/_sample_notice.html``):
    ``message`` and ``url``, the data-quality page of the year at that warning. None when the
    RUP is not a sample."""
    for warning in year_warnings(pemda=pemda, tahun=tahun):
        if warning.code == "rup_sampel":
            url = reverse("quality:page", args=[pemda.pk])
            return {
                "title": _(
                    "The RUP of %(pemda)s %(tahun)s is only a sample: its capaian PDN cannot "
                    "be reported."
                )
                % {"pemda": pemda.name, "tahun": tahun},
                "message": warning.message,
                "url": f"{url}?tahun={tahun}&kode=rup_sampel#kode-rup_sampel",
            }
    return None
