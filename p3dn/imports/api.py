"""Imports over the API: upload a file, read a run with its counts and errors."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from p3dn.accounts.access import user_of
from p3dn.imports import access, services
from p3dn.imports.models import ImportRun
from p3dn.web.apikit import NO_NUL, READ, WRITE, Id, Year, errors

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    row: int
    field: str
    value: str
    reason: str


class RunOut(Schema):
    id: int
    file: str
    dataset: str
    status: str
    message: str
    pemda: str | None
    tahun: int | None
    data_as_of: str | None
    read: int
    inserted: int
    updated: int
    closed: int
    unchanged: int
    rejected: int
    errors: list[RowErrorOut]


def run_out(run: ImportRun) -> dict[str, object]:
    return {
        "id": run.pk,
        "file": run.file_name,
        "dataset": run.dataset,
        "status": run.status,
        "message": run.message,
        "pemda": run.pemda.kd_klpd if run.pemda else None,
        "tahun": run.tahun,
        "data_as_of": run.data_as_of.isoformat() if run.data_as_of else None,
        "read": run.rows_read,
        "inserted": run.rows_inserted,
        "updated": run.rows_updated,
        "closed": run.rows_closed,
        "unchanged": run.rows_unchanged,
        "rejected": run.rows_rejected,
        "errors": [
            {"row": e.row_number, "field": e.field, "value": e.value, "reason": e.reason}
            for e in run.row_errors.all()[:1000]
        ],
    }


@router.post("", response={201: RunOut, 202: RunOut, **errors(*WRITE, 409)})
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    # Form[ShortText] would lose the default (ninja 1.7 and a constrained type)
    dataset: Annotated[str, Form(max_length=100, pattern=NO_NUL)] = "",
    klpd: Annotated[str, Form(max_length=10, pattern=r"^[A-Za-z0-9]*$")] = "",
    year: Form[Year | None] = None,
    apply_valid_rows: Form[bool] = False,
    dry_run: Form[bool] = False,
    confirm_close: Form[bool] = False,
    no_close: Form[bool] = False,
) -> Status:
    """Upload one file. 201 with the outcome when processed at once, 202 when queued; 409 when
    processed at once while another import of the same Pemda-year and dataset was running
    (the run is recorded with status ``busy``).

    A file that would close more than a small share of the current facts of its Pemda-year
    (facts it no longer lists) stops with status ``needs_confirmation`` and nothing applied:
    send it again with ``confirm_close`` to close them, or with ``no_close`` to apply it
    without closing anything."""
    user = user_of(request)
    if not access.can_import(user):
        raise access.PermissionDenied
    if confirm_close and no_close:
        raise ValidationError({"confirm_close": ["confirm_close and no_close exclude each other"]})
    closing = ImportRun.Closing.AUTO
    if confirm_close or no_close:
        closing = ImportRun.Closing.CONFIRMED if confirm_close else ImportRun.Closing.NONE
    if user.role != "admin":
        klpd = user.pemda.kd_klpd or "" if user.pemda else ""
    with tempfile.NamedTemporaryFile(suffix=Path(file.name or "").suffix) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        run = services.queue_import(
            actor=user,
            path=Path(tmp.name),
            file_name=file.name,
            dataset=dataset,
            klpd=klpd,
            year=year,
            apply_valid_rows=apply_valid_rows,
            dry_run=dry_run,
            closing=closing,
        )
    if settings.P3DN_IMPORTS_INLINE and services.claim(run):
        try:
            run = services.run_import(run)
        except services.ImportBusy as exc:
            return Status(409, {"error": str(exc)})
        return Status(201, run_out(run))
    return Status(202, run_out(run))


@router.get("/{run_id}", response={200: RunOut, **errors(*READ)})
def get_import(request: HttpRequest, run_id: Id) -> dict[str, object]:
    return run_out(access.get_run_for(user_of(request), run_id))
