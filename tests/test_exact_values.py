"""Exact values or a rejected row: a value that does not fit its column exactly (an amount with
more decimals than a rupiah amount has, a number out of its column's range, a nested object or
list where one value is expected, a text longer than its field or than the text limit, a date
no procurement has, a flag that is neither yes nor no) rejects its row with the row, the field,
the value (shortened) and the reason. Nothing is rounded, nothing crashes, nothing of the file
is stored; on SQLite and PostgreSQL alike (run with DATABASE_URL for the latter). Each file is
one real row of the shared data with one field changed."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _

from conftest import SHARED_DATA as SHARED
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.procurement.models import Contract, EPurchase, Product, RupPackage, TkdnCertificate

CONTRACTS = SHARED / "isb" / "prov-kalbar-2023" / "SPSE-TenderEkontrak-Kontrak.json"
PRODUCTS = SHARED / "isb" / "kab-bandung-2025" / "Ecat-ProdukDetail.json"
PACKAGES = SHARED / "isb" / "kab-bandung-2025" / "rup-paket-penyedia-terumumkan.sample.json"
CERTIFICATES = SHARED / "tkdn" / "scrape-kelompok-8.json"
PURCHASES = SHARED / "ekatalog" / "kalbar-kabupaten-2022" / "KKR-trxkatalog2022.parquet"

pytestmark = pytest.mark.django_db


def real_rows(path: Path, count: int = 1) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()[:count]
    return json.loads(path.read_text(encoding="utf-8"))[:count]


def write(path: Path, rows: list[dict[str, Any]], raw: dict[str, str] | None = None) -> Path:
    """The rows as a JSON array; `raw` puts a field's JSON text in as written (1234.5678 as
    the number it is, not as a float)."""
    text = json.dumps(rows, ensure_ascii=False, default=str)
    for field, value in (raw or {}).items():
        marker = json.dumps(f"@{field}@")
        assert marker in text
        text = text.replace(marker, value)
    path.write_text(text, encoding="utf-8")
    return path


def import_changed(tmp_path: Path, source: Path, field: str, json_text: str,
                   **options: Any) -> ImportRun:
    """One real row of `source` with `field` set to the JSON `json_text`, imported."""
    row = {**real_rows(source)[0], field: f"@{field}@"}
    path = write(tmp_path / source.with_suffix(".json").name, [row], {field: json_text})
    return services.import_now(actor=None, path=path, **options)


def errors(run: ImportRun) -> list[tuple[int, str, str, str]]:
    return [(e.row_number, e.field, e.value, e.reason) for e in run.row_errors.all()]


def rounded(places: int) -> str:
    return _("more than %(places)s decimals: the value would have to be rounded") % {
        "places": places}


def out_of_range(low: int, high: int) -> str:
    return _("out of range: a whole number from %(low)s to %(high)s") % {
        "low": f"{low:,}", "high": f"{high:,}"}


def too_long(length: int, limit: int) -> str:
    return _("too long: %(n)s characters, at most %(limit)s") % {"n": length, "limit": limit}


# ------------------------------------------------------------------ money


def test_an_amount_with_more_than_two_decimals_rejects_its_row_instead_of_being_rounded(
    tmp_path: Path,
):
    run = import_changed(tmp_path, CONTRACTS, "nilai_kontrak", "1234.5678")
    assert (run.status, run.rows_rejected) == (ImportRun.Status.REJECTED, 1)
    assert errors(run) == [(1, "nilai_kontrak", "1234.5678", rounded(2))]
    assert Contract.objects.count() == 0
    for written in ("1234.5", "1234.50", "1234.500"):  # the same exact amount
        fine = import_changed(tmp_path, CONTRACTS, "nilai_kontrak", written)
        assert fine.status == ImportRun.Status.APPLIED, errors(fine)
        assert Contract.objects.get().nilai_kontrak == Decimal("1234.50")


@pytest.mark.parametrize(
    ("field", "written", "reason"),
    [
        ("nilai_kontrak", "1e308", "digits"),
        ("nilai_kontrak", "1000000000000000000", "digits"),
        ("nilai_pdn_kontrak", "123456789012345678901234567890.5", "digits"),
        ("kd_penyedia", str(2**63), "bigint"),
        ("kd_tender", "-" + str(2**63 + 1), "bigint"),
        ("versi_addendum", "40000", "smallint"),
        ("versi_addendum", "-1", "smallint"),
        ("kd_tender", '"1e30"', "whole"),
    ],
)
def test_a_number_out_of_its_columns_range_rejects_its_row_not_the_run(
    tmp_path: Path, field: str, written: str, reason: str
):
    run = import_changed(tmp_path, CONTRACTS, field, written)
    assert (run.status, run.rows_rejected) == (ImportRun.Status.REJECTED, 1), run.message
    expected = {
        "digits": _("out of range: at most %(digits)s digits before the decimal point")
        % {"digits": 18},
        "bigint": out_of_range(-(2**63), 2**63 - 1),
        "smallint": out_of_range(0, 32767),
        "whole": _("out of range for a whole number"),
    }[reason]
    shown = str(json.loads(written, parse_float=Decimal))  # as the reader gives it
    assert errors(run) == [(1, field, shown, expected)]
    assert Contract.objects.count() == 0


# ------------------------------------------------------------------ nested values


@pytest.mark.parametrize(
    ("field", "written", "shown", "list_"),
    [
        ("nama_paket", '{"a": 1, "b": [2]}', '{"a":1,"b":[2]}', False),
        ("no_kontrak", '["027", "028"]', '["027","028"]', True),
        ("nilai_kontrak", '{"nilai": 1}', '{"nilai":1}', False),
        ("tgl_kontrak", '["2023-03-08"]', '["2023-03-08"]', True),
    ],
)
def test_a_nested_object_or_list_where_one_value_is_expected_rejects_its_row(
    tmp_path: Path, field: str, written: str, shown: str, list_: bool
):
    run = import_changed(tmp_path, CONTRACTS, field, written)
    reason = (_("a list where one value was expected") if list_
              else _("an object with fields of its own where one value was expected"))
    assert errors(run) == [(1, field, shown, reason)]
    assert Contract.objects.count() == 0


# ------------------------------------------------------------------ text


def test_text_longer_than_its_field_rejects_its_row(tmp_path: Path):
    name = "PT " + "panjang " * 40  # 323 characters for a field of 255
    run = import_changed(tmp_path, CONTRACTS, "nama_penyedia", json.dumps(name))
    assert errors(run) == [(1, "nama_penyedia", name.strip()[:199] + "…",
                            too_long(len(name.strip()), 255))]
    assert Contract.objects.count() == 0


@pytest.mark.parametrize("field", ["nama_paket", "lingkup_pekerjaan"])
def test_text_over_the_text_limit_rejects_its_row_in_a_text_field_and_in_extra(
    tmp_path: Path, field: str
):
    # nama_paket is a text field of the fact, lingkup_pekerjaan one kept in `extra`
    limit = settings.P3DN_IMPORT_MAX_TEXT_LENGTH
    value = "x" * (limit + 1)
    run = import_changed(tmp_path, CONTRACTS, field, json.dumps(value))
    assert errors(run) == [(1, field, "x" * 199 + "…", too_long(limit + 1, limit))]
    assert Contract.objects.count() == 0
    at_limit = import_changed(tmp_path, CONTRACTS, field, json.dumps("y" * limit))
    assert at_limit.status == ImportRun.Status.APPLIED, errors(at_limit)


def test_the_text_limit_is_a_setting(tmp_path: Path, settings):
    settings.P3DN_IMPORT_MAX_TEXT_LENGTH = 180  # the row's other texts are shorter
    run = import_changed(tmp_path, CONTRACTS, "lingkup_pekerjaan", json.dumps("z" * 181))
    assert errors(run) == [(1, "lingkup_pekerjaan", "z" * 181, too_long(181, 180))]


def test_a_huge_value_in_a_scope_field_is_shown_shortened(tmp_path: Path):
    run = import_changed(tmp_path, CONTRACTS, "kd_klpd", json.dumps("D" * 300_000))
    (row, field, value, reason), = errors(run)
    assert (row, field, value) == (1, "kd_klpd", "D" * 199 + "…")
    assert len(reason) < 400
    assert Contract.objects.count() == 0


# ------------------------------------------------------------------ percentages, quantities


def test_a_tkdn_percentage_with_more_than_two_decimals_is_rejected_not_rounded(tmp_path: Path):
    run = import_changed(tmp_path, PRODUCTS, "tkdn_produk", '"56.795"')
    reason = _("a percentage with more than two decimals: it would have to be rounded")
    assert errors(run) == [(1, "tkdn_produk", "56.795", reason)]
    assert Product.objects.count() == 0
    fine = import_changed(tmp_path, PRODUCTS, "tkdn_produk", '"56.79"')
    assert fine.status == ImportRun.Status.APPLIED
    assert Product.objects.get().tkdn_produk == Decimal("0.5679")


def test_a_kemenperin_tkdn_value_with_more_than_two_decimals_is_rejected_not_rounded(
    tmp_path: Path,
):
    run = import_changed(tmp_path, CERTIFICATES, "nilai_tkdn", '"56,795%"')
    reason = _("a percentage with more than two decimals: it would have to be rounded")
    assert errors(run) == [(1, "nilai_tkdn", "56,795%", reason)]
    assert TkdnCertificate.objects.count() == 0


def test_a_quantity_keeps_its_four_decimals_and_more_are_rejected(tmp_path: Path):
    run = import_changed(tmp_path, PURCHASES, "kuantitas", "1.125")
    assert run.status == ImportRun.Status.APPLIED, errors(run)
    assert EPurchase.objects.get().kuantitas == Decimal("1.125")  # was rounded to 1.13
    again = import_changed(tmp_path, PURCHASES, "kuantitas", "1.12345")
    assert errors(again) == [(1, "kuantitas", "1.12345", rounded(4))]


# ------------------------------------------------------------------ dates, flags


@pytest.mark.parametrize(
    ("source", "field", "written"),
    [
        (CONTRACTS, "tgl_kontrak", '"0001-01-01T00:00:00.000000Z"'),
        (CONTRACTS, "tgl_kontrak", '"9999-12-31"'),
        (SHARED / "isb" / "kab-bandung-2025" / "Bela-TokoDaringRealisasi.json",
         "tanggal_transaksi", '"0001-01-01 00:00:00"'),
    ],
)
def test_a_date_outside_1900_to_2100_rejects_its_row(
    tmp_path: Path, source: Path, field: str, written: str
):
    run = import_changed(tmp_path, source, field, written)
    reason = _("a date outside the years %(first)s to %(last)s") % {"first": 1900, "last": 2100}
    assert errors(run) == [(1, field, json.loads(written), reason)]
    assert run.status == ImportRun.Status.REJECTED


def test_a_number_other_than_1_or_0_is_no_flag_and_rejects_its_row(tmp_path: Path):
    run = import_changed(tmp_path, PACKAGES, "status_aktif_rup", "2")  # was taken for yes
    assert errors(run) == [(1, "status_aktif_rup", "2", _("not yes/no"))]
    assert RupPackage.objects.count() == 0


# ------------------------------------------------------------------ valid rows still apply


def test_applying_the_valid_rows_stores_the_others_and_lists_the_rejected_one(tmp_path: Path):
    rows = real_rows(CONTRACTS, 3)
    rows[1] = {**rows[1], "nilai_kontrak": "@nilai_kontrak@", "nama_paket": {"a": 1}}
    path = write(tmp_path / "SPSE-TenderEkontrak-Kontrak.json", rows,
                 {"nilai_kontrak": "1e308"})
    with pytest.raises(SystemExit) as exit_code:  # some rows were rejected
        call_command("import_file", str(path), apply_valid_rows=True, stdout=io.StringIO())
    assert exit_code.value.code == 1
    run = ImportRun.objects.get()
    assert (run.status, run.rows_inserted, run.rows_rejected) == (ImportRun.Status.APPLIED, 2, 1)
    assert {e[1] for e in errors(run)} == {"nilai_kontrak", "nama_paket"}
    assert sorted(Contract.objects.values_list("kd_paket", flat=True)) == sorted(
        r["kd_tender"] for r in (rows[0], rows[2]))
