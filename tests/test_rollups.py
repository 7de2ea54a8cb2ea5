"""The indicator rollups: kept current by every import, and read back exactly as the facts
would give them (the facts are the reference: the indicators of a Pemda-year without a rollup)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import BANDUNG_2025_DIR as BANDUNG
from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.accounts.models import Pemda
from p3dn.imports import services
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.queries import summarise_ranking
from p3dn.procurement import rollups
from p3dn.procurement.models import IndicatorRollup
from p3dn.procurement.sums import Filters, collect

BYS = (None, "satker", "month", "channel")


def imported(path: Path, **options) -> str:
    run = services.import_now(actor=None, path=path, **options)
    return run.status


def from_facts(pemda: Pemda, tahun: int, by: str | None = None, **options) -> dict:
    """compute() on the facts alone: the Pemda-year's rollup set aside for the call."""
    with transaction.atomic():
        IndicatorRollup.objects.filter(pemda=pemda, tahun=tahun).delete()
        result = compute(pemda=pemda, tahun=tahun, by=by, **options)
        transaction.set_rollback(True)
    return result


def stored_rows(pemda: Pemda, tahun: int) -> list[tuple]:
    return sorted(
        IndicatorRollup.objects.filter(pemda=pemda, tahun=tahun).values_list(
            "grain", "unit_id", "bulan", "measure", "nilai", "pdn", "umk", "belum_terklasifikasi"
        ),
        key=repr,
    )


def assert_same_as_facts(pemda: Pemda, tahun: int) -> None:
    for by in BYS:
        assert compute(pemda=pemda, tahun=tahun, by=by) == from_facts(pemda, tahun, by), by


def test_rollups_give_exactly_the_figures_of_the_facts(
    kalbar_2023_rup_and_realization, bandung_2025_realization
):
    for pemda, tahun in (
        (kalbar_2023_rup_and_realization, 2023),
        (bandung_2025_realization, 2025),
    ):
        assert IndicatorRollup.objects.filter(pemda=pemda, tahun=tahun).exists()
        assert_same_as_facts(pemda, tahun)
    whole = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023)
    assert whole["realisasi"]["tender"]["nilai"] != "0.00"
    bandung = compute(pemda=bandung_2025_realization, tahun=2025)
    assert bandung["realisasi"]["e_purchasing"]["nilai"] != "0.00"


def test_the_current_figures_are_read_from_the_rollup_alone(kalbar_2023_rup_and_realization):
    compute(pemda=kalbar_2023_rup_and_realization, tahun=2023)  # the warnings: once per import
    with CaptureQueriesContext(connection) as queries:
        compute(pemda=kalbar_2023_rup_and_realization, tahun=2023)
    assert len(queries) == 2  # the rollup, and the newest import of the warnings' cache key
    assert "procurement_indicatorrollup" in queries[0]["sql"]
    assert "procurement_refresh" in queries[1]["sql"]


def test_a_second_import_moves_the_rollups_with_the_facts(
    kalbar_2023_rup_and_realization, tmp_path
):
    before = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, by="satker")
    rows = json.loads((KALBAR / "SPSE-TenderEkontrak-Kontrak.json").read_text())
    tenders = sorted({r["kd_tender"] for r in rows})
    changed, removed = tenders[0], tenders[1]
    newer = []
    for row in rows:
        if row["kd_tender"] == removed:
            continue  # closed: the file no longer lists it
        if row["kd_tender"] == changed:
            row = {**row, "nilai_kontrak": row["nilai_kontrak"] * 3, "nilai_pdn_kontrak": 0}
        newer.append(row)
    newer.append({**rows[0], "kd_tender": 99999999, "nilai_kontrak": 123456789.5})  # new
    path = tmp_path / "SPSE-TenderEkontrak-Kontrak.json"
    path.write_text(json.dumps(newer), encoding="utf-8")
    assert imported(path) == "applied"

    after = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, by="satker")
    assert after != before
    assert_same_as_facts(kalbar_2023_rup_and_realization, 2023)


def test_a_rejected_or_dry_import_leaves_the_rollups_as_they_were(
    kalbar_2023_rup_and_realization, tmp_path
):
    before = stored_rows(kalbar_2023_rup_and_realization, 2023)
    rows = json.loads((KALBAR / "SPSE-TenderEkontrak-Kontrak.json").read_text())
    rows = [{**r, "nilai_kontrak": r["nilai_kontrak"] * 2} for r in rows]
    good = tmp_path / "good" / "SPSE-TenderEkontrak-Kontrak.json"
    good.parent.mkdir()
    good.write_text(json.dumps(rows), encoding="utf-8")
    assert imported(good, dry_run=True) == "checked"
    assert stored_rows(kalbar_2023_rup_and_realization, 2023) == before

    rows[0] = {**rows[0], "nilai_kontrak": "not a number"}
    bad = tmp_path / "SPSE-TenderEkontrak-Kontrak.json"
    bad.write_text(json.dumps(rows), encoding="utf-8")
    assert imported(bad) == "rejected"
    assert stored_rows(kalbar_2023_rup_and_realization, 2023) == before
    assert_same_as_facts(kalbar_2023_rup_and_realization, 2023)


