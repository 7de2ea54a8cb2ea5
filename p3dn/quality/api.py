"""The data-quality warnings over the API: ``GET /api/v1/quality?klpd=…&tahun=…``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.quality import access, cached, queries
from p3dn.web.apikit import READ, ShortText, Year, errors

router = Router(tags=["quality"])


class WarningOut(Schema):
    """One warning: ``count`` source rows worth ``nilai`` rupiah (exact decimal string), and an
    Indonesian sentence saying what is wrong."""

    code: str
    count: int
    nilai: str
    message: str


class QualityOut(Schema):
    """The warnings of a Pemda-year; ``incomplete`` when its capaian PDN cannot be reported as
    it stands (the RUP looks like a sample, or the Pemda's capaian is above 100%)."""

    klpd: str
    pemda: str
    tahun: int
    incomplete: bool
    warnings: list[WarningOut]


@router.get("", response={200: QualityOut, **errors(*READ)})
def quality(request: HttpRequest, klpd: ShortText, tahun: Year) -> QualityOut:
    """The data-quality warnings of a Pemda (its LKPP code, e.g. D107) and fiscal year. An
    operator gets the counts and rupiah of its own perangkat daerah's rows only."""
    user = user_of(request)
    pemda_id = Pemda.objects.filter(kd_klpd=klpd.strip().upper()).values_list("pk", flat=True)
    scope = access.get_scope_for(user, pemda_id.first() or 0)
    if scope.unit_id is None:  # the whole Pemda-year: no row needed, read once per import
        warnings = cached.year_warnings(pemda=scope.pemda, tahun=tahun)
    else:
        warnings = queries.for_unit(
            queries.warnings_for(pemda=scope.pemda, tahun=tahun), scope.unit_id
        )
    return QualityOut(
        klpd=scope.pemda.kd_klpd or "",
        pemda=scope.pemda.name,
        tahun=tahun,
        incomplete=queries.is_incomplete(warnings),
        warnings=[WarningOut(**w.as_json()) for w in warnings],
    )
