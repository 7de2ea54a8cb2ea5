"""The public calculator pages (no login): one view per page, plus PDF and Excel exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from p3dn.calculators import exports, services
from p3dn.calculators.forms import choices_for
from p3dn.calculators.pages import PAGES, PAGES_BY_SLUG
from p3dn.lib.pdf import PdfUnavailable
from p3dn.rules.registry import RULES
from p3dn.web.downloads import PDF, XLSX, attachment
from p3dn.web.partials import template_for


def index(request: HttpRequest) -> HttpResponse:
    pages = [(page, RULES[page.rule]) for page in PAGES]
    return render(request, "calculators/index.html", {"pages": pages})


@require_http_methods(["GET", "POST"])
def calculator(request: HttpRequest, slug: str) -> HttpResponse:
    page = PAGES_BY_SLUG.get(slug)
    if page is None:
        raise Http404
    action = request.POST.get("action", "calculate")
    if request.method == "GET":
        outcome = services.open_page(page)
    else:
        add_row = action.removeprefix("add-") if action.startswith("add-") else None
        outcome = services.calculate(page, request.POST, add_row=add_row)
    if request.method == "POST" and action in ("pdf", "xlsx") and outcome.result is not None:
        filename = f"p3dn-{slugify(str(page.title))}"
        if action == "xlsx":
            content = exports.to_xlsx(page, outcome.state, outcome.result)
            return attachment(content, content_type=XLSX, filename=f"{filename}.xlsx")
        try:
            pdf = exports.to_pdf(page, outcome.state, outcome.result)
        except PdfUnavailable as exc:
            return HttpResponse(
                _("PDF output is not available on this server: %(reason)s") % {"reason": exc},
                status=503,
                content_type="text/plain",
            )
        return attachment(pdf, content_type=PDF, filename=f"{filename}.pdf")
    rule = RULES[page.rule]
    context = {
        "page": page,
        "rule": rule,
        "state": outcome.state,
        "result": outcome.result,
        "choices": {c.key: choices_for(page, c) for t in page.tables for c in t.columns},
    }
    template = template_for(request, "calculators/calculator.html", "work")
    return render(request, template, context, status=200)
