"""Starting imports, running them (inline or by the worker) and claiming queued runs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from p3dn.accounts.models import User
from p3dn.imports import access
from p3dn.imports.engine import Progress, process_file
from p3dn.imports.models import ImportRun
from p3dn.lib.readers import sha256_of


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def queue_import(
    *,
    actor: User | None,
    path: Path,
    file_name: str | None = None,
    dataset: str = "",
    klpd: str = "",
    year: int | None = None,
    apply_valid_rows: bool = False,
    dry_run: bool = False,
    keep_copy: bool = True,
) -> ImportRun:
    """Record an import of ``path``; with ``keep_copy`` the file is copied for the worker."""
    if actor is not None and not access.can_import(actor):
        raise access.PermissionDenied
    digest = sha256_of(path)
    stored = ""
    if keep_copy:
        target = upload_dir() / f"{digest[:16]}-{Path(file_name or path.name).name}"
        if not target.exists():
            shutil.copyfile(path, target)
        stored = str(target)
    return ImportRun.objects.create(
        user=actor,
        actor_name=actor.get_username() if actor else "cli",
        file_name=Path(file_name or path.name).name[:255],
        file_sha256=digest,
        file_size=path.stat().st_size,
        stored_path=stored,
        requested_dataset=dataset,
        requested_klpd=klpd.strip().upper(),
        requested_year=year,
        apply_valid_rows=apply_valid_rows,
        dry_run=dry_run,
    )


def requeue(*, actor: User, run: ImportRun, apply_valid_rows: bool) -> ImportRun:
    """The same stored file once more, e.g. to apply its valid rows after a rejection."""
    if not run.stored_path or not Path(run.stored_path).exists():
        raise FileNotFoundError(run.file_name)
    return ImportRun.objects.create(
        user=actor,
        actor_name=actor.get_username(),
        file_name=run.file_name,
        file_sha256=run.file_sha256,
        file_size=run.file_size,
        stored_path=run.stored_path,
        requested_dataset=run.dataset or run.requested_dataset,
        requested_klpd=run.requested_klpd,
        requested_year=run.requested_year,
        apply_valid_rows=apply_valid_rows,
    )


def claim(run: ImportRun) -> bool:
    """Take a waiting run for processing; False when another worker took it first."""
    taken = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    if taken:
        run.refresh_from_db()
    return taken == 1


def run_import(
    run: ImportRun, *, path: Path | None = None, progress: Callable[[Progress], None] | None = None
) -> ImportRun:
    """Process a claimed run now, in this process. Progress also goes to the run's progress
    file, which doubles as its heartbeat (see ``sweep_interrupted``)."""
    allowed = access.allowed_pemda(run.user) if run.user else None
    beat = progress_writer(run)

    def report(p: Progress) -> None:
        beat(p)
        if progress is not None:
            progress(p)

    beat(Progress(0, 0.0, None))
    try:
        return process_file(run, path or Path(run.stored_path), allowed_pemda=allowed,
                            progress=report)
    finally:
        _progress_path(run).unlink(missing_ok=True)


def sweep_interrupted(*, quiet_minutes: int = 10) -> int:
    """Mark as failed the runs left RUNNING by a process that died (killed, power cut): their
    heartbeat has been silent for ``quiet_minutes``. The database holds nothing of them."""
    limit = timezone.now() - timedelta(minutes=quiet_minutes)
    swept = 0
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING, started_at__lt=limit):
        heartbeat = _progress_path(run)
        if heartbeat.exists() and heartbeat.stat().st_mtime > limit.timestamp():
            continue
        swept += ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(),
            message=gettext("interrupted: the importing process stopped; nothing was applied"))
    return swept


def import_now(
    *,
    actor: User | None,
    path: Path,
    progress: Callable[[Progress], None] | None = None,
    **options: object,
) -> ImportRun:
    """Queue, claim and process at once (CLI, tests, small installs)."""
    run = queue_import(actor=actor, path=path, keep_copy=False, **options)  # type: ignore[arg-type]
    claim(run)
    return run_import(run, path=path, progress=progress)


def _progress_path(run: ImportRun) -> Path:
    return upload_dir() / f"progress-{run.pk}.json"


def progress_writer(run: ImportRun) -> Callable[[Progress], None]:
    """Progress goes to a small file beside the uploads: the import's own transaction cannot
    be seen by the page that polls, a file can."""

    def write(p: Progress) -> None:
        data = {"rows": p.rows, "seconds": round(p.seconds, 1), "fraction": p.fraction}
        _progress_path(run).write_text(json.dumps(data), encoding="utf-8")

    return write


def read_progress(run: ImportRun) -> dict[str, object] | None:
    try:
        data: dict[str, object] = json.loads(_progress_path(run).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def next_pending() -> ImportRun | None:
    """The oldest waiting run this worker could claim, claimed."""
    sweep_interrupted()
    for run in ImportRun.objects.filter(status=ImportRun.Status.PENDING).order_by("created_at")[:5]:
        if claim(run):
            return run
    return None
