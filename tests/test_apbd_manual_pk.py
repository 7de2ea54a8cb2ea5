"""What is imported is used (issue 11, point 3): the APBD commitment of the template beside the
RUP commitment, manual realization with evidence as its own channel counted once, and the
Perjanjian Kinerja indicator (C20: TKDN, PDN or UMKK, each rupiah once) from the data."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from conftest import BANDUNG_2025_DIR, KALBAR_2023_DIR
from p3dn.accounts.models import Unit
from p3dn.imports import services
from p3dn.monitoring import queries
from p3dn.monitoring.indicators import compute, ratio_text
from p3dn.monitoring.models import Target
from p3dn.monitoring.performance import performance_json
from p3dn.procurement import sums
from p3dn.procurement.models import Contract, Pencatatan
from p3dn.procurement.sums import Figures, Filters, Money
from p3dn.quality.queries import warnings_for

CENT = Decimal("0.01")


def _raw(name: str) -> list[dict]:
    return json.loads((KALBAR_2023_DIR / name).read_text(encoding="utf-8"))


def _number(value: object) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _current_contracts(name: str, key: str) -> list[dict]:
    """One row per package: the highest versi_addendum (the last row of a version wins)."""
    versions: dict[tuple, dict] = {}
    for row in _raw(name):
        versions[(row[key], int(row.get("versi_addendum") or 0))] = row
    best: dict[object, tuple[int, dict]] = {}
    for (kd, versi), row in versions.items():
        if kd not in best or versi > best[kd][0]:
            best[kd] = (versi, row)
    return [row for _versi, row in best.values()]


def _raw_union_and_total() -> tuple[Decimal, Decimal]:
    """Σ max(PDN, UMK) per row and Σ value over Kalbar 2023's SPSE realization, from the files."""
    union = total = Decimal(0)
    for name, key in (("SPSE-TenderEkontrak-Kontrak.json", "kd_tender"),
                      ("SPSE-NonTenderEkontrak-Kontrak.json", "kd_nontender")):
        for row in _current_contracts(name, key):
            union += max(_number(row["nilai_pdn_kontrak"]), _number(row["nilai_umk_kontrak"]))
            total += _number(row["nilai_kontrak"])
    for name, key, status in (
        ("SPSE-PencatatanNonTender.json", "kd_nontender_pct", "status_nontender_pct_ket"),
        ("SPSE-PencatatanSwakelola.json", "kd_swakelola_pct", "status_swakelola_pct_ket"),
    ):
        rows = {row[key]: row for row in _raw(name)}
        for row in rows.values():
            if row.get(status) == "Paket Dibatalkan":
                continue
            union += max(_number(row["nilai_pdn_pct"]), _number(row["nilai_umk_pct"]))
            total += _number(row["total_realisasi"])
    return union, total


def _template(client, kind: str, tahun: int):
    response = client.get(reverse("imports:template", args=[kind]) + f"?tahun={tahun}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Data"]
    sheet.delete_rows(2, sheet.max_row)
    return book, sheet


def _import(book, tmp_path, name: str, actor):
    path = tmp_path / name
    book.save(path)
    run = services.import_now(actor=actor, path=path)
    assert run.status == "applied", run.message
    return run


