from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts import access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.catalog.substitutes import queries as substitutes
from p3dn.matching.access import visible_events, visible_interests
from p3dn.matching.queries import report as matching_report
from p3dn.monitoring import charts, drilldown, exports, queries, services, targets
from p3dn.monitoring.drilldown import SOURCE_LABELS
from p3dn.monitoring.forms import FilterForm, TargetForm
from p3dn.procurement.sums import CHANNELS, Filters
from p3dn.web import params
from p3dn.web.downloads import attachment


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """The Dasbor of the user's own Pemda; national users open the ranking, whose every Pemda
    links to its Dasbor."""
    user = user_of(request)
    if user.pemda_id is None:
        return redirect("monitoring:ranking")
    return redirect("monitoring:dashboard", pk=user.pemda_id)


def _year(request: HttpRequest, default: int | None = None) -> int:
    """?tahun= (a 400 page when it is no fiscal year), else ``default``, else 0."""
    return params.year(request.GET, default) or 0


def _with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    return f"{url}?{urlencode(pairs)}" if pairs else url


def _charts(summary: dict[str, Any], links: list[str]) -> dict[str, Any]:
    realisasi = summary["indicators"]["realisasi"]
    rows = [
        (
            str(SOURCE_LABELS[c]),
            Decimal(realisasi[c]["nilai"]),
            Decimal(realisasi[c]["pdn"]),
            Decimal(realisasi[c]["umk"]),
        )
        for c in CHANNELS
    ]
    trend = summary["trend"]
    return {
        "channel_chart": charts.for_page(charts.channel_chart(rows, links)),
        "trend_chart": charts.for_page(
            charts.trend_chart(
                trend["labels"],
                trend["actual"],
                trend["quarter_ends"],
                incomplete=summary["incomplete"],
            )
        ),
    }


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = access.get_pemda_for(user, pk)
    years = queries.years_with_data(pemda)
    if not years:
        return render(request, "monitoring/no_data.html", {"pemda": pemda})
    newer_incomplete = None
    tahun = _year(request)
    if not tahun:  # no year asked: the newest with complete data (docs/quality.md)
        tahun, newer_incomplete = queries.opening_year(pemda, years)
    filters = Filters.from_query(request.GET)
    summary = queries.summarise_dashboard(pemda=pemda, tahun=tahun, filters=filters)
    form = FilterForm(request.GET or None, options=summary["options"])
    base = [("tahun", str(tahun)), *filters.query()]
    drill = _with_query(reverse("monitoring:drill", args=[pemda.pk]), base)
    sort = request.GET.get("urut") or "capaian_pdn"
    queries.sort_units(summary["units"], sort)
    hide_empty = request.GET.get("kosong") == "sembunyikan"
    all_units = len(summary["units"])
    if hide_empty:
        summary["units"] = [u for u in summary["units"] if queries.has_data(u)]
    context = {
        "pemda": pemda,
        "tahun": tahun,
        "newer_incomplete": newer_incomplete,
        "sort": sort,
        "hide_empty": hide_empty,
        "hidden_units": all_units - len(summary["units"]),
        "sort_columns": [
            ("nama_satker", _("Unit"), ""),
            ("komitmen_pdn", _("PDN commitment"), "num"),
            ("realisasi_pdn", _("PDN realization"), "num"),
            ("capaian_pdn", _("Capaian"), "num"),
            ("komitmen_pdn_apbd", _("APBD PDN commitment"), "num"),
            ("capaian_pdn_apbd", _("Capaian (APBD)"), "num"),
            ("porsi_umk_rencana", _("UMK share (plan)"), "num"),
        ],
        "filters": filters,
        "form": form,
        "drill": drill,
        "query": urlencode(base),
        "base_pairs": base,
        "can_edit": access.can_edit_pemda(user, pemda),
        "channel_rows": [
            (c, SOURCE_LABELS[c], summary["indicators"]["realisasi"][c]) for c in CHANNELS
        ],
        **_charts(summary, [f"{drill}&sumber={c}" for c in CHANNELS]),
        **summary,
        "substitutes": substitutes.dashboard_card(pemda=pemda, tahun=tahun),
        "matching": _matching_card(user, pemda, tahun),
    }
    return render(request, "monitoring/dashboard.html", context)


