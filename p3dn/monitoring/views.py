from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from p3dn.accounts import access
from p3dn.accounts.access import user_of
from p3dn.monitoring import exports, queries


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    """The Dasbor of the user's own Pemda; national users choose one from the Pemda list."""
    user = user_of(request)
    if user.pemda_id is None:
        return redirect("accounts:pemda-list")
    return redirect("monitoring:dashboard", pk=user.pemda_id)


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    pemda = access.get_pemda_for(user_of(request), pk)
    years = queries.years_with_data(pemda)
    if not years:
        return render(request, "monitoring/no_data.html", {"pemda": pemda})
    try:
        tahun = int(request.GET.get("tahun") or years[0])
    except ValueError:
        raise Http404 from None
    context = {
        "pemda": pemda,
        "tahun": tahun,
        **queries.summarise_dashboard(pemda=pemda, tahun=tahun),
    }
    return render(request, "monitoring/dashboard.html", context)


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """The national (or own-Pemda) ranking of a fiscal year."""
    user = user_of(request)
    try:
        tahun = int(request.GET.get("tahun") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    scope = access.visible_pemda(user)
    context = {
        "tahun": tahun,
        "years": range(timezone.localdate().year, 2019, -1),
        **queries.summarise_ranking(pemda_scope=scope, tahun=tahun),
    }
    return render(request, "monitoring/ranking.html", context)


@login_required
def dashboard_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The Dasbor's tables (channels and perangkat daerah) as Excel or CSV."""
    pemda = access.get_pemda_for(user_of(request), pk)
    try:
        tahun = int(request.GET.get("tahun") or 0)
    except ValueError:
        raise Http404 from None
    if fmt not in ("xlsx", "csv") or not tahun:
        raise Http404
    content, content_type = exports.dashboard_tables(pemda=pemda, tahun=tahun, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    name = f"dasbor-{pemda.kd_klpd or pemda.region_id}-{tahun}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
