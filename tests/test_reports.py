"""The Laporan Monev P3DN (PDF and Excel) and the national ranking workbook: the same numbers
as ``compute``, the findings and snapshots of Monev, and only for who may see the Pemda."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.accounts.models import Pemda, Unit
from p3dn.imports import services
from p3dn.lib.money import format_rupiah
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.models import Target
from p3dn.monitoring.monev import services as findings
from p3dn.monitoring.monev import services as monev
from p3dn.monitoring.queries import light
from p3dn.monitoring.reports import documents as reports

D = Decimal


@pytest.fixture
def kalbar_tender(db) -> Pemda:
    """Kalbar 2023 with its tender contracts only (enough for its years and the ranking)."""
    run = services.import_now(actor=None, path=KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    assert run.status == "applied"
    return Pemda.objects.get(kd_klpd="D197")


@pytest.fixture
def with_monev(kalbar_2023_with_tender_results, tim_kalbar) -> Pemda:
    """An open finding with its owner and due date, a closed one, and two snapshots."""
    unit = Unit.objects.get(
        pemda=kalbar_2023_with_tender_results, name="SEKRETARIAT DAERAH PROVINSI KALBAR"
    )
    findings.create_finding(
        actor=tim_kalbar,
        pemda=kalbar_2023_with_tender_results,
        tahun=2023,
        unit=unit,
        temuan="Pencatatan non-tender tanpa nilai PDN",
        tindak_lanjut="Lengkapi nilai PDN di SPSE",
        penanggung_jawab="Kepala Biro PBJ",
        due_date=dt.date(2024, 2, 29),
    )
    findings.create_finding(
        actor=tim_kalbar,
        pemda=kalbar_2023_with_tender_results,
        tahun=2023,
        temuan="Temuan yang sudah selesai",
        status="done",
    )
    for _n in range(2):
        monev.take_snapshot(
            pemda=kalbar_2023_with_tender_results, tahun=2023, kind="on_demand", actor=tim_kalbar
        )
    return kalbar_2023_with_tender_results


def page_texts(html: str) -> list[str]:
    """The text WeasyPrint lays out on each page (what the PDF shows), box by box."""
    from weasyprint import HTML

    def walk(box) -> list[str]:
        out = [box.text] if hasattr(box, "text") else []
        for child in getattr(box, "children", []):
            out += walk(child)
        return out

    document = HTML(string=html).render()
    return [" ".join(walk(page._page_box)) for page in document.pages]


def test_the_pdf_shows_the_pemda_and_the_exact_realization(client_for, tim_kalbar, with_monev):
    url = reverse("monitoring:report-pdf", args=[with_monev.pk]) + "?tahun=2023"
    response = client_for(tim_kalbar).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="laporan-monev-p3dn-D197-2023-terkini.pdf"' in response["Content-Disposition"]

    html = reports.report_html(reports.build_report(pemda=with_monev, tahun=2023))
    assert html.count("<svg") == 3  # the trend, the channels and the units
    assert "<script" not in html and "@import" not in html and "<link" not in html
    assert "@font-face" not in html and "https://" not in html  # nothing fetched: DejaVu Sans
    pages = page_texts(html)
    total = format_rupiah(compute(pemda=with_monev, tahun=2023)["realisasi_total"])
    assert total == "Rp 457.671.250.781"
    assert "Prov. Kalimantan Barat" in pages[0] and "2023" in pages[0]  # the cover
    text = " ".join(pages)
    assert total in text
    assert "Pencatatan non-tender tanpa nilai PDN" in text  # the open finding…
    assert "Kepala Biro PBJ" in text
    assert "Temuan yang sudah selesai" not in text  # …not the closed one
    assert "Perpres 12/2021 Pasal 65 ayat (4) dan (5)" in text  # the compliance summary
    assert len(pages) >= 5


def test_the_workbook_has_every_part_and_the_units_of_compute(client_for, tim_kalbar, with_monev):
    url = reverse("monitoring:report-xlsx", args=[with_monev.pk]) + "?tahun=2023"
    response = client_for(tim_kalbar).get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        _("Summary"),
        _("Channels"),
        _("Perangkat daerah"),
        _("Compliance"),
        _("Findings"),
        "Monev",
        _("Potensi PDN"),
    ]
    expected = compute(pemda=with_monev, tahun=2023, by="satker")["rows"]
    rows = list(book[_("Perangkat daerah")].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(expected)
    by_name = {(r[0], r[2]): r for r in rows}
    for unit in expected:
        row = by_name[unit["kd_satker"], unit["nama_satker"]]
        for column, key in (
            (3, "komitmen_pdn"),
            (5, "belanja_pengadaan"),
            (6, "realisasi_total"),
            (7, "realisasi_pdn"),
            (8, "realisasi_umk"),
            (9, "capaian_pdn"),
        ):
            value = row[column]
            assert (None if value is None else D(str(value))) == (
                None if unit[key] is None else D(unit[key])
            ), (unit["nama_satker"], key)
    summary = [r for r in book[_("Summary")].iter_rows(values_only=True) if r and r[0]]
    totals = dict(r[:2] for r in summary if len(r) > 1)
    whole = compute(pemda=with_monev, tahun=2023)
    assert D(str(totals["realisasi_total"])) == D(whole["realisasi_total"]) == D("457671250781.46")
    findings_rows = list(book[_("Findings")].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in findings_rows] == ["Pencatatan non-tender tanpa nilai PDN"]
    assert findings_rows[0][3] == "Kepala Biro PBJ"
    monev_rows = [r[0] for r in book["Monev"].iter_rows(values_only=True) if r[0]]
    assert "realisasi_pdn" in monev_rows  # the change since the previous snapshot


def test_the_recorded_target_sets_the_lights(kalbar_tender):
    path = KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet"
    assert services.import_now(actor=None, path=path).status == "applied"  # the commitment
    Target.objects.create(pemda=kalbar_tender, tahun=2023, capaian_q4=D("0.05"), umk_floor=D("0.3"))
    report = reports.build_report(pemda=kalbar_tender, tahun=2023)
    assert report.target.recorded and report.target.capaian == D("0.05")
    assert report.capaian_light == light(report.indicators["capaian_pdn"], D("0.05")) == "green"
    assert any(u["light"] != "none" for u in report.units)
    for unit in report.units:
        assert unit["light"] == light(unit["capaian_pdn"], D("0.05"))
        assert unit["umk_light"] == light(unit["porsi_umk_rencana"], D("0.3"))
    default = reports.target_for(Pemda.objects.get(kd_klpd="D107"), 2023)
    assert not default.recorded and default.path == [D("0.2"), D("0.4"), D("0.6"), D("0.8")]


def test_the_report_on_an_earlier_data_date_has_the_numbers_of_that_date(
    client_for, tim_kalbar, kalbar_tender
):
    kalbar_2023_with_tender_results = kalbar_tender
    before = dt.date(2000, 1, 1)  # before every import: nothing was known then
    report = reports.build_report(pemda=kalbar_2023_with_tender_results, tahun=2023, as_of=before)
    assert report.indicators == compute(
        pemda=kalbar_2023_with_tender_results, tahun=2023, as_of=before
    )
    assert report.indicators["realisasi_total"] == "0.00" and report.flags == []
    url = reverse("monitoring:report-xlsx", args=[kalbar_2023_with_tender_results.pk])
    response = client_for(tim_kalbar).get(url + "?tahun=2023&as_of=2000-01-01")
    assert "2000-01-01.xlsx" in response["Content-Disposition"]
    bad = client_for(tim_kalbar).get(url + "?tahun=2023&as_of=kemarin")
    assert bad.status_code == 404


def test_the_trend_counts_early_and_late_dates_in_the_year_and_stops_at_the_data_date():
    monthly = [
        {"bulan": "2022-11", "realisasi_pdn": "10.00"},  # before the year: counts from January
        {"bulan": "2023-03", "realisasi_pdn": "20.00"},
        {"bulan": "2024-01", "realisasi_pdn": "30.00"},  # after it: counts in December
        {"bulan": None, "realisasi_pdn": "5.00"},  # no date: left out, reported
    ]
    path = [D("0.2"), D("0.4"), D("0.6"), D("0.8")]
    trend = reports.trend_for(monthly, D("100"), 2023, dt.date(2024, 6, 1), path)
    assert trend.capaian[0] == D("0.1") and trend.capaian[2] == D("0.3")
    assert trend.capaian[10] == D("0.3") and trend.capaian[11] == D("0.6")
    assert trend.undated_pdn == D("5.00")
    quarter_ends = {2: D("0.2"), 5: D("0.4"), 8: D("0.6"), 11: D("0.8")}
    assert trend.target == [quarter_ends.get(m) for m in range(12)]
    partial = reports.trend_for(monthly, D("100"), 2023, dt.date(2023, 4, 15), path)
    assert partial.capaian[3] == D("0.3") and partial.capaian[4:] == [None] * 8


def test_the_form_offers_the_years_with_data(client_for, tim_kalbar, kalbar_tender):
    kalbar_2023_with_tender_results = kalbar_tender
    response = client_for(tim_kalbar).get(
        reverse("monitoring:report", args=[kalbar_2023_with_tender_results.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="2023"' in html
    assert reverse("monitoring:report-xlsx", args=[kalbar_2023_with_tender_results.pk]) in html


@pytest.mark.parametrize("name", ["report", "report-pdf", "report-xlsx"])
def test_another_pemdas_report_is_not_found(client_for, tim_bandung, kalbar, name):
    url = reverse(f"monitoring:{name}", args=[kalbar.pk]) + "?tahun=2023"
    assert client_for(tim_bandung).get(url).status_code == 404


def test_the_ranking_workbook_ranks_every_pemda_with_data(
    client_for, viewer_nasional, kalbar_tender
):
    kalbar_2023_with_tender_results = kalbar_tender
    url = reverse("monitoring:ranking-export") + "?tahun=2023"
    response = client_for(viewer_nasional).get(url)
    assert response.status_code == 200
    assert 'filename="peringkat-p3dn-2023.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        _("By capaian"),
        _("By rupiah"),
        _("Awards"),
        _("Without data"),
        _("Without Tim P3DN"),
    ]
    # contracts without their RUP: "data belum lengkap" (rup_sampel), never ranked by capaian
    assert book[_("By capaian")].max_row == 1
    rows = list(book[_("By rupiah")].iter_rows(min_row=2, values_only=True))
    figures = compute(pemda=kalbar_2023_with_tender_results, tahun=2023)
    assert "rup_sampel" in {w["code"] for w in figures["warnings"]}
    assert len(rows) == 1
    assert rows[0][:4] == (1, "61", "D197", "Prov. Kalimantan Barat")
    assert D(str(rows[0][6])) == D(figures["realisasi_pdn"])
    assert rows[0][9] is None and figures["capaian_pdn"] is None  # no RUP: no commitment
    assert D(str(rows[0][10])) == D(figures["komposisi_pdn"])
    assert rows[0][11] == "data belum lengkap"
    awards = list(book[_("Awards")].iter_rows(min_row=2, values_only=True))
    assert awards[0][:2] == ("provinsi", "Prov. Kalimantan Barat")
    assert book[_("Without data")].max_row - 1 == 551


def test_a_pemda_user_ranks_only_what_they_may_see(client_for, tim_bandung, kalbar_tender):
    url = reverse("monitoring:ranking-export") + "?tahun=2023"
    book = load_workbook(io.BytesIO(client_for(tim_bandung).get(url).content))
    names = [r[3] for r in book[_("By capaian")].iter_rows(min_row=2, values_only=True)] + [
        r[2] for r in book[_("Without data")].iter_rows(min_row=2, values_only=True)
    ]
    assert "Prov. Kalimantan Barat" not in names
    assert names == ["Kab. Bandung"]