@pytest.fixture
def kalbar_with_templates(kalbar_2023_with_budget_lines, tim_kalbar, client_for, tmp_path):
    """Kalbar 2023 with a commitment template for two units and five manual lines, one of
    which repeats a real SPSE tender contract (its number typed without the trailing space and
    in lower case)."""
    pemda = kalbar_2023_with_budget_lines
    first = _raw("SPSE-TenderEkontrak-Kontrak.json")[0]
    unit_a = Contract.objects.get(
        pemda=pemda, kd_paket=first["kd_tender"], valid_to__isnull=True,
        versi_addendum=first.get("versi_addendum") or 0,
    ).unit
    unit_b = Unit.objects.filter(pemda=pemda).exclude(pk=unit_a.pk).order_by("kd_satker").first()
    before = compute(pemda=pemda, tahun=2023)
    client = client_for(tim_kalbar)
    book, sheet = _template(client, "komitmen", 2023)
    sheet.append([2023, "D197", unit_a.kd_satker, unit_a.name, 1_000_000_000, 400_000_000, ""])
    sheet.append([2023, "D197", unit_b.kd_satker, unit_b.name, "2.500.000.000,50", None, ""])
    _import(book, tmp_path, "komitmen.xlsx", tim_kalbar)
    book, sheet = _template(client, "realisasi", 2023)
    a, b = unit_a.kd_satker, unit_b.kd_satker
    repeated = first["no_kontrak"].strip().lower()
    for line in (
        [a, "Kontrak", repeated, "2023-05-02", "Paket tender yang sama", first["nilai_kontrak"],
         "Ya", "", "Ya"],
        [a, "Kwitansi", "KW/001/2023", "2023-03-14", "Pembelian ATK", 10_000_000, "Ya", "",
         "Tidak"],
        [b, "Bukti Pembelian", "BP-77", "2023-11-30", "Katering UMK", 5_000_000, "Tidak", "45",
         "Ya"],
        [b, "Kwitansi", "KW/002/2023", "2023-12-01", "Produk bersertifikat TKDN", 2_000_000,
         "Tidak", "40", "Tidak"],
        [a, "Kwitansi", "KW/003/2023", "2023-07-07", "Barang impor", 1_000_000, "Tidak", "",
         "Tidak"],
    ):
        sheet.append([2023, "D197", *line])
    _import(book, tmp_path, "realisasi.xlsx", tim_kalbar)
    return {"pemda": pemda, "a": unit_a, "b": unit_b, "first": first, "before": before,
            "repeated": repeated}


def test_manual_realization_is_a_channel_counted_once(kalbar_with_templates):
    k = kalbar_with_templates
    pemda, before = k["pemda"], k["before"]
    after = compute(pemda=pemda, tahun=2023)
    # four lines count; the one repeating the SPSE contract does not
    manual = after["realisasi"]["manual"]
    assert {k: v for k, v in manual.items() if k != "klasifikasi"} == {
        "nilai": "18000000.00", "pdn": "10000000.00", "umk": "5000000.00"}
    # each line says itself whether it is PDN and UMK: all of it is classified exactly
    assert (manual["klasifikasi"]["pasti"], manual["klasifikasi"]["belum_terklasifikasi"]) == (
        "18000000.00", "0.00")
    assert "bukti" in manual["klasifikasi"]["metode"]
    for key, extra in (("realisasi_total", 18_000_000), ("realisasi_pdn", 10_000_000),
                       ("realisasi_umk", 5_000_000)):
        assert Decimal(after[key]) - Decimal(before[key]) == extra
    for channel in sums.CHANNELS[:-1]:  # the SPSE channels are as they were
        assert after["realisasi"][channel] == before["realisasi"][channel]
    # dated by the evidence, per unit by its kd_satker
    months = {r["bulan"]: r for r in compute(pemda=pemda, tahun=2023, by="month")["rows"]}
    assert months["2023-03"]["realisasi"]["manual"]["pdn"] == "10000000.00"
    assert months["2023-11"]["realisasi"]["manual"]["umk"] == "5000000.00"
    units = {r["kd_satker"]: r for r in compute(pemda=pemda, tahun=2023, by="satker")["rows"]}
    assert units[k["a"].kd_satker]["realisasi"]["manual"]["nilai"] == "11000000.00"
    assert units[k["b"].kd_satker]["realisasi"]["manual"]["nilai"] == "7000000.00"
    # the channel filter
    only = compute(pemda=pemda, tahun=2023, filters=Filters(channels=("manual",)))
    assert only["realisasi_total"] == "18000000.00"
    # the import's rollup holds what the facts give
    for by in (None, "satker", "month"):
        assert sums.collect(pemda, 2023, by=by) == sums.collect_from_facts(pemda, 2023, by=by)