def _matching_card(user: Any, pemda: Pemda, tahun: int) -> dict[str, Any]:
    """The year's business-matching events of the Pemda, their interest and what became of it
    (matching's own totals and conversion)."""
    interests = visible_interests(user).filter(event__pemda=pemda, event__tahun=tahun)
    return {
        "events": visible_events(user).filter(pemda=pemda, tahun=tahun).count(),
        "total": matching_report(interests).total,
    }


@login_required
def drill(request: HttpRequest, pk: int) -> HttpResponse:
    """The packages, contracts and orders behind a number of the Dasbor."""
    pemda = access.get_pemda_for(user_of(request), pk)
    tahun = _year(request)
    if not tahun:
        raise Http404
    filters = Filters.from_query(request.GET)
    try:
        selection = drilldown.Selection.from_query(request.GET, tahun)
    except drilldown.BadRequest:
        raise Http404 from None
    units = drilldown.pemda_units(pemda)
    back = _with_query(
        reverse("monitoring:dashboard", args=[pemda.pk]), [("tahun", str(tahun)), *filters.query()]
    )
    here = _with_query(reverse("monitoring:drill", args=[pemda.pk]), filters.query())
    context: dict[str, object] = {
        "pemda": pemda,
        "tahun": tahun,
        "selection": selection,
        "filters": filters,
        "heading": drilldown.describe(selection, units),
        "measure": drilldown.measure_label(selection.sumber, selection.nilai),
        "back": back,
    }
    if selection.sumber == "realisasi":
        parts = drilldown.channel_totals(pemda, selection, filters)
        for part in parts:
            part["url"] = f"{here}{'&' if '?' in here else '?'}" + urlencode(
                selection.query(sumber=part["sumber"])
            )
        context.update(parts=parts, total=sum((p["total"] for p in parts), Decimal(0)))
        return render(request, "monitoring/drill.html", context)
    rows = drilldown.rows_for(pemda, selection, filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context.update(
        total=drilldown.total(rows, selection.nilai),
        count=page.paginator.count,
        page_obj=page,
        rows=[drilldown.table_row(selection.sumber, row, units) for row in page.object_list],
        pager_query=urlencode([*selection.query(), *filters.query()]),
    )
    return render(request, "monitoring/drill.html", context)


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The Pemda's targets for a year (Tim P3DN of the Pemda and the admin)."""
    user = user_of(request)
    pemda = access.get_pemda_for(user, pk, write=True)
    tahun = _year(request, timezone.localdate().year)
    target = targets.target_for(pemda, tahun)
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        services.save_target(actor=user, pemda=pemda, tahun=tahun, values=form.cleaned_data)
        messages.success(request, _("Targets saved."))
        return redirect(
            _with_query(reverse("monitoring:dashboard", args=[pemda.pk]), [("tahun", str(tahun))])
        )
    return render(
        request,
        "monitoring/target_form.html",
        {"pemda": pemda, "tahun": tahun, "form": form, "recorded": target.pk is not None},
    )


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """The national (or own-Pemda) ranking of a fiscal year."""
    user = user_of(request)
    provinsi = request.GET.get("provinsi") or ""
    q = (request.GET.get("q") or "")[:100]
    scope = queries.in_province(access.visible_pemda(user), provinsi)
    this_year = timezone.localdate().year
    tahun = _year(request) or queries.latest_complete_year(scope, this_year)
    scope = queries.named(scope, q)
    context = {
        "tahun": tahun,
        "provinsi": provinsi,
        "q": q,
        "provinces": queries.provinces() if user.is_national else [],
        "years": range(timezone.localdate().year, 2019, -1),
        **queries.summarise_ranking(pemda_scope=scope, tahun=tahun),
    }
    return render(request, "monitoring/ranking.html", context)


@login_required
def dashboard_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The Dasbor's tables (channels and perangkat daerah) as Excel or CSV."""
    pemda = access.get_pemda_for(user_of(request), pk)
    tahun = _year(request)
    if fmt not in ("xlsx", "csv") or not tahun:
        raise Http404
    content, content_type = exports.dashboard_tables(
        pemda=pemda, tahun=tahun, fmt=fmt, filters=Filters.from_query(request.GET)
    )
    name = f"dasbor-{pemda.kd_klpd or pemda.region_id}-{tahun}.{fmt}"
    return attachment(content, content_type=content_type, filename=name)
