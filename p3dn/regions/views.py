from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from p3dn.regions import services
from p3dn.regions.access import require_code_editor
from p3dn.regions.forms import CodeFilterForm, ExternalCodeForm
from p3dn.regions.models import ExternalCode
from p3dn.web.forms import apply_errors


@login_required
@require_http_methods(["GET", "POST"])
def code_list(request: HttpRequest) -> HttpResponse:
    """The mapping of SiRUP, e-Katalog and LPSE codes to Kemendagri regions (admin)."""
    require_code_editor(request.user)
    form = ExternalCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.add_external_code(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Code %(code)s mapped to %(region)s.")
                % {"code": mapping.code, "region": mapping.region},
            )
            return redirect("regions:code-list")
    filters = CodeFilterForm(request.GET)
    codes = ExternalCode.objects.select_related("region").order_by("system", "region_id")
    if filters.is_valid():
        if system := filters.cleaned_data["system"]:
            codes = codes.filter(system=system)
        if q := filters.cleaned_data["q"].strip():
            codes = codes.filter(
                Q(code=q)
                | Q(region__name__icontains=q)
                | Q(name_in_source__icontains=q)
                | Q(region__code__startswith=q)
            )
    page = Paginator(codes, 100).get_page(request.GET.get("page"))
    context = {"form": form, "filters": filters, "page": page, "decree": services.decree()}
    return render(request, "regions/code_list.html", context)


@login_required
@require_POST
def delete_code(request: HttpRequest, pk: int) -> HttpResponse:
    require_code_editor(request.user)
    mapping = get_object_or_404(ExternalCode, pk=pk)
    services.delete_external_code(actor=request.user, mapping=mapping)
    messages.success(request, _("Mapping removed."))
    return redirect("regions:code-list")
