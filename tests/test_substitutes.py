"""The import-substitution finder (issue 12, point 5) on the real files: the Kemenperin export
and the KKU e-Katalog catalogue as the registry (through the import engine, the registry sync
and the search index of the worker, as tests/test_search_app.py), and Prov. Kalbar 2023's RUP
and contracts (9 Non-PDN packages) as the spending to scan. Expected figures are read from
the raw files here; roles are tried with the users of two Pemda."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from test_catalog_registry import raw_export

from conftest import KALBAR_2023_DIR, SHARED_DATA
from p3dn import cli
from p3dn.audit.models import LogEntry
from p3dn.catalog.substitutes import finder, queries, services
from p3dn.catalog.substitutes.models import Scan, ScanRow
from p3dn.imports import services as imports
from p3dn.monitoring.reports.documents import build_report, report_html

EXPORT = SHARED_DATA / "tkdn" / "kemenperin-export-sample.xls"
KKU = SHARED_DATA / "ekatalog" / "kalbar-kabupaten-2022" / "KKU-prodkatalog2022.parquet"
RUP_FILE = KALBAR_2023_DIR / "RUP-PaketPenyedia-Terumumkan.parquet"
CONTRACT_FILES = {"tender": ("SPSE-TenderEkontrak-Kontrak.json", "kd_tender"),
                  "non_tender": ("SPSE-NonTenderEkontrak-Kontrak.json", "kd_nontender")}
FOTOCOPY = "Mesin Fotocopy, Paper Shredder, UPS, PC All in One dan Printer"

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(db) -> None:
    """The export and the KKU catalogue imported, then the worker: registry sync, index."""
    for path in (EXPORT, KKU):
        assert imports.import_now(actor=None, path=path).status == "applied"
    call_command("run_worker", stdout=StringIO())


@pytest.fixture
def scanned(kalbar_2023_rup_and_contracts, registry, tim_kalbar) -> Scan:
    return services.scan(pemda=kalbar_2023_rup_and_contracts, tahun=2023, user=tim_kalbar)


def _non_pdn_packages() -> list[dict]:
    return [r for r in pq.read_table(RUP_FILE).to_pylist()
            if r["status_pdn"] != "PDN" and r["status_umumkan_rup"] == "Terumumkan"
            and r["status_aktif_rup"] and not r["status_delete_rup"]]


def _non_pdn_contracts() -> dict[str, dict[str, Decimal]]:
    """Per channel, kd_paket → non-PDN part of the latest addendum version, from the files."""
    out: dict[str, dict[str, Decimal]] = {}
    for channel, (name, key) in CONTRACT_FILES.items():
        latest: dict[str, dict] = {}
        for row in json.loads((KALBAR_2023_DIR / name).read_text(encoding="utf-8")):
            code = str(row[key])
            if code not in latest or row["versi_addendum"] > latest[code]["versi_addendum"]:
                latest[code] = row
        parts = {code: Decimal(str(r["nilai_kontrak"])) - Decimal(str(r["nilai_pdn_kontrak"] or 0))
                 for code, r in latest.items()}
        out[channel] = {c: v for c, v in parts.items() if v > 0}
    return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.casefold()))


def _export_row(words: str) -> dict[str, str]:
    return next(r for r in raw_export() if r["Produk"].casefold() == words.casefold())


def test_a_budget_name_is_searched_by_the_goods_it_names():
    assert finder.search_texts("Belanja Modal " + FOTOCOPY) == [
        "Mesin Fotocopy", "Paper Shredder", "UPS", "PC All in One", "Printer"]
    assert finder.search_texts(
        "Pekerjaan Pengadaan Pemasangan PJU di Bukit Sigoler, Kab. Sambas") == ["Pemasangan PJU"]
    assert finder.search_texts(
        "Belanja Pemeliharaan Alat Angkutan-Alat Angkutan Darat Bermotor-Kendaraan Bermotor "
        "Beroda Dua") == ["Kendaraan Bermotor Beroda Dua"]
    assert finder.search_texts("Belanja Obat-Obatan-Obat (Pengelolaan Pelayanan 1.02)") == [
        "Obat-Obatan-Obat"]
    assert finder.search_texts("Belanja Modal (5.02.01)") == []


def test_a_typed_text_gives_the_certified_product_its_tkdn_and_the_c2_tier(registry, client):
    raw = _export_row("ALL IN ONE PC")
    response = client.get("/api/v1/substitutes", {"q": "pc all in one"})
    assert response.status_code == 200
    answer = response.json()
    found = [r for r in answer["results"] if r["produk"].casefold() == "all in one pc"]
    assert found, answer
    tkdn = Decimal(raw["Nilai TKDN (%)"]) / 100
    assert {Decimal(r["tkdn"]) for r in found} == {tkdn}
    assert _words(found[0]["perusahaan"]) - {"pt", "tbk"} <= _words(raw["Nama Perusahaan"])
    expiry = dt.date.fromisoformat(found[0]["berlaku_sampai"])
    assert found[0]["sertifikat_berlaku"] == (expiry >= dt.date.today())
    tier = answer["tingkat_pembelian"]
    # C2 on the certified products found: TKDN >= 25% gives tier a or b, else c
    valid = [Decimal(r["tkdn"]) for r in answer["results"]
             if r["tkdn"] is not None and r["sertifikat_berlaku"]]
    if any(t >= Decimal("0.25") for t in valid):
        assert tier["tingkat"] in ("a", "b")
    elif valid:
        assert tier["tingkat"] == "c"
    else:
        assert tier["tingkat"] == "impor"
    assert tier["dasar_hukum"].startswith("Perpres 46/2025")
    # the page says the same, in Indonesian
    page = client.get(reverse("substitutes:page"), {"q": "pc all in one"})
    assert page.status_code == 200
    assert "ALL IN ONE PC" in page.content.decode()
    assert "Tingkat pembelian" in page.content.decode()


def test_the_price_difference_is_the_alternatives_price_minus_the_price_paid(registry, client):
    rows = [r for r in pq.read_table(KKU).to_pylist() if "TINTA AMAZINK" in r["nama_produk"]]
    lowest = min(Decimal(str(p["harga"])) for r in rows for p in json.loads(r["harga"]))
    answer = client.get("/api/v1/substitutes", {"q": "tinta amazink", "harga": "100000"}).json()
    priced = [r for r in answer["results"] if r["harga"] is not None]
    assert priced and answer["total"] >= len(priced)
    for r in priced:
        assert Decimal(r["selisih_harga"]) == Decimal(r["harga"]) - Decimal("100000")
        assert r["wilayah_harga"]
    assert min(Decimal(r["harga"]) for r in priced) == lowest
    # without a price paid there is no difference
    plain = client.get("/api/v1/substitutes", {"q": "tinta amazink"}).json()
    assert all(r["selisih_harga"] is None for r in plain["results"])


def test_bad_parameters_are_refused_not_crashed(registry, client):
    assert client.get("/api/v1/substitutes").status_code == 422
    assert client.get("/api/v1/substitutes", {"q": "pompa", "limit": 0}).status_code == 422
    assert client.get("/api/v1/substitutes", {"q": "pompa", "harga": "-1"}).status_code == 422
    assert client.get(reverse("substitutes:page"), {"q": "pompa", "harga": "abc"}
                      ).status_code == 400
    assert client.get(reverse("substitutes:page"), {"q": "x" * 201}).status_code == 400


def test_the_scan_stores_every_non_pdn_row_with_its_figures_from_the_files(scanned):
    packages = _non_pdn_packages()
    assert len(packages) == 9
    rup = ScanRow.objects.filter(scan=scanned, source="rup")
    assert {int(r.ident) for r in rup} == {p["kd_rup"] for p in packages}
    assert sum(r.non_pdn for r in rup) == sum(Decimal(str(p["pagu"])) for p in packages)
    for channel, parts in _non_pdn_contracts().items():
        rows = ScanRow.objects.filter(scan=scanned, source=channel)
        assert {r.ident: r.non_pdn for r in rows} == parts
    assert scanned.rows == ScanRow.objects.filter(scan=scanned).count()
    assert scanned.rows_with_alternatives == ScanRow.objects.filter(
        scan=scanned, alternatives__gt=0).count()
    # the package of office machines finds the certified "ALL IN ONE PC" of the export
    fotocopy = next(p for p in packages if FOTOCOPY in p["nama_paket"])
    row = rup.get(ident=str(fotocopy["kd_rup"]))
    assert row.searched.split(" | ") == finder.search_texts(fotocopy["nama_paket"])
    assert "ALL IN ONE PC" in {a["produk"] for a in row.best}
    assert row.tier in ("a", "b", "c")
    assert row.unit_name == fotocopy["nama_satker"] or row.unit_name.casefold() == \
        fotocopy["nama_satker"].casefold()
    # potensi PDN per unit: the non-PDN value of its rows with an alternative, plan apart
    found = {int(r.ident) for r in rup if r.alternatives}
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for p in packages:
        if p["kd_rup"] in found:
            expected[p["nama_satker"].casefold()] += Decimal(str(p["pagu"]))
    lines = {u.name.casefold(): u.potensi_rencana for u in queries.unit_summary(scanned)
             if u.potensi_rencana}
    assert lines == dict(expected)
    assert fotocopy["nama_satker"].casefold() in lines
    assert LogEntry.objects.filter(action="substitutes.scan").count() == 1


def test_a_new_scan_replaces_the_last_and_the_cli_scans_and_searches(scanned, capsys):
    out = StringIO()
    call_command("catalog_substitutes", "--scan", "--klpd", "d197", "--tahun", "2023",
                 "--format", "json", stdout=out)
    answer = json.loads(out.getvalue())
    assert Scan.objects.count() == 1
    latest = Scan.objects.get()
    assert latest.pk != scanned.pk and latest.actor_name == "cli"
    assert answer["baris"] == latest.rows and answer["klpd"] == "D197"
    assert Decimal(answer["potensi_pdn_rencana"]) == queries.totals(latest).potensi_rencana
    out = StringIO()
    call_command("catalog_substitutes", "all in one pc", "--format", "json", stdout=out)
    text = json.loads(out.getvalue())
    assert list(text) == ["query", "total", "lebih_banyak", "tingkat_pembelian", "results"]
    out = StringIO()
    call_command("catalog_substitutes", "all in one pc", stdout=out)
    assert f"{text['total']} domestic alternatives" in out.getvalue()
    assert "ALL IN ONE PC" in out.getvalue()
    assert cli.management_commands("catalog", ["substitutes", "pompa"]) == [
        ["catalog_substitutes", "pompa"]]
    with pytest.raises(Exception, match="KLPD"):
        call_command("catalog_substitutes", "--scan", "--klpd", "X999", "--tahun", "2023")


def test_roles_of_two_pemda_on_the_scan_pages_api_and_button(
        operator_kalbar, tim_kalbar, tim_bandung, viewer_nasional, kalbar_2023_rup_and_contracts,
        registry, client_for, client):
    kalbar = kalbar_2023_rup_and_contracts
    page = reverse("substitutes:scan", args=[kalbar.pk])
    run = reverse("substitutes:run", args=[kalbar.pk])
    assert client.get(page, {"tahun": 2023}).status_code == 302  # sign in first
    assert client_for(operator_kalbar).post(run, {"tahun": 2023}).status_code == 403
    assert client_for(tim_bandung).post(run, {"tahun": 2023}).status_code == 404
    assert not Scan.objects.exists()
    response = client_for(tim_kalbar).post(run, {"tahun": 2023})
    assert response.status_code == 302 and Scan.objects.count() == 1
    scan = Scan.objects.get()
    whole = queries.totals(scan)
    assert whole.potensi_rencana > 0
    shown = client_for(operator_kalbar).get(page, {"tahun": 2023})
    assert shown.status_code == 200 and "Potensi PDN" in shown.content.decode()
    rup = client_for(operator_kalbar).get(page, {"tahun": 2023, "sumber": "rup", "ada": "on"})
    assert "ALL IN ONE PC" in rup.content.decode()  # the office machines' alternative
    assert "Potensi PDN pada rencana (RUP)" in shown.content.decode()
    assert client_for(viewer_nasional).get(page, {"tahun": 2023}).status_code == 200
    assert client_for(tim_bandung).get(page, {"tahun": 2023}).status_code == 404
    api = f"/api/v1/substitutes/scans/{kalbar.pk}"
    assert client_for(tim_bandung).get(api, {"tahun": 2023}).status_code == 404
    summary = client_for(operator_kalbar).get(api, {"tahun": 2023}).json()
    assert Decimal(summary["potensi_pdn_rencana"]) == whole.potensi_rencana
    assert sum(Decimal(u["potensi_pdn_rencana"]) for u in summary["units"]) == \
        whole.potensi_rencana
    rows = client_for(viewer_nasional).get(api + "/rows", {"tahun": 2023, "sumber": "rup"})
    assert rows.status_code == 200 and len(rows.json()["items"]) == 9
    assert client_for(tim_kalbar).get(api, {"tahun": 2022}).status_code == 404
    # bad parameters: 400, never 500
    assert client_for(tim_kalbar).get(page, {"tahun": "abc"}).status_code == 400
    assert client_for(tim_kalbar).get(page, {"tahun": 2023, "unit": "xyz"}).status_code == 400
    assert client_for(tim_kalbar).get(page, {"tahun": 2023, "sumber": "x"}).status_code == 400
    assert client_for(tim_kalbar).get(api + "/rows", {"tahun": 2023, "unit": "x"}
                                      ).status_code == 422


def test_the_dasbor_and_the_report_show_the_potensi_of_the_stored_scan(
        scanned, client_for, tim_kalbar):
    kalbar = scanned.pemda
    whole = queries.totals(scanned)
    dasbor = client_for(tim_kalbar).get(reverse("monitoring:dashboard", args=[kalbar.pk]),
                                        {"tahun": 2023}).content.decode()
    assert 'id="potensi-pdn"' in dasbor
    assert reverse("substitutes:scan", args=[kalbar.pk]) in dasbor
    html = report_html(build_report(pemda=kalbar, tahun=2023))
    from p3dn.lib.money import format_rupiah
    assert "Potensi PDN" in html and format_rupiah(whole.potensi_rencana) in html
    xlsx = client_for(tim_kalbar).get(reverse("monitoring:report-xlsx", args=[kalbar.pk]),
                                      {"tahun": 2023})
    sheet = load_workbook(io.BytesIO(xlsx.content))["Potensi PDN"]
    values = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert Decimal(str(values["Potensi PDN pada rencana (RUP)"])) == whole.potensi_rencana
    assert Decimal(str(values["Potensi PDN pada realisasi"])) == whole.potensi_realisasi


def test_the_excel_export_lists_the_rows_of_the_scan(scanned, client_for, tim_kalbar,
                                                     tim_bandung):
    url = reverse("substitutes:export", args=[scanned.pemda.pk])
    assert client_for(tim_bandung).get(url, {"tahun": 2023}).status_code == 404
    response = client_for(tim_kalbar).get(url, {"tahun": 2023, "sumber": "rup"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    head, rows = book.worksheets
    assert any(r[0].value == "Tahun" and r[1].value == 2023 for r in head.iter_rows())
    lines = list(rows.iter_rows(min_row=2, values_only=True))
    assert len(lines) == 9
    assert sum(Decimal(str(r[5])) for r in lines) == sum(
        Decimal(str(p["pagu"])) for p in _non_pdn_packages())
