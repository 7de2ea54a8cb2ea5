"""The findings of the TKDN claim verification: a filterable list, a detail page with the
evidence, and the Excel export. Signed-in users only, narrowed by access.visible_findings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from p3dn.accounts.access import user_of
from p3dn.catalog.claims import access, exports, queries
from p3dn.catalog.claims.forms import FindingFilterForm
from p3dn.web.downloads import XLSX, attachment
from p3dn.web.partials import template_for

PAGE_SIZE = 50


@login_required
@require_GET
def finding_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = FindingFilterForm(request.GET, user=user)
    if not form.is_valid():
        return render(request, "claims/finding_list.html",
                      {"filters": form, "invalid": True}, status=400)
    findings = queries.list_findings(user=user, filters=form.filters())
    context = {
        "filters": form,
        "page": Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page")),
        "counts": queries.count_outcomes(findings),
        "run": queries.last_run(),
        "query": request.GET.urlencode(),
    }
    return render(request, template_for(request, "claims/finding_list.html", "rows"), context)


@login_required
@require_GET
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    finding = access.get_finding_for(user, pk)
    context = {
        "finding": finding,
        "purchases": queries.purchases_of(finding, user),
        "evidence": queries.evidence_of(finding),
        "run": finding.run,
    }
    return render(request, "claims/finding_detail.html", context)


@login_required
@require_GET
def finding_export(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = FindingFilterForm(request.GET, user=user)
    if not form.is_valid():
        return render(request, "claims/finding_list.html",
                      {"filters": form, "invalid": True}, status=400)
    content = exports.workbook(findings=queries.list_findings(user=user, filters=form.filters()),
                               run=queries.last_run(), user=user, filters=form.describe())
    name = f"verifikasi-klaim-tkdn-{timezone.localdate().isoformat()}.xlsx"
    return attachment(content, content_type=XLSX, filename=name)
