"""No run stays "running" for ever: a run whose process died is marked failed, with its reason,
when any p3dn command or the worker starts next; `--json` always carries the reason."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import sqlite3
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import SHARED_DATA as SHARED
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.lib import processes

SAMPLE = SHARED / "isb" / "kab-bandung-2025" / "rup-paket-penyedia-terumumkan.sample.json"


def query(env: dict, sql: str) -> list[tuple]:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def big_rup_file(path: Path, rows: int) -> None:
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))[0]
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            out.write(json.dumps({**sample, "kd_rup": 90_000_000 + i}) + "\n")


def wait_for_progress(env: dict, proc: subprocess.Popen, rows: int) -> None:
    """Until the import's progress file says it is ``rows`` into its file."""
    folder = Path(env["P3DN_DATA_DIR"]) / "imports"
    deadline, seen = time.monotonic() + 120, 0
    while seen < rows and time.monotonic() < deadline and proc.poll() is None:
        for progress in folder.glob("progress-*.json"):
            with contextlib.suppress(OSError, ValueError, KeyError):
                seen = max(seen, json.loads(progress.read_text())["rows"])
        time.sleep(0.05)
    assert proc.poll() is None and seen >= rows, "the import ended before it could be caught"


def test_a_killed_cli_import_is_marked_failed_by_the_next_p3dn_command(migrated_db, tmp_path):
    big = tmp_path / "rup.jsonl"
    big_rup_file(big, 150_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "p3dn", "import", str(big)],
        env=migrated_db,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_progress(migrated_db, proc, 10_000)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert query(migrated_db, "SELECT status FROM imports_importrun") == [("running",)]

    other = subprocess.run(  # any command, here one that has nothing to do with imports
        [sys.executable, "-m", "p3dn", "monev", "list", "--klpd", "D107"],
        env=migrated_db, capture_output=True, text=True, timeout=300, check=False,
    )

    [(pk, status, message, pid)] = query(
        migrated_db, "SELECT id, status, message, pid FROM imports_importrun"
    )
    assert (status, pid) == ("failed", proc.pid)
    assert f"({proc.pid} di " in message and "berhenti sebelum selesai" in message
    assert "tidak ada yang diterapkan" in message
    assert f"import run {pk} (rup.jsonl): {message}" in other.stderr
    assert query(migrated_db, "SELECT count(*) FROM procurement_ruppackage") == [(0,)]


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.mark.django_db
def test_the_worker_marks_a_run_of_a_dead_process_failed_at_once():
    me = processes.this_process()
    dead = ImportRun.objects.create(
        file_name="dead.json", file_sha256="0" * 64, status=ImportRun.Status.RUNNING,
        started_at=timezone.now(), host=me.host, pid=_dead_pid(), process_key=me.key,
    )
    reused = ImportRun.objects.create(  # our pid, but the process that started it is gone
        file_name="reused.json", file_sha256="1" * 64, status=ImportRun.Status.RUNNING,
        started_at=timezone.now(), host=me.host, pid=me.pid,
        process_key=f"{me.machine}/1" if me.key else "",
    )
    alive = ImportRun.objects.create(
        file_name="alive.json", file_sha256="2" * 64, status=ImportRun.Status.RUNNING,
        started_at=timezone.now(), host=me.host, pid=me.pid, process_key=me.key,
    )
    elsewhere = ImportRun.objects.create(  # another machine, heard of a minute ago
        file_name="elsewhere.json", file_sha256="3" * 64, status=ImportRun.Status.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=1), host="another-host",
        pid=me.pid, process_key="x/y/1",
    )

    call_command("run_worker", stdout=StringIO())

    for run in (dead, reused, alive, elsewhere):
        run.refresh_from_db()
    assert dead.status == "failed" and "berhenti sebelum selesai" in dead.message
    if me.key:  # Linux: a pid reused by another process is told apart by its start time
        assert reused.status == "failed"
    assert (alive.status, elsewhere.status) == ("running", "running")


@pytest.mark.django_db
def test_json_output_carries_the_reason_of_a_refused_file():
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import_file", str(SHARED / "negative" / "cloudflare-challenge.json"), "--json",
            stdout=out,
        )
    [run] = json.loads(out.getvalue())["runs"]
    assert run["status"] == "refused"
    assert run["message"] and run["message"] == ImportRun.objects.get().message


@pytest.mark.django_db
def test_a_run_claimed_by_this_process_records_it():
    run = services.queue_import(actor=None, path=SAMPLE, keep_copy=False)
    assert services.claim(run)
    me = processes.this_process()
    assert (run.host, run.pid, run.process_key) == (me.host, me.pid, me.key)
    assert processes.alive(processes.ProcessId(run.host, run.pid or 0, run.process_key))