def test_a_manual_line_repeating_spse_is_listed_with_its_reason(kalbar_with_templates):
    k = kalbar_with_templates
    found = {w.code: w for w in warnings_for(pemda=k["pemda"], tahun=2023)}
    repeat = found["realisasi_manual_ganda"]
    assert (repeat.count, repeat.nilai) == (1, Decimal(str(k["first"]["nilai_kontrak"])))
    (row,) = repeat.rows
    assert (row.ident, row.sumber, row.unit_id) == (k["repeated"], "manual", k["a"].pk)
    assert k["repeated"] in row.alasan and "SPSE" in row.alasan


def test_apbd_commitment_beside_the_rup_commitment(kalbar_with_templates):
    k = kalbar_with_templates
    result = compute(pemda=k["pemda"], tahun=2023)
    apbd_pdn = Decimal("3500000000.50")
    assert (result["komitmen_pdn_apbd"], result["komitmen_umk_apbd"]) == (
        "3500000000.50", "400000000.00")
    assert result["komitmen_pdn"] == k["before"]["komitmen_pdn"]  # the RUP's is unchanged
    assert result["capaian_pdn_apbd"] == ratio_text(Decimal(result["realisasi_pdn"]) / apbd_pdn)
    units = {r["kd_satker"]: r for r in compute(pemda=k["pemda"], tahun=2023, by="satker")["rows"]}
    a = units[k["a"].kd_satker]
    assert a["komitmen_pdn_apbd"] == "1000000000.00"
    assert a["capaian_pdn_apbd"] == ratio_text(Decimal(a["realisasi_pdn"]) / 1_000_000_000)
    others = [r for key, r in units.items() if key not in (k["a"].kd_satker, k["b"].kd_satker)]
    assert others and all(r["capaian_pdn_apbd"] is None for r in others)  # no APBD commitment


def test_the_recorded_target_says_which_commitment_the_headline_reads(kalbar_with_templates):
    pemda = kalbar_with_templates["pemda"]
    summary = queries.summarise_dashboard(pemda=pemda, tahun=2023)
    whole = summary["indicators"]
    assert summary["headline"] == {
        "basis": "rup", "value": whole["capaian_pdn"], "other": whole["capaian_pdn_apbd"],
        "commitment": whole["komitmen_pdn"]}
    Target.objects.create(pemda=pemda, tahun=2023, denominator="komitmen_pdn_apbd")
    summary = queries.summarise_dashboard(pemda=pemda, tahun=2023)
    assert summary["headline"]["basis"] == "apbd"
    assert summary["headline"]["value"] == whole["capaian_pdn_apbd"]
    assert summary["capaian_light"] == queries.light(whole["capaian_pdn_apbd"], Decimal("0.80"))
    a = next(u for u in summary["units"] if u["kd_satker"] == kalbar_with_templates["a"].kd_satker)
    assert a["light"] == queries.light(a["capaian_pdn_apbd"], Decimal("0.80"))


def test_the_pk_indicator_counts_each_rupiah_once(kalbar_with_templates):
    pemda = kalbar_with_templates["pemda"]
    union, total = _raw_union_and_total()
    union += 10_000_000 + 5_000_000 + 2_000_000  # PDN, UMK and TKDN-certified manual lines
    total += 18_000_000
    result = compute(pemda=pemda, tahun=2023)
    pk = result["indikator_pk"]
    assert pk["total_realisasi"] == result["realisasi_total"] == str(total.quantize(CENT))
    assert pk["nilai_terhitung"] == str(union.quantize(CENT))
    assert pk["tkdn_pdn"] == result["realisasi_pdn"]
    assert Decimal(pk["tkdn_pdn"]) + Decimal(pk["umkk_selain_pdn"]) == union
    assert pk["indikator"] == ratio_text(union / total)
    # 2023 is over: the Q4 target, 80%
    assert (pk["triwulan"], pk["target"], pk["target_q4"]) == (4, "0.800000", "0.800000")
    assert pk["memenuhi_target"] == (union / total >= Decimal("0.8"))
    assert (pk["batas_bawah"], pk["alasan"]) == (False, [])  # nothing unclassified here
    # per perangkat daerah with the same function; the units add up to the whole
    parts = sums.collect(pemda, 2023, by="satker")
    assert sum(p.tkdn_pdn_umkk for p in parts.values()) == union
    units = compute(pemda=pemda, tahun=2023, by="satker")["rows"]
    b = next(r for r in units if r["kd_satker"] == kalbar_with_templates["b"].kd_satker)
    key = str(kalbar_with_templates["b"].pk)
    assert b["indikator_pk"] == performance_json(parts[key], 2023, None)


