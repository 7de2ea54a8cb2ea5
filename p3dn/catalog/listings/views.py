"""The katalog lokal pages. Public (no login): the list of Pemda, a Pemda's approved producers
and products at share-friendly addresses (/katalog-lokal/D107-kabupaten-bandung/), and the
producer's proposal form. Signed in: the Pemda's list with its proposals, checks and
decisions, the onboarding target and the Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from p3dn.accounts import access as accounts_access
from p3dn.accounts.access import user_of
from p3dn.accounts.backends import client_address
from p3dn.accounts.models import Pemda
from p3dn.catalog import access as catalog_access
from p3dn.catalog.listings import access, checks, exports, queries, services
from p3dn.catalog.listings.forms import (
    DecisionForm,
    ListingFilterForm,
    ProposalForm,
    PublicProposalForm,
    TargetForm,
)
from p3dn.web.downloads import XLSX, attachment
from p3dn.web.forms import apply_errors

PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _public_url(pemda: Pemda) -> str:
    url = queries.public_path(pemda)
    assert url is not None  # a public page was found by the Pemda's LKPP code
    return url


def _item_url(pemda: Pemda, name: str, pk: int, item: str) -> str:
    key = queries.pemda_key(pemda)
    assert key is not None
    return reverse(name, args=[*key.split("-", 1), pk, item])


def _public(pemda: Pemda) -> dict[str, Any]:
    """What every public page of a Pemda's katalog lokal needs to link its pages."""
    key = queries.pemda_key(pemda)
    assert key is not None
    klpd, slug = key.split("-", 1)
    return {"pemda": pemda, "klpd": klpd, "pslug": slug,
            "counts": queries.public_counts(pemda)}


def _public_pemda(request: HttpRequest, klpd: str, slug: str) -> tuple[Pemda, HttpResponse | None]:
    """The Pemda of a public address, and a permanent redirect when the slug is not its own."""
    pemda = access.public_pemda(klpd)
    key = queries.pemda_key(pemda)
    if key != f"{klpd}-{slug}":
        canonical = request.path.replace(f"/{klpd}-{slug}/", f"/{key}/", 1)
        return pemda, redirect(canonical, permanent=True)
    return pemda, None


# ------------------------------------------------------------------ public pages


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    context = {"pemdas": queries.public_pemdas(),
               "own": user.pemda if user.is_authenticated and user.pemda_id else None}
    return render(request, "listings/index.html", context)


@require_GET
def pemda_short(request: HttpRequest, klpd: str) -> HttpResponse:
    return redirect(_public_url(access.public_pemda(klpd)), permanent=True)


@require_GET
def pemda_page(request: HttpRequest, klpd: str, slug: str) -> HttpResponse:
    pemda, moved = _public_pemda(request, klpd, slug)
    if moved:
        return moved
    context = {**_public(pemda), "tab": "producers",
               "page": _page(request, queries.listed_producers(pemda))}
    return render(request, "listings/pemda.html", context)


@require_GET
def pemda_products(request: HttpRequest, klpd: str, slug: str) -> HttpResponse:
    pemda, moved = _public_pemda(request, klpd, slug)
    if moved:
        return moved
    context = {**_public(pemda), "tab": "products",
               "page": _page(request, queries.listed_products(pemda))}
    return render(request, "listings/pemda.html", context)


def _listed_item(request: HttpRequest, klpd: str, slug: str, pk: int, item: str,
                 kind: str) -> tuple[Pemda, Any, HttpResponse | None]:
    """The Pemda and the approved producer or product (``kind``) of a public address, and a
    permanent redirect when the Pemda's or the item's slug is not its own."""
    pemda, moved = _public_pemda(request, klpd, slug)
    if moved:
        return pemda, None, moved
    getter = access.get_listed_producer if kind == "producer" else access.get_listed_product
    obj = getter(pemda, pk)
    if item != obj.slug:
        url = _item_url(pemda, f"listings:{kind}", obj.pk, obj.slug)
        return pemda, obj, redirect(url, permanent=True)
    return pemda, obj, None


@require_GET
def producer_page(request: HttpRequest, klpd: str, slug: str, pk: int, item: str
                  ) -> HttpResponse:
    pemda, producer, moved = _listed_item(request, klpd, slug, pk, item, "producer")
    if moved:
        return moved
    context = {**_public(pemda), "producer": producer,
               "products": queries.products_of(pemda, producer),
               "private": catalog_access.can_see_private(user_of(request))}
    return render(request, "listings/producer.html", context)


@require_GET
def product_page(request: HttpRequest, klpd: str, slug: str, pk: int, item: str
                 ) -> HttpResponse:
    pemda, product, moved = _listed_item(request, klpd, slug, pk, item, "product")
    if moved:
        return moved
    context = {**_public(pemda), "product": product, "today": timezone.localdate()}
    return render(request, "listings/product.html", context)


