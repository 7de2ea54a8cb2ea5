"""The public registry pages (no login to read) and the hand-entry forms (Tim P3DN, admin).
Share-friendly addresses: /registri/produsen/12-pt-bumi-indah-putra/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from p3dn.accounts.access import user_of
from p3dn.catalog import access, queries, services
from p3dn.catalog.forms import (
    CertificateFilterForm,
    CertificateForm,
    LookupForm,
    ProducerFilterForm,
    ProducerForm,
    ProductFilterForm,
    ProductForm,
)
from p3dn.web.forms import apply_errors
from p3dn.web.partials import template_for

PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def registry_home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "summary": queries.summary(today),
        "expiring": queries.shown(queries.expiring(as_of=today)[:10], today),
        "today": today,
        "can_enter": access.can_enter(user_of(request)),
    }
    return render(request, "catalog/registry_home.html", context)


@require_GET
def producer_list(request: HttpRequest) -> HttpResponse:
    filters = ProducerFilterForm(request.GET)
    page = _page(request, queries.list_producers(filters=filters.cleaned_or_empty()))
    context = {"filters": filters, "page": page, "can_enter": access.can_enter(user_of(request))}
    return render(request, template_for(request, "catalog/producer_list.html", "rows"), context)


@require_GET
def producer_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    user = user_of(request)
    producer = access.get_producer_for(user, pk)
    if slug != producer.slug:
        return redirect(producer.get_absolute_url(), permanent=True)
    today = timezone.localdate()
    products = _page(request, queries.producer_detail(producer))
    context = {
        "producer": producer,
        "page": products,
        "today": today,
        "private": access.can_see_private(user),
        "can_edit": access.can_edit_producer(user, producer),
        "provenance": sorted(producer.provenance.items()),
    }
    return render(request, "catalog/producer_detail.html", context)


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    filters = ProductFilterForm(request.GET)
    today = timezone.localdate()
    qs = queries.list_products(filters=filters.cleaned_or_empty(), as_of=today)
    context = {"filters": filters, "page": _page(request, qs), "today": today}
    return render(request, template_for(request, "catalog/product_list.html", "rows"), context)


@require_GET
def product_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    user = user_of(request)
    product = access.get_product_for(user, pk)
    if slug != product.slug:
        return redirect(product.get_absolute_url(), permanent=True)
    today = timezone.localdate()
    context = {
        "product": product,
        "certificates": queries.shown(queries.product_certificates(product), today),
        "prices": queries.product_prices(product),
        "listings": queries.product_listings(product),
        "today": today,
        "private": access.can_see_private(user),
        "can_edit": access.can_edit_product(user, product),
    }
    return render(request, "catalog/product_detail.html", context)


@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    filters = CertificateFilterForm(request.GET)
    today = timezone.localdate()
    qs = queries.list_certificates(filters=filters.cleaned_or_empty(), as_of=today)
    page = _page(request, qs)
    context = {
        "filters": filters,
        "page": page,
        "rows": queries.shown(page, today),
        "today": today,
    }
    return render(request, template_for(request, "catalog/certificate_list.html", "rows"), context)


@require_GET
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    certificate = access.get_certificate_for(user, pk)
    today = timezone.localdate()
    context = {
        "certificate": certificate,
        "validity": queries.certificate_validity(certificate, today),
        "sources": queries.certificate_sources(certificate),
        "today": today,
        "private": access.can_see_private(user),
        "can_edit": access.can_edit_certificate(user, certificate),
    }
    return render(request, "catalog/certificate_detail.html", context)


# ------------------------------------------------------------------ hand entry


@login_required
@require_http_methods(["GET", "POST"])
def create_producer(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require_enter(user)
    form = ProducerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            producer = services.create_producer(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Producer “%(name)s” added.") % {"name": producer.name})
            return redirect(producer.get_absolute_url())
    return render(request, "catalog/producer_form.html", {"form": form, "producer": None})


@login_required
@require_http_methods(["GET", "POST"])
def update_producer(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    producer = access.get_producer_for(user, pk, write=True)
    form = ProducerForm(request.POST or None, initial=ProducerForm.initial_from(producer))
    if request.method == "POST" and form.is_valid():
        try:
            producer = services.update_producer(actor=user, producer=producer,
                                                **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(producer.get_absolute_url())
    return render(request, "catalog/producer_form.html", {"form": form, "producer": producer})


@login_required
@require_http_methods(["GET", "POST"])
def create_product(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    producer = access.get_producer_for(user, pk, write=True)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, price = form.values()
        try:
            product = services.create_product(actor=user, producer=producer, price=price,
                                              **values)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Product “%(name)s” added.") % {"name": product.name})
            return redirect(product.get_absolute_url())
    context = {"form": form, "producer": producer, "product": None}
    return render(request, "catalog/product_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def update_product(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    product = access.get_product_for(user, pk, write=True)
    price = queries.manual_price(product)
    form = ProductForm(request.POST or None, initial=ProductForm.initial_from(product, price))
    if request.method == "POST" and form.is_valid():
        values, new_price = form.values()
        try:
            product = services.update_product(actor=user, product=product, price=new_price,
                                              **values)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(product.get_absolute_url())
    context = {"form": form, "producer": product.producer, "product": product}
    return render(request, "catalog/product_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    product = access.get_product_for(user, pk, write=True)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_certificate(actor=user, product=product, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Certificate added."))
            return redirect(product.get_absolute_url())
    context = {"form": form, "product": product, "certificate": None}
    return render(request, "catalog/certificate_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def update_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    certificate = access.get_certificate_for(user, pk, write=True)
    form = CertificateForm(request.POST or None, initial=CertificateForm.initial_from(certificate))
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.update_certificate(actor=user, certificate=certificate,
                                                      **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(certificate.get_absolute_url())
    context = {"form": form, "product": certificate.product, "certificate": certificate}
    return render(request, "catalog/certificate_form.html", context)


@login_required
@require_GET
def lookup(request: HttpRequest, kind: str) -> HttpResponse:
    """The options of a registry picker (catalog.forms.RegistryPicker) for what was typed."""
    if kind not in queries.LOOKUP_KINDS:
        raise Http404("No such registry list")
    typed = [str(v) for k, v in request.GET.items() if k.endswith("_cari") or k == "q"]
    text = typed[0] if typed else ""
    form = LookupForm(request.GET)
    if len(text) > 100 or not form.is_valid():
        return HttpResponse(status=400)
    picks, more = queries.lookup(kind, text, producer_id=form.cleaned_data["producer"])
    context = {"picks": picks, "more": more, "typed": text.strip()}
    return render(request, "catalog/_lookup_options.html", context)
