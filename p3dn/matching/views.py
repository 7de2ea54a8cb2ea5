"""Business matching pages (signed in): events and their guests, interests and commitments;
the demand of a Pemda-year with its filters; the suggested producers of a demand line and the
packages a producer could supply; needs; the event report (Excel and PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from p3dn.accounts import access as accounts_access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda, User
from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.lib.pdf import PdfUnavailable
from p3dn.matching import access, exports, present, queries, services, suggestions
from p3dn.matching.forms import (
    CommitmentForm,
    DemandFilterForm,
    EventForm,
    GuestsForm,
    InterestForm,
    NeedForm,
    PemdaChoiceForm,
    default_year,
)
from p3dn.matching.models import Event, Need
from p3dn.web.downloads import PDF, XLSX, attachment
from p3dn.web.forms import apply_errors
from p3dn.web.params import integer, year

PAGE_SIZE = 50
# The "domestic alternative" filter and a producer's packages run the matching line by line:
# over more lines than this the page asks for narrower filters instead of waiting minutes.
MAX_MATCHED_LINES = 300


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _event_of(request: HttpRequest) -> Event | None:
    """The event named by ``?acara=`` (validated; 404 when not visible)."""
    event_id = integer(request.GET, "acara", minimum=1, maximum=2**63 - 1)
    return None if event_id is None else access.get_event_for(user_of(request), event_id)


# ------------------------------------------------------------------ events


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    events = access.visible_events(user)
    years = sorted(set(events.values_list("tahun", flat=True)), reverse=True)
    tahun = year(request.GET)
    if tahun is not None:
        events = events.filter(tahun=tahun)
    report = queries.report(access.visible_interests(user).filter(event__in=events))
    totals = {int(t.key): t for t in report.by_event}
    page = _page(request, events)
    context = {"page": page, "totals": totals, "total": report.total, "tahun": tahun,
               "years": years,
               "can_create": user.role in (User.Role.ADMIN, User.Role.TIM_P3DN),
               "pemdas": queries.pemdas_with_packages(accounts_access.visible_pemda(user))}
    return render(request, "matching/event_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    national = user.role == User.Role.ADMIN
    if user.role != User.Role.TIM_P3DN and not national:
        raise Http404("No event to create")
    form = EventForm(request.POST or None)
    pemda_form = PemdaChoiceForm(request.POST or None) if national else None
    if request.method == "POST" and form.is_valid() and (pemda_form is None
                                                          or pemda_form.is_valid()):
        pemda = pemda_form.cleaned_data["pemda"] if pemda_form else user.pemda
        assert pemda is not None
        try:
            event = services.create_event(actor=user, pemda=pemda, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Event created."))
            return redirect(event.get_absolute_url())
    return render(request, "matching/event_form.html",
                  {"form": form, "pemda_form": pemda_form, "event": None})


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    event = access.get_event_for(user, pk)
    report = queries.report(access.visible_interests(user).filter(event=event))
    context = {
        "event": event, "report": report, "can_manage": access.can_manage(user, event.pemda_id),
        "units": event.units.order_by("name"), "producers": event.producers.order_by("name"),
        "links": [(link, present.status_text(link.status)) for link in report.links],
        "interest_form": InterestForm(needs=access.visible_needs(user).filter(
            pemda=event.pemda, tahun=event.tahun).order_by("name")),
    }
    return render(request, "matching/event_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    event = access.get_event_for(user, pk, write=True)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(actor=user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect(event.get_absolute_url())
    return render(request, "matching/event_form.html",
                  {"form": form, "pemda_form": None, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_guests(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    event = access.get_event_for(user, pk, write=True)
    invited = list(event.producers.order_by("name"))
    initial = {"units": list(event.units.all()), "producers": invited}
    form = GuestsForm(request.POST or None, pemda=event.pemda, invited=invited, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_guests(actor=user, event=event, units=form.cleaned_data["units"],
                                producers=form.cleaned_data["producers"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Guests saved."))
            return redirect(event.get_absolute_url())
    return render(request, "matching/guests_form.html", {"form": form, "event": event})


@login_required
@require_POST
def event_invite(request: HttpRequest, pk: int, producer_id: int) -> HttpResponse:
    """Add one suggested producer to the event's guests (from the suggestions page)."""
    user = user_of(request)
    event = access.get_event_for(user, pk, write=True)
    producer = Producer.objects.filter(pk=producer_id).first()
    if producer is None:
        raise Http404("Producer not found")
    services.set_guests(actor=user, event=event, units=event.units.all(),
                        producers=[*event.producers.all(), producer])
    messages.success(request, _("%(name)s invited.") % {"name": producer.name})
    back = str(request.POST.get("next", ""))
    return redirect(back if back.startswith("/temu-bisnis/") else event.get_absolute_url())


