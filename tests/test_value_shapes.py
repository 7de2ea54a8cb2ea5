"""Every value shape of the real files imports as what it means (docs/imports.md, "Value shapes
in the real files"; scripts/value_shapes.py finds them): one test per shape, each expected
figure computed here from the raw file."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from conftest import SHARED_DATA
from p3dn.accounts.models import Pemda
from p3dn.imports import services
from p3dn.monitoring import drilldown, queries
from p3dn.monitoring.indicators import compute
from p3dn.procurement.models import (
    Contract,
    EPurchase,
    Pencatatan,
    RupPackage,
    TenderResult,
    TkdnCertificate,
    TokoDaringOrder,
)
from p3dn.procurement.sums import Filters

DATA = SHARED_DATA
KALBAR = DATA / "isb" / "prov-kalbar-2023"
BANDUNG = DATA / "isb" / "kab-bandung-2025"
EKATALOG = DATA / "ekatalog" / "kalbar-kabupaten-2022"
JENIS = ("Barang", "Pekerjaan Konstruksi", "Jasa Konsultansi", "Jasa Lainnya")


def imported(path: Path, **options):
    run = services.import_now(actor=None, path=path, **options)
    assert run.status == "applied", (path.name, run.message)
    assert run.rows_rejected == 0, run.message
    return run


def parts(value) -> list[str]:
    """The values of a ';'-separated field, each once, as first written."""
    return list(dict.fromkeys(p.strip() for p in str(value or "").split(";") if p.strip()))


def raw_json(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ jenis pengadaan


def consolidated_rup(tmp_path: Path) -> tuple[Path, list[dict]]:
    """The real Kalbar RUP file with SiRUP's consolidated-package shapes written into three of
    its announced packages, as the issue found them in a Pemda's file."""
    rows = pq.read_table(KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet").to_pylist()
    announced = [
        r for r in rows
        if r["status_umumkan_rup"] == "Terumumkan" and r["status_aktif_rup"]
        and r["status_delete_rup"] is not True
    ]
    first = {j: next(r for r in announced if r["jenis_pengadaan"] == j) for j in JENIS}
    first["Jasa Konsultansi"].update(
        kd_jenis_pengadaan="3;3;4",
        jenis_pengadaan="Jasa Konsultansi;Jasa Konsultansi;Jasa Lainnya",
    )
    first["Barang"].update(kd_jenis_pengadaan="1;1", jenis_pengadaan="Barang;Barang")
    first["Jasa Lainnya"].update(
        kd_jenis_pengadaan="4; 2", jenis_pengadaan="Jasa Lainnya; Pekerjaan Konstruksi"
    )
    path = tmp_path / "RUP-PaketPenyedia-Terumumkan.json"
    path.write_text(json.dumps(rows, default=str), encoding="utf-8")
    return path, announced


def test_a_consolidated_package_is_stored_as_its_set_of_types(db, tmp_path):
    path, _announced = consolidated_rup(tmp_path)
    run = imported(path)
    assert run.rows_read == 4396
    stored = dict(
        RupPackage.objects.filter(kd_jenis_pengadaan__contains=";")
        .values_list("kd_jenis_pengadaan", "jenis_pengadaan")
    )
    assert stored == {
        "3;4": "Jasa Konsultansi;Jasa Lainnya",
        "2;4": "Pekerjaan Konstruksi;Jasa Lainnya",
    }
    assert not RupPackage.objects.filter(jenis_pengadaan__contains="Barang;").exists()
    # the same file again changes nothing
    again = imported(path)
    assert (again.rows_inserted, again.rows_updated) == (0, 0)


def test_the_jenis_filter_matches_any_type_of_a_package_and_counts_it_once(
    db, tmp_path, client_for, tim_kalbar
):
    path, announced = consolidated_rup(tmp_path)
    imported(path)
    kalbar = Pemda.objects.get(kd_klpd="D197")
    whole = compute(pemda=kalbar, tahun=2023)
    assert D(whole["pagu_penyedia"]) == sum(D(r["pagu"]) for r in announced)
    for jenis in JENIS:
        mine = [r for r in announced if jenis.lower() in {p.lower() for p in
                                                          parts(r["jenis_pengadaan"])}]
        filters = Filters(jenis_pengadaan=jenis)
        figures = compute(pemda=kalbar, tahun=2023, filters=filters)
        assert D(figures["pagu_penyedia"]) == sum(D(r["pagu"]) for r in mine), jenis
        rows = drilldown.rows_for(kalbar, drilldown.Selection(2023, "rup", "nilai", "", ""),
                                  filters)
        codes = [row.kd_rup for row in rows]
        assert sorted(codes) == sorted(r["kd_rup"] for r in mine)  # each package once
    # the Dasbor offers each type, never a set of them; the CLI filters alike
    assert queries.filter_options(kalbar, 2023)["jenis"] == sorted(JENIS)
    html = client_for(tim_kalbar).get(
        reverse("monitoring:dashboard", args=[kalbar.pk]), {"tahun": 2023}
    ).content.decode()
    assert "Konsultansi;" not in html
    out = StringIO()
    call_command("indicators", "--klpd", "D197", "--year", "2023", "--jenis", "Jasa Lainnya",
                 stdout=out)
    expected = compute(pemda=kalbar, tahun=2023, filters=Filters(jenis_pengadaan="Jasa Lainnya"))
    assert json.loads(out.getvalue())["pagu_penyedia"] == expected["pagu_penyedia"]
    # a filter naming no type matches no package (not the packages without a type)
    nothing = compute(pemda=kalbar, tahun=2023, filters=Filters(jenis_pengadaan=" ; "))
    assert D(nothing["pagu_penyedia"]) == 0


def test_the_migration_rewrites_sets_stored_as_they_came(db):
    imported(KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet")
    imported(KALBAR / "SPSE-PencatatanNonTender.json")
    package = RupPackage.objects.filter(jenis_pengadaan="Jasa Konsultansi").first()
    assert package is not None
    RupPackage.objects.filter(pk=package.pk).update(
        kd_jenis_pengadaan="3;3;4", jenis_pengadaan="Jasa Konsultansi;Jasa Konsultansi;Jasa Lainnya"
    )
    record = Pencatatan.objects.filter(sumber_dana="APBD;APBDP").first()
    assert record is not None
    Pencatatan.objects.filter(pk=record.pk).update(sumber_dana="APBDP;APBD;APBDP")
    migration = importlib.import_module(
        "p3dn.procurement.migrations.0005_store_jenis_pengadaan_as_sets"
    )
    migration.forwards(apps, None)
    package.refresh_from_db()
    record.refresh_from_db()
    assert (package.kd_jenis_pengadaan, package.jenis_pengadaan) == (
        "3;4", "Jasa Konsultansi;Jasa Lainnya")
    assert record.sumber_dana == "APBD;APBDP"


# ------------------------------------------------------------------ the other ';' fields


@pytest.mark.parametrize("folder", [BANDUNG, KALBAR])
def test_sources_of_funds_of_a_pencatatan_are_a_set(db, folder):
    for name in ("SPSE-PencatatanNonTender.json", "SPSE-PencatatanSwakelola.json"):
        raw = raw_json(folder / name)
        several = [r for r in raw if ";" in (r.get("sumber_dana") or "")]
        assert several  # the real files write "APBDP;APBD" and "APBD;APBDP"
        imported(folder / name)
        key = "kd_nontender_pct" if "NonTender" in name else "kd_swakelola_pct"
        stored = dict(Pencatatan.objects.filter(valid_to__isnull=True)
                      .values_list("kd_pct", "sumber_dana"))
        for row in several:
            assert stored[int(row[key])] == ";".join(sorted(parts(row["sumber_dana"])))
    assert Counter(Pencatatan.objects.filter(sumber_dana__contains=";")
                   .values_list("sumber_dana", flat=True)).keys() == {"APBD;APBDP"}


@pytest.mark.parametrize("folder", [BANDUNG, KALBAR])
def test_several_kd_rup_of_one_record_are_each_kept(db, folder):
    raw = raw_json(folder / "SPSE-PencatatanNonTender.json")
    several = {int(r["kd_nontender_pct"]): parts(r["kd_rup"]) for r in raw
               if ";" in str(r.get("kd_rup") or "")}
    assert several
    imported(folder / "SPSE-PencatatanNonTender.json")
    stored = dict(Pencatatan.objects.values_list("kd_pct", "kd_rup"))
    for kd_pct, codes in several.items():
        assert stored[kd_pct].split(";") == codes


def test_several_kd_rup_of_a_tender_result_are_each_kept(db):
    raw = raw_json(BANDUNG / "SPSE-TenderSelesaiNilai.json")
    several = {int(r["kd_tender"]): parts(r["kd_rup_paket"]) for r in raw
               if ";" in str(r.get("kd_rup_paket") or "")}
    assert several
    # one row is of another KLPD (B154), no Pemda: the only row not taken
    others = [r for r in raw if not r["kd_klpd"].startswith("D")]
    run = services.import_now(actor=None, path=BANDUNG / "SPSE-TenderSelesaiNilai.json",
                              apply_valid_rows=True)
    assert run.rows_rejected == len(others)
    assert {e.field for e in run.row_errors.all()} == {"kd_klpd"}
    stored = dict(TenderResult.objects.values_list("kd_tender", "kd_rup"))
    for kd_tender, codes in several.items():
        assert stored[kd_tender].split(";") == codes


def test_an_order_line_of_several_categories_keeps_them(db):
    path = EKATALOG / "KKR-daring2022.parquet"
    raw = pq.read_table(path).to_pylist()
    several = [r for r in raw if ";" in (r.get("kategori") or "")]
    assert several
    run = imported(path)
    assert run.rows_read == len(raw)
    stored = Counter(TokoDaringOrder.objects.filter(kategori__contains=";")
                     .values_list("kategori", flat=True))
    expected = Counter(";".join(parts(r["kategori"])) for r in several)
    assert set(stored) == set(expected)
    # identical copies collapse, so a category set is stored at most as often as written
    assert all(stored[k] <= expected[k] for k in expected)


def test_budget_codes_and_fund_names_written_twice_stay_as_written_in_extra(db):
    path = EKATALOG / "KKU-trxkatalog2022.parquet"
    raw = pq.read_table(path).to_pylist()
    twice = [r for r in raw if ";" in (r.get("nama_sumber_dana") or "")]
    assert twice
    imported(path)
    kept = [e.extra.get("nama_sumber_dana") for e in EPurchase.objects.all()]
    assert sum(1 for v in kept if v and ";" in v) == len(twice)


# ------------------------------------------------------------------ sentinels, texts, blanks


def test_the_999_99_sentinel_means_not_applicable(db):
    path = DATA / "tkdn" / "kemenperin-export-sample.xls"
    text = path.read_text(encoding="utf-8")
    sentinels = text.count(">999.99<") + text.count(">999,99<")
    assert sentinels
    imported(path)
    flagged = TkdnCertificate.objects.filter(tkdn_not_applicable=True)
    assert flagged.count() == sentinels  # the two rows are not among the duplicates
    assert all(c.nilai_tkdn is None for c in flagged)
    assert not TkdnCertificate.objects.filter(nilai_tkdn__gt=1).exists()


def test_a_percentage_written_with_its_sign_is_a_fraction(db):
    path = DATA / "tkdn" / "scrape-kelompok-8.json"
    raw = [r for r in raw_json(path) if r.get("nilai_tkdn")]
    run = services.import_now(actor=None, path=path, apply_valid_rows=True)
    assert run.rows_rejected == len(raw_json(path)) - len(raw)  # the partial records only
    expected = Counter(D(r["nilai_tkdn"].rstrip("%")) / 100 for r in raw)
    stored = Counter(TkdnCertificate.objects.values_list("nilai_tkdn", flat=True))
    assert stored == expected


def test_a_blank_pdn_value_is_unknown_not_zero(db):
    path = KALBAR / "SPSE-TenderSelesaiNilai.json"
    raw = raw_json(path)
    blank = {int(r["kd_tender"]) for r in raw if r.get("nilai_pdn_kontrak") in (None, "")}
    assert blank
    imported(path)
    stored = set(TenderResult.objects.filter(nilai_pdn_kontrak__isnull=True)
                 .values_list("kd_tender", flat=True))
    assert stored == blank


def test_exact_duplicate_rows_count_once(db):
    path = KALBAR / "SPSE-NonTenderEkontrak-Kontrak.json"
    raw = raw_json(path)
    distinct = {json.dumps(r, sort_keys=True) for r in raw}
    assert len(distinct) < len(raw)
    run = imported(path)
    assert run.rows_inserted == Contract.objects.count() == len(distinct)
    assert run.rows_read - run.rows_inserted == len(raw) - len(distinct)
