"""Every channel classified, with the method shown (issue 11, point 2): e-Katalog v6 packages
exactly from the products they name when the product data is known, else estimated from the RUP
package's declared status (apart, labelled, never in the exact PDN), else unknown with the
reason; Toko Daring PDN unknown with the reason. Expected figures come from the raw files."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pyarrow.parquet as pq
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from conftest import BANDUNG_2025_DIR as BANDUNG
from conftest import KALBAR_KABUPATEN_2022_DIR as KALBAR_KAB
from p3dn.imports import services
from p3dn.imports.datasets.ekatalog import FAILED_WORDS
from p3dn.lib.money import format_rupiah
from p3dn.monitoring.indicators import compute
from p3dn.monitoring.reports import documents as reports
from p3dn.procurement import rollups
from p3dn.procurement.models import EPurchase, IndicatorRollup, TkdnClaimWindow
from tests.test_rollups import assert_same_as_facts

CENT = Decimal("0.01")


def rupiah(value) -> str:
    return str(Decimal(str(value)).quantize(CENT))


def completed_v6() -> list[dict]:
    rows = json.loads((BANDUNG / "Ecat-PaketEPurchasingV6.json").read_text())
    return [r for r in rows if r["status_pengiriman"] == "COMPLETED"]


def total(rows) -> Decimal:
    return sum((Decimal(str(r["total_harga"])) for r in rows), Decimal(0))


def split(v6: dict) -> list[str]:
    return [i.strip() for i in v6["product_ids"].split(",") if i.strip()]


def test_v6_packages_keep_their_product_ids(bandung_2025_realization):
    raw = {r["kd_paket"]: r for r in completed_v6()}
    stored = EPurchase.objects.filter(source="v6", completed=True, valid_to__isnull=True)
    assert stored.count() == len(raw)
    for line in stored:
        ids = split(raw[line.kd_paket])
        assert line.product_ids.split(",") == ids
        assert line.product_count == len(set(ids))


def test_without_product_data_v6_is_estimated_from_the_rup_package_else_unknown(
    bandung_2025_sample_rup_and_realization,
):
    pemda = bandung_2025_sample_rup_and_realization
    rup = {
        str(r["kd_rup"]): r
        for r in json.loads((BANDUNG / "rup-paket-penyedia-terumumkan.sample.json").read_text())
    }
    packages = completed_v6()
    named = [r for r in packages if str(r["kd_rup"]) in rup]
    assert named, "the sample RUP names at least one completed v6 package"
    estimated_pdn = [r for r in named if rup[str(r["kd_rup"])]["status_pdn"] == "PDN"]
    estimated_umk = [r for r in named if rup[str(r["kd_rup"])]["status_ukm"] == "UKM"]

    whole = compute(pemda=pemda, tahun=2025)
    channel = whole["realisasi"]["e_purchasing"]
    k = channel["klasifikasi"]
    assert channel["nilai"] == rupiah(total(packages))
    assert channel["pdn"] == "0.00"  # no product is known: nothing is PDN exactly
    assert k["pasti"] == "0.00"
    assert k["estimasi"] == rupiah(total(named))
    assert k["pdn_estimasi"] == rupiah(total(estimated_pdn)) != "0.00"
    assert k["umk_estimasi"] == rupiah(total(estimated_umk))
    assert k["belum_terklasifikasi"] == channel["belum_terklasifikasi"]
    assert k["belum_terklasifikasi"] == rupiah(total(packages) - total(named))
    assert "RUP" in k["metode"] and k["alasan"]
    # the estimate stands beside the exact headline, never in it
    exact = sum(Decimal(m["pdn"]) for m in whole["realisasi"].values())
    assert whole["realisasi_pdn"] == rupiah(exact)
    assert whole["realisasi_pdn_estimasi"] == k["pdn_estimasi"]
    # channels that record their own PDN value are classified exactly, whole
    for name in ("pencatatan_non_tender", "swakelola", "tender", "non_tender"):
        m = whole["realisasi"][name]
        assert m["klasifikasi"]["pasti"] == m["nilai"]
        assert m["klasifikasi"]["alasan"] is None
    assert_same_as_facts(pemda, 2025)


def _product_file(tmp_path, products: dict[str, dict]):
    """An Ecat-ProdukDetail file made of the real record, once per product id, with the
    fields of ``products`` changed."""
    real = json.loads((BANDUNG / "Ecat-ProdukDetail.json").read_text())[0]
    rows = [{**real, "kd_produk": kd, **fields} for kd, fields in products.items()]
    path = tmp_path / "Ecat-ProdukDetail.json"
    path.write_text(json.dumps(rows))
    run = services.import_now(actor=None, path=path)
    assert run.status == "applied", run.message


def test_v6_package_whose_products_are_known_is_classified_exactly(
    bandung_2025_realization, tmp_path
):
    pemda = bandung_2025_realization
    packages = completed_v6()
    singles = [r for r in packages if len(split(r)) == 1]
    pairs = [r for r in packages if len(split(r)) == 2]
    domestic_one, claimed_one = singles[0], singles[1]
    imported_pair, mixed_pair = pairs[0], pairs[1]
    products = {
        split(domestic_one)[0]: {"jenis_produk": "lokal"},
        split(claimed_one)[0]: {"jenis_produk": "impor", "tkdn_produk": "45,5"},
        **{kd: {"jenis_produk": "impor"} for kd in split(imported_pair)},
        split(mixed_pair)[0]: {"jenis_produk": "lokal"},
        split(mixed_pair)[1]: {"jenis_produk": "impor"},
    }
    _product_file(tmp_path, products)

    def domestic(kd: str) -> bool:
        return products[kd]["jenis_produk"] == "lokal" or "tkdn_produk" in products[kd]

    # expected, package by package, from the raw file: every package whose products are all
    # known is classified; PDN when all are domestic; a mix cannot be split
    exact_pdn, exact = [], []
    for r in packages:
        ids = split(r)
        if not all(kd in products for kd in ids):
            continue
        flags = {domestic(kd) for kd in ids}
        if flags == {True}:
            exact_pdn.append(r)
            exact.append(r)
        elif flags == {False}:
            exact.append(r)
    assert domestic_one in exact_pdn and claimed_one in exact_pdn
    assert imported_pair in exact and imported_pair not in exact_pdn
    assert mixed_pair not in exact

    channel = compute(pemda=pemda, tahun=2025)["realisasi"]["e_purchasing"]
    assert channel["pdn"] == rupiah(total(exact_pdn))
    assert channel["klasifikasi"]["pasti"] == rupiah(total(exact))
    assert channel["klasifikasi"]["estimasi"] == "0.00"  # no RUP imported: nothing to estimate
    assert channel["belum_terklasifikasi"] == rupiah(total(packages) - total(exact))
    assert_same_as_facts(pemda, 2025)

    # C12/C13: a TKDN claim whose only certificate expired before the order is not PDN
    kd = split(claimed_one)[0]
    ordered = dt.date.fromisoformat(claimed_one["tgl_order"])
    TkdnClaimWindow.objects.create(
        kd_produk=kd, certificate_key=1, valid_from=None, valid_until=ordered - dt.timedelta(1)
    )
    rollups.refresh_products([kd])
    channel = compute(pemda=pemda, tahun=2025)["realisasi"]["e_purchasing"]
    still = [r for r in exact_pdn if r is not claimed_one and kd not in split(r)]
    assert channel["pdn"] == rupiah(total(still))
    assert channel["klasifikasi"]["pasti"] == rupiah(total(exact))  # known, not domestic
    assert_same_as_facts(pemda, 2025)


def test_rollup_keeps_the_estimate(bandung_2025_sample_rup_and_realization):
    pemda = bandung_2025_sample_rup_and_realization
    stored = IndicatorRollup.objects.get(
        pemda=pemda, tahun=2025, grain="pemda", measure="e_purchasing"
    )
    k = compute(pemda=pemda, tahun=2025)["realisasi"]["e_purchasing"]["klasifikasi"]
    assert rupiah(stored.nilai_estimasi) == k["estimasi"] != "0.00"
    assert rupiah(stored.pdn_estimasi) == k["pdn_estimasi"]


def test_toko_daring_pdn_stays_unknown_with_the_reason(bengkayang_2022_toko_daring):
    rows = pq.read_table(KALBAR_KAB / "BKY-daring2022.parquet").to_pylist()

    def failed(r) -> bool:
        note = (r["keterangan_ppmse"] or "").lower()
        return r["status_konfirmasi_ppmse"] == "gagal" or any(w in note for w in FAILED_WORDS)

    lines = {
        (r["order_id"], r["valuasi"], r["kategori"], r["order_desc"], r["nama_merchant"]): r
        for r in rows
    }
    kept = [r for r in lines.values() if not failed(r)]
    nilai = sum((Decimal(str(r["valuasi"])) for r in kept), Decimal(0))
    channel = compute(pemda=bengkayang_2022_toko_daring, tahun=2022)["realisasi"]["toko_daring"]
    assert channel["nilai"] == rupiah(nilai) != "0.00"
    assert channel["pdn"] == "0.00"
    k = channel["klasifikasi"]
    assert (k["pasti"], k["estimasi"], k["belum_terklasifikasi"]) == ("0.00", "0.00", rupiah(nilai))
    assert "Toko Daring" in k["alasan"]


def test_dasbor_api_and_report_show_the_classification(
    bandung_2025_sample_rup_and_realization, client_for, tim_bandung, tim_kalbar
):
    pemda = bandung_2025_sample_rup_and_realization
    whole = compute(pemda=pemda, tahun=2025)
    k = whole["realisasi"]["e_purchasing"]["klasifikasi"]
    client = client_for(tim_bandung)
    page = client.get(reverse("monitoring:dashboard", args=[pemda.pk]), {"tahun": 2025})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Estimasi" in html and format_rupiah(Decimal(k["estimasi"])) in html
    assert format_rupiah(Decimal(k["belum_terklasifikasi"])) in html
    assert "paket RUP" in html  # the method, in words
    # the estimated PDN opens on the packages behind it
    rup = json.loads((BANDUNG / "rup-paket-penyedia-terumumkan.sample.json").read_text())
    declared_pdn = {str(r["kd_rup"]) for r in rup if r["status_pdn"] == "PDN"}
    drill = client.get(
        reverse("monitoring:drill", args=[pemda.pk]),
        {"tahun": 2025, "sumber": "e_purchasing", "nilai": "pdn_estimasi"},
    )
    assert drill.status_code == 200
    listed = [p for p in completed_v6() if p["kd_paket"] in drill.content.decode()]
    assert listed and {str(p["kd_rup"]) for p in listed} <= declared_pdn
    assert rupiah(total(listed)) == k["pdn_estimasi"]
    api = client.get("/api/v1/indicators", {"klpd": "D107", "year": 2025})
    assert api.status_code == 200
    assert api.json()["realisasi"]["e_purchasing"]["klasifikasi"] == json.loads(json.dumps(k))
    assert api.json()["realisasi_pdn_estimasi"] == k["pdn_estimasi"]
    html = reports.report_html(reports.build_report(pemda=pemda, tahun=2025))
    assert "Klasifikasi PDN" in html and format_rupiah(Decimal(k["pdn_estimasi"])) in html
    workbook = client.get(reverse("monitoring:report-xlsx", args=[pemda.pk]), {"tahun": 2025})
    sheet = load_workbook(io.BytesIO(workbook.content))[_("Channels")]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    e_purchasing = rows["e-Purchasing"]
    assert e_purchasing[1:6] == tuple(
        Decimal(k[key]) for key in ("pasti", "estimasi", "pdn_estimasi", "umk_estimasi",
                                    "belum_terklasifikasi")
    )
    assert e_purchasing[6] == k["metode"]
    # another Pemda's team sees none of it
    other = client_for(tim_kalbar).get("/api/v1/indicators", {"klpd": "D107", "year": 2025})
    assert other.status_code in (403, 404)
