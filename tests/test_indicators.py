"""The indicator definitions of issue 5, checked on the real files against sums this test takes
from the raw files itself."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import pyarrow.parquet as pq

from conftest import BANDUNG_2025_DIR as BANDUNG
from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.accounts.models import Pemda
from p3dn.imports import services
from p3dn.monitoring.indicators import compute
from p3dn.quality.queries import warnings_for

D = Decimal


def money(value) -> Decimal:
    return D(str(value or 0)).quantize(D("0.01"))


def six(value: Decimal) -> str:
    return str(value.quantize(D("0.000001"), rounding=ROUND_HALF_UP))


def latest_contracts(rows: list[dict], key: str) -> list[dict]:
    """The highest versi_addendum of each package (identical duplicates fall together)."""
    top: dict[object, dict] = {}
    for r in rows:
        if r[key] not in top or r["versi_addendum"] > top[r[key]]["versi_addendum"]:
            top[r[key]] = r
    return list(top.values())


def channel_sums(rows, nilai, pdn, umk):
    return {
        "nilai": str(sum((money(r[nilai]) for r in rows), D("0.00"))),
        "pdn": str(sum((money(r[pdn]) for r in rows), D("0.00"))),
        "umk": str(sum((money(r[umk]) for r in rows), D("0.00"))),
    }


def test_kalbar_2023_indicators_match_the_raw_files(kalbar_2023_rup_and_realization):
    rup = pq.read_table(KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet").to_pylist()
    rup = [
        r
        for r in rup
        if r["status_umumkan_rup"] == "Terumumkan"
        and r["status_aktif_rup"]
        and r["status_delete_rup"] is not True
    ]
    budget = json.loads((KALBAR / "RUP-StrukturAnggaranPD.json").read_text())
    tender = latest_contracts(
        json.loads((KALBAR / "SPSE-TenderEkontrak-Kontrak.json").read_text()), "kd_tender"
    )
    nontender = latest_contracts(
        json.loads((KALBAR / "SPSE-NonTenderEkontrak-Kontrak.json").read_text()), "kd_nontender"
    )
    pct = [
        r
        for r in json.loads((KALBAR / "SPSE-PencatatanNonTender.json").read_text())
        if r["status_nontender_pct_ket"] != "Paket Dibatalkan"
    ]
    swa = [
        r
        for r in json.loads((KALBAR / "SPSE-PencatatanSwakelola.json").read_text())
        if r["status_swakelola_pct_ket"] != "Paket Dibatalkan"
    ]

    result = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023)

    komitmen_pdn = sum(money(r["pagu"]) for r in rup if r["status_pdn"] == "PDN")
    komitmen_umk = sum(money(r["pagu"]) for r in rup if r["status_ukm"] == "UKM")
    belanja = sum(money(r["belanja_pengadaan"]) for r in budget)
    assert result["pagu_penyedia"] == str(sum(money(r["pagu"]) for r in rup))
    assert result["komitmen_pdn"] == str(komitmen_pdn)
    assert result["komitmen_umk"] == str(komitmen_umk)
    assert result["belanja_pengadaan"] == str(belanja)
    assert {k: result["realisasi"]["tender"][k] for k in ("nilai", "pdn", "umk")} == channel_sums(
        tender, "nilai_kontrak", "nilai_pdn_kontrak", "nilai_umk_kontrak"
    )
    assert money_of(result["realisasi"]["non_tender"]) == channel_sums(
        nontender, "nilai_kontrak", "nilai_pdn_kontrak", "nilai_umk_kontrak"
    )
    assert money_of(result["realisasi"]["pencatatan_non_tender"]) == channel_sums(
        pct, "total_realisasi", "nilai_pdn_pct", "nilai_umk_pct"
    )
    assert money_of(result["realisasi"]["swakelola"]) == channel_sums(
        swa, "total_realisasi", "nilai_pdn_pct", "nilai_umk_pct"
    )
    for channel in ("tender", "non_tender", "pencatatan_non_tender", "swakelola"):
        # the PDN value is recorded on the contract or the pencatatan: known exactly, whole
        k = result["realisasi"][channel]["klasifikasi"]
        assert (k["pasti"], k["estimasi"]) == (result["realisasi"][channel]["nilai"], "0.00")
    realisasi_pdn = sum(D(result["realisasi"][c]["pdn"]) for c in result["realisasi"])
    realisasi_total = sum(D(result["realisasi"][c]["nilai"]) for c in result["realisasi"])
    realisasi_umk = sum(D(result["realisasi"][c]["umk"]) for c in result["realisasi"])
    assert result["realisasi_pdn"] == str(realisasi_pdn)
    assert result["capaian_pdn"] == six(realisasi_pdn / komitmen_pdn)
    assert result["komposisi_pdn"] == six(realisasi_pdn / realisasi_total)
    assert result["porsi_umk_rencana"] == six(komitmen_umk / belanja)
    assert result["porsi_umk_realisasi"] == six(realisasi_umk / belanja)
    # no zero denominator, no capaian above 100%: the whole year's warnings are its
    # data-quality warnings (tests/test_quality.py computes them from the raw files)
    assert result["warnings"] == [
        w.as_json() for w in warnings_for(pemda=kalbar_2023_rup_and_realization, tahun=2023)
    ]
    assert not {"komitmen_pdn_nol", "realisasi_total_nol", "capaian_di_atas_100"} & {
        w["code"] for w in result["warnings"]
    }


def test_rows_by_satker_and_by_month_add_up_to_the_whole(kalbar_2023_rup_and_realization):
    whole = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023)
    for by in ("satker", "month"):
        rows = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, by=by)["rows"]
        assert sum(D(r["realisasi_total"]) for r in rows) == D(whole["realisasi_total"])
        assert sum(D(r["komitmen_pdn"]) for r in rows) == D(whole["komitmen_pdn"])
    satker = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, by="satker")["rows"]
    assert sum(D(r["belanja_pengadaan"]) for r in satker) == D(whole["belanja_pengadaan"])
    assert all(r["nama_satker"] for r in satker if r["kd_satker"])
    channels = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, by="channel")["rows"]
    assert [r["channel"] for r in channels][:2] == ["tender", "non_tender"]


def test_a_zero_denominator_gives_null_and_a_warning(db):
    pemda = Pemda.objects.get(kd_klpd="D107")
    result = compute(pemda=pemda, tahun=2030)
    assert result["capaian_pdn"] is None and result["porsi_umk_rencana"] is None
    assert result["warnings"] == [
        {
            "code": "komitmen_pdn_nol",
            "count": 0,
            "nilai": "0.00",
            "message": "Komitmen PDN 0: capaian PDN tidak dapat dihitung.",
        },
        {
            "code": "realisasi_total_nol",
            "count": 0,
            "nilai": "0.00",
            "message": "Belum ada realisasi: komposisi PDN tidak dapat dihitung.",
        },
        {
            "code": "belanja_pengadaan_nol",
            "count": 0,
            "nilai": "0.00",
            "message": "Belanja pengadaan 0: porsi UMK tidak dapat dihitung.",
        },
    ]


def money_of(channel: dict) -> dict:
    """A channel's money, without its classification."""
    return {k: v for k, v in channel.items() if k != "klasifikasi"}


