"""The TKDN-IK pages (signed in): the progress against the targets (national, per province,
per Pemda and per kecamatan), a Pemda's candidates and their steps, its producers' onboarding
and the certificates about to expire, and the Excel export of the candidates."""

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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from p3dn.accounts import access as accounts_access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda
from p3dn.catalog import access as catalog_access
from p3dn.tkdnik import access, exports, queries, services
from p3dn.tkdnik.forms import (
    AssessmentForm,
    CandidateFilterForm,
    CertificateForm,
    EvidenceFields,
    RegisterForm,
    RejectionForm,
    SubmitForm,
    yes_no,
)
from p3dn.tkdnik.models import Candidate
from p3dn.web import params
from p3dn.web.downloads import XLSX, attachment
from p3dn.web.forms import apply_errors

PAGE_SIZE = 50


def _year(request: HttpRequest, pemdas: list[Pemda]) -> tuple[int, list[int]]:
    years = queries.available_years(pemdas)
    default = years[0] if years else timezone.localdate().year
    return params.year(request.GET, default), years


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """National users: every province with targets or candidates; a province's users: their
    province and its kabupaten/kota; the others go to their Pemda's page."""
    user = user_of(request)
    scope = list(access.progress_pemda(user))
    if not user.is_national and len(scope) <= 1:
        if not user.pemda_id:
            raise Http404("No Pemda")
        return redirect("tkdnik:pemda", user.pemda_id)
    year, years = _year(request, scope)
    with_data = queries.pemda_with_data(scope, year)
    context = {"year": year, "years": years,
               "provinces": queries.province_progress(with_data, year)}
    return render(request, "tkdnik/index.html", context)


@login_required
@require_GET
def progress(request: HttpRequest, pemda_id: int) -> HttpResponse:
    """A Pemda's progress per kecamatan and quarter (a province's users also read their
    kabupaten/kota here)."""
    user = user_of(request)
    pemda = access.get_progress_pemda_for(user, pemda_id)
    year, years = _year(request, [pemda])
    context = {"pemda": pemda, "year": year, "years": years,
               "progress": queries.target_progress(pemda, year),
               "own": accounts_access.visible_pemda(user).filter(pk=pemda.pk).exists()}
    return render(request, "tkdnik/progress.html", context)


