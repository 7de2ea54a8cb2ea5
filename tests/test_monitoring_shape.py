"""The shape of monitoring (issue 10, points 3 and 4): one Pemda lookup by LKPP code, units an
import brings in audited once per run, the facts' own as-of, one year assembly, and the typed
indicators and Monev answers of the API giving exactly the JSON ``compute`` and the snapshot
hold, key for key and in order."""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import Http404
from django.test import Client

from conftest import BANDUNG_2025_DIR, KALBAR_2023_DIR, SHARED_DATA
from p3dn.accounts.access import get_pemda_by_klpd_for
from p3dn.accounts.models import Pemda, Unit
from p3dn.audit.models import LogEntry
from p3dn.imports import services as imports
from p3dn.imports.models import ImportRun
from p3dn.monitoring import exports, queries
from p3dn.monitoring.indicators import MONEY_KEYS, RATIO_KEYS, PemdaYear, compute
from p3dn.monitoring.monev import services as monev
from p3dn.monitoring.monev.models import Snapshot
from p3dn.procurement.models import Refresh
from p3dn.procurement.queries import latest_refresh
from p3dn.procurement.sums import Filters

REPO = Path(__file__).resolve().parents[1]
DATA = SHARED_DATA
BANDUNG = BANDUNG_2025_DIR
KALBAR = KALBAR_2023_DIR


def applied(path: Path) -> ImportRun:
    run = imports.import_now(actor=None, path=path)
    assert run.status == "applied", (path.name, run.message)
    return run


@pytest.fixture
def kalbar_contracts(kalbar) -> Pemda:
    """Kalbar 2023 with its budget and its tender contracts (units created by the import)."""
    for name in ("RUP-StrukturAnggaranPD.json", "SPSE-TenderEkontrak-Kontrak.json"):
        applied(KALBAR / name)
    return Pemda.objects.get(pk=kalbar.pk)


# ------------------------------------------------------------------ one lookup by LKPP code


def test_a_pemda_is_looked_up_by_its_code_only_within_the_users_scope(
    bandung, kalbar, tim_bandung, viewer_nasional
):
    assert get_pemda_by_klpd_for(tim_bandung, f"  {bandung.kd_klpd.lower()} ") == bandung
    with pytest.raises(Http404):
        get_pemda_by_klpd_for(tim_bandung, kalbar.kd_klpd)  # another Pemda does not exist
    with pytest.raises(Http404):
        get_pemda_by_klpd_for(tim_bandung, "NO-SUCH-CODE")
    assert get_pemda_by_klpd_for(viewer_nasional, kalbar.kd_klpd) == kalbar
    assert get_pemda_by_klpd_for(None, kalbar.kd_klpd) == kalbar  # the command line


def test_the_api_and_the_commands_look_a_pemda_up_through_the_one_function():
    for path in (
        "p3dn/monitoring/api.py",
        "p3dn/monitoring/monev/api.py",
        "p3dn/monitoring/management/commands/indicators.py",
        "p3dn/monitoring/management/commands/monev.py",
    ):
        text = (REPO / path).read_text()
        assert "get_pemda_by_klpd_for(" in text and "kd_klpd=" not in text, path


# ------------------------------------------------------------------ units an import brings in


