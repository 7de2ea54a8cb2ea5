"""Importing the real public files: counts checked against sums the test takes from the raw
files itself; idempotence, history, duplicates, addenda, failed orders, every bad input."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import BANDUNG_2025_DIR as BANDUNG
from conftest import KALBAR_2023_DIR as KALBAR
from conftest import SHARED_DATA as SHARED
from p3dn.accounts.models import Unit
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.procurement import queries
from p3dn.procurement.models import (
    BudgetStructure,
    Contract,
    EPurchase,
    Pencatatan,
    RupBudgetLine,
    RupPackage,
    TenderResult,
    TkdnCertificate,
    TokoDaringOrder,
)

EKATALOG = SHARED / "ekatalog" / "kalbar-kabupaten-2022"

pytestmark = pytest.mark.django_db


def raw_json(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def raw_parquet(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def run_file(path: Path, **options) -> ImportRun:
    return services.import_now(actor=None, path=path, **options)


def test_rup_packages_of_kalbar_2023_match_the_raw_file():
    raw = raw_parquet(KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet")
    run = run_file(KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet")
    assert (run.status, run.dataset, run.file_format) == (
        "applied",
        "RUP-PaketPenyedia-Terumumkan",
        "parquet",
    )
    assert run.pemda.kd_klpd == "D197" and run.tahun == 2023
    assert run.rows_read == len(raw) == 4396
    assert run.rows_inserted == len({r["kd_rup"] for r in raw})
    packages = RupPackage.objects.filter(valid_to__isnull=True)
    assert sum(p.pagu for p in packages) == sum(Decimal(str(r["pagu"])) for r in raw)
    assert packages.filter(status_pdn="PDN").count() == sum(r["status_pdn"] == "PDN" for r in raw)
    assert packages.exclude(unit=None).count() == len(raw)  # every row is tied to its unit
    assert Unit.objects.filter(pemda__kd_klpd="D197").count() == len({r["kd_satker"] for r in raw})


def test_the_same_file_twice_changes_nothing():
    first = run_file(KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    count = Contract.objects.count()
    again = run_file(KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    assert (again.status, again.rows_inserted, again.rows_updated) == ("applied", 0, 0)
    assert again.rows_unchanged == again.rows_read == first.rows_read
    assert Contract.objects.count() == count
    assert again.file_sha256 == first.file_sha256


def test_a_newer_file_updates_what_changed_and_keeps_history(tmp_path):
    rows = raw_json(BANDUNG / "rup-paket-penyedia-terumumkan.sample.json")
    run_file(BANDUNG / "rup-paket-penyedia-terumumkan.sample.json")
    changed, removed = rows[0]["kd_rup"], rows[1]["kd_rup"]
    rows[0] = {**rows[0], "pagu": rows[0]["pagu"] + 1000, "_event_date": "2025-11-01"}
    del rows[1]
    newer = tmp_path / "RUP-PaketPenyedia-Terumumkan.json"
    newer.write_text(json.dumps(rows), encoding="utf-8")
    run = run_file(newer)
    assert (run.rows_inserted, run.rows_updated, run.rows_closed, run.rows_unchanged) == (
        0, 1, 1, len(rows) - 1
    )
    versions = RupPackage.objects.filter(kd_rup=changed).order_by("id")
    assert [v.valid_to_id for v in versions] == [run.pk, None]
    assert versions[1].pagu - versions[0].pagu == 1000
    assert RupPackage.objects.get(kd_rup=removed).valid_to_id == run.pk
    assert run.data_as_of.isoformat() == "2025-11-01"
    before = versions[0].valid_from.data_as_of
    past = queries.as_of(RupPackage.objects.all(), before)
    assert past.get(kd_rup=changed).pagu == versions[0].pagu
    assert past.filter(kd_rup=removed).exists()


def test_duplicates_collapse_and_addenda_keep_every_version():
    raw = raw_json(BANDUNG / "SPSE-NonTenderEkontrak-2Kontrak.json")
    run = run_file(BANDUNG / "SPSE-NonTenderEkontrak-2Kontrak.json")
    unique = {json.dumps(r, sort_keys=True) for r in raw}
    assert run.rows_duplicate == len(raw) - len(unique) == 8
    assert Contract.objects.count() == len(unique)
    addenda = {r["kd_nontender"] for r in raw if r["versi_addendum"] > 0}
    latest = queries.latest_contract_versions(Contract.objects.filter(valid_to__isnull=True))
    assert latest.count() == len({r["kd_nontender"] for r in raw})
    assert addenda
    for contract in latest.filter(kd_paket__in=addenda):
        assert (
            contract.versi_addendum
            == max(r["versi_addendum"] for r in raw if r["kd_nontender"] == contract.kd_paket)
            == 1
        )


def test_e_purchasing_is_summed_by_line_not_by_package():
    raw = raw_parquet(EKATALOG / "BKY-trxkatalog2022.parquet")
    run = run_file(EKATALOG / "BKY-trxkatalog2022.parquet")
    assert (run.dataset, run.rows_duplicate) == ("trxkatalog", 2)
    lines = {(r["kd_paket"], r["kd_produk"]): Decimal(str(r["total_harga"])) for r in raw}
    assert sum(line.total_harga for line in EPurchase.objects.all()) == sum(lines.values())
    done = {
        k
        for k, r in zip(((r["kd_paket"], r["kd_produk"]) for r in raw), raw, strict=True)
        if r["paket_status_str"] == "Paket Selesai"
    }
    assert EPurchase.objects.filter(completed=True).count() == len(done)


def test_failed_toko_daring_orders_are_kept_but_flagged():
    raw = raw_parquet(EKATALOG / "KKR-daring2022.parquet")
    run = run_file(EKATALOG / "KKR-daring2022.parquet")
    assert run.status == "applied" and run.tahun == 2022  # year from the order date
    failed_raw = {r["order_id"] for r in raw if r["status_konfirmasi_ppmse"] == "gagal"}
    failed = set(TokoDaringOrder.objects.filter(failed=True).values_list("order_id", flat=True))
    assert failed == failed_raw
    assert TokoDaringOrder.objects.filter(order_id__in=failed_raw, failed=False).count() == 0
    # a re-pulled order (unverified, then verified) collapses into its latest state
    assert TokoDaringOrder.objects.filter(order_id="1261461").get().verified is True
    both = run_file(BANDUNG / "Bela-TokoDaringRealisasi.json")
    assert both.rows_inserted == 2
    assert TokoDaringOrder.objects.filter(pemda__kd_klpd="D107", failed=True).count() == 2


def test_budget_structure_skips_units_without_a_budget():
    raw = raw_json(BANDUNG / "RUP-StrukturAnggaranPD.json")
    run = run_file(BANDUNG / "RUP-StrukturAnggaranPD.json")
    with_budget = [r for r in raw if r["tahun_anggaran"] is not None]
    assert (run.status, run.rows_inserted) == ("applied", len(with_budget))
    total = sum(b.belanja_pengadaan for b in BudgetStructure.objects.all())
    assert total == sum(Decimal(r["belanja_pengadaan"]) for r in with_budget)


def test_budget_lines_with_negative_corrections_and_exact_duplicates():
    raw = raw_parquet(KALBAR / "RUP-PaketAnggaranPenyedia.parquet")
    run = run_file(KALBAR / "RUP-PaketAnggaranPenyedia.parquet")
    unique = {json.dumps(r, sort_keys=True, default=str) for r in raw}
    assert run.rows_duplicate == len(raw) - len(unique) == 4634
    assert RupBudgetLine.objects.count() == len(unique)
    assert sum(line.pagu for line in RupBudgetLine.objects.all()) == sum(
        Decimal(json.loads(u)["pagu"]) for u in unique
    )


def test_master_satker_creates_the_units():
    raw = raw_json(BANDUNG / "RUP-MasterSatker.json")
    run = run_file(BANDUNG / "RUP-MasterSatker.json")
    assert run.rows_inserted == len({r["kd_satker"] for r in raw})
    unit = Unit.objects.get(pemda__kd_klpd="D107", kd_satker="60414")
    assert unit.name == "DINAS KESEHATAN"
    again = run_file(BANDUNG / "RUP-MasterSatker.json")
    assert again.rows_unchanged == len(raw)


def test_tkdn_export_handles_the_sentinel_and_duplicates():
    run = run_file(SHARED / "tkdn" / "kemenperin-export-sample.xls")
    assert (run.status, run.dataset, run.file_format) == (
        "applied",
        "Kemenperin-TKDN-Export",
        "html",
    )
    assert run.rows_duplicate == 5
    not_applicable = TkdnCertificate.objects.filter(tkdn_not_applicable=True)
    assert not_applicable.count() == 2 and all(c.nilai_tkdn is None for c in not_applicable)
    bumi = TkdnCertificate.objects.get(
        produk="Mortuary Refrigerator / Freezer",
        perusahaan="PT Bumi Indah Putra",
        kode_hs="84185091",
        nilai_tkdn=Decimal("0.3701"),
    )
    assert bumi.tanggal_berlaku.isoformat() == "2031-01-08" and bumi.kbli == "28193"
    assert bumi.extra["Alamat"].startswith("Jl. Alex Bangun Cipendawa Baru")  # public company data


def test_partial_scrape_records_are_listed_and_the_rest_applied_on_request():
    raw = raw_json(SHARED / "tkdn" / "scrape-kelompok-8.json")
    partial_rows = [i + 1 for i, r in enumerate(raw) if "perusahaan" not in r]
    run = run_file(SHARED / "tkdn" / "scrape-kelompok-8.json")
    assert run.status == "rejected" and TkdnCertificate.objects.count() == 0
    assert sorted({e.row_number for e in run.row_errors.all()}) == partial_rows
    applied = run_file(SHARED / "tkdn" / "scrape-kelompok-8.json", apply_valid_rows=True)
    assert applied.status == "applied" and applied.rows_rejected == len(partial_rows)
    assert TkdnCertificate.objects.count() == applied.rows_inserted == len(raw) - len(partial_rows)


def test_a_row_of_an_unknown_pemda_rejects_the_file_and_names_row_field_value():
    raw = raw_json(BANDUNG / "SPSE-TenderSelesaiNilai.json")
    bad = [i + 1 for i, r in enumerate(raw) if r["kd_klpd"] != "D107"]
    run = run_file(BANDUNG / "SPSE-TenderSelesaiNilai.json")
    assert run.status == "rejected" and TenderResult.objects.count() == 0
    errors = list(run.row_errors.all())
    assert [(e.row_number, e.field, e.value) for e in errors] == [
        (r, "kd_klpd", "B154") for r in bad
    ]
    assert "B154" in errors[0].reason


PLAIN_FILES = [
    (BANDUNG / "SPSE-TenderEkontrak-2Kontrak.json", "SPSE-TenderEkontrak-Kontrak", Contract),
    (KALBAR / "SPSE-NonTenderEkontrak-Kontrak.json", "SPSE-NonTenderEkontrak-Kontrak", Contract),
    (BANDUNG / "SPSE-NonTenderEkontrak-1SPPBJ.json", "SPSE-NonTenderEkontrak-SPPBJ", None),
    (BANDUNG / "SPSE-NonTenderEkontrak-3SPMKSPP.json", "SPSE-NonTenderEkontrak-SPMKSPP", None),
    (BANDUNG / "SPSE-NonTenderEkontrak-4BAPBAST.json", "SPSE-NonTenderEkontrak-BAPBAST", None),
    (BANDUNG / "SPSE-TenderEkontrak-1SPPBJ.json", "SPSE-TenderEkontrak-SPPBJ", None),
    (BANDUNG / "SPSE-TenderEkontrak-3SPMKSPP.json", "SPSE-TenderEkontrak-SPMKSPP", None),
    (KALBAR / "SPSE-TenderSelesaiNilai.json", "SPSE-TenderSelesaiNilai", TenderResult),
    (BANDUNG / "SPSE-PencatatanNonTender.json", "SPSE-PencatatanNonTender", Pencatatan),
    (KALBAR / "SPSE-PencatatanSwakelola.json", "SPSE-PencatatanSwakelola", Pencatatan),
    (BANDUNG / "SPSE-PencatatanNonTenderRealisasi.json", "SPSE-PencatatanNonTenderRealisasi", None),
    (BANDUNG / "SPSE-PencatatanSwakelolaRealisasi.json", "SPSE-PencatatanSwakelolaRealisasi", None),
    (KALBAR / "RUP-PaketSwakelola-Terumumkan.parquet", "RUP-PaketSwakelola-Terumumkan", None),
    (BANDUNG / "rup-paket-anggaran-swakelola.sample.json", "RUP-PaketAnggaranSwakelola", None),
    (BANDUNG / "Ecat-PaketEPurchasingV6.json", "Ecat-PaketEPurchasingV6", EPurchase),
    (BANDUNG / "Ecat-ProdukDetail.json", "Ecat-ProdukDetail", None),
    (BANDUNG / "Ecat-PenyediaDetail.json", "Ecat-PenyediaDetail", None),
    (EKATALOG / "KKU-prodkatalog2022.parquet", "Ecat-ProdukDetail", None),
    (EKATALOG / "BKY-daring2022.parquet", "Bela-TokoDaringRealisasi", TokoDaringOrder),
]


@pytest.mark.parametrize(
    ("path", "dataset", "model"), PLAIN_FILES, ids=lambda v: getattr(v, "name", None)
)
def test_every_dataset_is_recognised_and_applied(path, dataset, model):
    rows = raw_parquet(path) if path.suffix == ".parquet" else raw_json(path)
    unique = {json.dumps(r, sort_keys=True, default=str) for r in rows}
    run = run_file(path)
    assert (run.status, run.dataset, run.rows_rejected) == ("applied", dataset, 0), run.message
    assert run.rows_read == len(rows)
    assert run.rows_inserted + run.rows_unchanged == len(rows)
    assert run.rows_duplicate >= len(rows) - len(unique)
    if model is not None:
        assert model.objects.filter(valid_to__isnull=True).count() == run.rows_inserted


def test_pencatatan_keeps_cancelled_packages_with_their_status():
    raw = raw_json(BANDUNG / "SPSE-PencatatanNonTender.json")
    run_file(BANDUNG / "SPSE-PencatatanNonTender.json")
    cancelled = Counter(r["status_nontender_pct_ket"] for r in raw)["Paket Dibatalkan"]
    assert Pencatatan.objects.filter(status_ket="Paket Dibatalkan").count() == cancelled
    several = next(r for r in raw if ";" in str(r["kd_rup"]))
    assert Pencatatan.objects.get(kd_pct=several["kd_nontender_pct"]).kd_rup == several["kd_rup"]


def test_personal_fields_are_not_stored():
    run_file(BANDUNG / "SPSE-TenderEkontrak-2Kontrak.json")
    run_file(BANDUNG / "SPSE-PencatatanSwakelolaRealisasi.json")
    for contract in Contract.objects.all():
        assert not {"jabatan_ppk"} & set(contract.extra)
        assert not any("nip" in key.split("_") for key in contract.extra)
    from p3dn.procurement.models import PencatatanRealisasi

    assert all("nama_pelaksana" not in r.extra for r in PencatatanRealisasi.objects.all())


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "Cloudflare"),
        (b"[]", "larik JSON tanpa baris data"),
        (b'{"kd_rup": 1, "pagu": 5}', "objek JSON, bukan daftar baris"),
        (b"", "berkas kosong"),
    ],
)
def test_files_that_are_not_data_are_refused_in_one_line(tmp_path, content, reason):
    if content is None:
        path = SHARED / "negative" / "cloudflare-challenge.json"
    else:
        path = tmp_path / "data.json"
        path.write_bytes(content)
    run = run_file(path)
    assert run.status == "refused"
    assert reason.lower() in run.message.lower() and "\n" not in run.message
    assert RupPackage.objects.count() == 0


def test_a_file_forced_as_another_dataset_is_refused():
    run = run_file(BANDUNG / "RUP-MasterSatker.json", dataset="SPSE-TenderEkontrak-Kontrak")
    assert run.status == "refused" and "kd_tender" in run.message


def test_a_file_of_another_kind_is_refused_naming_its_fields():
    run = run_file(BANDUNG / "SPSE-JadwalTahapanTender.json")
    assert run.status == "refused" and "kd_tahapan" in run.message


def test_dry_run_checks_everything_and_writes_nothing():
    run = run_file(KALBAR / "SPSE-TenderEkontrak-Kontrak.json", dry_run=True)
    assert (run.status, run.rows_inserted) == ("checked", 84)
    assert Contract.objects.count() == 0


def test_a_tim_p3dn_cannot_import_another_pemdas_rows(tim_kalbar):
    run = services.import_now(actor=tim_kalbar, path=BANDUNG / "SPSE-TenderEkontrak-2Kontrak.json")
    assert run.status == "rejected" and run.rows_rejected == run.rows_read
    assert "tidak Anda kelola" in run.row_errors.first().reason
    assert Contract.objects.count() == 0


def test_a_value_longer_than_its_field_is_rejected_on_every_database(tmp_path):
    rows = raw_json(BANDUNG / "rup-paket-penyedia-terumumkan.sample.json")[:2]
    rows[1] = {**rows[1], "status_pdn": "PDN" * 20}
    path = tmp_path / "rup.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    run = run_file(path)
    error = run.row_errors.get()
    assert (run.status, error.row_number, error.field) == ("rejected", 2, "status_pdn")
    assert "60" in error.reason and "20" in error.reason


def _write_format(rows: list[dict], path: Path, fmt: str) -> None:
    import csv

    from openpyxl import Workbook

    columns = list(rows[0])
    if fmt == "jsonl":
        path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    elif fmt == "csv":
        with path.open("w", encoding="cp1252", errors="replace", newline="") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(columns)
            writer.writerows([["" if r[c] is None else r[c] for c in columns] for r in rows])
    else:
        book = Workbook()
        sheet = book.active
        sheet.append(columns)
        for r in rows:
            sheet.append(["" if r[c] is None else str(r[c]) if isinstance(r[c], bool) else r[c]
                          for c in columns])
        book.save(path)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_the_same_data_in_other_formats_gives_the_same_facts(tmp_path, fmt):
    rows = raw_json(BANDUNG / "rup-paket-penyedia-terumumkan.sample.json")
    path = tmp_path / f"RUP-PaketPenyedia-Terumumkan.{fmt}"
    _write_format(rows, path, fmt)
    run = run_file(path)
    assert (run.status, run.file_format, run.rows_inserted) == ("applied", fmt, len(rows))
    packages = RupPackage.objects.all()
    assert sum(p.pagu for p in packages) == sum(Decimal(str(r["pagu"])) for r in rows)
    assert sorted(p.kd_rup for p in packages) == sorted(r["kd_rup"] for r in rows)
    assert packages.filter(status_pdn="PDN").count() == sum(r["status_pdn"] == "PDN" for r in rows)
    assert packages.filter(status_aktif_rup=True).count() == sum(
        r["status_aktif_rup"] is True for r in rows)


def test_e_katalog_v5_lines_in_the_isb_shape(tmp_path):
    """No public v5 file is at hand: these rows follow the field list of DOMAIN.md 4.4."""
    line = {"tahun_anggaran": 2025, "kd_klpd": "D107", "kd_satker": "60414", "no_paket": "EP-1",
            "kd_rup": 53613689, "nama_paket": "Belanja Alat Kesehatan", "kd_komoditas": 71,
            "kd_penyedia_distributor": None, "ongkos_kirim": 0, "nama_sumber_dana": "APBD",
            "kode_anggaran": "1.02.02", "status_paket": "paket_selesai",
            "paket_status_str": "Paket Selesai", "tanggal_buat_paket": "2025-04-02 10:00:00"}
    rows = [
        {**line, "kd_paket": 901, "kd_produk": 11, "kd_penyedia": 5, "kuantitas": 2,
         "harga_satuan": 1500000, "total_harga": 3000000},
        {**line, "kd_paket": 901, "kd_produk": 12, "kd_penyedia": 5, "kuantitas": 1,
         "harga_satuan": 7250000.5, "total_harga": 7250000.5},
        {**line, "kd_paket": 902, "kd_produk": 11, "kd_penyedia": 6, "kuantitas": 4,
         "harga_satuan": 1500000, "total_harga": 6000000, "status_paket": "proses_kontrak_ppk",
         "paket_status_str": "Paket Proses"},
    ]
    path = tmp_path / "Ecat-PaketEPurchasing.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    run = run_file(path)
    assert (run.status, run.dataset, run.rows_inserted) == ("applied", "Ecat-PaketEPurchasing", 3)
    assert sum(e.total_harga for e in EPurchase.objects.all()) == Decimal("16250000.50")
    assert EPurchase.objects.filter(completed=True).count() == 2
    assert EPurchase.objects.get(kd_paket="901", kd_produk="12").unit.kd_satker == "60414"


# ---------------------------------------------------------------- the engine's short cuts


def _current_facts() -> list[dict]:
    """The current packages without what differs between runs: ids, runs, source hashes."""
    facts = []
    for row in RupPackage.objects.filter(valid_to__isnull=True).values():
        del row["id"], row["valid_from_id"], row["valid_to_id"]
        row["row_hash"] = row["row_hash"][:16]
        facts.append(row)
    return sorted(facts, key=lambda r: r["kd_rup"])


def _jsonl(path: Path, rows: list[dict], **dumps) -> Path:
    path.write_text("".join(json.dumps(r, **dumps) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_first_import_stores_what_an_import_over_stored_facts_stores(tmp_path):
    rows = raw_json(BANDUNG / "rup-paket-penyedia-terumumkan.sample.json")
    whole = _jsonl(tmp_path / "RUP-PaketPenyedia-Terumumkan.jsonl", rows)
    first = run_file(whole)  # nothing stored for the Pemda and year: no row is looked for
    assert (first.status, first.rows_inserted) == ("applied", len(rows))
    fresh = _current_facts()
    RupPackage.objects.all().delete()
    run_file(_jsonl(tmp_path / "first-row.jsonl", rows[:1]))
    over = run_file(whole)  # every row is looked for among the stored facts
    assert (over.rows_inserted, over.rows_unchanged) == (len(rows) - 1, 1)
    assert _current_facts() == fresh


def test_unchanged_lines_are_not_cleaned_again_and_other_lines_are_compared(
    tmp_path, monkeypatch
):
    from p3dn.imports import engine

    rows = raw_json(BANDUNG / "rup-paket-penyedia-terumumkan.sample.json")
    path = _jsonl(tmp_path / "RUP-PaketPenyedia-Terumumkan.jsonl", rows)
    run_file(path)
    stored = _current_facts()
    cleaned = Counter()

    def counting(plans):
        clean_row = row_cleaner(plans)
        kind = "whole" if len(plans) > 3 else "key"

        def clean(row, raw, problems):
            cleaned[kind] += 1
            return clean_row(row, raw, problems)

        return clean

    row_cleaner = engine.row_cleaner
    monkeypatch.setattr(engine, "row_cleaner", counting)
    again = run_file(path)
    assert (again.rows_unchanged, again.rows_inserted, again.rows_updated) == (len(rows), 0, 0)
    assert cleaned == {"key": len(rows)}

    cleaned.clear()  # the same rows, spaced and ordered otherwise: each compared by content
    reordered = [dict(reversed(r.items())) for r in rows]
    spaced = _jsonl(tmp_path / "spaced.jsonl", reordered, separators=(" ,", ":  "))
    again = run_file(spaced)
    assert (again.rows_unchanged, again.rows_inserted, again.rows_updated) == (len(rows), 0, 0)
    assert cleaned == {"key": len(rows), "whole": len(rows)}
    assert _current_facts() == stored

    cleaned.clear()  # ... and stamped with their new lines: found by them from now on
    assert run_file(spaced).rows_unchanged == len(rows)
    assert cleaned == {"key": len(rows)}

    cleaned.clear()
    reordered[3] = {**reordered[3], "nama_paket": reordered[3]["nama_paket"] + " (revisi)"}
    reordered[4] = {**reordered[4], "nama_ppk": "someone else"}  # personal: not stored
    changed = run_file(_jsonl(tmp_path / "changed.jsonl", reordered, separators=(" ,", ":  ")))
    assert (changed.rows_unchanged, changed.rows_updated) == (len(rows) - 1, 1)
    assert cleaned == {"key": len(rows), "whole": 2}


def test_after_an_upgrade_rows_are_compared_once_and_then_found_by_their_source(
    tmp_path, monkeypatch
):
    from p3dn.imports import engine

    rows = raw_json(BANDUNG / "rup-paket-penyedia-terumumkan.sample.json")
    path = _jsonl(tmp_path / "RUP-PaketPenyedia-Terumumkan.jsonl", rows)
    run_file(path)
    stored = _current_facts()
    monkeypatch.setattr(engine, "code_version", lambda: "other code")
    hashes = set(RupPackage.objects.values_list("row_hash", flat=True))
    upgraded = run_file(path)  # the source hashes were made under other code
    assert (upgraded.rows_unchanged, upgraded.rows_updated) == (len(rows), 0)
    assert _current_facts() == stored  # one version each, the same content hash
    assert not hashes & set(RupPackage.objects.values_list("row_hash", flat=True))

    versions = RupPackage.objects.count()
    cleaned = Counter()
    row_cleaner = engine.row_cleaner

    def counting(plans):
        clean_row = row_cleaner(plans)

        def clean(row, raw, problems):
            cleaned[len(plans) > 3] += 1
            return clean_row(row, raw, problems)

        return clean

    monkeypatch.setattr(engine, "row_cleaner", counting)
    assert run_file(path).rows_unchanged == len(rows)
    assert cleaned == {False: len(rows)}  # keys only: every row found by its line
    assert RupPackage.objects.count() == versions


def test_extra_keeps_the_other_fields_that_are_not_personal_or_empty():
    from p3dn.imports.writer import ExtraFields

    pick = ExtraFields(frozenset({"kd_rup"}))
    row = {"kd_rup": 1, "nama_ppk": "A", "nip_ppk": "1", "_event_date": "2025-01-01", "a": "",
           "b": None, "c": 0, "d": False, "e": Decimal("1.50"), "f": [Decimal("2")], "g": "x"}
    assert pick(row) == {"c": 0, "d": False, "e": "1.50", "f": ["2"], "g": "x"}
    assert list(pick(dict(reversed(row.items())))) == ["g", "f", "e", "d", "c"]
    assert pick({"g": None, "h": "y"}) == {"h": "y"}
    assert pick({"g": "z"}) == {"g": "z"}
    assert pick({"kd_rup": 2}) == {}


def test_the_row_cleaner_cleans_each_value_once_and_lists_every_problem():
    from p3dn.imports.datasets.base import boolean, required_integer, text
    from p3dn.imports.writer import ColumnPlan, new_memos, row_cleaner

    calls = Counter()

    def counted(clean):
        def wrapped(value):
            calls[clean.__name__, type(value)] += 1
            return clean(value)

        return wrapped

    clean_row = row_cleaner([
        ColumnPlan("kode", ("kd", "kode"), counted(required_integer), True, None, new_memos()),
        ColumnPlan("aktif", ("aktif",), counted(boolean), False, None, new_memos()),
        ColumnPlan("nama", ("nama",), counted(text), True, 5, new_memos()),
    ])
    problems = []
    for row in range(2):
        assert clean_row(row, {"kode": "7", "aktif": 1, "nama": "a  b"}, problems) == {
            "kode": 7, "aktif": True, "nama": "a b"}
        assert clean_row(row, {"kd": 8, "aktif": "1", "nama": "c"}, problems) == {
            "kode": 8, "aktif": True, "nama": "c"}
    assert problems == []
    assert calls == {("required_integer", str): 1, ("required_integer", int): 1,
                     ("boolean", int): 1, ("boolean", str): 1, ("text", str): 2}
    clean_row(9, {"kd": "x", "aktif": "maybe", "nama": "panjang"}, problems)
    clean_row(10, {"kode": None, "aktif": None, "nama": " "}, problems)
    assert [(p.row, p.field, p.value) for p in problems] == [
        (9, "kd", "x"), (9, "aktif", "maybe"), (9, "nama", "panjang"),
        (10, "kode", ""), (10, "nama", ""),
    ]