@login_required
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    event = access.get_event_for(user, pk, write=True)
    try:
        services.delete_event(actor=user, event=event)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(event.get_absolute_url())
    messages.success(request, _("Event deleted."))
    return redirect("matching:events")


@login_required
@require_GET
def event_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    event = access.get_event_for(user, pk)
    report = queries.report(access.visible_interests(user).filter(event=event))
    content = exports.event_workbook(event, report)
    return attachment(content, content_type=XLSX, filename=f"temu-bisnis-{event.pk}.xlsx")


@login_required
@require_GET
def event_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    event = access.get_event_for(user, pk)
    report = queries.report(access.visible_interests(user).filter(event=event))
    try:
        content = exports.event_pdf(event, report)
    except PdfUnavailable as exc:
        return HttpResponse(
            _("PDF output is not available on this server: %(reason)s") % {"reason": exc},
            status=503, content_type="text/plain")
    return attachment(content, content_type=PDF, filename=f"temu-bisnis-{event.pk}.pdf")


# ------------------------------------------------------------------ interests


def _producer(pk: int) -> Producer:
    producer = Producer.objects.filter(pk=pk).first()
    if producer is None:
        raise ValidationError({"producer": [_("No registry producer has this number.")]})
    return producer


@login_required
@require_POST
def interest_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    event = access.get_event_for(user, pk, write=True)
    form = InterestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            need = None
            if data["need"] is not None:
                need = access.visible_needs(user).filter(pk=data["need"]).first()
                if need is None:
                    raise ValidationError({"need": [_("No need of yours has this number.")]})
            product = None
            if data["product"] is not None:
                product = CatalogProduct.objects.filter(pk=data["product"]).first()
                if product is None:
                    raise ValidationError({"product": [_("No registry product has this number.")]})
            services.record_interest(
                actor=user, event=event, producer=_producer(data["producer"]),
                nilai_ketertarikan=data["nilai_ketertarikan"], kd_rup=data["kd_rup"],
                need=need, product=product, note=data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Interest recorded."))
            return redirect(event.get_absolute_url())
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(event.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def interest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    interest = access.get_interest_for(user, pk, write=True)
    initial = {"nilai_ketertarikan": interest.nilai_ketertarikan,
               "nilai_komitmen": interest.nilai_komitmen,
               "committed_on": interest.committed_on, "note": interest.note}
    form = CommitmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_interest(actor=user, interest=interest, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Interest saved."))
            return redirect(interest.event.get_absolute_url())
    return render(request, "matching/interest_form.html", {"form": form, "interest": interest})


@login_required
@require_POST
def interest_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    interest = access.get_interest_for(user, pk, write=True)
    event = interest.event
    services.delete_interest(actor=user, interest=interest)
    messages.success(request, _("Interest deleted."))
    return redirect(event.get_absolute_url())


# ------------------------------------------------------------------ demand


def _pemda(request: HttpRequest, pemda_id: int) -> Pemda:
    return accounts_access.get_pemda_for(user_of(request), pemda_id)


@login_required
@require_GET
def demand(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = _pemda(request, pemda_id)
    years = queries.package_years(pemda)
    tahun = year(request.GET, default_year(years))
    form = DemandFilterForm(request.GET or None, pemda=pemda)
    lines: list[queries.DemandLine] = []
    unchecked = 0  # lines past the largest MAX_MATCHED_LINES, not matched
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else queries.DemandFilters()
        lines = queries.demand(pemda, tahun, filters)
        if filters.domestic is not None:
            unchecked = max(0, len(lines) - MAX_MATCHED_LINES)
            ctx = suggestions.Context.for_pemda(pemda)
            lines = suggestions.with_domestic_alternative(lines[:MAX_MATCHED_LINES], ctx,
                                                          filters.domestic)
    event = _event_of(request)
    if event is not None and event.pemda_id != pemda.pk:
        raise Http404("Event of another Pemda")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "pemda": pemda, "tahun": tahun, "years": years, "form": form, "unchecked": unchecked,
        "max_lines": MAX_MATCHED_LINES, "page": _page(request, lines), "count": len(lines),
        "pagu": sum((line.pagu for line in lines), queries.ZERO), "query": query.urlencode(),
        "event": event,
        "can_declare": user.role in (User.Role.ADMIN, User.Role.TIM_P3DN, User.Role.OPERATOR)
        and (user.is_national or user.pemda_id == pemda.pk),
    }
    return render(request, "matching/demand.html", context,
                  status=400 if request.GET and not form.is_valid() else 200)


def _suggestions_page(request: HttpRequest, pemda: Pemda, line: queries.DemandLine
                      ) -> HttpResponse:
    user = user_of(request)
    event = _event_of(request)
    if event is not None and event.pemda_id != pemda.pk:
        raise Http404("Event of another Pemda")
    found = suggestions.suggest(line, suggestions.Context.for_pemda(pemda), limit=10)
    rows = [(s, [(m, present.reasons_text(m.score)) for m in s.products]) for s in found]
    context = {"pemda": pemda, "line": line, "rows": rows, "event": event,
               "phrases": suggestions.phrases(line),
               "can_manage": event is not None and access.can_manage(user, pemda.pk)}
    return render(request, "matching/suggestions.html", context)


@login_required
@require_GET
def package_suggestions(request: HttpRequest, pemda_id: int, kd_rup: int) -> HttpResponse:
    pemda = _pemda(request, pemda_id)
    line = queries.package_line(pemda, kd_rup)
    if line is None:
        raise Http404("No open package")
    return _suggestions_page(request, pemda, line)


@login_required
@require_GET
def need_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    need = access.get_need_for(user_of(request), pk)
    return _suggestions_page(request, need.pemda, queries.need_line(need))


@login_required
@require_GET
def producer_packages(request: HttpRequest, pemda_id: int, producer_id: int) -> HttpResponse:
    """The open packages and needs of the Pemda-year the producer could supply."""
    pemda = _pemda(request, pemda_id)
    producer = Producer.objects.filter(pk=producer_id).first()
    if producer is None:
        raise Http404("Producer not found")
    years = queries.package_years(pemda)
    tahun = year(request.GET, default_year(years))
    form = DemandFilterForm(request.GET or None, pemda=pemda)
    supplies: list[suggestions.Supply] = []
    unchecked = 0  # lines past the largest MAX_MATCHED_LINES, not matched
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else queries.DemandFilters()
        lines = queries.demand(pemda, tahun, filters)
        unchecked = max(0, len(lines) - MAX_MATCHED_LINES)
        supplies = suggestions.packages_for(producer, lines[:MAX_MATCHED_LINES],
                                            suggestions.Context.for_pemda(pemda))
    context = {"pemda": pemda, "producer": producer, "tahun": tahun, "years": years, "form": form,
               "supplies": supplies, "unchecked": unchecked, "max_lines": MAX_MATCHED_LINES}
    return render(request, "matching/producer_packages.html", context,
                  status=400 if request.GET and not form.is_valid() else 200)


# ------------------------------------------------------------------ needs


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = _pemda(request, pemda_id)
    form = NeedForm(request.POST or None, pemda=pemda, user=user,
                    initial={"tahun": default_year(queries.package_years(pemda))})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            need = services.create_need(actor=user, unit=unit, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Need saved."))
            return redirect("matching:need-suggestions", need.pk)
    return render(request, "matching/need_form.html", {"form": form, "pemda": pemda,
                                                       "need": None})


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    need = access.get_need_for(user, pk, write=True)
    form = NeedForm(request.POST or None, instance=need, pemda=need.pemda, user=user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
        try:
            services.update_need(actor=user, need=need, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Need saved."))
            return redirect("matching:need-suggestions", need.pk)
    return render(request, "matching/need_form.html", {"form": form, "pemda": need.pemda,
                                                       "need": need})


@login_required
@require_POST
def need_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    need: Need = access.get_need_for(user, pk, write=True)
    pemda_id = need.pemda_id
    try:
        services.delete_need(actor=user, need=need)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("matching:need-suggestions", need.pk)
    messages.success(request, _("Need deleted."))
    return redirect("matching:demand", pemda_id)
