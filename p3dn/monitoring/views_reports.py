"""Pages and downloads of the compliance flags and the Laporan Monev P3DN."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from p3dn.accounts import access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.monitoring import compliance, queries
from p3dn.monitoring.exports import XLSX
from p3dn.rules.compliance import RULES


def _year(request: HttpRequest, pemda: Pemda) -> int | None:
    """?tahun=, else the latest year with data (None when the Pemda has none)."""
    raw = request.GET.get("tahun")
    if raw:
        try:
            return int(raw)
        except ValueError:
            raise Http404 from None
    years = queries.years_with_data(pemda)
    return years[0] if years else None


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _slug(pemda: Pemda) -> str:
    return pemda.kd_klpd or pemda.region_id


@require_GET
@login_required
def compliance_flags(request: HttpRequest, pk: int) -> HttpResponse:
    """The compliance flags of a Pemda-year: counts per rule and per unit, then the list,
    narrowed by ?aturan= (rule) and ?unit=."""
    pemda = access.get_pemda_for(user_of(request), pk)
    tahun = _year(request, pemda)
    if tahun is None:
        return render(request, "monitoring/no_data.html", {"pemda": pemda})
    found = compliance.flags(pemda=pemda, tahun=tahun)
    code = request.GET.get("aturan", "")
    unit = request.GET.get("unit", "")
    shown = compliance.select(found, code=code, unit=unit)
    context = {
        "pemda": pemda,
        "tahun": tahun,
        "years": queries.years_with_data(pemda),
        "summary": compliance.summarise_flags(found, pemda),
        "rules": list(RULES.values()),
        "code": code,
        "unit": unit,
        "shown": len(shown),
        "page": Paginator(shown, 100).get_page(request.GET.get("page")),
    }
    return render(request, "monitoring/compliance.html", context)


@require_GET
@login_required
def compliance_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The compliance flags of a Pemda-year as an Excel workbook (all of them)."""
    pemda = access.get_pemda_for(user_of(request), pk)
    tahun = _year(request, pemda)
    if tahun is None:
        raise Http404
    found = compliance.flags(pemda=pemda, tahun=tahun)
    content = compliance.workbook(pemda=pemda, tahun=tahun, found=found)
    return _attachment(content, XLSX, f"kepatuhan-{_slug(pemda)}-{tahun}.xlsx")