def test_unclassified_realization_makes_the_pk_indicator_a_lower_bound(bandung_2025_realization):
    result = compute(pemda=bandung_2025_realization, tahun=2025)
    pk = result["indikator_pk"]
    unknown = sum(
        Decimal(result["realisasi"][c].get("belum_terklasifikasi", "0")) for c in sums.CHANNELS
    )
    assert unknown > 0
    assert pk["belum_terklasifikasi"] == str(unknown.quantize(CENT))
    assert pk["batas_bawah"] is True
    assert [a["code"] for a in pk["alasan"]] == ["belum_terklasifikasi"]
    value = Decimal(pk["nilai_terhitung"]) / Decimal(result["realisasi_total"])
    assert pk["indikator"] == ratio_text(value)
    # a lower bound below the target cannot say the Pemda misses it
    assert value < Decimal("0.8") and pk["memenuhi_target"] is None


def test_the_pk_indicator_is_null_with_a_reason_rather_than_wrong(bandung):
    empty = compute(pemda=bandung, tahun=2025)["indikator_pk"]
    assert empty["indikator"] is None and empty["memenuhi_target"] is None
    assert [a["code"] for a in empty["alasan"]] == ["tanpa_realisasi"]
    assert empty["alasan"][0]["message"].startswith("Belum ada realisasi belanja")
    # PDN declared above the contract value (a data error): no figure above 100%
    figures = Figures()
    figures.realisasi["tender"] = Money(Decimal(100), Decimal(150), Decimal(0))
    figures.tkdn_pdn_umkk = Decimal(150)
    wrong = performance_json(figures, 2025, None)
    assert wrong["indikator"] is None
    assert [a["code"] for a in wrong["alasan"]] == ["melebihi_realisasi"]


def test_the_quarter_target_follows_the_data_date(bandung):
    import datetime as dt

    figures = Figures()
    figures.realisasi["manual"] = Money(Decimal(100), Decimal(70), Decimal(0))
    figures.tkdn_pdn_umkk = Decimal(70)
    q2 = performance_json(figures, 2025, dt.date(2025, 5, 10))
    assert (q2["triwulan"], q2["target"], q2["indikator"], q2["memenuhi_target"]) == (
        2, "0.800000", "0.700000", False)


