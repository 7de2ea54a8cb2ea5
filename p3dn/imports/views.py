"""The Impor Data pages: upload, the list of runs, one run with its progress and errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from p3dn.accounts.access import user_of
from p3dn.imports import access, queries, services
from p3dn.imports.datasets.manual import TEMPLATES
from p3dn.imports.forms import UploadForm
from p3dn.imports.models import ImportRun
from p3dn.imports.templates import template_workbook
from p3dn.lib.csvfile import csv_text
from p3dn.lib.xlsx import Block, workbook_bytes
from p3dn.web import params
from p3dn.web.downloads import CSV, XLSX, attachment
from p3dn.web.partials import template_for


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    runs = access.visible_runs(user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        klpd = data["klpd"] if user.role == "admin" else (user.pemda.kd_klpd if user.pemda else "")
        queued = []
        for upload in data["uploads"]:
            with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as tmp:
                for chunk in upload.chunks():
                    tmp.write(chunk)
                tmp.flush()
                run = services.queue_import(
                    actor=user,
                    path=Path(tmp.name),
                    file_name=upload.name,
                    dataset=data["dataset"],
                    klpd=klpd or "",
                    year=data["year"],
                    apply_valid_rows=data["apply_valid_rows"],
                    dry_run=data["dry_run"],
                    closing=ImportRun.Closing.NONE if data["partial"] else ImportRun.Closing.AUTO,
                )
            queued.append(run)
            _process_inline(request, run)
        messages.success(request, _("%(n)s file(s) received.") % {"n": len(queued)})
        if len(queued) == 1:
            return redirect("imports:detail", pk=queued[0].pk)
        return redirect("imports:list")
    page = Paginator(runs, 30).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "templates": TEMPLATES}
    return render(request, "imports/import_list.html", context)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = access.get_run_for(user_of(request), pk)
    errors = Paginator(run.row_errors.all(), 100).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "errors": errors,
        "reasons": queries.rejection_reasons(run) if errors.paginator.count else [],
        "progress": services.read_progress(run),
    }
    return render(request, template_for(request, "imports/import_detail.html", "status"), context)


def _process_inline(request: HttpRequest, run: ImportRun) -> None:
    """Process the run in this request when imports run inline (else the worker will)."""
    if settings.P3DN_IMPORTS_INLINE and services.claim(run):
        try:
            services.run_import(run)
        except services.ImportBusy as exc:  # recorded on the run, shown on its page
            messages.error(request, str(exc))


@login_required
@require_POST
def apply_valid_rows(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a rejected file again, this time applying its valid rows."""
    user = user_of(request)
    run = access.get_run_for(user, pk)
    again = services.requeue(actor=user, run=run, apply_valid_rows=True)
    _process_inline(request, again)
    return redirect("imports:detail", pk=again.pk)


@login_required
@require_POST
def decide_closing(request: HttpRequest, pk: int, close: bool) -> HttpResponse:
    """A file stopped before closing many facts: run it again closing them (at most the
    number shown) or closing none."""
    user = user_of(request)
    run = access.get_run_for(user, pk)
    again = services.decide_closing(actor=user, run=run, close=close)
    _process_inline(request, again)
    return redirect("imports:detail", pk=again.pk)


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a file again that did not run because another import of its data was running."""
    user = user_of(request)
    run = access.get_run_for(user, pk)
    again = services.requeue(actor=user, run=run)
    _process_inline(request, again)
    return redirect("imports:detail", pk=again.pk)


@login_required
def error_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = access.get_run_for(user_of(request), pk)
    header = [_("Row"), _("Field"), _("Value"), _("Reason")]
    rows = [[e.row_number, e.field, e.value, e.reason] for e in run.row_errors.all()]
    name = f"galat-impor-{run.pk}"
    if fmt == "xlsx":
        content = workbook_bytes(
            _("Errors"),
            f"{run.file_name} ({run.dataset})",
            [Block(_("Rejected rows"), rows, header)],
        )
        return attachment(content, content_type=XLSX, filename=f"{name}.xlsx")
    return attachment(csv_text([header, *rows]), content_type=CSV, filename=f"{name}.csv")


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    """An Excel template to fill: commitments, manual realization, TKDN-IK targets."""
    user = user_of(request)
    if not access.can_import(user) or kind not in TEMPLATES:
        raise Http404
    year = params.year(request.GET, timezone.localdate().year)
    content = template_workbook(kind, pemda=user.pemda, year=year)
    return attachment(content, content_type=XLSX, filename=f"templat-{kind}-{year}.xlsx")