def test_e_purchasing_and_toko_daring_are_never_guessed(db):
    for name in ("Ecat-PaketEPurchasingV6.json", "Bela-TokoDaringRealisasi.json"):
        services.import_now(actor=None, path=BANDUNG / name)
    raw = json.loads((BANDUNG / "Ecat-PaketEPurchasingV6.json").read_text())
    completed = sum(money(r["total_harga"]) for r in raw if r["status_pengiriman"] == "COMPLETED")
    result = compute(pemda=Pemda.objects.get(kd_klpd="D107"), tahun=2025)
    ep = result["realisasi"]["e_purchasing"]
    assert ep["nilai"] == str(completed)
    assert ep["belum_terklasifikasi"] == ep["nilai"] and ep["pdn"] == "0.00"
    assert result["realisasi"]["toko_daring"]["nilai"] == "0.00"  # both orders failed


def test_as_of_reproduces_an_earlier_state(kalbar_2023_rup_and_realization, tmp_path):
    before = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023)
    rows = json.loads((KALBAR / "SPSE-TenderEkontrak-Kontrak.json").read_text())
    rows = [{**r, "nilai_pdn_kontrak": 0} for r in rows]
    newer = tmp_path / "SPSE-TenderEkontrak-Kontrak.json"
    newer.write_text(json.dumps(rows), encoding="utf-8")
    run = services.import_now(actor=None, path=newer)
    assert run.status == "applied"
    from p3dn.imports.models import ImportRun

    ImportRun.objects.filter(pk=run.pk).update(data_as_of="2099-01-01")
    now = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023)
    assert now["realisasi"]["tender"]["pdn"] == "0.00"
    then = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, as_of=dt.date(2098, 12, 31))
    assert then["realisasi"]["tender"] == before["realisasi"]["tender"]


def test_cli_and_api_give_the_same_numbers(
    kalbar_2023_rup_and_realization, client_for, tim_kalbar, tim_bandung
):
    api = client_for(tim_kalbar).get("/api/v1/indicators?klpd=D197&year=2023").json()
    assert (
        api["realisasi_pdn"]
        == compute(pemda=kalbar_2023_rup_and_realization, tahun=2023)["realisasi_pdn"]
    )
    assert client_for(tim_bandung).get("/api/v1/indicators?klpd=D197&year=2023").status_code == 404


def test_a_unit_meets_its_commitment_and_its_realization_across_sirup_and_spse(
    kalbar_2023_rup_and_realization,
):
    """SiRUP calls DINAS PERINDUSTRIAN… 172468, SPSE 13324097; both carry the budget code
    3.29.3.30.3.31.01.0000, so both land on one perangkat daerah."""
    rows = compute(pemda=kalbar_2023_rup_and_realization, tahun=2023, by="satker")["rows"]
    unit = [r for r in rows if r["kd_satker_str"] == "3.29.3.30.3.31.01.0000"]
    assert len(unit) == 1
    assert D(unit[0]["komitmen_pdn"]) > 0 and D(unit[0]["realisasi_total"]) > 0