@login_required
@require_GET
def pemda_page(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    year, years = _year(request, [pemda])
    filters = CandidateFilterForm(request.GET)
    chosen = filters.cleaned_or_empty()
    qs = access.visible_candidates(user).filter(pemda=pemda)
    page = Paginator(queries.list_candidates(qs, status=chosen.get("status"), q=chosen.get("q")),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    outcome = queries.precheck_outcome(qs)
    causes = [(label, outcome.by_cause[value])
              for value, label in Candidate.RejectionCause.choices if outcome.by_cause[value]]
    context = {
        "pemda": pemda, "year": year, "years": years, "filters": filters, "page": page,
        "progress": queries.target_progress(pemda, year),
        "counts": queries.status_counts(qs),
        "outcome": outcome,
        "causes": causes,
        "expiring": queries.expiring_certificates(pemda, as_of=today),
        "onboarding": queries.onboarding_progress(pemda),
        "can_manage": access.can_manage(user, pemda),
        "warning_days": queries.WARNING_DAYS,
    }
    return render(request, "tkdnik/pemda.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id, write=True)
    access.require_manage(user, pemda)
    form = RegisterForm(request.POST or None, pemda=pemda)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            producer = catalog_access.get_producer_for(user, data["producer"])
            product = (catalog_access.get_product_for(user, data["product"])
                       if data.get("product") else None)
            candidate = services.register_candidate(
                actor=user, pemda=pemda,
                kecamatan=services.kecamatan_of(pemda, data["kecamatan"]),
                producer=producer, product=product, product_name=data["product_name"],
                specification=data["specification"], brand=data["brand"], tipe=data["tipe"],
                product_kbli=data["product_kbli"], health_product=data["health_product"],
                nie=data["nie"], raw_material_evidence=yes_no(data["raw_material_evidence"]),
                raw_material_note=data["raw_material_note"],
                registered_on=data.get("registered_on"), modal_usaha=data["modal_usaha"],
                hasil_penjualan=data["hasil_penjualan"], nib_kbli=data["nib_kbli"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Http404:
            form.add_error(None, _("No registry producer or product has this number."))
        else:
            messages.success(request, _("Candidate registered."))
            return redirect("tkdnik:candidate", candidate.pk)
    if request.method == "POST":
        status = 400
    return render(request, "tkdnik/register.html", {"pemda": pemda, "form": form},
                  status=status)


def _initial_evidence(candidate: Candidate) -> dict[str, Any]:
    evidence = {True: "ya", False: "tidak", None: ""}[candidate.raw_material_evidence]
    return {"product_kbli": candidate.product_kbli, "health_product": candidate.health_product,
            "nie": candidate.nie, "raw_material_evidence": evidence,
            "raw_material_note": candidate.raw_material_note,
            "modal_usaha": candidate.modal_usaha, "hasil_penjualan": candidate.hasil_penjualan,
            "nib_kbli": candidate.nib_kbli}


def _forms(candidate: Candidate, posted: str = "", data: Any = None) -> dict[str, Any]:
    def bound(name: str, cls: type, **kw: Any) -> Any:
        return cls(data if posted == name else None, prefix=name, **kw)

    return {
        "evidence": bound("evidence", EvidenceFields, initial=_initial_evidence(candidate)),
        "assess": bound("assess", AssessmentForm),
        "submit": bound("submit", SubmitForm),
        "certificate": bound("certificate", CertificateForm),
        "reject": bound("reject", RejectionForm),
    }


def _detail(request: HttpRequest, candidate: Candidate, forms: dict[str, Any],
            status: int = 200) -> HttpResponse:
    user = user_of(request)
    context = {
        "candidate": candidate, "forms": forms,
        "precheck": services.precheck_of(candidate),
        "business": services.business_data(candidate),
        "history": queries.history(candidate),
        "can_manage": access.can_manage(user, candidate.pemda_id),
    }
    return render(request, "tkdnik/candidate.html", context, status=status)


@login_required
@require_GET
def candidate_page(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_candidate_for(user_of(request), pk)
    return _detail(request, candidate, _forms(candidate))


def _run_step(user: Any, candidate: Candidate, step: str, data: dict[str, Any]) -> None:
    if step == "evidence":
        services.update_evidence(
            actor=user, candidate=candidate, product_kbli=data["product_kbli"],
            health_product=data["health_product"], nie=data["nie"],
            raw_material_evidence=yes_no(data["raw_material_evidence"]),
            raw_material_note=data["raw_material_note"], modal_usaha=data["modal_usaha"],
            hasil_penjualan=data["hasil_penjualan"], nib_kbli=data["nib_kbli"])
    elif step == "assess":
        services.record_self_assessment(
            actor=user, candidate=candidate, regulation=data["regulation"],
            material=data["material"], tenaga_kerja=data["tenaga_kerja"],
            overhead=data["overhead"], pengembangan=data["pengembangan"],
            assessed_on=data.get("assessed_on"))
    elif step == "precheck":
        services.run_precheck(actor=user, candidate=candidate)
    elif step == "submit":
        services.submit_candidate(actor=user, candidate=candidate,
                                  submitted_on=data.get("submitted_on"),
                                  override_reason=data["override_reason"])
    elif step == "certificate":
        cert = catalog_access.get_certificate_for(user, data["certificate"])
        services.record_certificate(actor=user, candidate=candidate, certificate=cert,
                                    decided_on=data.get("decided_on"))
    else:
        services.record_rejection(actor=user, candidate=candidate, cause=data["cause"],
                                  note=data["note"], decided_on=data.get("decided_on"))


STEPS = ("evidence", "assess", "precheck", "submit", "certificate", "reject")


@login_required
@require_POST
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in STEPS:
        raise Http404("No such step")
    user = user_of(request)
    candidate = access.get_candidate_for(user, pk, write=True)
    forms = _forms(candidate, name, request.POST)
    form = forms.get(name)
    if form is not None and not form.is_valid():
        return _detail(request, candidate, forms, status=400)
    try:
        _run_step(user, candidate, name, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return redirect("tkdnik:candidate", candidate.pk)
        apply_errors(form, exc)
        candidate.refresh_from_db()
        return _detail(request, candidate, forms, status=400)
    except Http404:
        assert form is not None
        form.add_error(None, _("No registry certificate has this number."))
        return _detail(request, candidate, forms, status=400)
    messages.success(request, _("Saved."))
    return redirect("tkdnik:candidate", candidate.pk)


@login_required
@require_GET
def onboarding(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    page = Paginator(queries.onboarding_producers(pemda), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"pemda": pemda, "page": page,
               "rows": queries.onboarding_rows(pemda, list(page.object_list)),
               "progress": queries.onboarding_progress(pemda)}
    return render(request, "tkdnik/onboarding.html", context)


@login_required
@require_GET
def export(request: HttpRequest, pemda_id: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pemda_id)
    qs = access.visible_candidates(user).filter(pemda=pemda).order_by("id")
    content = exports.candidates_workbook(pemda, qs, queries.precheck_outcome(qs))
    stamp = timezone.localdate().isoformat()
    return attachment(content, content_type=XLSX,
                      filename=f"tkdn-ik-{pemda.kd_klpd or pemda.pk}-{stamp}.xlsx")
