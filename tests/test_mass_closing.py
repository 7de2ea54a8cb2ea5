"""A file closes the current facts it no longer lists only when it is a full extract of its
Pemda-year: one that would close more than a small share of them stops before applying and
says how many, and the user confirms (the run page, `--confirm-close`, `confirm_close`) or
applies it without closing anything. The run shows inserted, updated, closed and unchanged."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import SHARED_DATA as SHARED
from p3dn.audit.models import LogEntry
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.procurement.models import IndicatorRollup, RupPackage

FULL = SHARED / "isb" / "prov-kalbar-2023" / "RUP-PaketPenyedia-Terumumkan.parquet"
SAMPLE = SHARED / "isb" / "kab-bandung-2025" / "rup-paket-penyedia-terumumkan.sample.json"

pytestmark = pytest.mark.django_db


def dotted(n: int) -> str:
    """4393 → '4.393', as the pages and messages write it."""
    return f"{n:,}".replace(",", ".")


def part_of_full(tmp_path: Path, table: pa.Table, name: str = "part") -> Path:
    path = tmp_path / f"{name}.parquet"
    pq.write_table(table, path)
    return path


def first_rows(tmp_path: Path, n: int) -> tuple[Path, int]:
    """A file of the first ``n`` rows of the full extract, and how many of the full file's
    packages it does not list (counted from the raw file)."""
    full = pq.read_table(FULL)
    listed = set(full.column("kd_rup").to_pylist()[:n])
    missing = len(set(full.column("kd_rup").to_pylist()) - listed)
    return part_of_full(tmp_path, full.slice(0, n), f"first-{n}"), missing


def current_state() -> tuple[int, list[tuple[int, int]], int]:
    """Every version stored, the current packages with the run that brought each, the
    rollup rows."""
    current = sorted(
        RupPackage.objects.filter(valid_to__isnull=True).values_list("kd_rup", "valid_from_id")
    )
    return RupPackage.objects.count(), current, IndicatorRollup.objects.count()


def test_a_three_row_file_stops_before_closing_the_rest_of_its_pemda_year(tmp_path):
    full = services.import_now(actor=None, path=FULL)
    assert full.status == "applied"
    three, missing = first_rows(tmp_path, 3)
    before = current_state()
    audits = LogEntry.objects.count()

    run = services.import_now(actor=None, path=three)

    assert run.status == ImportRun.Status.NEEDS_CONFIRMATION
    assert run.rows_closed == missing == 4393
    assert (run.rows_inserted, run.rows_updated, run.rows_unchanged) == (0, 0, 3)
    assert dotted(missing) in run.message and "Prov. Kalimantan Barat 2023" in run.message
    assert "RUP-PaketPenyedia-Terumumkan" in run.message
    assert "Tidak ada yang diterapkan" in run.message
    assert current_state() == before  # nothing written, the rollups included
    assert LogEntry.objects.count() == audits

    dry = services.import_now(actor=None, path=three, dry_run=True)
    assert (dry.status, dry.rows_closed) == ("checked", missing)
    assert dotted(missing) in dry.message
    assert current_state() == before


def test_the_run_page_shows_the_four_numbers_and_confirms_the_closing(
    client_for, tim_kalbar, settings, tmp_path
):
    settings.P3DN_IMPORTS_INLINE = True
    client = client_for(tim_kalbar)
    with FULL.open("rb") as upload:
        client.post(reverse("imports:list"), {"uploads": [upload]})
    three, missing = first_rows(tmp_path, 3)
    with three.open("rb") as upload:
        response = client.post(reverse("imports:list"), {"uploads": [upload]})
    held = ImportRun.objects.get(file_name=three.name)
    assert response.url == reverse("imports:detail", args=[held.pk])

    html = client.get(response.url).content.decode()
    assert "Perlu konfirmasi" in html
    for label in ("ditambahkan", "diperbarui", "ditutup", "tidak berubah"):
        assert f'<th class="num">{label}</th>' in html
    assert f'<td class="num">{dotted(missing)}</td>' in html
    assert f"Terapkan dan tutup {dotted(missing)} fakta" in html
    assert "Terapkan tanpa menutup apa pun" in html

    response = client.post(reverse("imports:confirm-close", args=[held.pk]))
    done = ImportRun.objects.latest("id")
    assert response.url == reverse("imports:detail", args=[done.pk])
    assert (done.status, done.rows_closed, done.rows_unchanged) == ("applied", missing, 3)
    assert (done.closing, done.close_limit, done.user) == ("confirmed", missing, tim_kalbar)
    assert RupPackage.objects.filter(valid_to__isnull=True).count() == 3
    assert RupPackage.objects.filter(valid_to=done).count() == missing
    html = client.get(response.url).content.decode()
    assert f'<td class="num">{dotted(missing)}</td>' in html


def test_a_confirmation_covers_at_most_the_number_shown_and_a_partial_file_closes_nothing(
    client_for, admin_pusat, settings, tmp_path
):
    settings.P3DN_IMPORTS_INLINE = True
    client = client_for(admin_pusat)
    services.import_now(actor=None, path=FULL)
    three, missing = first_rows(tmp_path, 3)
    with three.open("rb") as upload:
        client.post(reverse("imports:list"), {"uploads": [upload]})
    held = ImportRun.objects.get(file_name=three.name)
    assert held.rows_closed == missing

    # Meanwhile a newer full extract adds five packages: confirming now would close more
    full = pq.read_table(FULL)
    added = full.slice(0, 5).set_column(
        full.column_names.index("kd_rup"),
        "kd_rup",
        pa.array([990_000_000 + i for i in range(5)], pa.int64()),
    )
    newer = services.import_now(
        actor=None, path=part_of_full(tmp_path, pa.concat_tables([full, added]), "newer")
    )
    assert (newer.status, newer.rows_inserted, newer.rows_closed) == ("applied", 5, 0)
    before = current_state()

    client.post(reverse("imports:confirm-close", args=[held.pk]))
    again = ImportRun.objects.latest("id")
    assert (again.status, again.rows_closed) == ("needs_confirmation", missing + 5)
    assert dotted(missing + 5) in again.message and dotted(missing) in again.message
    assert current_state() == before

    client.post(reverse("imports:keep-open", args=[again.pk]))
    partial = ImportRun.objects.latest("id")
    assert (partial.status, partial.closing, partial.rows_closed) == ("applied", "none", 0)
    assert current_state()[1] == before[1]

    client.post(reverse("imports:confirm-close", args=[again.pk]))
    closed = ImportRun.objects.latest("id")
    assert (closed.status, closed.rows_closed) == ("applied", missing + 5)
    assert RupPackage.objects.filter(valid_to__isnull=True).count() == 3


def _cli(*args: str) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("import_file", *args, "--json", stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())["runs"][0]


def test_the_cli_asks_for_confirm_close_or_no_close(tmp_path):
    services.import_now(actor=None, path=FULL)
    three, missing = first_rows(tmp_path, 3)

    code, run = _cli(str(three))
    assert (code, run["status"], run["closed"]) == (1, "needs_confirmation", missing)
    assert dotted(missing) in run["message"]

    code, run = _cli(str(three), "--no-close")
    assert (code, run["status"], run["closed"], run["unchanged"]) == (0, "applied", 0, 3)
    assert RupPackage.objects.filter(valid_to__isnull=True).count() == missing + 3

    code, run = _cli(str(three), "--confirm-close")
    assert (code, run["status"], run["closed"]) == (0, "applied", missing)
    assert RupPackage.objects.filter(valid_to__isnull=True).count() == 3

    with pytest.raises(CommandError, match="not allowed"):  # one or the other
        call_command("import_file", str(three), "--confirm-close", "--no-close")


def test_the_api_answers_the_hold_and_takes_confirm_close(
    client_for, tim_kalbar, settings, tmp_path
):
    settings.P3DN_IMPORTS_INLINE = True
    client = client_for(tim_kalbar)
    with FULL.open("rb") as upload:
        assert client.post("/api/v1/imports", {"file": upload}).json()["closed"] == 0
    three, missing = first_rows(tmp_path, 3)
    with three.open("rb") as upload:
        held = client.post("/api/v1/imports", {"file": upload})
    assert held.status_code == 201
    body = held.json()
    assert (body["status"], body["closed"], body["inserted"]) == ("needs_confirmation", missing, 0)
    assert dotted(missing) in body["message"]

    with three.open("rb") as upload:
        both = client.post("/api/v1/imports", {"file": upload, "confirm_close": "true",
                                                "no_close": "true"})
    assert both.status_code == 422

    with three.open("rb") as upload:
        done = client.post("/api/v1/imports", {"file": upload, "confirm_close": "true"}).json()
    assert (done["status"], done["closed"], done["unchanged"]) == ("applied", missing, 3)
    assert client.get(f"/api/v1/imports/{done['id']}").json()["closed"] == missing


def test_a_full_extract_that_drops_a_few_packages_closes_them_without_asking(
    tmp_path, settings
):
    services.import_now(actor=None, path=FULL)
    full = pq.read_table(FULL)
    kept = full.slice(40)
    dropped = set(full.column("kd_rup").to_pylist()) - set(kept.column("kd_rup").to_pylist())
    assert 0 < len(dropped) * 100 <= full.num_rows * settings.P3DN_IMPORT_CLOSE_PERCENT
    newer = part_of_full(tmp_path, kept, "newer")

    run = services.import_now(actor=None, path=newer)

    assert (run.status, run.rows_closed, run.rows_updated) == ("applied", len(dropped), 0)
    assert run.rows_unchanged == kept.num_rows and not run.message
    assert set(RupPackage.objects.filter(valid_to=run).values_list("kd_rup", flat=True)) == dropped

    settings.P3DN_IMPORT_CLOSE_PERCENT = 0  # the share is configuration: now it asks
    services.import_now(actor=None, path=FULL)
    assert services.import_now(actor=None, path=newer).status == "needs_confirmation"


def test_the_same_full_extract_again_closes_nothing_and_asks_nothing():
    services.import_now(actor=None, path=FULL)
    again = services.import_now(actor=None, path=FULL)
    assert (again.status, again.rows_closed, again.rows_unchanged) == ("applied", 0, 4396)


def test_a_rejected_row_keeps_its_fact_instead_of_closing_it(tmp_path):
    rows = json.loads(SAMPLE.read_text(encoding="utf-8"))
    services.import_now(actor=None, path=SAMPLE)
    broken = rows[2]["kd_rup"]
    rows[2] = {**rows[2], "pagu": "not a number"}
    path = tmp_path / "RUP-PaketPenyedia-Terumumkan.json"
    path.write_text(json.dumps(rows), encoding="utf-8")

    run = services.import_now(actor=None, path=path, apply_valid_rows=True)

    assert (run.status, run.rows_rejected, run.rows_closed) == ("applied", 1, 0)
    assert RupPackage.objects.get(kd_rup=broken).valid_to is None


def test_a_file_uploaded_as_partial_closes_nothing(client_for, tim_kalbar, settings, tmp_path):
    settings.P3DN_IMPORTS_INLINE = True
    client = client_for(tim_kalbar)
    services.import_now(actor=None, path=FULL)
    three, missing = first_rows(tmp_path, 3)
    with three.open("rb") as upload:
        client.post(reverse("imports:list"), {"uploads": [upload], "partial": "on"})
    run = ImportRun.objects.get(file_name=three.name)
    assert (run.status, run.closing, run.rows_closed) == ("applied", "none", 0)
    assert RupPackage.objects.filter(valid_to__isnull=True).count() == missing + 3
