from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from p3dn.audit import wording
from p3dn.audit.forms import LogFilterForm
from p3dn.audit.queries import list_log_entries
from p3dn.web.partials import template_for


@login_required
def log_list(request: HttpRequest) -> HttpResponse:
    filters = LogFilterForm(request.GET)
    entries = list_log_entries(
        user=request.user,
        filters=filters.cleaned_data if filters.is_valid() else {},
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": e,
            "actor": wording.actor_label(e),
            "action": wording.action_label(e),
            "changes": wording.changes(e),
        }
        for e in page
    ]
    template = template_for(request, "audit/log_list.html", "rows")
    return render(request, template, {"filters": filters, "page": page, "rows": rows})
