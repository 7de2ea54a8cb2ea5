"""Pages and downloads of the compliance flags and the Laporan Monev P3DN."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from p3dn.accounts import access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.lib.pdf import PdfUnavailable
from p3dn.monitoring import compliance, queries
from p3dn.monitoring.exports import XLSX
from p3dn.monitoring.reports import documents as reports
from p3dn.rules.compliance import RULES
from p3dn.web import params
from p3dn.web.downloads import attachment


def _year(request: HttpRequest, pemda: Pemda) -> int | None:
    """?tahun=, else the latest year with data (None when the Pemda has none)."""
    tahun = params.year(request.GET)
    if tahun is not None:
        return tahun
    years = queries.years_with_data(pemda)
    return years[0] if years else None


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    return attachment(content, content_type=content_type, filename=name)


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


# ------------------------------------------------------------------ Laporan Monev P3DN


class ReportForm(forms.Form):
    tahun = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)
    as_of = forms.DateField(
        label=_("Data as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the latest data."),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tahun"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(y, y) for y in years]
        field.initial = years[0] if years else None


def _report_request(request: HttpRequest, pk: int) -> tuple[Pemda, ReportForm]:
    pemda = access.get_pemda_for(user_of(request), pk)
    years = queries.years_with_data(pemda)
    form = ReportForm(request.GET or None, years=years)
    return pemda, form


@require_GET
@login_required
def report_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the year and data date of the Laporan Monev P3DN, then download PDF or Excel."""
    pemda, form = _report_request(request, pk)
    if not queries.years_with_data(pemda):
        return render(request, "monitoring/no_data.html", {"pemda": pemda})
    return render(request, "monitoring/report/form.html", {"pemda": pemda, "form": form})


def _report(request: HttpRequest, pk: int) -> reports.Report:
    pemda, form = _report_request(request, pk)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    return reports.build_report(pemda=pemda, tahun=data["tahun"], as_of=data["as_of"])


@require_GET
@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        pdf = reports.report_pdf(report)
    except PdfUnavailable as exc:
        return HttpResponse(
            _("PDF output is not available on this server: %(reason)s") % {"reason": exc},
            status=503,
            content_type="text/plain",
        )
    return _attachment(pdf, "application/pdf", reports.report_filename(report, "pdf"))


@require_GET
@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    content = reports.report_xlsx(report)
    return _attachment(content, XLSX, reports.report_filename(report, "xlsx"))


@require_GET
@login_required
def ranking_export(request: HttpRequest) -> HttpResponse:
    """The ranking of a fiscal year (of the Pemda the user may see) as an Excel workbook."""
    tahun = params.year(request.GET, timezone.localdate().year)
    scope = queries.in_province(
        access.visible_pemda(user_of(request)), request.GET.get("provinsi") or ""
    )
    content = reports.ranking_xlsx(pemda_scope=scope, tahun=tahun)
    return _attachment(content, XLSX, f"peringkat-p3dn-{tahun}.xlsx")
