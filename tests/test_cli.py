"""The `p3dn` command as an operator uses it, in real subprocesses where it matters."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import SHARED_DATA as SHARED
from p3dn.accounts.models import Pemda, Unit, User
from p3dn.audit.models import LogEntry
from p3dn.catalog.models import CatalogProduct, Certificate
from p3dn.catalog.substitutes.models import Scan
from p3dn.cli import COMMANDS
from p3dn.imports.models import ImportRun
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.models import Finding, Snapshot, Target
from p3dn.procurement.models import RupPackage


def run_p3dn(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "p3dn", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=timeout,
        check=False,
    )


def test_help_lists_every_subcommand_on_one_line():
    result = run_p3dn("--help")
    assert result.returncode == 0
    for name in ("serve", "migrate", "createadmin", "demo", "check", "calc", "import", "worker",
                 "indicators", "monev", "backup", "restore", "catalog", "tkdnik"):
        assert sum(line.strip().startswith(name + " ") for line in result.stdout.splitlines()) == 1
    assert set(COMMANDS) == {"serve", "migrate", "createadmin", "demo", "check", "calc", "import",
                             "indicators", "worker", "monev", "backup", "restore", "catalog",
                             "tkdnik"}


def test_an_unknown_subcommand_exits_2():
    result = run_p3dn("frobnicate")
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr


def test_an_unreachable_database_gives_one_clear_line(tmp_path):
    result = run_p3dn("migrate", env={"DATABASE_URL": "postgresql://p3dn:rahasia@127.0.0.1:1/nodb"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "p3dn: cannot connect to the database postgresql://p3dn:***@127.0.0.1:1/nodb"
    )
    assert "rahasia" not in result.stderr and "Traceback" not in result.stderr


def test_a_malformed_database_url_is_a_configuration_error():
    result = run_p3dn("check", env={"DATABASE_URL": "mysqlx://what"})
    assert result.returncode == 2
    assert result.stderr.startswith("p3dn: configuration error: DATABASE_URL")
    assert "Traceback" not in result.stderr


def test_production_mode_requires_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("P3DN_SECRET_KEY")}
    env["P3DN_DEBUG"] = "False"
    result = subprocess.run(
        [sys.executable, "-m", "p3dn", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "P3DN_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_migrate_then_serve_binds_where_it_is_told(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite3", "P3DN_DATA_DIR": str(tmp_path)}
    assert run_p3dn("migrate", env=env).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "p3dn", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = b""
        deadline = time.monotonic() + 90  # a loaded machine takes a while to boot the workers
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = resp.read()
                    break
            except OSError:
                time.sleep(0.1)
        assert b'"database": "ok"' in body
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_serve_refuses_an_unmigrated_database(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3", "P3DN_DATA_DIR": str(tmp_path)}
    result = run_p3dn("serve", "--port", str(_free_port()), env=env)
    assert result.returncode == 1
    assert "p3dn migrate" in result.stderr


@pytest.mark.django_db
def test_createadmin_reads_the_password_from_stdin_and_validates_it(monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO("pendek\n"))
    with pytest.raises(CommandError, match="password"):
        call_command("createadmin", "--username", "kepala", "--password-stdin")
    assert not User.objects.filter(username="kepala").exists()
    monkeypatch.setattr("sys.stdin", StringIO("Sangat-rahasia-2025\n"))
    out = StringIO()
    call_command("createadmin", "--username", "kepala", "--password-stdin", stdout=out)
    user = User.objects.get(username="kepala")
    assert user.role == User.Role.ADMIN and user.check_password("Sangat-rahasia-2025")
    assert LogEntry.objects.filter(action="accounts.user.created", object_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_demo_loads_real_units_once_and_prints_the_logins(client):
    out = StringIO()
    call_command("demo", stdout=out)
    units = Unit.objects.filter(pemda__kd_klpd="D107").count()
    master = json.loads((SHARED / "isb/kab-bandung-2025/RUP-MasterSatker.json").read_text())
    codes = set(Unit.objects.filter(pemda__kd_klpd="D107").values_list("kd_satker", flat=True))
    assert {str(r["kd_satker"]) for r in master} <= codes  # plus units named only in facts
    assert Unit.objects.filter(pemda__kd_klpd="D197").count() >= 86
    text = out.getvalue()
    for username in (
        "admin",
        "tim.bandung",
        "operator.dinkes.bandung",
        "tim.kalbar",
        "pemantau.nasional",
    ):
        assert username in text
    assert "SPSE-NonTenderEkontrak-Kontrak applied (1039 inserted)" in text
    # why rows were rejected, not only how many: the row of another KLPD (no Pemda) in
    # Bandung's tender results, the partial records of the TKDN scrape
    results = json.loads((SHARED / "isb/kab-bandung-2025/SPSE-TenderSelesaiNilai.json").read_text())
    others = sum(1 for r in results if not r["kd_klpd"].startswith("D"))
    assert f"      {others} × kd_klpd: tidak ada Pemda dengan kode LKPP" in text
    scraped = json.loads((SHARED / "tkdn/scrape-kelompok-8.json").read_text())
    partial = sum(1 for r in scraped if set(r) == {"id_data", "Kelompok Barang"})
    assert f"      {partial} × perusahaan: data tidak lengkap: kolom ini kosong" in text
    packages = RupPackage.objects.filter(pemda__kd_klpd="D197", valid_to__isnull=True).count()
    assert packages == 4396  # every announced package of Kalbar 2023
    # Monev on the first run: targets, a snapshot holding compute()'s numbers, findings
    kalbar = Pemda.objects.get(kd_klpd="D197")
    snapshot = Snapshot.objects.get(pemda=kalbar, tahun=2023)
    assert snapshot.figures == compute(pemda=kalbar, tahun=2023, by="satker")
    assert Target.objects.get(pemda=kalbar, tahun=2023).capaian_q1 == Decimal("0.15")
    findings = Finding.objects.filter(pemda=kalbar, tahun=2023)
    assert findings.count() == 3 and all(f.unit_id and f.due_date for f in findings)
    assert "Monev: targets, first snapshot and findings of Prov. Kalimantan Barat 2023" in text
    # the product registry over the demo's TKDN lists and e-Katalog products
    certificates = Certificate.objects.count()
    assert certificates > 0 and CatalogProduct.objects.filter(prices__isnull=False).exists()
    assert f"{certificates} TKDN certificates" in text
    # the demo opens on a Pemda-year with complete data (issue 11, point 5): Kalbar 2023
    bandung = Pemda.objects.get(kd_klpd="D107")
    assert f"/dasbor/pemda/{kalbar.pk}/?tahun=2023" in text
    client.force_login(User.objects.get(username="pemantau.nasional"))
    ranking = client.get("/dasbor/", follow=True).context
    assert ranking["tahun"] == 2023 and [r["pemda"] for r in ranking["by_capaian"]] == [kalbar]
    later = client.get("/dasbor/peringkat/?tahun=2025").context  # Bandung's RUP is a sample
    assert later["by_capaian"] == [] and [r["pemda"] for r in later["incomplete"]] == [bandung]
    client.force_login(User.objects.get(username="tim.bandung"))
    page = client.get("/dasbor/", follow=True)
    assert page.context["tahun"] == 2025  # its only year: shown, with the banner
    assert "RUP Kab. Bandung 2025 yang diimpor hanya sampel" in page.content.decode()
    runs = ImportRun.objects.count()
    call_command("demo", stdout=StringIO())
    assert Unit.objects.filter(pemda__kd_klpd="D107").count() == units
    assert User.objects.count() == 5
    assert ImportRun.objects.count() == runs  # applied files are not imported again
    assert Snapshot.objects.filter(pemda=kalbar).count() == 1 and findings.count() == 3
    assert Certificate.objects.count() == certificates
    # each demo year's spending was scanned once for domestic alternatives (the potensi PDN)
    scans = Scan.objects.filter(pemda=kalbar, tahun=2023)
    assert scans.count() == 1 and scans.get().rows > 0
    assert ("Potensi PDN: domestic alternatives of the spending of Prov. Kalimantan Barat "
            "2023") in text


def test_local_mode_runs_on_plain_http_without_debug_pages(tmp_path):
    """`make demo` runs with P3DN_LOCAL: a generated key and plain-HTTP cookies, but Django's
    debug pages stay off, so a mistyped address shows the product's own 404 page."""
    dropped = ("P3DN_SECRET_KEY", "P3DN_DEBUG")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(
        P3DN_LOCAL="True", P3DN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="p3dn.settings"
    )
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " len(s.SECRET_KEY) >= 50)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "0", "True"]
    assert (tmp_path / "dev-secret-key.txt").exists()


@pytest.mark.django_db
def test_without_debug_a_missing_page_is_the_product_page(client, settings):
    settings.DEBUG = False
    response = client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="id")
    body = response.content.decode()
    assert response.status_code == 404
    assert "URLconf" not in body and "Page not found at" not in body
    assert '<link rel="icon"' in body