def test_api_cli_dashboard_and_drill_down_show_them_to_their_pemda_only(
        kalbar_with_templates, client_for, tim_kalbar, tim_bandung):
    pemda = kalbar_with_templates["pemda"]
    expected = json.loads(json.dumps(compute(pemda=pemda, tahun=2023)))
    api = client_for(tim_kalbar).get("/api/v1/indicators", {"klpd": "D197", "year": 2023})
    assert api.status_code == 200
    body = api.json()
    assert body == expected
    assert body["realisasi"]["manual"]["nilai"] == "18000000.00"
    assert body["komitmen_pdn_apbd"] == "3500000000.50"
    assert body["indikator_pk"]["nilai_terhitung"] == expected["indikator_pk"]["nilai_terhitung"]
    other = client_for(tim_bandung).get("/api/v1/indicators", {"klpd": "D197", "year": 2023})
    assert other.status_code == 404
    out = StringIO()
    call_command("indicators", klpd="D197", year=2023, format="json", stdout=out)
    cli = json.loads(out.getvalue())
    assert {k: cli[k] for k in ("komitmen_pdn_apbd", "capaian_pdn_apbd", "indikator_pk")} == {
        k: expected[k] for k in ("komitmen_pdn_apbd", "capaian_pdn_apbd", "indikator_pk")}
    page = client_for(tim_kalbar).get(
        reverse("monitoring:dashboard", args=[pemda.pk]) + "?tahun=2023")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Indikator Perjanjian Kinerja" in html and "Rencana APBD" in html
    assert "Realisasi manual (dengan bukti)" in html
    drill_url = reverse("monitoring:drill", args=[pemda.pk]) + "?tahun=2023&sumber=manual"
    drill = client_for(tim_kalbar).get(drill_url)
    text = drill.content.decode()
    assert drill.status_code == 200
    assert "KW/001/2023" in text and "Kwitansi" in text and "TKDN 45,00%" in text
    assert kalbar_with_templates["repeated"] not in text  # counted in SPSE, not here
    assert client_for(tim_bandung).get(drill_url).status_code == 404
    apbd = client_for(tim_kalbar).get(
        reverse("monitoring:drill", args=[pemda.pk]) + "?tahun=2023&sumber=apbd&nilai=pdn")
    assert apbd.status_code == 200 and kalbar_with_templates["a"].name in apbd.content.decode()


def test_a_receipt_of_a_pencatatan_counts_once_whichever_file_comes_first(
        bandung_2025_realization, tim_bandung, client_for, tmp_path):
    """A manual line repeating a real pencatatan realization's number (no_realisasi) in the same
    unit is not counted; the same number in another unit is another purchase. The rollup
    follows whichever of the two files is imported last."""
    pemda = bandung_2025_realization
    rows = [r for r in json.loads(
        (BANDUNG_2025_DIR / "SPSE-PencatatanNonTenderRealisasi.json").read_text(encoding="utf-8"))
        if (r["no_realisasi"] or "").startswith("TBP.")]
    live = {p.kd_pct: p for p in Pencatatan.objects.filter(
        pemda=pemda, channel="non_tender", valid_to__isnull=True).exclude(
        status_ket="Paket Dibatalkan")}
    receipt = next(r for r in rows if r["kd_nontender_pct"] in live)
    unit = live[receipt["kd_nontender_pct"]].unit
    other = Unit.objects.filter(pemda=pemda).exclude(pk=unit.pk).order_by("pk").first()
    book, sheet = _template(client_for(tim_bandung), "realisasi", 2025)
    for kd_satker in (unit.kd_satker, other.kd_satker):
        sheet.append([2025, "D107", kd_satker, "Kwitansi", f" {receipt['no_realisasi']} ",
                      "2025-02-03", "Kuitansi yang sama", 1_000_000, "Ya", "", "Tidak"])
    _import(book, tmp_path, "realisasi.xlsx", tim_bandung)
    manual = compute(pemda=pemda, tahun=2025)["realisasi"]["manual"]
    assert manual["nilai"] == "2000000.00"  # no pencatatan realization imported yet
    run = services.import_now(
        actor=None, path=BANDUNG_2025_DIR / "SPSE-PencatatanNonTenderRealisasi.json")
    assert run.status == "applied", run.message
    manual = compute(pemda=pemda, tahun=2025)["realisasi"]["manual"]
    assert {k: v for k, v in manual.items() if k != "klasifikasi"} == {
        "nilai": "1000000.00", "pdn": "1000000.00", "umk": "0.00"}
    assert sums.collect(pemda, 2025) == sums.collect_from_facts(pemda, 2025)
    repeat = {w.code: w for w in warnings_for(pemda=pemda, tahun=2025)}["realisasi_manual_ganda"]
    assert [r.unit_id for r in repeat.rows] == [unit.pk]