@require_http_methods(["GET", "POST"])
def propose_public(request: HttpRequest, klpd: str, slug: str) -> HttpResponse:
    pemda, moved = _public_pemda(request, klpd, slug)
    if moved:
        return moved
    form = PublicProposalForm(request.POST or None, pemda=pemda)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_proposal(
                pemda=pemda, producer=form.producer(), product=form.product(),
                contact_name=data["contact_name"], contact_email=data["contact_email"],
                contact_phone=data["contact_phone"], note=data["note"],
                address=client_address(request),
            )
        except services.ProposalLimitReached:
            form.add_error(None, _("Too many proposals for now: please try again later."))
            status = 429
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you. The Tim P3DN of %(pemda)s will review the "
                                        "proposal; it appears here once approved.")
                             % {"pemda": pemda.name})
            return redirect(_public_url(pemda))
    elif request.method == "POST":
        status = 400
    context = {**_public(pemda), "form": form}
    return render(request, "listings/propose_public.html", context, status=status)


# ------------------------------------------------------------------ the Pemda's own list


@login_required
@require_GET
def manage(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    filters = ListingFilterForm(request.GET)
    qs = access.visible_listings(user).filter(pemda=pemda)
    chosen = filters.cleaned_or_empty()
    page = _page(request, queries.list_listings(qs, status=chosen.get("status"),
                                                q=chosen.get("q")))
    for listing in page:
        listing.problems = [
            {"status": c["status"], "label": checks.label(c["code"])}
            for c in checks.failed(listing.checks)
        ]
    context = {
        "pemda": pemda,
        "filters": filters,
        "page": page,
        "counts": queries.status_counts(qs),
        "progress": queries.progress(pemda),
        "can_curate": access.can_curate(user, pemda),
        "target_form": TargetForm(initial={"umk_target": queries.progress(pemda).umk_target}),
        "public_url": queries.public_path(pemda),
    }
    return render(request, "listings/manage.html", context)


@login_required
@require_POST
def set_target(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id, write=True)
    access.require_curate(user, pemda)
    form = TargetForm(request.POST)
    if form.is_valid():
        services.set_target(actor=user, pemda=pemda, umk_target=form.cleaned_data["umk_target"])
        messages.success(request, _("Target saved."))
    else:
        messages.error(request, _("A target from 1 to 1.000.000."))
    return redirect("listings:manage", pemda.pk)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id, write=True)
    access.require_curate(user, pemda)
    form = ProposalForm(request.POST or None, initial=request.GET.dict() if request.method == "GET"
                        else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            producer = catalog_access.get_producer_for(user, data["producer"])
            product = (catalog_access.get_product_for(user, data["product"])
                       if data.get("product") else None)
            listing = services.propose_listing(actor=user, pemda=pemda, producer=producer,
                                               product=product, note=data.get("note", ""))
        except ValidationError as exc:
            apply_errors(form, exc)
        except Http404:
            form.add_error(None, _("No registry producer or product has this number."))
        else:
            messages.success(request, _("Proposed. Review it below."))
            return redirect("listings:detail", listing.pk)
    return render(request, "listings/propose.html", {"pemda": pemda, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    listing = access.get_listing_for(user, pk, write=request.method == "POST")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            producer = (catalog_access.get_producer_for(user, data["producer"])
                        if data.get("producer") else None)
            services.decide_listing(actor=user, listing=listing, decision=data["decision"],
                                    reason=data["reason"],
                                    override_reason=data["override_reason"], producer=producer)
        except ValidationError as exc:
            apply_errors(form, exc)
        except Http404:
            form.add_error("producer", _("No registry producer has this number."))
        else:
            messages.success(request, _("Decision saved."))
            return redirect("listings:detail", listing.pk)
    current = services.run_checks(listing)
    context = {
        "listing": listing,
        "checks": [{**c, "label": checks.label(c["code"]), "text": checks.explain(c),
                    "status_label": checks.status_label(c["status"])} for c in current],
        "proposed_checks": {c["code"]: checks.status_label(c["status"]) for c in listing.checks},
        "failed": bool(checks.failed(current)),
        "history": queries.history(listing),
        "namesakes": queries.namesakes(listing),
        "can_curate": access.can_curate(user, listing.pemda_id),
        "form": form,
        "public_url": queries.public_path(listing.pemda),
    }
    return render(request, "listings/detail.html", context)


@login_required
@require_GET
def export(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    qs = access.visible_listings(user).filter(pemda=pemda).order_by("id")
    content = exports.listings_workbook(pemda, qs, queries.progress(pemda))
    stamp = timezone.localdate().isoformat()
    return attachment(content, content_type=XLSX,
                      filename=f"katalog-lokal-{pemda.kd_klpd or pemda.pk}-{stamp}.xlsx")
