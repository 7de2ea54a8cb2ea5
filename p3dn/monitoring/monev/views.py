"""The Monev pages of a Pemda: snapshots and their schedule, findings and their follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from p3dn.accounts import access as accounts_access
from p3dn.accounts.access import user_of
from p3dn.accounts.models import Pemda, Unit, User
from p3dn.audit.wording import model_changes
from p3dn.matching.access import visible_interests
from p3dn.matching.present import status_text
from p3dn.matching.queries import report as matching_report
from p3dn.monitoring.monev import access, queries, services
from p3dn.monitoring.monev.forms import FindingFilterForm, FindingForm, NoteForm, ScheduleForm
from p3dn.monitoring.monev.models import Finding, MonevSchedule, Snapshot
from p3dn.monitoring.queries import years_with_data
from p3dn.tkdnik.queries import expiring_certificates
from p3dn.web import params
from p3dn.web.forms import apply_errors
from p3dn.web.partials import template_for


def _year(request: HttpRequest, pemda: Pemda, source: str = "GET") -> tuple[int, list[int]]:
    years = years_with_data(pemda) or [timezone.localdate().year]
    tahun = params.year(request.POST if source == "POST" else request.GET, years[0])
    if tahun not in years:
        years = sorted({*years, tahun}, reverse=True)
    return tahun, years


def _home(pemda: Pemda, tahun: int) -> str:
    return reverse("monitoring:monev", args=[pemda.pk]) + f"?tahun={tahun}"


@login_required
def monev_home(request: HttpRequest, pk: int) -> HttpResponse:
    """The snapshots of a Pemda-year, the button to take one, the schedule and a findings
    summary."""
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pk)
    tahun, years = _year(request, pemda)
    schedule = MonevSchedule.objects.filter(pemda=pemda).first()
    counts = (
        access.visible_findings(user)
        .filter(pemda=pemda, tahun=tahun)
        .aggregate(
            open=Count("pk", filter=~Q(status__in=queries.CLOSED)),
            overdue=Count(
                "pk",
                filter=~Q(status__in=queries.CLOSED) & Q(due_date__lt=timezone.localdate()),
            ),
        )
    )
    interests = matching_report(
        visible_interests(user).filter(event__pemda=pemda, event__tahun=tahun)
    )
    context = {
        "pemda": pemda,
        "tahun": tahun,
        "years": years,
        "snapshots": queries.list_snapshots(
            access.visible_snapshots(user), pemda=pemda, tahun=tahun
        ),
        "schedule": schedule,
        "schedule_form": ScheduleForm(
            initial={
                "interval_days": schedule.interval_days if schedule else 14,
                "active": schedule.active if schedule else True,
            }
        ),
        "can_manage": access.can_manage_monev(user, pemda),
        "counts": counts,
        # what Monev follows up beyond the indicators: certificates of the Pemda's producers
        # ending within 60 days (TKDN-IK onboarding) and business-matching interests that no
        # contract, pencatatan or e-purchasing has followed yet
        "expiring": expiring_certificates(pemda, as_of=timezone.localdate()),
        "interests": interests,
        "unmatched": [(link, status_text(link.status)) for link in interests.unmatched],
    }
    return render(request, "monitoring/monev/home.html", context)


@login_required
@require_POST
def take_snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pk, write=True)
    tahun, _years = _year(request, pemda, "POST")
    snapshot = services.take_snapshot(
        pemda=pemda, tahun=tahun, kind=Snapshot.Kind.ON_DEMAND, actor=user
    )
    messages.success(request, _("Snapshot taken."))
    return redirect("monitoring:monev-snapshot", pk=pemda.pk, snapshot_id=snapshot.pk)


@login_required
@require_POST
def update_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pk, write=True)
    form = ScheduleForm(request.POST)
    tahun = request.POST.get("tahun") or ""
    if form.is_valid():
        services.set_schedule(actor=user, pemda=pemda, **form.cleaned_data)
        messages.success(request, _("Schedule saved."))
    else:
        messages.error(request, _("Choose an interval of 7 or 14 days."))
    url = reverse("monitoring:monev", args=[pemda.pk])
    return redirect(url + (f"?tahun={tahun}" if tahun.isdigit() else ""))


@login_required
def snapshot_detail(request: HttpRequest, pk: int, snapshot_id: int) -> HttpResponse:
    user = user_of(request)
    snapshot = access.get_snapshot_for(user, snapshot_id, pemda_id=pk)
    context = {
        "pemda": snapshot.pemda,
        "tahun": snapshot.tahun,
        "can_manage": access.can_manage_monev(user, snapshot.pemda),
        "findings": access.visible_findings(user).filter(snapshot=snapshot),
        **queries.summarise_snapshot(snapshot),
    }
    return render(request, "monitoring/monev/snapshot_detail.html", context)


@login_required
def finding_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pk)
    tahun, years = _year(request, pemda)
    filters = FindingFilterForm(request.GET, units=Unit.objects.filter(pemda=pemda))
    chosen = filters.cleaned_or_empty()
    rows = queries.list_findings(
        findings=access.visible_findings(user),
        pemda=pemda,
        tahun=tahun,
        unit_id=chosen["unit"].pk if chosen.get("unit") else None,
        status=chosen.get("status") or None,
        overdue=bool(chosen.get("overdue")),
    )
    today = timezone.localdate()
    context = {
        "pemda": pemda,
        "tahun": tahun,
        "years": years,
        "filters": filters,
        "rows": [{"finding": f, "overdue": queries.is_overdue(f, today)} for f in rows],
        "can_manage": access.can_manage_monev(user, pemda),
    }
    return render(
        request, template_for(request, "monitoring/monev/finding_list.html", "rows"), context
    )


def _finding_form(request: HttpRequest, pemda: Pemda, finding: Finding | None) -> FindingForm:
    initial = {}
    if finding is not None:
        initial = {
            "unit": finding.unit_id,
            "temuan": finding.temuan,
            "tindak_lanjut": finding.tindak_lanjut,
            "penanggung_jawab": finding.penanggung_jawab,
            "owner": finding.owner_id,
            "due_date": finding.due_date,
            "status": finding.status,
        }
    return FindingForm(
        request.POST or None,
        initial=initial,
        units=Unit.objects.filter(pemda=pemda),
        owners=User.objects.filter(pemda=pemda, is_active=True),
    )


@login_required
@require_http_methods(["GET", "POST"])
def create_finding(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    pemda = accounts_access.get_pemda_for(user, pk, write=True)
    tahun, _years = _year(request, pemda, "POST" if request.method == "POST" else "GET")
    snapshot_id = request.GET.get("snapshot") or request.POST.get("snapshot")
    snapshot = (
        access.get_snapshot_for(user, snapshot_id, pemda_id=pemda.pk) if snapshot_id else None
    )
    form = _finding_form(request, pemda, None)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.create_finding(
                actor=user, pemda=pemda, tahun=tahun, snapshot_of=snapshot, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect("monitoring:monev-finding", pk=pemda.pk, finding_id=finding.pk)
    context = {"pemda": pemda, "tahun": tahun, "form": form, "snapshot": snapshot}
    return render(request, "monitoring/monev/finding_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def update_finding(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    user = user_of(request)
    finding = access.get_finding_for(user, finding_id, action="edit", pemda_id=pk)
    form = _finding_form(request, finding.pemda, finding)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_finding(actor=user, finding=finding, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("monitoring:monev-finding", pk=pk, finding_id=finding.pk)
    context = {"pemda": finding.pemda, "tahun": finding.tahun, "form": form, "finding": finding}
    return render(request, "monitoring/monev/finding_form.html", context)


@login_required
def finding_detail(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    user = user_of(request)
    finding = access.get_finding_for(user, finding_id, pemda_id=pk)
    context = {
        "pemda": finding.pemda,
        "finding": finding,
        "overdue": queries.is_overdue(finding),
        "events": [(event, model_changes(Finding, event.changes))
                   for event in finding.events.select_related("actor")],
        "can_edit": access.can_edit_finding(user, finding),
        "can_follow_up": access.can_follow_up(user, finding),
        "note_form": NoteForm(),
    }
    return render(request, "monitoring/monev/finding_detail.html", context)


@login_required
@require_POST
def add_note(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    user = user_of(request)
    finding = access.get_finding_for(user, finding_id, action="follow_up", pemda_id=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(
                actor=user,
                finding=finding,
                catatan=form.cleaned_data["catatan"],
                status=form.cleaned_data["status"] or None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Follow-up recorded."))
    return redirect("monitoring:monev-finding", pk=pk, finding_id=finding.pk)
