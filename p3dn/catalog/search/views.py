"""The search page (public, no login; htmx swaps the results), its Excel export, and the
admin's synonym pages. Thin: the form validates, queries.search answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from p3dn.accounts.access import user_of
from p3dn.web.downloads import XLSX, attachment
from p3dn.web.forms import apply_errors
from p3dn.web.partials import template_for

from . import access, exports, queries, services
from .forms import SearchForm, SynonymGroupForm
from .models import SynonymGroup

PAGE_SIZE = 20
MAX_PAGE = queries.MAX_RESULTS // PAGE_SIZE


def _page_number(request: HttpRequest) -> int | None:
    text = request.GET.get("page") or "1"
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        return None
    return int(text)


def described(form: SearchForm) -> list[tuple[str, str]]:
    """The filters in use, as the page labels them (for the export's header sheet)."""
    out = []
    for name, field in form.fields.items():
        if name == "q":
            continue
        value: Any = form.cleaned_data.get(name)
        if value in (None, "", False):
            continue
        if value is True:
            shown = _("Yes")
        elif name == "katalog_lokal":
            shown = f"{value.name} ({value.kd_klpd})"
        elif name == "tkdn_min":
            shown = f"{value * 100:.2f}%".replace(".", ",")
        else:
            shown = str(value)
        out.append((str(field.label), shown))
    return out


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if request.GET else None)
    number = _page_number(request)
    context: dict[str, Any] = {"form": form, "state": queries.index_state(),
                               "can_edit": access.can_edit_synonyms(user_of(request))}
    status = 200
    if number is None:
        context["bad_page"] = True
        status = 400
    elif form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and (form.cleaned_data.get("q") or "").strip():
        today = timezone.localdate()
        page = queries.search(
            form.cleaned_data["q"], filters=form.filters(today),
            only_product_ids=form.only_product_ids(),
            limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
        pages = max(1, -(-min(page.total, page.ranked) // PAGE_SIZE))
        query = {k: v for k, v in request.GET.items() if k != "page"}
        context |= {
            "page": page, "today": today, "number": number, "pages": pages,
            "first": (number - 1) * PAGE_SIZE + 1,
            "last": (number - 1) * PAGE_SIZE + len(page.results),
            "previous": urlencode(query | {"page": number - 1}) if number > 1 else "",
            "next": urlencode(query | {"page": number + 1}) if number < pages else "",
            "export": urlencode(query),
        }
    return render(request, template_for(request, "search/search.html", "results"), context,
                  status=status)


@require_GET
def search_export(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid() or not (form.cleaned_data.get("q") or "").strip():
        context = {"form": form, "state": queries.index_state(), "export_needs_query": True}
        return render(request, "search/search.html", context, status=400)
    made_at = timezone.now()
    page = queries.search(form.cleaned_data["q"], filters=form.filters(timezone.localdate()),
                          only_product_ids=form.only_product_ids(),
                          limit=queries.MAX_RESULTS)
    urls = {r.product.pk: request.build_absolute_uri(r.product.get_absolute_url())
            for r in page.results}
    content = exports.search_workbook(page, filters=described(form),
                                      state=queries.index_state(), made_at=made_at, url_of=urls)
    stamp = timezone.localtime(made_at).strftime("%Y%m%d-%H%M")
    return attachment(content, content_type=XLSX, filename=f"pencarian-produk-{stamp}.xlsx")


@login_required
@require_GET
def synonym_list(request: HttpRequest) -> HttpResponse:
    access.require_synonym_editor(user_of(request))
    groups = SynonymGroup.objects.order_by("-active", "domain", "id")
    return render(request, "search/synonym_list.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def synonym_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require_synonym_editor(user)
    form = SynonymGroupForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_synonym_group(actor=user, domain=data["domain"],
                                          terms=data["terms"], ambiguous=data["ambiguous"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Synonym group added."))
            return redirect("search:synonyms")
    return render(request, "search/synonym_form.html", {"form": form, "group": None})


@login_required
@require_http_methods(["GET", "POST"])
def synonym_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    group = access.get_synonym_group_for(user, pk)
    form = SynonymGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_synonym_group(actor=user, group=group, domain=data["domain"],
                                          terms=data["terms"], ambiguous=data["ambiguous"],
                                          active=data["active"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("search:synonyms")
    return render(request, "search/synonym_form.html", {"form": form, "group": group})
