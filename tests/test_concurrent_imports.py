"""Two imports of the same Pemda-year and dataset at once: the second stops cleanly with "an
import of this Pemda-year is already running" (PostgreSQL), or waits for the first and finds its
facts stored (SQLite, one writer at a time); never a traceback, a unique-key violation or
"database is locked". The CLI exits 1 with the message, the API answers 409, the page says so."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import SHARED_DATA as SHARED
from p3dn.imports import locks
from p3dn.imports.models import ImportRun
from p3dn.procurement.models import RupPackage

SAMPLE = SHARED / "isb" / "kab-bandung-2025" / "rup-paket-penyedia-terumumkan.sample.json"
BUSY = "sedang berjalan"


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


def p3dn(env: dict, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "p3dn", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def query(env: dict, sql: str) -> list[tuple]:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def test_a_second_import_of_the_same_file_stops_cleanly_or_waits(migrated_db, tmp_path):
    rows = 50_000
    big = tmp_path / "RUP-PaketPenyedia-Terumumkan.jsonl"
    big_rup_file(big, rows)
    first = p3dn(migrated_db, "import", str(big), "--json")
    wait_for_progress(migrated_db, first, 5_000)  # inside its transaction, past its first row

    second = p3dn(migrated_db, "import", str(big), "--json")
    out2, err2 = second.communicate(timeout=600)
    out1, err1 = first.communicate(timeout=600)

    for text in (out1, err1, out2, err2):
        assert "Traceback" not in text and "UniqueViolation" not in text
        assert "database is locked" not in text
    assert first.returncode == 0, err1
    done = json.loads(out1)["runs"][0]
    assert (done["status"], done["inserted"]) == ("applied", rows)
    run = json.loads(out2)["runs"][0]
    if migrated_db["DATABASE_URL"].startswith("postgres"):
        assert second.returncode == 1
        assert (run["status"], run["inserted"]) == ("busy", 0)
        assert BUSY in run["message"] and "RUP-PaketPenyedia-Terumumkan" in run["message"]
    else:  # SQLite: one writer at a time, the second waited for the first
        assert second.returncode == 0, err2
        assert (run["status"], run["unchanged"], run["inserted"]) == ("applied", rows, 0)


def test_two_datasets_of_one_pemda_may_meet_the_same_new_unit_at_once(migrated_db, tmp_path):
    """Two imports of different data of Kab. Bandung (no lock between them) each meet the
    perangkat daerah 152339 for the first time: both apply, and it is one unit."""
    swakelola = SHARED / "isb" / "kab-bandung-2025" / "rup-paket-swakelola-terumumkan.sample.json"
    rows = json.loads(swakelola.read_text(encoding="utf-8"))
    satker = {r["kd_satker"] for r in rows}
    big = tmp_path / "RUP-PaketPenyedia-Terumumkan.jsonl"
    big_rup_file(big, 50_000)  # every row of the first sample row's perangkat daerah
    assert json.loads(SAMPLE.read_text(encoding="utf-8"))[0]["kd_satker"] in satker
    first = p3dn(migrated_db, "import", str(big), "--json")
    wait_for_progress(migrated_db, first, 5_000)

    second = p3dn(migrated_db, "import", str(swakelola), "--json")
    out2, err2 = second.communicate(timeout=600)
    _out1, err1 = first.communicate(timeout=600)

    for text in (err1, err2):
        assert "Traceback" not in text and "UniqueViolation" not in text
    assert (first.returncode, second.returncode) == (0, 0), err1 + err2
    run = json.loads(out2)["runs"][0]
    assert (run["status"], run["inserted"]) == ("applied", len(rows))
    [(units,)] = query(
        migrated_db,
        "SELECT count(*) FROM accounts_unit WHERE kd_satker IN "
        f"({', '.join(repr(str(s)) for s in satker)})",
    )
    assert units == len(satker)


@contextlib.contextmanager
def writer_holding_the_database(env: dict, seconds: float):
    """Another connection that writes for ``seconds`` (SQLite: holds the write lock longer
    than the usual 20 s wait; PostgreSQL: locks the run table)."""
    url = env["DATABASE_URL"]
    release = threading.Event()
    conn: Any
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        conn = psycopg.connect(url)
        conn.execute("LOCK TABLE imports_importrun IN SHARE ROW EXCLUSIVE MODE")
    timer = threading.Timer(seconds, release.set)
    timer.start()
    try:
        yield
        release.wait()
    finally:
        timer.cancel()
        conn.rollback()
        conn.close()


def test_an_import_outwaits_another_writer_instead_of_failing(migrated_db):
    # SQLite's usual wait for the write lock is 20 s: held well beyond it
    hold = 26 if migrated_db["DATABASE_URL"].startswith("sqlite") else 2
    with writer_holding_the_database(migrated_db, hold):
        proc = p3dn(migrated_db, "import", str(SAMPLE), "--json")
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "database is locked" not in err and "Traceback" not in err
    assert json.loads(out)["runs"][0]["status"] == "applied"


@pytest.fixture
def held_elsewhere(monkeypatch):
    """As if another import held the lock of every Pemda-year and dataset."""
    monkeypatch.setattr(locks, "take", lambda name, using="default": False)


@pytest.mark.django_db
def test_the_cli_prints_the_message_and_exits_1(held_elsewhere):
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_file", str(SAMPLE), "--json", stdout=out)
    assert exit_.value.code == 1
    [run] = json.loads(out.getvalue())["runs"]
    assert run["status"] == "busy" and BUSY in run["message"]
    assert "Kab. Bandung 2025 (RUP-PaketPenyedia-Terumumkan)" in run["message"]
    assert ImportRun.objects.get().status == "busy" and not RupPackage.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_409_with_the_message_and_records_the_run(
    client_for, tim_bandung, settings, held_elsewhere
):
    settings.P3DN_IMPORTS_INLINE = True
    with SAMPLE.open("rb") as upload:
        response = client_for(tim_bandung).post("/api/v1/imports", {"file": upload})
    assert response.status_code == 409
    assert list(response.json()) == ["error"] and BUSY in response.json()["error"]
    run = ImportRun.objects.get()
    assert (run.status, run.message, run.user) == ("busy", response.json()["error"], tim_bandung)
    assert not RupPackage.objects.exists()


@pytest.mark.django_db
def test_the_page_says_so_and_runs_it_again_on_request(
    client_for, tim_bandung, settings, monkeypatch
):
    settings.P3DN_IMPORTS_INLINE = True
    client = client_for(tim_bandung)
    monkeypatch.setattr(locks, "take", lambda name, using="default": False)
    with SAMPLE.open("rb") as upload:
        response = client.post(reverse("imports:list"), {"uploads": [upload]}, follow=True)
    run = ImportRun.objects.get()
    html = response.content.decode()
    assert run.status == "busy" and BUSY in html and "Tidak dijalankan" in html
    assert "Coba lagi" in html

    monkeypatch.undo()  # the other import has finished
    response = client.post(reverse("imports:retry", args=[run.pk]))
    again = ImportRun.objects.latest("id")
    assert response.url == reverse("imports:detail", args=[again.pk])
    assert (again.status, again.rows_inserted) == ("applied", RupPackage.objects.count())