def test_a_provider_import_reclassifies_toko_daring_of_every_pemda(db, tmp_path):
    orders = json.loads((BANDUNG / "Bela-TokoDaringRealisasi.json").read_text())
    orders = [
        {**o, "status_konfirmasi_ppmse": "selesai", "keterangan_ppmse": None,
         "merchant_name": "cv.paramitra teknik"}
        for o in orders
    ]
    path = tmp_path / "Bela-TokoDaringRealisasi.json"
    path.write_text(json.dumps(orders), encoding="utf-8")
    assert imported(path) == "applied"
    bandung = Pemda.objects.get(kd_klpd="D107")
    assert compute(pemda=bandung, tahun=2025)["realisasi"]["toko_daring"]["umk"] == "0.00"

    providers = json.loads((BANDUNG / "Ecat-PenyediaDetail.json").read_text())
    providers = [{**p, "penyedia_ukm": "UKM"} for p in providers]
    path = tmp_path / "Ecat-PenyediaDetail.json"
    path.write_text(json.dumps(providers), encoding="utf-8")
    assert imported(path) == "applied"

    toko = compute(pemda=bandung, tahun=2025)["realisasi"]["toko_daring"]
    assert toko["umk"] == toko["nilai"] != "0.00"
    assert_same_as_facts(bandung, 2025)


def test_the_ranking_reads_the_rollups_and_equals_each_pemdas_indicators(
    kalbar_2023_rup_and_realization, bandung_2025_realization
):
    summarise_ranking(pemda_scope=Pemda.objects.all(), tahun=2023)  # warnings: once per import
    with CaptureQueriesContext(connection) as queries:
        ranking = summarise_ranking(pemda_scope=Pemda.objects.all(), tahun=2023)
    assert len(queries) <= 5  # and the newest import of every Pemda for the warnings, at once
    assert [r["pemda"] for r in ranking["by_capaian"]] == [kalbar_2023_rup_and_realization]
    row = ranking["by_capaian"][0]
    expected = from_facts(kalbar_2023_rup_and_realization, 2023)
    assert {k: v for k, v in row.items() if k not in ("pemda", "level", "incomplete")} == {
        k: v for k, v in expected.items() if k != "pemda"
    }
    assert row["level"] == "provinsi" and row["incomplete"] is False
    assert len(ranking["without_data"]) == 551


def test_a_pemda_year_without_a_rollup_is_computed_from_the_facts(kalbar_2023_rup_and_realization):
    expected = from_facts(kalbar_2023_rup_and_realization, 2023, "satker")
    IndicatorRollup.objects.all().delete()  # as after an upgrade, before refresh_all
    assert compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, by="satker") == expected
    ranking = summarise_ranking(pemda_scope=Pemda.objects.all(), tahun=2023)
    assert ranking["by_capaian"][0]["realisasi_pdn"] == expected["realisasi_pdn"]
    assert rollups.refresh_all() > 0
    assert compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, by="satker") == expected


def test_as_of_and_filters_still_read_the_facts(kalbar_2023_rup_and_realization):
    import datetime as dt

    with CaptureQueriesContext(connection) as queries:
        compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, as_of=dt.date(2099, 1, 1))
    assert not any("procurement_indicatorrollup" in q["sql"] for q in queries)
    filters = Filters(channels=("tender",))
    with CaptureQueriesContext(connection) as queries:
        filtered = collect(kalbar_2023_rup_and_realization, 2023, None, None, filters)[""]
    assert not any("procurement_indicatorrollup" in q["sql"] for q in queries)
    assert filtered.realisasi["non_tender"].nilai == 0
    assert filtered.realisasi["tender"].nilai > 0


def test_a_product_import_refreshes_the_pemda_years_with_e_purchasing(
    bandung_2025_realization, tmp_path
):
    products = json.loads((BANDUNG / "Ecat-ProdukDetail.json").read_text())
    products = [{**p, "jenis_produk": "lokal", "tkdn_produk": 40} for p in products]
    path = tmp_path / "Ecat-ProdukDetail.json"
    path.write_text(json.dumps(products), encoding="utf-8")
    rows = IndicatorRollup.objects.filter(
        pemda=bandung_2025_realization, tahun=2025
    )
    before = set(rows.values_list("pk", flat=True))
    assert imported(path) == "applied"
    after = set(rows.values_list("pk", flat=True))
    assert len(after) == len(before) and not before & after  # rebuilt
    assert_same_as_facts(bandung_2025_realization, 2025)
