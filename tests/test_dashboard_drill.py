"""Every number of the Dasbor opens the rows behind it, the filters narrow both sides the way the
page says, and a Pemda's targets drive the traffic lights and the trend line."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pyarrow.parquet as pq
from django.urls import reverse

from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.audit.models import LogEntry
from p3dn.imports import services
from p3dn.lib.money import format_rupiah
from p3dn.monitoring import drilldown, queries, targets
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.models import Target
from p3dn.monitoring.services import save_target
from p3dn.procurement.sums import CHANNELS, Filters


def money(value) -> D:
    return D(str(value or 0)).quantize(D("0.01"))


def raw_rup() -> list[dict]:
    rows = pq.read_table(KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet").to_pylist()
    return [
        r
        for r in rows
        if r["status_umumkan_rup"] == "Terumumkan"
        and r["status_aktif_rup"]
        and r["status_delete_rup"] is not True
    ]


def drilled(pemda, tahun, sumber, nilai="nilai", unit="", bulan="", filters=Filters()) -> D:
    selection = drilldown.Selection(tahun, sumber, nilai, unit, bulan)
    return drilldown.total(drilldown.rows_for(pemda, selection, filters), nilai)


MEASURE_KEYS = {"nilai": "nilai", "pdn": "pdn", "umk": "umk", "unknown": "belum_terklasifikasi"}


def test_every_number_drills_down_to_rows_that_add_up_to_it(kalbar_2023_with_budget_lines):
    whole = compute(pemda=kalbar_2023_with_budget_lines, tahun=2023)
    assert drilled(kalbar_2023_with_budget_lines, 2023, "rup") == D(whole["pagu_penyedia"])
    assert drilled(kalbar_2023_with_budget_lines, 2023, "rup", "pdn") == D(whole["komitmen_pdn"])
    assert drilled(kalbar_2023_with_budget_lines, 2023, "rup", "umk") == D(whole["komitmen_umk"])
    assert drilled(kalbar_2023_with_budget_lines, 2023, "belanja") == D(whole["belanja_pengadaan"])
    for channel in CHANNELS:
        for nilai in ("nilai", "pdn", "umk"):
            assert drilled(kalbar_2023_with_budget_lines, 2023, channel, nilai) == D(
                whole["realisasi"][channel][MEASURE_KEYS[nilai]]
            ), (channel, nilai)
    assert D(whole["realisasi_pdn"]) > 0  # the real files have PDN realization to drill into


def test_unit_and_month_numbers_drill_down_too(kalbar_2023_with_budget_lines):
    units = compute(pemda=kalbar_2023_with_budget_lines, tahun=2023, by="satker")["rows"]
    unit_ids = {u.kd_satker: str(u.pk) for u in kalbar_2023_with_budget_lines.units.all()}
    checked = 0
    for row in units:
        if not row["kd_satker"] or D(row["realisasi_pdn"]) == 0:
            continue
        uid = unit_ids[row["kd_satker"]]
        assert drilled(kalbar_2023_with_budget_lines, 2023, "rup", "pdn", unit=uid) == D(
            row["komitmen_pdn"]
        )
        realized = sum(
            (drilled(kalbar_2023_with_budget_lines, 2023, c, "pdn", unit=uid) for c in CHANNELS),
            D("0.00"),
        )
        assert realized == D(row["realisasi_pdn"])
        checked += 1
    assert checked >= 5
    months = compute(pemda=kalbar_2023_with_budget_lines, tahun=2023, by="month")["rows"]
    for row in months:
        bulan = row["bulan"] or drilldown.NO_MONTH
        realized = sum(
            (drilled(kalbar_2023_with_budget_lines, 2023, c, bulan=bulan) for c in CHANNELS),
            D("0.00"),
        )
        assert realized == D(row["realisasi_total"]), bulan


def test_the_drill_down_page_shows_the_clicked_number_and_leads_back(
    client_for, tim_kalbar, kalbar_2023_with_budget_lines
):
    whole = compute(pemda=kalbar_2023_with_budget_lines, tahun=2023)
    client = client_for(tim_kalbar)
    url = reverse("monitoring:drill", args=[kalbar_2023_with_budget_lines.pk])
    html = client.get(url, {"tahun": 2023, "sumber": "tender", "nilai": "pdn"}).content.decode()
    pdn = D(whole["realisasi"]["tender"]["pdn"])
    assert format_rupiah(pdn) in html
    assert reverse("monitoring:dashboard", args=[kalbar_2023_with_budget_lines.pk]) in html
    parts = client.get(url, {"tahun": 2023, "sumber": "realisasi", "nilai": "pdn"})
    assert sum(p["total"] for p in parts.context["parts"]) == D(whole["realisasi_pdn"])
    page2 = client.get(url, {"tahun": 2023, "sumber": "rup", "page": 2})
    assert page2.status_code == 200 and len(page2.context["rows"]) == 50


def test_bad_drill_parameters_and_another_pemda_are_not_found(
    client_for, tim_bandung, tim_kalbar, kalbar_2023_with_budget_lines
):
    url = reverse("monitoring:drill", args=[kalbar_2023_with_budget_lines.pk])
    assert client_for(tim_bandung).get(url, {"tahun": 2023, "sumber": "rup"}).status_code == 404
    client = client_for(tim_kalbar)
    assert client.get(url, {"tahun": 2023, "sumber": "gaji"}).status_code == 404
    assert client.get(url, {"tahun": 2023, "sumber": "rup", "bulan": "2023-13"}).status_code == 404
    assert client.get(url, {"sumber": "rup"}).status_code == 404


def test_package_filters_narrow_commitment_and_linked_realization(kalbar_2023_with_budget_lines):
    rup = raw_rup()
    barang = {str(r["kd_rup"]) for r in rup if r["jenis_pengadaan"] == "Barang"}
    expected_pdn = sum(
        (money(r["pagu"]) for r in rup if str(r["kd_rup"]) in barang and r["status_pdn"] == "PDN"),
        D("0.00"),
    )
    pct = [
        r
        for r in json.loads((KALBAR / "SPSE-PencatatanNonTender.json").read_text())
        if r["status_nontender_pct_ket"] != "Paket Dibatalkan"
        and set(str(r["kd_rup"]).split(";")) & barang
    ]
    filtered = compute(
        pemda=kalbar_2023_with_budget_lines, tahun=2023, filters=Filters(jenis_pengadaan="Barang")
    )
    assert D(filtered["komitmen_pdn"]) == expected_pdn
    assert D(filtered["realisasi"]["pencatatan_non_tender"]["nilai"]) == sum(
        (money(r["total_realisasi"]) for r in pct), D("0.00")
    )
    assert filtered["realisasi"]["non_tender"]["nilai"] == "0.00"  # e-contracts name no package
    assert filtered["filters"]["jenis_pengadaan"] == "Barang"


def test_tender_contracts_reach_their_package_through_the_tender_result(
    kalbar_2023_with_budget_lines,
):
    rup = raw_rup()
    konsultansi = {str(r["kd_rup"]) for r in rup if r["jenis_pengadaan"] == "Jasa Konsultansi"}
    results = json.loads((KALBAR / "SPSE-TenderSelesaiNilai.json").read_text())
    linked = {
        str(r["kd_tender"])
        for r in results
        if set(str(r["kd_rup_paket"]).split(";")) & konsultansi
    }
    top: dict[str, dict] = {}
    for r in json.loads((KALBAR / "SPSE-TenderEkontrak-Kontrak.json").read_text()):
        k = str(r["kd_tender"])
        if k not in top or r["versi_addendum"] > top[k]["versi_addendum"]:
            top[k] = r
    expected = sum((money(r["nilai_kontrak"]) for k, r in top.items() if k in linked), D("0.00"))
    filtered = compute(
        pemda=kalbar_2023_with_budget_lines,
        tahun=2023,
        filters=Filters(jenis_pengadaan="Jasa Konsultansi"),
    )
    assert expected > 0
    assert D(filtered["realisasi"]["tender"]["nilai"]) == expected


def test_source_of_funds_filter_reads_the_budget_lines(kalbar_2023_with_budget_lines):
    lines = pq.read_table(KALBAR / "RUP-PaketAnggaranPenyedia.parquet").to_pylist()
    funds = {str(r["kd_rup"]) for r in lines if r["sumber_dana"] == "APBD"}
    expected = sum((money(r["pagu"]) for r in raw_rup() if str(r["kd_rup"]) in funds), D("0.00"))
    filtered = compute(
        pemda=kalbar_2023_with_budget_lines, tahun=2023, filters=Filters(sumber_dana="APBD")
    )
    assert D(filtered["pagu_penyedia"]) == expected
    assert "APBD" in queries.filter_options(kalbar_2023_with_budget_lines, 2023)["sumber_dana"]


def test_the_channel_filter_keeps_the_commitment_whole(kalbar_2023_with_budget_lines):
    whole = compute(pemda=kalbar_2023_with_budget_lines, tahun=2023)
    only = compute(
        pemda=kalbar_2023_with_budget_lines, tahun=2023, filters=Filters(channels=("tender",))
    )
    assert only["komitmen_pdn"] == whole["komitmen_pdn"]
    assert only["realisasi_total"] == whole["realisasi"]["tender"]["nilai"]


def test_the_dashboard_page_has_charts_links_filters_and_sorting(
    client_for, tim_kalbar, kalbar_2023_with_budget_lines
):
    client = client_for(tim_kalbar)
    url = reverse("monitoring:dashboard", args=[kalbar_2023_with_budget_lines.pk])
    response = client.get(url, {"tahun": 2023, "jenis": "Barang", "urut": "-komitmen_pdn"})
    html = response.content.decode()
    assert html.count("<svg") >= 2
    assert "sumber=tender" in html and "jenis=Barang" in html
    komitmen = [D(u["komitmen_pdn"]) for u in response.context["units"]]
    assert komitmen == sorted(komitmen, reverse=True)
    filtered = compute(
        pemda=kalbar_2023_with_budget_lines, tahun=2023, filters=Filters(jenis_pengadaan="Barang")
    )
    assert response.context["indicators"] == filtered


def test_targets_are_saved_typed_the_indonesian_way_and_audited(
    client_for, tim_kalbar, kalbar_2023_with_budget_lines
):
    url = reverse("monitoring:target", args=[kalbar_2023_with_budget_lines.pk]) + "?tahun=2023"
    data = {
        "capaian_q1": "10",
        "capaian_q2": "30",
        "capaian_q3": "62,5",
        "capaian_q4": "90",
        "umk_floor": "40",
        "denominator": "belanja_pengadaan",
        "umk_denominator": "belanja_pengadaan",
        "dasar": "Keputusan Gubernur",
    }
    response = client_for(tim_kalbar).post(url, data)
    assert response.status_code == 302
    target = Target.objects.get(pemda=kalbar_2023_with_budget_lines, tahun=2023)
    assert target.capaian_q3 == D("0.625") and target.capaian_q4 == D("0.9")
    assert LogEntry.objects.filter(action="monitoring.target.created").exists()
    summary = queries.summarise_dashboard(pemda=kalbar_2023_with_budget_lines, tahun=2023)
    assert summary["target"] == D("0.9")
    whole = summary["indicators"]
    assert summary["reported_capaian"] == D(whole["realisasi_pdn"]) / D(whole["belanja_pengadaan"])
    bad = client_for(tim_kalbar).post(url, {**data, "capaian_q2": "5"})
    assert bad.status_code == 200
    assert "kumulatif" in bad.content.decode()  # the quarterly path may not go down


def test_only_the_pemdas_tim_edits_its_targets(
    client_for, tim_bandung, operator_kalbar, viewer_nasional, kalbar
):
    url = reverse("monitoring:target", args=[kalbar.pk])
    assert client_for(tim_bandung).get(url).status_code == 404
    assert client_for(operator_kalbar).get(url).status_code == 403
    assert client_for(viewer_nasional).get(url).status_code == 403


def test_the_target_path_runs_through_the_quarter_ends():
    target = Target(tahun=2025, capaian_q1=D("0.2"), capaian_q2=D("0.4"),
                    capaian_q3=D("0.6"), capaian_q4=D("0.8"))
    assert targets.path_at(target, dt.date(2025, 1, 1)) == 0
    assert targets.path_at(target, dt.date(2025, 4, 1)) == D("0.2")
    assert targets.path_at(target, dt.date(2026, 1, 1)) == D("0.8")
    middle = targets.path_at(target, dt.date(2025, 5, 16))  # 45 of 91 days into Q2
    assert middle == D("0.2") + D("0.2") * D(45) / D(91)
    path = targets.month_path(target)
    assert path[2] == ("2025-03", D("0.2")) and path[11] == ("2025-12", D("0.8"))


def test_the_trend_is_cumulative_and_stops_today(kalbar_2023_with_budget_lines):
    summary = queries.summarise_dashboard(
        pemda=kalbar_2023_with_budget_lines, tahun=2023, today=dt.date(2023, 6, 15)
    )
    trend = summary["trend"]
    months = {r["bulan"]: D(r["realisasi_pdn"]) for r in summary["months"]}
    komitmen = D(summary["indicators"]["komitmen_pdn"])
    # realization dated before the fiscal year counts from January: the line ends at the capaian
    running = sum((v for bulan, v in months.items() if bulan and bulan <= "2023-06"), D(0))
    assert trend["actual"][5] == running / komitmen
    assert any(bulan and bulan < "2023-01" and v for bulan, v in months.items())
    assert trend["actual"][6] is None  # July had not begun on 15 June
    assert trend["path"][11] == D("0.80")


def test_the_dashboard_says_in_indonesian_why_a_ratio_is_missing(client_for, tim_kalbar, kalbar):
    run = services.import_now(actor=None, path=KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    assert run.status == "applied"
    url = reverse("monitoring:dashboard", args=[kalbar.pk])
    html = client_for(tim_kalbar).get(url, {"tahun": 2023}).content.decode()
    assert compute(pemda=kalbar, tahun=2023)["capaian_pdn"] is None
    assert "Komitmen PDN 0: capaian PDN tidak dapat dihitung." in html
    assert "kode=komitmen_pdn_nol#kode-komitmen_pdn_nol" in html  # linked to its rows
    assert "capaian_pdn is null" not in html


def test_the_exports_follow_the_filters(client_for, tim_kalbar, kalbar_2023_with_budget_lines):
    url = reverse("monitoring:export", args=[kalbar_2023_with_budget_lines.pk, "csv"])
    text = client_for(tim_kalbar).get(url, {"tahun": 2023, "jenis": "Barang"}).content.decode()
    filtered = compute(
        pemda=kalbar_2023_with_budget_lines,
        tahun=2023,
        by="satker",
        filters=Filters(jenis_pengadaan="Barang"),
    )
    whole = compute(pemda=kalbar_2023_with_budget_lines, tahun=2023, by="satker")
    assert filtered["komitmen_pdn"] != whole["komitmen_pdn"]
    for row in filtered["rows"]:
        if row["komitmen_pdn"] != "0.00":
            assert row["komitmen_pdn"] in text


def test_the_ranking_narrows_to_a_province(
    client_for, viewer_nasional, kalbar_2023_with_budget_lines, bandung
):
    url = reverse("monitoring:ranking")
    client = client_for(viewer_nasional)
    jabar = client.get(url, {"tahun": 2023, "provinsi": "32"}).context
    assert jabar["by_capaian"] == [] and all(
        p.region_id == "32" or p.region_id.startswith("32.") for p in jabar["without_data"]
    )
    assert bandung in jabar["without_data"]
    kalbar = client.get(url, {"tahun": 2023, "provinsi": "61"}).context
    assert [r["pemda"] for r in kalbar["by_capaian"]] == [kalbar_2023_with_budget_lines]
    assert len(kalbar["without_data"]) == 14  # Kalimantan Barat's 12 kabupaten and 2 kota
    excel = client.get(reverse("monitoring:ranking-export"), {"tahun": 2023, "provinsi": "61"})
    assert excel.status_code == 200


def test_the_report_states_the_definition_the_pemda_reports(kalbar_2023_with_budget_lines):
    from p3dn.monitoring.reports.documents import build_report

    save_target(
        actor=None,
        pemda=kalbar_2023_with_budget_lines,
        tahun=2023,
        values={"denominator": "pagu_penyedia"},
    )
    report = build_report(pemda=kalbar_2023_with_budget_lines, tahun=2023)
    whole = compute(pemda=kalbar_2023_with_budget_lines, tahun=2023)
    assert report.target.recorded
    assert report.target.reported_capaian == D(whole["realisasi_pdn"]) / D(whole["pagu_penyedia"])
    assert "pagu penyedia" in report.target.definition


def test_cli_and_api_take_the_dasbor_filters(kalbar_2023_with_budget_lines, client_for, tim_kalbar):
    from io import StringIO

    from django.core.management import call_command

    filters = Filters(channels=("pencatatan_non_tender", "tender"), jenis_pengadaan="Barang")
    expected = compute(pemda=kalbar_2023_with_budget_lines, tahun=2023, filters=filters)
    api = client_for(tim_kalbar).get(
        "/api/v1/indicators",
        {"klpd": "D197", "year": 2023, "channel": ["pencatatan_non_tender", "tender"],
         "jenis": "Barang"},
    )
    assert api.json() == json.loads(json.dumps(expected))
    out = StringIO()
    call_command("indicators", "--klpd", "D197", "--year", "2023", "--channel",
                 "pencatatan_non_tender", "--channel", "tender", "--jenis", "Barang", stdout=out)
    assert json.loads(out.getvalue()) == api.json()
    assert api.json()["filters"]["channels"] == ["pencatatan_non_tender", "tender"]
