"""The ways into the import engine: `p3dn import`, the worker, the Impor Data page, the API;
and a process killed in the middle of a file leaves the database as it was."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from conftest import BANDUNG_2025_DIR as BANDUNG
from conftest import KALBAR_2023_DIR as KALBAR
from conftest import SHARED_DATA as SHARED
from p3dn.imports.models import ImportRun
from p3dn.procurement.models import Contract, RupPackage


def count(env: dict, table: str) -> int:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def p3dn(env: dict, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "p3dn", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_json_has_exactly_the_documented_shape_and_exit_codes(migrated_db):
    ok = p3dn(migrated_db, "import", str(KALBAR / "SPSE-TenderEkontrak-Kontrak.json"), "--json")
    assert ok.returncode == 0, ok.stderr
    run = json.loads(ok.stdout)["runs"][0]
    assert list(run) == [
        "file",
        "dataset",
        "status",
        "message",
        "read",
        "inserted",
        "updated",
        "closed",
        "unchanged",
        "rejected",
        "errors",
    ]
    assert (run["dataset"], run["status"], run["read"], run["inserted"]) == (
        "SPSE-TenderEkontrak-Kontrak",
        "applied",
        84,
        84,
    )

    bad = p3dn(
        migrated_db,
        "import",
        str(SHARED / "tkdn" / "scrape-kelompok-8.json"),
        str(SHARED / "negative" / "cloudflare-challenge.json"),
        "--json",
    )
    assert bad.returncode == 1
    scrape, cloudflare = json.loads(bad.stdout)["runs"]
    assert scrape["status"] == "rejected" and scrape["rejected"] == 2
    assert set(scrape["errors"][0]) == {"row", "field", "value", "reason"}
    assert cloudflare["status"] == "refused"

    assert p3dn(migrated_db, "import", "/no/such/file.json").returncode == 2
    assert (
        p3dn(
            migrated_db,
            "import",
            str(KALBAR / "SPSE-TenderEkontrak-Kontrak.json"),
            "--dataset",
            "Nope",
        ).returncode
        == 2
    )
    assert p3dn(migrated_db, "import", "--year", "x", "f.json").returncode == 2


def test_cli_prints_a_summary_table_and_the_reasons(migrated_db):
    result = p3dn(migrated_db, "import", str(BANDUNG / "SPSE-TenderSelesaiNilai.json"))
    assert result.returncode == 1
    assert "SPSE-TenderSelesaiNilai" in result.stdout and "rejected" in result.stdout
    assert "B154" in result.stdout


def _big_rup_file(path: Path, rows: int) -> None:
    sample = json.loads((BANDUNG / "rup-paket-penyedia-terumumkan.sample.json").read_text())[0]
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            out.write(json.dumps({**sample, "kd_rup": 90_000_000 + i}) + "\n")


def test_killing_the_import_midway_leaves_the_database_as_it_was(migrated_db, tmp_path):
    before = count(migrated_db, "procurement_ruppackage"), count(migrated_db, "accounts_unit")
    big = tmp_path / "rup.jsonl"
    _big_rup_file(big, 150_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "p3dn", "import", str(big)],
        env=migrated_db,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it once its progress file says it is well into the file (not on a fixed sleep).
    data_dir = Path(migrated_db["P3DN_DATA_DIR"]) / "imports"
    deadline = time.monotonic() + 120
    rows = 0
    while rows < 20_000 and time.monotonic() < deadline and proc.poll() is None:
        for progress in data_dir.glob("progress-*.json"):
            with contextlib.suppress(OSError, ValueError, KeyError):
                rows = max(rows, json.loads(progress.read_text())["rows"])
        time.sleep(0.05)
    assert proc.poll() is None and rows >= 20_000, "the import ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert (
        count(migrated_db, "procurement_ruppackage"),
        count(migrated_db, "accounts_unit"),
    ) == before
    done = p3dn(migrated_db, "import", str(BANDUNG / "rup-paket-penyedia-terumumkan.sample.json"))
    assert done.returncode == 0  # the database is usable: no lock or half state was left


# ---------------------------------------------------------------- web, worker, API


def test_tim_p3dn_uploads_on_the_import_page_and_sees_the_outcome(
    client_for, tim_bandung, settings
):
    settings.P3DN_IMPORTS_INLINE = True
    client = client_for(tim_bandung)
    with (BANDUNG / "SPSE-TenderEkontrak-2Kontrak.json").open("rb") as upload:
        response = client.post(reverse("imports:list"), {"uploads": [upload]})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[run.pk])
    assert (run.status, run.rows_inserted, run.user) == ("applied", 52, tim_bandung)
    html = client.get(response.url).content.decode()
    assert "SPSE-TenderEkontrak-Kontrak" in html and "52" in html
    assert Contract.objects.filter(pemda=tim_bandung.pemda).count() == 52


def test_rejected_rows_are_downloadable_and_the_valid_rows_applied_on_request(
    client_for, admin_pusat, settings
):
    settings.P3DN_IMPORTS_INLINE = True
    client = client_for(admin_pusat)
    with (BANDUNG / "SPSE-TenderSelesaiNilai.json").open("rb") as upload:
        client.post(reverse("imports:list"), {"uploads": [upload]})
    run = ImportRun.objects.get()
    assert run.status == "rejected"
    csv_text = client.get(reverse("imports:errors", args=[run.pk, "csv"])).content.decode()
    assert "kd_klpd" in csv_text and "B154" in csv_text
    xlsx = client.get(reverse("imports:errors", args=[run.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    response = client.post(reverse("imports:apply-valid", args=[run.pk]))
    again = ImportRun.objects.exclude(pk=run.pk).get()
    assert response.url == reverse("imports:detail", args=[again.pk])
    assert (again.status, again.rows_inserted, again.rows_rejected) == ("applied", 76, 1)


def test_the_worker_processes_queued_uploads(client_for, admin_pusat, settings):
    settings.P3DN_IMPORTS_INLINE = False
    client = client_for(admin_pusat)
    with (KALBAR / "SPSE-TenderEkontrak-Kontrak.json").open("rb") as upload:
        client.post(reverse("imports:list"), {"uploads": [upload]})
    run = ImportRun.objects.get()
    assert run.status == "pending"
    page = client.get(reverse("imports:detail", args=[run.pk]))
    assert 'hx-trigger="every 2s"' in page.content.decode()
    call_command("run_worker")
    run.refresh_from_db()
    assert (run.status, run.rows_inserted) == ("applied", 84)


def test_import_pages_and_runs_follow_the_roles(
    client_for, tim_bandung, tim_kalbar, operator_bandung, settings
):
    settings.P3DN_IMPORTS_INLINE = True
    with (BANDUNG / "SPSE-TenderEkontrak-2Kontrak.json").open("rb") as upload:
        client_for(tim_bandung).post(reverse("imports:list"), {"uploads": [upload]})
    run = ImportRun.objects.get()
    assert client_for(tim_kalbar).get(reverse("imports:detail", args=[run.pk])).status_code == 404
    assert (
        client_for(tim_kalbar).get(reverse("imports:errors", args=[run.pk, "csv"])).status_code
        == 404
    )
    assert client_for(operator_bandung).get(reverse("imports:list")).status_code == 403


def test_api_upload_and_read_a_run(client_for, tim_bandung, tim_kalbar, settings):
    settings.P3DN_IMPORTS_INLINE = True
    client = client_for(tim_bandung)
    with (BANDUNG / "rup-paket-penyedia-terumumkan.sample.json").open("rb") as upload:
        response = client.post("/api/v1/imports", {"file": upload})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["dataset"], body["inserted"], body["pemda"]) == (
        "applied",
        "RUP-PaketPenyedia-Terumumkan",
        25,
        "D107",
    )
    assert client.get(f"/api/v1/imports/{body['id']}").json()["read"] == 25
    assert client_for(tim_kalbar).get(f"/api/v1/imports/{body['id']}").status_code == 404
    assert RupPackage.objects.count() == 25


def test_a_run_left_running_by_a_dead_process_is_marked_failed(db):
    from datetime import timedelta

    from django.utils import timezone

    from p3dn.imports import services

    dead = ImportRun.objects.create(
        file_name="x.json",
        file_sha256="0" * 64,
        status=ImportRun.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
    )
    alive = ImportRun.objects.create(
        file_name="y.json",
        file_sha256="1" * 64,
        status=ImportRun.Status.RUNNING,
        started_at=timezone.now(),
    )
    assert services.sweep_interrupted() == [dead]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "failed" and "tidak ada yang diterapkan" in dead.message
    assert alive.status == "running"