def test_the_units_an_import_creates_and_changes_are_audited_once_per_run(bandung):
    listed = json.loads((BANDUNG / "RUP-MasterSatker.json").read_text())
    codes = {str(r["kd_satker"]) for r in listed}
    run = applied(BANDUNG / "RUP-MasterSatker.json")
    assert not LogEntry.objects.filter(object_type="accounts.unit").exists()  # not one per unit
    (entry,) = LogEntry.objects.filter(action="accounts.unit.imported", object_id=str(run.pk))
    assert entry.object_type == "imports.importrun" and entry.pemda_id == bandung.pk
    created = entry.changes["units_created"][1]
    assert {u["kd_satker"] for u in created} == codes
    assert {u["id"] for u in created} == set(
        Unit.objects.filter(pemda=bandung, kd_satker__in=codes).values_list("pk", flat=True)
    )
    # A renamed unit is changed back by the next import: one entry naming that change.
    unit = Unit.objects.get(pemda=bandung, kd_satker="60414")
    Unit.objects.filter(pk=unit.pk).update(name="DINKES LAMA")
    again = applied(BANDUNG / "RUP-MasterSatker.json")
    (second,) = LogEntry.objects.filter(action="accounts.unit.imported", object_id=str(again.pk))
    assert "units_created" not in second.changes
    assert second.changes["units_updated"][1] == [
        {"id": unit.pk, "kd_satker": "60414", "changes": {"name": ["DINKES LAMA", unit.name]}}
    ]
    # Unchanged: no entry at all.
    third = applied(BANDUNG / "RUP-MasterSatker.json")
    assert not LogEntry.objects.filter(action="accounts.unit.imported", object_id=str(third.pk))


def test_units_met_in_contracts_are_created_through_the_services_and_audited_once(kalbar):
    run = applied(KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    created = Unit.objects.filter(pemda=kalbar)
    assert created.exists()
    (entry,) = LogEntry.objects.filter(action="accounts.unit.imported", object_id=str(run.pk))
    assert {u["id"] for u in entry.changes["units_created"][1]} == set(
        created.values_list("pk", flat=True)
    )


def test_a_dry_run_creates_no_unit_and_audits_nothing(bandung):
    run = imports.import_now(actor=None, path=BANDUNG / "RUP-MasterSatker.json", dry_run=True)
    assert run.status == "checked" and not Unit.objects.filter(pemda=bandung, kd_satker="60414")
    assert not LogEntry.objects.filter(action="accounts.unit.imported").exists()


# ------------------------------------------------------------------ the facts' own as-of


def test_an_applied_import_records_the_refresh_of_the_pemdas_facts(kalbar_contracts):
    runs = ImportRun.objects.filter(pemda=kalbar_contracts, status="applied")
    assert set(Refresh.objects.values_list("run_id", flat=True)) == set(
        runs.values_list("pk", flat=True)
    )
    newest = runs.order_by("-data_as_of", "-finished_at", "-pk")[0]
    refresh = latest_refresh(pemda=kalbar_contracts)
    assert refresh is not None and refresh.run_id == newest.pk
    assert refresh.data_as_of == newest.data_as_of and refresh.file_name == newest.file_name
    snapshot = monev.take_snapshot(pemda=kalbar_contracts, tahun=2023, kind="on_demand")
    assert (snapshot.last_import_id, snapshot.data_as_of) == (newest.pk, newest.data_as_of)


def test_a_refused_or_dry_run_records_no_refresh(kalbar):
    imports.import_now(actor=None, path=KALBAR / "SPSE-TenderEkontrak-Kontrak.json", dry_run=True)
    imports.import_now(actor=None, path=BANDUNG / "SPSE-JadwalTahapanTender.json")
    assert not Refresh.objects.exists() and latest_refresh(pemda=kalbar) is None


def test_monitoring_imports_nothing_of_the_imports_app():
    for path in (REPO / "p3dn" / "monitoring").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        names = [
            n.module if isinstance(n, ast.ImportFrom) else a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in (n.names if isinstance(n, ast.Import) else [n])
        ]
        assert not [m for m in names if m and m.startswith("p3dn.imports")], path


# ------------------------------------------------------------------ one year, typed answers


def test_every_reader_of_a_year_gets_computes_numbers(kalbar_contracts):
    year = PemdaYear(pemda=kalbar_contracts, tahun=2023)
    assert year.whole == compute(pemda=kalbar_contracts, tahun=2023)
    assert year.units == compute(pemda=kalbar_contracts, tahun=2023, by="satker")["rows"]
    assert year.json("satker") == compute(pemda=kalbar_contracts, tahun=2023, by="satker")
    dashboard = queries.summarise_dashboard(pemda=kalbar_contracts, tahun=2023)
    assert dashboard["indicators"] == year.whole
    assert {u["kd_satker"]: u["realisasi_pdn"] for u in dashboard["units"]} == {
        u["kd_satker"]: u["realisasi_pdn"] for u in year.units
    }
    snapshot = monev.take_snapshot(pemda=kalbar_contracts, tahun=2023, kind="on_demand")
    assert Snapshot.objects.get(pk=snapshot.pk).figures == year.json("satker")
    assert set(MONEY_KEYS) | set(RATIO_KEYS) <= set(year.whole)
    assert exports.UNIT_KEYS[3:] == (
        *(k for k in MONEY_KEYS if k != "pagu_penyedia"),
        *(k for k in RATIO_KEYS if k != "komposisi_pdn"),
        "komitmen_pdn_apbd",
        "capaian_pdn_apbd",
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "&by=satker",
        "&by=month",
        "&by=channel",
        "&channel=tender&jenis=Barang",
        "&by=satker&as_of=2023-12-31&metode=Tender",
    ],
)
def test_the_typed_indicators_answer_is_computes_json_key_for_key(
    kalbar_contracts, client_for, tim_kalbar, query
):
    response = client_for(tim_kalbar).get(
        f"/api/v1/indicators?klpd={kalbar_contracts.kd_klpd}&year=2023{query}"
    )
    assert response.status_code == 200
    params = dict(p.split("=") for p in query.strip("&").split("&") if p)
    filters = Filters(
        tuple(c for c in [params.get("channel")] if c),
        params.get("jenis", ""),
        params.get("metode", ""),
        "",
    )
    as_of = dt.date.fromisoformat(params["as_of"]) if "as_of" in params else None
    expected = compute(
        pemda=kalbar_contracts, tahun=2023, as_of=as_of, by=params.get("by"), filters=filters
    )
    # Same keys, same order, same values, at every depth.
    assert json.dumps(response.json()) == json.dumps(json.loads(json.dumps(expected)))


