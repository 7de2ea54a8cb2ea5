"""Compliance flags: each rule on a constructed case, the real Kalbar 2023 files against counts
this test takes from the raw files itself, the page, the export and who may see them."""

from __future__ import annotations

import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.accounts.models import Pemda
from p3dn.imports import services
from p3dn.monitoring.compliance import flags, summarise_flags

RESERVABLE = {"Barang", "Pekerjaan Konstruksi", "Jasa Lainnya"}
D = Decimal


def money(value) -> Decimal | None:
    return None if value is None else D(str(value))


def raw_json(name: str) -> list[dict]:
    return json.loads((KALBAR / name).read_text(encoding="utf-8"))


def raw_rup() -> list[dict]:
    return pq.read_table(KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet").to_pylist()


# ------------------------------------------------------------------ the real Kalbar 2023 files


def expected_from_raw_files() -> Counter:
    """(code, record kind) → count, computed here from the raw files alone."""
    expected: Counter = Counter()
    rup = [
        r
        for r in raw_rup()
        if r["status_umumkan_rup"] == "Terumumkan"
        and r["status_aktif_rup"]
        and r["status_delete_rup"] is not True
    ]
    plans = {str(r["kd_rup"]): r for r in rup}
    for r in rup:
        if (
            r["jenis_pengadaan"] in RESERVABLE
            and money(r["pagu"]) <= D("15000000000")
            and r["status_ukm"] not in ("UKM", "UsahaKecil")
            and not (r["alasan_non_ukm"] or "").strip()
        ):
            expected["reserved_not_ukm", "rup"] += 1
    tender_rup = {
        r["kd_tender"]: (r["kd_rup_paket"] or "").split(";")
        for r in raw_json("SPSE-TenderSelesaiNilai.json")
    }

    def check(kind: str, nilai, pdn, umk, codes: list[str]) -> None:
        nilai = money(nilai) or D(0)
        pdn, umk = money(pdn), money(umk)
        for code, part in (("pdn", pdn), ("umk", umk)):
            if part is None:
                expected[f"{code}_missing", kind] += 1
            elif part > nilai:
                expected[f"{code}_above_value", kind] += 1
        linked = [plans[c] for c in codes if c in plans]
        if any(p["status_pdn"] == "PDN" for p in linked) and pdn is not None and pdn < nilai:
            expected["pdn_below_value", kind] += 1
        if any(p["status_ukm"] == "UKM" for p in linked) and umk is not None and umk < nilai:
            expected["umk_below_value", kind] += 1

    for kind, name, key in (
        ("tender", "SPSE-TenderEkontrak-Kontrak.json", "kd_tender"),
        ("non_tender", "SPSE-NonTenderEkontrak-Kontrak.json", "kd_nontender"),
    ):
        latest: dict = {}
        for r in raw_json(name):
            if r[key] not in latest or r["versi_addendum"] > latest[r[key]]["versi_addendum"]:
                latest[r[key]] = r
        for r in latest.values():
            codes = tender_rup.get(r[key], []) if kind == "tender" else []
            check(kind, r["nilai_kontrak"], r["nilai_pdn_kontrak"], r["nilai_umk_kontrak"], codes)
    for kind, name, status in (
        ("pencatatan_non_tender", "SPSE-PencatatanNonTender.json", "status_nontender_pct_ket"),
        ("swakelola", "SPSE-PencatatanSwakelola.json", "status_swakelola_pct_ket"),
    ):
        for r in raw_json(name):
            if r[status] == "Paket Dibatalkan":
                continue
            codes = (r["kd_rup"] or "").split(";") if kind == "pencatatan_non_tender" else []
            check(kind, r["total_realisasi"], r["nilai_pdn_pct"], r["nilai_umk_pct"], codes)
    return expected


def test_kalbar_2023_flags_match_the_raw_files(kalbar_2023_with_tender_results):
    found = flags(pemda=kalbar_2023_with_tender_results, tahun=2023)
    counted = Counter((f.code, f.object_kind) for f in found)
    assert counted == expected_from_raw_files()
    assert counted["pdn_below_value", "pencatatan_non_tender"] > 300  # the data has many
    assert [f.severity for f in found] == sorted(
        (f.severity for f in found), key=["high", "medium", "low"].index
    )
    summary = summarise_flags(found, kalbar_2023_with_tender_results)
    assert summary["total"] == len(found) == sum(u["count"] for u in summary["units"])
    assert sum(r["count"] for r in summary["rules"]) == len(found)


def test_a_flag_says_what_is_wrong_with_the_numbers_and_its_legal_basis(
    kalbar_2023_with_tender_results,
):
    found = [
        f
        for f in flags(pemda=kalbar_2023_with_tender_results, tahun=2023)
        if f.code == "pdn_above_value"
    ]
    raw = [
        r
        for r in raw_json("SPSE-PencatatanNonTender.json")
        if r["nilai_pdn_pct"] is not None
        and r["total_realisasi"] is not None
        and money(r["nilai_pdn_pct"]) > money(r["total_realisasi"])
    ]
    assert [f.object_key for f in found] == [str(r["kd_nontender_pct"]) for r in raw]
    flag, row = found[0], raw[0]
    assert flag.key_name == "kd_nontender_pct" and flag.kd_rup == row["kd_rup"]
    assert flag.kd_satker == row["kd_satker"] and flag.unit_id is not None
    assert "Rp 131.642.267,00 melebihi nilainya Rp 127.792.871,00" in flag.message
    assert flag.legal_basis.startswith("Perpres 16/2018 jo. Perpres 12/2021 Pasal 66")


# ------------------------------------------------------------------ one constructed case per rule


def rup_row(template: dict, kd_rup: int, **values) -> dict:
    return {**template, "kd_rup": kd_rup, "nama_paket": f"Paket {kd_rup}", **values}


def write(tmp_path: Path, name: str, rows: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(rows, default=str), encoding="utf-8")
    return path


@pytest.fixture
def constructed(db, tmp_path) -> Pemda:
    """Kalbar 2023 with a handful of records, each made to trip (or not) one rule."""
    template = {k: v for k, v in raw_rup()[0].items() if not k.startswith("_")}
    base = {**template, "status_pdn": "PDN", "status_ukm": "UKM", "alasan_non_ukm": ""}
    goods = {"jenis_pengadaan": "Barang", "kd_jenis_pengadaan": "1", "pagu": 500_000_000}
    rup = [
        rup_row(base, 1001, **goods, status_ukm="Non UKM"),  # reserved, no reason: flagged
        rup_row(base, 1002, **goods, status_ukm="Non UKM", alasan_non_ukm="Teknis khusus"),
        rup_row(base, 1003, **{**goods, "pagu": 20_000_000_000}, status_ukm="Non UKM"),
        rup_row(
            base,
            1004,
            jenis_pengadaan="Jasa Konsultansi",
            kd_jenis_pengadaan="3",
            pagu=900_000_000,
            status_ukm="Non UKM",
        ),
        rup_row(base, 1005, **goods),  # PDN + UKM, realized by tender 9001
        rup_row(base, 1006, **goods),  # PDN + UKM, realized by pencatatan 9201
        rup_row(base, 1007, **goods, status_delete_rup=True),  # not in the RUP set
        rup_row(base, 1008, **goods, status_ukm="Non UKM", status_delete_rup=True),
    ]
    contract = {k: v for k, v in raw_json("SPSE-TenderEkontrak-Kontrak.json")[0].items()}
    tender = [
        {
            **contract,
            "kd_tender": 9001,
            "versi_addendum": 0,
            "nilai_kontrak": 1_000_000_000,
            "nilai_pdn_kontrak": 1_000_000_000,
            "nilai_umk_kontrak": 1_000_000_000,
        },
        {
            **contract,
            "kd_tender": 9001,
            "versi_addendum": 1,
            "nilai_kontrak": 1_000_000_000,
            "nilai_pdn_kontrak": 600_000_000,
            "nilai_umk_kontrak": 1_000_000_000,
        },
        {
            **contract,
            "kd_tender": 9002,
            "versi_addendum": 0,
            "nilai_kontrak": 300_000_000,
            "nilai_pdn_kontrak": 300_000_000,
            "nilai_umk_kontrak": 310_000_000,
        },
    ]
    result = raw_json("SPSE-TenderSelesaiNilai.json")[0]
    results = [
        {**result, "kd_tender": 9001, "kd_rup_paket": "1005"},
        {**result, "kd_tender": 9002, "kd_rup_paket": "1001"},  # not PDN-planned: no below-check
    ]
    nt = raw_json("SPSE-NonTenderEkontrak-Kontrak.json")[0]
    non_tender = [
        {
            **nt,
            "kd_nontender": 9101,
            "nilai_kontrak": 50_000_000,
            "nilai_pdn_kontrak": None,
            "nilai_umk_kontrak": 50_000_000,
        },
    ]
    pct = raw_json("SPSE-PencatatanNonTender.json")[0]
    recorded = [
        {
            **pct,
            "kd_nontender_pct": 9201,
            "kd_rup": "1006",
            "total_realisasi": 100_000_000,
            "nilai_pdn_pct": 120_000_000,
            "nilai_umk_pct": None,
        },
        {
            **pct,
            "kd_nontender_pct": 9202,
            "kd_rup": "1007",
            "total_realisasi": 100_000_000,
            "nilai_pdn_pct": 50_000_000,
            "nilai_umk_pct": 50_000_000,
        },  # its package was deleted
        {
            **pct,
            "kd_nontender_pct": 9203,
            "kd_rup": "1005;1006",
            "total_realisasi": 80_000_000,
            "nilai_pdn_pct": 0,
            "nilai_umk_pct": 0,
            "status_nontender_pct_ket": "Paket Dibatalkan",
        },
        {
            **pct,
            "kd_nontender_pct": 9204,
            "kd_rup": "999;1005",
            "total_realisasi": 10_000_000,
            "nilai_pdn_pct": 10_000_000,
            "nilai_umk_pct": 4_000_000,
        },  # UKM package, less UMK
    ]
    for name, rows in (
        ("RUP-PaketPenyedia-Terumumkan.json", rup),
        ("SPSE-TenderEkontrak-Kontrak.json", tender),
        ("SPSE-TenderSelesaiNilai.json", results),
        ("SPSE-NonTenderEkontrak-Kontrak.json", non_tender),
        ("SPSE-PencatatanNonTender.json", recorded),
    ):
        run = services.import_now(actor=None, path=write(tmp_path, name, rows))
        assert run.status == "applied", (name, run.message)
    return Pemda.objects.get(kd_klpd="D197")


def test_each_rule_flags_exactly_its_constructed_case(constructed):
    found = {(f.code, f.object_kind, f.object_key) for f in flags(pemda=constructed, tahun=2023)}
    assert found == {
        ("reserved_not_ukm", "rup", "1001"),
        ("pdn_below_value", "tender", "9001"),  # the addendum's 600 jt, not the first 1 M
        ("umk_above_value", "tender", "9002"),
        ("pdn_missing", "non_tender", "9101"),
        ("pdn_above_value", "pencatatan_non_tender", "9201"),
        ("umk_missing", "pencatatan_non_tender", "9201"),
        ("umk_below_value", "pencatatan_non_tender", "9204"),
    }


def test_a_realization_names_the_package_it_was_checked_against(constructed):
    by_key = {(f.code, f.object_key): f for f in flags(pemda=constructed, tahun=2023)}
    below = by_key["pdn_below_value", "9001"]
    assert below.kd_rup == "1005" and below.nilai == D("1000000000.00")
    assert "Rp 600.000.000,00" in below.message and "kurang Rp 400.000.000,00" in below.message
    assert by_key["umk_below_value", "9204"].kd_rup == "1005"  # 999 is no package of the set
    assert by_key["reserved_not_ukm", "1001"].nama_paket == "Paket 1001"


# ------------------------------------------------------------------ the page, the export, access


def test_the_page_counts_per_rule_and_unit_and_filters(client_for, tim_kalbar, constructed):
    client = client_for(tim_kalbar)
    url = reverse("monitoring:compliance", args=[constructed.pk])
    response = client.get(url + "?tahun=2023")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["total"] == 7
    assert {r["code"]: r["count"] for r in summary["rules"]}["pdn_missing"] == 1
    html = response.content.decode()
    assert "Perpres 12/2021 Pasal 65 ayat (4) dan (5)" in html
    assert "Rp 600.000.000,00" in html
    narrowed = client.get(url + "?tahun=2023&aturan=reserved_not_ukm")
    assert [f.object_key for f in narrowed.context["page"]] == ["1001"]
    unit_id = summary["units"][0]["unit_id"]
    per_unit = client.get(url + f"?tahun=2023&unit={unit_id}")
    assert {f.unit_id for f in per_unit.context["page"]} == {unit_id}


def test_the_export_lists_every_flag(client_for, tim_kalbar, constructed):
    url = reverse("monitoring:compliance-export", args=[constructed.pk]) + "?tahun=2023"
    response = client_for(tim_kalbar).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kepatuhan-D197-2023.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    codes = [r[0] for r in rows]
    assert codes.count("pdn_below_value") == 2  # once per rule in the summary, once as a flag
    assert any(r[5] == "9001" and r[6] == "1005" for r in rows)


@pytest.mark.parametrize("name", ["compliance", "compliance-export"])
def test_another_pemdas_flags_are_not_found(client_for, tim_bandung, constructed, name):
    url = reverse(f"monitoring:{name}", args=[constructed.pk]) + "?tahun=2023"
    assert client_for(tim_bandung).get(url).status_code == 404


def test_national_users_see_any_pemdas_flags(client_for, viewer_nasional, constructed):
    url = reverse("monitoring:compliance", args=[constructed.pk]) + "?tahun=2023"
    assert client_for(viewer_nasional).get(url).status_code == 200


def test_a_pemda_without_data_is_told_so(client_for, tim_bandung, bandung):
    url = reverse("monitoring:compliance", args=[bandung.pk])
    assert "Impor Data" in client_for(tim_bandung).get(url).content.decode()


def test_signed_out_users_are_sent_to_sign_in(client, constructed):
    url = reverse("monitoring:compliance", args=[constructed.pk])
    assert client.get(url).status_code == 302
