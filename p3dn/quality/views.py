"""The data-quality page of a Pemda-year and its workbook (thin: queries do the work)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts.access import user_of
from p3dn.accounts.models import Unit
from p3dn.quality import access, cached, exports, queries
from p3dn.quality.forms import QualityFilterForm
from p3dn.quality.labels import CODE_LABELS, DRILLABLE, SOURCE_LABELS
from p3dn.web import params
from p3dn.web.downloads import XLSX, attachment


def _selection(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The Pemda-year, its warnings as the user may read them, and the rows the filters keep."""
    scope = access.get_scope_for(user_of(request), pk)
    pemda = scope.pemda
    tahun = params.year(request.GET, queries.latest_year(pemda) or timezone.localdate().year)
    units = Unit.objects.filter(pemda=pemda).order_by("name", "kd_satker")
    if scope.unit_id is not None:
        units = units.filter(pk=scope.unit_id)
    choices = [(u.pk, f"{u.name} ({u.kd_satker})" if u.kd_satker else u.name) for u in units]
    form = QualityFilterForm(request.GET, codes=list(queries.CODES), units=choices)
    if not form.is_valid():
        raise BadRequest(_("Choose a warning and a perangkat daerah from the lists."))
    warnings = queries.warnings_for(pemda=pemda, tahun=tahun)
    cached.remember(pemda=pemda, tahun=tahun, as_of=None, warnings=warnings)  # for the banner
    if scope.unit_id is not None:
        warnings = queries.for_unit(warnings, scope.unit_id)
    rows = queries.visible_rows(
        warnings, code=form.cleaned_data["kode"] or "", unit_id=form.cleaned_data["unit"]
    )
    return {
        "pemda": pemda,
        "tahun": tahun,
        "form": form,
        "warnings": warnings,
        "rows": rows,
        "incomplete": queries.is_incomplete(warnings),
    }


@login_required
def quality_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Every suspicious source row of a Pemda-year per perangkat daerah, with why."""
    context = _selection(request, pk)
    page = Paginator(context["rows"], 50).get_page(request.GET.get("page"))
    context.update(
        page=page,
        listed=[
            {
                "row": r,
                "label": CODE_LABELS[r.code],
                "source": SOURCE_LABELS.get(r.sumber, r.sumber),
                "drill": r.sumber in DRILLABLE,
            }
            for r in page.object_list
        ],
        labelled=[(w, CODE_LABELS[w.code]) for w in context["warnings"]],
        export_query=request.GET.urlencode(),
    )
    return render(request, "quality/page.html", context)


@login_required
def quality_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows the page lists (same filters) as Excel, to send to the PPK."""
    context = _selection(request, pk)
    pemda, tahun = context["pemda"], context["tahun"]
    content = exports.rows_workbook(pemda, tahun, context["warnings"], context["rows"])
    name = f"kualitas-data-{pemda.kd_klpd or pemda.region_id}-{tahun}.xlsx"
    return attachment(content, content_type=XLSX, filename=name)