def test_the_typed_snapshot_answer_is_the_stored_figures_key_for_key(
    kalbar_contracts, client_for, tim_kalbar
):
    snapshot = monev.take_snapshot(pemda=kalbar_contracts, tahun=2023, kind="on_demand")
    stored = Snapshot.objects.get(pk=snapshot.pk).figures
    body = client_for(tim_kalbar).get(f"/api/v1/monev/snapshots/{snapshot.pk}").json()
    assert body["figures"] == stored
    assert body["last_import"] == snapshot.last_import_id
    # A snapshot stored by an older version keeps what it stored, unknown keys included.
    Snapshot.objects.filter(pk=snapshot.pk).update(
        figures={"realisasi_pdn": "1.00", "capaian_pdn": None, "old_key": [1, 2]}
    )
    old = client_for(tim_kalbar).get(f"/api/v1/monev/snapshots/{snapshot.pk}").json()
    assert old["figures"] == {"realisasi_pdn": "1.00", "capaian_pdn": None, "old_key": [1, 2]}


def test_the_ranking_answer_is_the_ranking_pages_numbers_within_the_users_reach(
    kalbar_contracts, bandung, client_for, tim_kalbar, tim_bandung, viewer_nasional
):
    url = "/api/v1/indicators/ranking?year=2023"
    mine = client_for(tim_kalbar).get(url).json()
    whole = compute(pemda=kalbar_contracts, tahun=2023)
    # contracts without their RUP: the RUP "looks like a sample" (none of it), so the Pemda is
    # listed as incomplete, never ranked by capaian, with the figures and warnings of compute
    assert mine["by_capaian"] == []
    (row,) = mine["incomplete"]
    assert (row["klpd"], row["rank"], row["level"]) == (kalbar_contracts.kd_klpd, 1, "provinsi")
    assert row["incomplete"] is True and "rup_sampel" in {w["code"] for w in row["warnings"]}
    assert {k: row[k] for k in (*MONEY_KEYS, *RATIO_KEYS, "realisasi", "warnings")} == {
        k: whole[k] for k in (*MONEY_KEYS, *RATIO_KEYS, "realisasi", "warnings")
    }
    assert mine["by_rupiah"] == [row]
    assert mine["awards"] == [
        {"level": "provinsi", "pdn": kalbar_contracts.kd_klpd, "umk": kalbar_contracts.kd_klpd}
    ]
    theirs = client_for(tim_bandung).get(url).json()  # Kalbar does not exist for Bandung
    assert theirs["by_capaian"] == [] and [p["klpd"] for p in theirs["without_data"]] == [
        bandung.kd_klpd
    ]
    national = client_for(viewer_nasional).get(url + "&provinsi=61").json()
    assert [r["klpd"] for r in national["by_rupiah"]] == [kalbar_contracts.kd_klpd]
    assert bandung.kd_klpd not in {p["klpd"] for p in national["without_data"]}
    page = client_for(viewer_nasional).get("/dasbor/peringkat/?tahun=2023&provinsi=61")
    assert page.status_code == 200
    assert len(page.context["by_capaian"]) == len(national["by_capaian"])
    assert [r["pemda"].kd_klpd for r in page.context["incomplete"]] == [
        r["klpd"] for r in national["incomplete"]
    ]
    assert client_for(viewer_nasional).get(url + "&provinsi=XX").status_code == 404
    assert client_for(viewer_nasional).get("/api/v1/indicators/ranking?year=1").status_code == 422
    assert Client().get(url).status_code == 401


