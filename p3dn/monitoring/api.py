"""The indicators over the API: the same JSON as `p3dn indicators`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from p3dn.accounts import access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.monitoring.indicators import compute
from p3dn.procurement.sums import CHANNELS, Filters
from p3dn.web.apikit import READ, ShortText, Year, errors

router = Router(tags=["indicators"])


@router.get("", response={200: dict[str, Any], **errors(*READ)})
def indicators(
    request: HttpRequest,
    klpd: ShortText,
    year: Year,
    as_of: dt.date | None = None,
    by: ShortText | None = None,
    channel: list[ShortText] = Query([]),  # noqa: B008 -- Ninja's way to declare a repeated parameter
    jenis: ShortText = "",
    metode: ShortText = "",
    sumber_dana: ShortText = "",
) -> dict[str, Any]:
    """Komitmen, realisasi per channel, capaian and UMK shares of a Pemda and fiscal year
    (``by`` = satker, channel or month), optionally narrowed like the Dasbor: ``channel``
    (repeatable) narrows the realization, ``jenis``, ``metode`` and ``sumber_dana`` the RUP
    packages and the realization naming them. Money as exact decimal strings, ratios with 6
    decimals."""
    user = user_of(request)
    pemda_id = Pemda.objects.filter(kd_klpd=klpd.strip().upper()).values_list("pk", flat=True)
    pemda = access.get_pemda_for(user, pemda_id.first() or 0)
    if by not in (None, "satker", "channel", "month"):
        by = None
    filters = Filters(
        tuple(c for c in channel if c in CHANNELS),
        jenis.strip(),
        metode.strip(),
        sumber_dana.strip(),
    )
    return compute(pemda=pemda, tahun=year, as_of=as_of, by=by, filters=filters)
