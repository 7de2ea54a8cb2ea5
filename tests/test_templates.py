"""The Excel templates for commitments, manual realization and TKDN-IK targets: downloaded,
filled in, imported and checked row by row like any other file."""

from __future__ import annotations

import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from p3dn.imports import services
from p3dn.procurement.models import Commitment, ManualRealization, TkdnIkTarget


def _download(client, kind: str) -> object:
    response = client.get(reverse("imports:template", args=[kind]) + "?tahun=2025")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _save(book, tmp_path, name: str):
    path = tmp_path / name
    book.save(path)
    return path


def test_commitment_template_lists_the_units_and_imports_filled_values(
        client_for, tim_bandung, dinkes_bandung, dishub_bandung, tmp_path):
    book = _download(client_for(tim_bandung), "komitmen")
    sheet = book["Data"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == ["60414", "60425"]  # one row per unit of the Pemda
    assert all(r[0] == 2025 and r[1] == "D107" for r in rows)
    sheet["E2"], sheet["F2"] = 12_500_000_000, "1.250.000.000"
    sheet["E3"], sheet["F3"] = "Rp 3.000.000.000", None
    run = services.import_now(actor=tim_bandung, path=_save(book, tmp_path, "komitmen.xlsx"))
    assert (run.status, run.dataset, run.rows_inserted) == ("applied", "P3DN-Komitmen", 2)
    dinkes = Commitment.objects.get(kd_satker="60414")
    assert (dinkes.komitmen_pdn, dinkes.komitmen_umk) == (Decimal("12500000000"),
                                                          Decimal("1250000000"))
    assert dinkes.unit == dinkes_bandung
    assert Commitment.objects.get(kd_satker="60425").komitmen_umk == 0


def test_realization_template_rejects_each_bad_cell_with_its_row(client_for, tim_bandung,
                                                                 tmp_path):
    book = _download(client_for(tim_bandung), "realisasi")
    sheet = book["Data"]
    sheet.append([2025, "D107", "60414", "Kontrak", "SPK/01", "2025-13-01", "x", "-5", "Mungkin",
                  "", "Ya"])
    run = services.import_now(actor=tim_bandung, path=_save(book, tmp_path, "realisasi.xlsx"))
    assert run.status == "rejected" and ManualRealization.objects.count() == 0
    errors = {(e.row_number, e.field) for e in run.row_errors.all()}
    assert errors == {(3, "tanggal_bukti"), (3, "nilai"), (3, "pdn")}
    sheet.delete_rows(3)
    run = services.import_now(actor=tim_bandung, path=_save(book, tmp_path, "realisasi.xlsx"))
    line = ManualRealization.objects.get()
    assert (run.status, line.jenis_bukti, line.nilai, line.pdn, line.umk) == (
        "applied", "Kwitansi", Decimal("15750000"), True, True)


def test_tkdn_ik_targets_must_name_a_kecamatan_of_the_pemda(client_for, tim_bandung, tmp_path):
    book = _download(client_for(tim_bandung), "target-tkdn-ik")
    sheet = book["Data"]
    sheet.append([2025, "D107", "32.73.01", 2, 5, 10])  # a kecamatan of Kota Bandung
    sheet.append([2025, "D107", "32.04.99", 2, 5, 10])  # no such kecamatan
    run = services.import_now(actor=tim_bandung, path=_save(book, tmp_path, "target.xlsx"))
    assert [(e.row_number, e.field) for e in run.row_errors.all()] == [
        (3, "kode_kecamatan"), (4, "kode_kecamatan")]
    run = services.import_now(actor=tim_bandung, path=_save(book, tmp_path, "target.xlsx"),
                              apply_valid_rows=True)
    target = TkdnIkTarget.objects.get()
    assert (target.kode_kecamatan, target.triwulan, target.target_produk) == ("32.04.05", 1, 25)


def test_templates_are_for_importers_only(client_for, operator_bandung):
    response = client_for(operator_bandung).get(reverse("imports:template", args=["komitmen"]))
    assert response.status_code == 404


def test_profile_shows_the_whole_bearer_header(client_for, tim_bandung):
    """The token instruction names the header in full: "<token>" is text, not a lost tag."""
    body = client_for(tim_bandung).get("/akun/profil/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Authorization: Bearer &lt;token&gt;" in body
