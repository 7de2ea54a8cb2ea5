"""The warnings of the indicator JSON as objects, the cached data-quality reader, the sample-RUP
banner, the ranking's incomplete mark and the year the Dasbor and the ranking open on (issue 11,
points 4 and 5), on the real files: every expected figure is computed here from the raw files."""

from __future__ import annotations

import io
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from conftest import BANDUNG_2025_DIR, KALBAR_2023_DIR
from p3dn.imports import services as imports
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.monev import services as monev
from p3dn.monitoring.monev.models import Snapshot
from p3dn.monitoring.queries import readable_warnings
from p3dn.monitoring.reports import documents as reports
from p3dn.procurement.sums import Filters
from p3dn.quality import cached
from p3dn.quality.queries import CODES, warnings_for

D = Decimal


def sample_title(pemda, tahun: int) -> str:
    return f"RUP {pemda.name} {tahun} yang diimpor hanya sampel"


def raw(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def bandung_commitment() -> tuple[int, Decimal, dict[str, Decimal]]:
    """From the sample files: the RUP's packages (penyedia and swakelola), the pagu of the
    announced active provider packages, and their PDN pagu per satker."""
    penyedia = [
        r
        for r in raw(BANDUNG_2025_DIR, "rup-paket-penyedia-terumumkan.sample.json")
        if r["kd_klpd"] == "D107"
    ]
    swakelola = [
        r
        for r in raw(BANDUNG_2025_DIR, "rup-paket-swakelola-terumumkan.sample.json")
        if r["kd_klpd"] == "D107"
    ]
    packages = {str(r["kd_rup"]) for r in penyedia + swakelola}
    live = [
        r
        for r in penyedia
        if r["status_umumkan_rup"] == "Terumumkan"
        and r["status_aktif_rup"]
        and r["status_delete_rup"] is not True
    ]
    pdn: dict[str, Decimal] = {}
    for r in live:
        if r["status_pdn"] == "PDN":
            pdn[str(r["kd_satker"])] = pdn.get(str(r["kd_satker"]), D(0)) + D(str(r["pagu"]))
    return len(packages), sum((D(str(r["pagu"])) for r in live), D(0)), pdn


def codes(warnings: list[dict]) -> list[str]:
    return [w["code"] for w in warnings]


def test_the_indicator_json_carries_warning_objects_whole_and_per_row(
    bandung_2025_sample_rup_and_realization, client_for, tim_bandung, tim_kalbar
):
    pemda = bandung_2025_sample_rup_and_realization
    packages, pagu, pdn_by_satker = bandung_commitment()
    out = io.StringIO()
    call_command("indicators", klpd="D107", year=2025, format="json", by="satker", stdout=out)
    result = json.loads(out.getvalue())
    whole = result["warnings"]
    # one object per code, in the order of the codes, exactly the data-quality warnings
    assert codes(whole) == [c for c in CODES if c in codes(whole)]
    assert len(set(codes(whole))) == len(whole)
    assert whole == [w.as_json() for w in warnings_for(pemda=pemda, tahun=2025)]
    assert all(set(w) == {"code", "count", "nilai", "message"} for w in whole)
    sample = whole[codes(whole).index("rup_sampel")]
    assert sample["count"] == packages == 50
    assert D(sample["nilai"]) == pagu and sample["nilai"] == str(pagu.quantize(D("0.01")))
    assert sample["message"].startswith("RUP yang diimpor tampak hanya sampel")
    assert {"capaian_di_atas_100", "realisasi_tanpa_rup"} <= set(codes(whole))
    # every row carries the codes of its own figures: a unit above 100% says so with its rupiah
    above = [r for r in result["rows"] if r["capaian_pdn"] and D(r["capaian_pdn"]) > 1]
    assert above
    for row in above:
        komitmen = pdn_by_satker[row["kd_satker"]]
        assert D(row["komitmen_pdn"]) == komitmen
        (w,) = [w for w in row["warnings"] if w["code"] == "capaian_di_atas_100"]
        assert w["count"] == 1
        assert D(w["nilai"]) == D(row["realisasi_pdn"]) - komitmen
        assert "di atas 100%" in w["message"] and "bukan capaian" in w["message"]
    assert all("rup_sampel" not in codes(r["warnings"]) for r in result["rows"])
    # the API answers the same objects; another Pemda's team does not see this Pemda at all
    answer = client_for(tim_bandung).get("/api/v1/indicators?klpd=D107&year=2025").json()
    assert answer["warnings"] == whole
    assert client_for(tim_kalbar).get("/api/v1/indicators?klpd=D107&year=2025").status_code == 404
    # the table of the CLI says each warning with its code, rows and rupiah
    table = io.StringIO()
    call_command("indicators", klpd="D107", year=2025, format="table", stdout=table)
    line = f"warning rup_sampel: {sample['message']} (50 rows, Rp {sample['nilai']})"
    assert line in table.getvalue().splitlines()


def test_a_filtered_json_takes_the_figure_codes_from_its_own_figures(
    bandung_2025_sample_rup_and_realization,
):
    pemda = bandung_2025_sample_rup_and_realization
    narrowed = compute(pemda=pemda, tahun=2025, filters=Filters(channels=("toko_daring",)))
    by_code = {w["code"]: w for w in narrowed["warnings"]}
    assert "rup_sampel" in by_code  # a property of the year, whatever the filter
    if narrowed["capaian_pdn"] is None or D(narrowed["capaian_pdn"]) <= 1:
        assert "capaian_di_atas_100" not in by_code
    else:
        assert D(by_code["capaian_di_atas_100"]["nilai"]) == D(narrowed["realisasi_pdn"]) - D(
            narrowed["komitmen_pdn"]
        )


def test_the_warnings_are_read_once_per_import(
    kalbar_2023_rup_and_realization, monkeypatch, capsys
):
    pemda = kalbar_2023_rup_and_realization
    calls = []
    real = cached.warnings_for

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(cached, "warnings_for", counted)
    started = time.perf_counter()
    first = compute(pemda=pemda, tahun=2023)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    again = compute(pemda=pemda, tahun=2023)
    warm = time.perf_counter() - started
    assert len(calls) == 1 and again["warnings"] == first["warnings"]
    # a new import records a refresh: the key changes and the warnings are read again, and
    # now see the tender results (no tender row lacks its package's code any more)
    before = {w["code"]: w for w in first["warnings"]}["realisasi_tanpa_rup"]
    run = imports.import_now(actor=None, path=KALBAR_2023_DIR / "SPSE-TenderSelesaiNilai.json")
    assert run.status == "applied"
    after = {w["code"]: w for w in compute(pemda=pemda, tahun=2023)["warnings"]}
    assert len(calls) == 2
    assert after["realisasi_tanpa_rup"]["count"] < before["count"]
    with capsys.disabled():
        print(f"\nindicator JSON of Kalbar 2023: {cold:.2f} s cold, {warm:.2f} s with the cache")


def test_old_snapshots_with_string_warnings_are_still_shown(
    kalbar_2023_rup_and_realization, client_for, tim_kalbar
):
    pemda = kalbar_2023_rup_and_realization
    snapshot = monev.take_snapshot(pemda=pemda, tahun=2023, kind=Snapshot.Kind.ON_DEMAND)
    figures = dict(snapshot.figures)
    figures["warnings"] = ["komitmen_pdn is 0: capaian_pdn is null", "something else"]
    Snapshot.objects.filter(pk=snapshot.pk).update(figures=figures)
    assert readable_warnings(figures["warnings"]) == [
        {
            "code": "komitmen_pdn_nol",
            "count": None,
            "nilai": None,
            "message": "Komitmen PDN 0: capaian PDN tidak dapat dihitung.",
        },
        {"code": "", "count": None, "nilai": None, "message": "something else"},
    ]
    client = client_for(tim_kalbar)
    page = client.get(f"/dasbor/pemda/{pemda.pk}/monev/snapshot/{snapshot.pk}/")
    assert page.status_code == 200
    assert "Komitmen PDN 0: capaian PDN tidak dapat dihitung." in page.content.decode()
    answer = client.get(f"/api/v1/monev/snapshots/{snapshot.pk}")
    assert answer.status_code == 200
    assert answer.json()["figures"]["warnings"] == figures["warnings"]  # as stored


def test_a_sample_rup_says_so_on_every_page_of_its_numbers(
    bandung_2025_sample_rup_and_realization, client_for, tim_bandung, tim_kalbar
):
    pemda = bandung_2025_sample_rup_and_realization
    client = client_for(tim_bandung)
    link = f"/dasbor/pemda/{pemda.pk}/kualitas-data/?tahun=2025&amp;kode=rup_sampel#kode-rup_sampel"
    snapshot = monev.take_snapshot(pemda=pemda, tahun=2025, kind=Snapshot.Kind.ON_DEMAND)
    base = f"/dasbor/pemda/{pemda.pk}"
    for url in (
        f"{base}/?tahun=2025",
        f"{base}/rincian/?tahun=2025&sumber=realisasi",
        f"{base}/monev/?tahun=2025",
        f"{base}/monev/snapshot/{snapshot.pk}/",
        f"{base}/kualitas-data/?tahun=2025",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert sample_title(pemda, 2025) in html and link in html, url
    snapshot_page = client.get(f"{base}/monev/snapshot/{snapshot.pk}/")
    assert snapshot_page.context["incomplete"] is True
    assert "Data belum lengkap" in snapshot_page.content.decode()
    # the Dasbor's warnings each link to their rows on the data-quality page
    dasbor = client.get(f"{base}/?tahun=2025").content.decode()
    for code in ("rup_sampel", "capaian_di_atas_100", "realisasi_tanpa_rup"):
        assert f"kode={code}#kode-{code}" in dasbor
    quality = client.get(f"{base}/kualitas-data/?tahun=2025").content.decode()
    assert 'id="kode-rup_sampel"' in quality
    # the report: the PDF's cover and the workbook's header
    report = reports.build_report(pemda=pemda, tahun=2025)
    assert sample_title(pemda, 2025) in reports.report_html(report)
    sheet = load_workbook(io.BytesIO(reports.report_xlsx(report))).active
    header = [str(c.value) for row in sheet.iter_rows(max_row=12) for c in row if c.value]
    assert any(sample_title(pemda, 2025) in v for v in header)
    # the trend is never drawn for an incomplete year, and says why
    assert report.capaian_light == "incomplete"
    assert "Data belum lengkap" in report.charts["trend"]
    # another Pemda's team does not see these pages at all
    assert client_for(tim_kalbar).get(f"{base}/?tahun=2025").status_code == 404


@pytest.fixture
def kalbar_with_a_newer_incomplete_year(kalbar_2023_all_packages_and_realization, tmp_path):
    """Kalbar 2023 complete, and one non-tender contract of 2024 without any RUP of 2024."""
    rows = raw(KALBAR_2023_DIR, "SPSE-NonTenderEkontrak-Kontrak.json")
    row = dict(next(r for r in rows if r["nilai_kontrak"]), tahun_anggaran=2024)
    row["kd_nontender"] = 990000001
    path = tmp_path / "SPSE-NonTenderEkontrak-Kontrak.json"
    path.write_text(json.dumps([row]), encoding="utf-8")
    assert imports.import_now(actor=None, path=path).status == "applied"
    return kalbar_2023_all_packages_and_realization


def test_the_dasbor_and_the_ranking_open_on_the_newest_complete_year(
    kalbar_with_a_newer_incomplete_year, client_for, tim_kalbar, viewer_nasional, tim_bandung
):
    pemda = kalbar_with_a_newer_incomplete_year
    assert "rup_sampel" in {w.code for w in warnings_for(pemda=pemda, tahun=2024)}
    page = client_for(tim_kalbar).get(f"/dasbor/pemda/{pemda.pk}/")
    assert page.context["tahun"] == 2023 and page.context["newer_incomplete"] == 2024
    html = page.content.decode()
    assert "Data tahun 2024 sudah ada tetapi belum lengkap" in html and "?tahun=2024" in html
    assert sample_title(pemda, 2023) not in html
    newer = client_for(tim_kalbar).get(f"/dasbor/pemda/{pemda.pk}/?tahun=2024")
    assert newer.context["newer_incomplete"] is None
    assert sample_title(pemda, 2024) in newer.content.decode()
    # the national ranking opens on 2023: in 2024 no Pemda has complete data
    ranking = client_for(viewer_nasional).get("/dasbor/peringkat/")
    assert ranking.context["tahun"] == 2023
    assert [r["pemda"].pk for r in ranking.context["by_capaian"]] == [pemda.pk]
    later = client_for(viewer_nasional).get("/dasbor/peringkat/?tahun=2024")
    assert later.context["by_capaian"] == []
    assert [r["pemda"].pk for r in later.context["incomplete"]] == [pemda.pk]
    # a Pemda of the other team sees only its own ranking (no data: this year by default)
    assert pemda.pk not in [
        r["pemda"].pk
        for r in client_for(tim_bandung).get("/dasbor/peringkat/").context["by_rupiah"]
    ]


def test_the_worker_computes_the_warnings_of_the_year_it_refreshed(
    kalbar_2023_rup_and_realization, monkeypatch
):
    pemda = kalbar_2023_rup_and_realization
    calls = []
    real = cached.warnings_for

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(cached, "warnings_for", counted)
    run = imports.queue_import(actor=None, path=KALBAR_2023_DIR / "SPSE-TenderSelesaiNilai.json")
    call_command("run_worker", stdout=io.StringIO())
    run.refresh_from_db()
    assert (run.status, run.pemda_id, run.tahun) == ("applied", pemda.pk, 2023)
    assert [(c["pemda"], c["tahun"]) for c in calls] == [(pemda, 2023)]
    # the first reader after the import finds them: no second computation
    assert compute(pemda=pemda, tahun=2023)["warnings"]
    assert len(calls) == 1
