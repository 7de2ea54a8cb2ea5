"""The finder's pages: the public page for a typed text, the scan page of a Pemda-year (per
perangkat daerah, then per row), the scan button (Tim P3DN) and the Excel export. Thin: the
forms validate, queries read, services.scan writes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.catalog.search.queries import index_state
from p3dn.web import params
from p3dn.web.downloads import XLSX, attachment

from . import access, exports, finder, queries, services
from .forms import RowFilterForm, TextForm

PAGE_SIZE = 50
TEXT_RESULTS = 20


@require_GET
def text_page(request: HttpRequest) -> HttpResponse:
    """Public: the domestic alternatives of what the visitor types."""
    form = TextForm(request.GET if request.GET else None)
    context: dict[str, Any] = {"form": form, "state": index_state(),
                               "today": timezone.localdate()}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["q"]:
        found = queries.alternatives_of(form.cleaned_data["q"],
                                        unit_price=form.cleaned_data.get("harga"))
        context |= {"found": found,
                    "shown": [queries.for_display(finder.record(a))
                              for a in found.alternatives[:TEXT_RESULTS]],
                    "tier": queries.tier_record(found)}
    return render(request, "substitutes/page.html", context, status=status)


def _year(request: HttpRequest, pemda: Pemda) -> int:
    latest = (access.visible_scans(user_of(request)).filter(pemda=pemda)
              .order_by("-finished_at").values_list("tahun", flat=True).first())
    return params.year(request.GET, latest or timezone.localdate().year)


@login_required
@require_GET
def scan_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = access.get_pemda_to_read(user, pk)
    tahun = _year(request, pemda)
    scan = access.get_scan_for(user, pemda, tahun)
    form = RowFilterForm(request.GET, scan=scan)
    context: dict[str, Any] = {
        "pemda": pemda, "tahun": tahun, "scan": scan, "form": form,
        "can_scan": access.can_scan(user, pemda),
    }
    if not form.is_valid():
        return render(request, "substitutes/scan.html", context | {"invalid": True}, status=400)
    if scan is not None:
        filters = form.filters()
        rows = queries.scan_rows(scan, **filters)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for row in page:
            row.shown = [queries.for_display(a) for a in row.best]  # type: ignore[attr-defined]
        query = urlencode({"tahun": tahun, **{k: v for k, v in request.GET.items()
                                              if k in ("unit", "sumber", "ada")}})
        context |= {
            "units": queries.unit_summary(scan),
            "totals": queries.totals(scan),
            "page": page,
            "query": query,
            "unit_chosen": filters["unit"],
        }
    return render(request, "substitutes/scan.html", context)


@login_required
@require_POST
def scan_run(request: HttpRequest, pk: int) -> HttpResponse:
    """The Tim P3DN's button: scan the Pemda-year now (audited)."""
    user = user_of(request)
    pemda = access.get_pemda_to_scan(user, pk)
    tahun = params.year(request.POST, None)
    if tahun is None:
        tahun = timezone.localdate().year
    scan = services.scan(pemda=pemda, tahun=tahun, user=user)
    messages.success(request, _(
        "Scan done: %(rows)s non-PDN rows, %(found)s with a domestic alternative.")
        % {"rows": scan.rows, "found": scan.rows_with_alternatives})
    return redirect(f"{reverse('substitutes:scan', args=[pemda.pk])}?tahun={tahun}")


def _label(form: RowFilterForm, name: str, value: Any) -> str:
    if value is True:
        return _("Yes")
    choices = dict(getattr(form.fields[name], "choices", []))
    return str(choices.get(value, value))


@login_required
@require_GET
def scan_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = access.get_pemda_to_read(user, pk)
    tahun = params.year(request.GET, None)
    scan = access.get_scan_for(user, pemda, tahun) if tahun else None
    form = RowFilterForm(request.GET, scan=scan)
    if scan is None or not form.is_valid():
        context = {"pemda": pemda, "tahun": tahun, "scan": scan, "form": form,
                   "invalid": True, "can_scan": access.can_scan(user, pemda)}
        return render(request, "substitutes/scan.html", context, status=400 if scan else 404)
    described = [(str(form.fields[name].label), _label(form, name, value))
                 for name, value in form.cleaned_data.items() if value]
    content = exports.scan_workbook(scan, queries.scan_rows(scan, **form.filters()),
                                    filters=described)
    name = f"substitusi-impor-{pemda.kd_klpd or pemda.region_id}-{tahun}.xlsx"
    return attachment(content, content_type=XLSX, filename=name)