def test_the_schema_describes_the_indicators_and_the_snapshot_figures():
    schema = json.loads((REPO / "docs" / "api" / "openapi.json").read_text())
    parts = schema["components"]["schemas"]
    assert {"capaian_pdn", "realisasi", "rows"} <= set(parts["IndicatorsOut"]["properties"])
    assert "tender" in parts["RealisasiOut"]["properties"]
    assert "rows" in parts["SnapshotFiguresOut"]["properties"]
    assert {"by_capaian", "awards"} <= set(parts["RankingOut"]["properties"])
    answer = schema["paths"]["/api/v1/indicators"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/IndicatorsOut")


MIGRATION_CHECK = """
import datetime as dt, django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
before = [("procurement", "0005_store_jenis_pengadaan_as_sets"),
          ("monitoring", "0001_initial")]
executor = MigrationExecutor(connection)
executor.migrate(before)
old = executor.loader.project_state(before).apps
Pemda = old.get_model("accounts", "Pemda")
Run = old.get_model("imports", "ImportRun")
Snapshot = old.get_model("monitoring", "Snapshot")
Region = old.get_model("regions", "Region")
region = Region.objects.create(code="99", name="Uji", level="provinsi")
kalbar = Pemda.objects.create(region=region, name="Prov. Uji", kd_klpd="D999")
run = Run.objects.create(file_name="a.json", status="applied", pemda_id=kalbar.pk,
                         data_as_of=dt.date(2023, 12, 1))
Run.objects.create(file_name="b.json", status="rejected", pemda_id=kalbar.pk)
Run.objects.create(file_name="c.json", status="applied")  # no single Pemda
snapshot = Snapshot.objects.create(
    pemda_id=kalbar.pk, tahun=2023, kind="on_demand", taken_at=dt.datetime.now(dt.UTC),
    data_as_of=dt.date(2023, 12, 1), last_import_id=run.pk, figures={})
executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())
from p3dn.monitoring.monev.models import Snapshot
from p3dn.procurement.models import Refresh
stored = Snapshot.objects.get(pk=snapshot.pk)
print(list(Refresh.objects.values_list("run_id", "pemda_id")) == [(run.pk, kalbar.pk)],
      stored.last_import_id == run.pk, stored.last_import.file_name == "a.json")
"""


def test_the_migrations_record_the_refreshes_of_imports_already_applied(fresh_db):
    """Data of before the refreshes: the applied runs of one Pemda get theirs, and a snapshot
    keeps its ``last_import`` number (the run's id, now the refresh's)."""
    env = {**fresh_db, "DJANGO_SETTINGS_MODULE": "p3dn.settings", "P3DN_DEBUG": "True"}
    result = subprocess.run(
        [sys.executable, "-c", MIGRATION_CHECK],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "True", "True"]
