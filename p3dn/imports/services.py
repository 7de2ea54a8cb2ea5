"""Starting imports, running them (inline or by the worker), claiming queued runs and
marking failed the runs whose process died."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext

from p3dn.accounts.models import User
from p3dn.imports import access, locks
from p3dn.imports.engine import Progress, process_file
from p3dn.imports.models import ImportRun
from p3dn.lib import processes
from p3dn.lib.readers import sha256_of


class ImportBusy(Exception):
    """Another import of the same Pemda-year and dataset was running: this one stopped before
    it wrote anything. ``run`` is the run, recorded with its status and message (None when
    not even the run could be recorded)."""

    def __init__(self, message: str, run: ImportRun | None = None) -> None:
        super().__init__(message)
        self.run = run


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
    closing: str = ImportRun.Closing.AUTO,
    keep_copy: bool = True,
) -> ImportRun:
    """Record an import of ``path``; with ``keep_copy`` the file is copied for the worker.
    ``closing`` says what becomes of the facts the file no longer lists (closing.py)."""
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
        closing=closing,
    )


def requeue(
    *,
    actor: User,
    run: ImportRun,
    apply_valid_rows: bool | None = None,
    closing: str | None = None,
    close_limit: int | None = None,
) -> ImportRun:
    """The same stored file once more, as ``run`` asked it except for what is given: to apply
    its valid rows after a rejection, or after a stop to close the facts it no longer lists
    (at most ``close_limit``, the number the user saw) or to close none."""
    if not run.stored_path or not Path(run.stored_path).exists():
        raise FileNotFoundError(run.file_name)
    if closing is None:
        closing, close_limit = run.closing, run.close_limit
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
        apply_valid_rows=run.apply_valid_rows if apply_valid_rows is None else apply_valid_rows,
        closing=closing,
        close_limit=close_limit,
    )


def decide_closing(*, actor: User, run: ImportRun, close: bool) -> ImportRun:
    """The user's answer to a run stopped before closing many facts (closing.py): run the file
    again closing them, at most as many as the run showed (more, if the data changed
    meanwhile, stops it again), or closing none."""
    if run.status != ImportRun.Status.NEEDS_CONFIRMATION:
        raise access.PermissionDenied
    if close:
        return requeue(actor=actor, run=run, closing=ImportRun.Closing.CONFIRMED,
                       close_limit=run.rows_closed)
    return requeue(actor=actor, run=run, closing=ImportRun.Closing.NONE)


def claim(run: ImportRun) -> bool:
    """Take a waiting run for processing; False when another worker took it first. The run
    records this process, so that it is marked failed as soon as the process is found dead."""
    me = processes.this_process()
    taken = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
        status=ImportRun.Status.RUNNING,
        started_at=timezone.now(),
        host=me.host[:255],
        pid=me.pid,
        process_key=me.key[:120],
    )
    if taken:
        run.refresh_from_db()
    return taken == 1


def run_import(
    run: ImportRun, *, path: Path | None = None, progress: Callable[[Progress], None] | None = None
) -> ImportRun:
    """Process a claimed run now, in this process. Progress also goes to the run's progress
    file, which doubles as its heartbeat (see ``sweep_interrupted``). Raises ``ImportBusy``
    (after recording the run) when another import of the same data was running."""
    allowed = access.allowed_pemda(run.user) if run.user else None
    beat = progress_writer(run)

    def report(p: Progress) -> None:
        beat(p)
        if progress is not None:
            progress(p)

    beat(Progress(0, 0.0, None))
    try:
        with locks.waiting_for_writers():
            run = process_file(run, path or Path(run.stored_path), allowed_pemda=allowed,
                               progress=report)
    finally:
        _progress_path(run).unlink(missing_ok=True)
    if run.status == ImportRun.Status.BUSY:
        raise ImportBusy(run.message, run)
    return run


def sweep_interrupted(*, quiet_minutes: int = 10) -> list[ImportRun]:
    """Mark as failed the runs left RUNNING by a process that died (killed, power cut); the
    database holds nothing of them, their transaction died with them. A run of a process of
    this machine is swept as soon as that process is gone; a run of another machine when its
    heartbeat has been silent for ``quiet_minutes``. Returns the runs swept."""
    limit = timezone.now() - timedelta(minutes=quiet_minutes)
    swept = []
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING):
        owner = processes.ProcessId(run.host, run.pid or 0, run.process_key)
        alive = processes.alive(owner)
        if alive is False:
            message = gettext(
                "interrupted: the importing process (%(pid)s on %(host)s) stopped before it "
                "finished; nothing was applied"
            ) % {"pid": run.pid, "host": run.host}
        elif alive is None and run.started_at and run.started_at < limit:
            heartbeat = _progress_path(run)
            if heartbeat.exists() and heartbeat.stat().st_mtime > limit.timestamp():
                continue
            if run.host:
                message = gettext(
                    "interrupted: the importing process on %(host)s gave no sign of life for "
                    "%(minutes)s minutes; nothing was applied"
                ) % {"host": run.host, "minutes": quiet_minutes}
            else:  # claimed before runs recorded their process
                message = gettext(
                    "interrupted: the importing process stopped; nothing was applied")
        else:
            continue
        if ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), message=message
        ):
            run.status, run.message = ImportRun.Status.FAILED, message
            swept.append(run)
            _progress_path(run).unlink(missing_ok=True)
    return swept


def import_now(
    *,
    actor: User | None,
    path: Path,
    progress: Callable[[Progress], None] | None = None,
    **options: object,
) -> ImportRun:
    """Queue, claim and process at once (CLI, tests, small installs). Raises ``ImportBusy``
    when another import of the same data was running."""
    with locks.waiting_for_writers():
        try:
            run = queue_import(actor=actor, path=path, keep_copy=False, **options)  # type: ignore[arg-type]
            claim(run)
        except OperationalError as exc:
            if not locks.is_locked_database(exc):
                raise
            raise ImportBusy(locks.busy_database_message()) from None
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
