"""An expired certificate never counts as TKDN in the spending classification (C13 on the
purchase date): the e-purchasing PDN figure of the real Bengkayang files, computed from the raw
files in the test, before and after the registry learns that a claimed certificate expired."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import SHARED_DATA
from p3dn.accounts.models import Pemda
from p3dn.catalog import services as catalog
from p3dn.catalog.claims.services import verify_claims
from p3dn.catalog.models import ProductSource
from p3dn.catalog.sync import sync_registry
from p3dn.imports import services
from p3dn.imports.datasets.ekatalog import COMPLETED_V5
from p3dn.procurement import sums
from p3dn.procurement.models import TkdnClaimWindow

EKATALOG = SHARED_DATA / "ekatalog" / "kalbar-kabupaten-2022"
KABUPATEN = ("BKY", "KKR", "KKU")
DOMESTIC = {"lokal", "local", "pdn", "PDN", "Lokal"}

pytestmark = pytest.mark.django_db


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _claims_tkdn(row) -> bool:
    return bool(_text(row["tkdn_produk"])) and Decimal(_text(row["tkdn_produk"])) > 0


def raw_products(kabupaten=KABUPATEN) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for kab in kabupaten:
        for row in pq.read_table(EKATALOG / f"{kab}-prodkatalog2022.parquet").to_pylist():
            rows[_text(row["kd_produk"])] = row
    return rows


def raw_completed_lines(kab: str) -> list[dict]:
    """The completed purchase lines of a kabupaten, one per package and product (the last)."""
    lines: dict[tuple[str, str], dict] = {}
    for row in pq.read_table(EKATALOG / f"{kab}-trxkatalog2022.parquet").to_pylist():
        lines[(_text(row["kd_paket"]), _text(row["kd_produk"]))] = row
    return [r for r in lines.values()
            if {r["status_paket"], r["paket_status_str"]} & COMPLETED_V5]


def e_purchasing(pemda: Pemda) -> tuple[Decimal, Decimal]:
    """The e-purchasing PDN of the Pemda-year, read from the rollup and summed from the facts
    (they must agree)."""
    stored = sums.collect(pemda, 2022)[""].realisasi["e_purchasing"].pdn
    facts = sums.collect_from_facts(pemda, 2022)[""].realisasi["e_purchasing"].pdn
    return stored, facts


def run_file(path: Path) -> None:
    run = services.import_now(actor=None, path=path)
    assert run.status == "applied", run.message


def _listing_item(number: str):
    return ProductSource.objects.filter(fact__nomor_tkdn=number,
                                        fact__valid_to__isnull=True).first().product


def test_on_the_real_files_no_pdn_rupiah_rests_on_a_tkdn_claim_alone(admin_pusat):
    products = raw_products()
    rest_on_claim = [
        r for kab in KABUPATEN for r in raw_completed_lines(kab)
        if _text(r["kd_produk"]) in products
        and products[_text(r["kd_produk"])]["jenis_produk"] not in DOMESTIC
        and _claims_tkdn(products[_text(r["kd_produk"])])
    ]
    # every listed product is 'lokal': the expiry rule changes no line and no rupiah
    assert (len(rest_on_claim), sum(Decimal(str(r["total_harga"])) for r in rest_on_claim)) \
        == (0, 0)
    # through the real path: Bengkayang's one completed line with a claimed certificate
    run_file(EKATALOG / "BKY-prodkatalog2022.parquet")
    run_file(EKATALOG / "BKY-trxkatalog2022.parquet")
    sync_registry()
    verify_claims(as_of=dt.date(2026, 5, 27))
    bky = Pemda.objects.get(kd_klpd="D206")
    mine = raw_products(("BKY",))
    expected = sum(
        (Decimal(str(r["total_harga"])) for r in raw_completed_lines("BKY")
         if _text(r["kd_produk"]) in mine
         and (mine[_text(r["kd_produk"])]["jenis_produk"] in DOMESTIC
              or _claims_tkdn(mine[_text(r["kd_produk"])]))),
        Decimal(0),
    )
    assert e_purchasing(bky) == (expected, expected)
    claimed = [r for r in raw_completed_lines("BKY")
               if _text(mine.get(_text(r["kd_produk"]), {}).get("nomor_tkdn"))]
    number = _text(mine[_text(claimed[0]["kd_produk"])]["nomor_tkdn"])
    bought = min(dt.date.fromisoformat(r["tanggal_buat_paket"]) for r in claimed)
    catalog.create_certificate(actor=admin_pusat, product=_listing_item(number), number=number,
                               tkdn=Decimal("0.5"), expiry_date=bought - dt.timedelta(days=1))
    verify_claims(as_of=dt.date(2026, 5, 27))
    assert TkdnClaimWindow.objects.filter(kd_produk=_text(claimed[0]["kd_produk"])).exists()
    assert e_purchasing(bky) == (expected, expected)  # a 'lokal' product stays PDN


@pytest.fixture
def imported_bky(tmp_path):
    """The real Bengkayang listings with every product marked 'impor' (so that its TKDN claim
    is the only way a purchase of it counts as PDN), and the real purchases."""
    table = pq.read_table(EKATALOG / "BKY-prodkatalog2022.parquet")
    rows = table.to_pylist()
    for row in rows:
        row["jenis_produk"] = "impor"
    path = tmp_path / "BKY-prodkatalog2022.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    run_file(path)
    run_file(EKATALOG / "BKY-trxkatalog2022.parquet")
    sync_registry()
    verify_claims(as_of=dt.date(2026, 5, 27))
    return {_text(r["kd_produk"]): r for r in rows}


def test_an_expired_certificate_takes_the_claim_out_of_pdn_on_the_purchase_date(
    imported_bky, admin_pusat
):
    bky = Pemda.objects.get(kd_klpd="D206")
    lines = [r for r in raw_completed_lines("BKY") if _text(r["kd_produk"]) in imported_bky]
    claimed = [r for r in lines if _claims_tkdn(imported_bky[_text(r["kd_produk"])])]
    before = sum((Decimal(str(r["total_harga"])) for r in claimed), Decimal(0))
    assert before > 0
    assert e_purchasing(bky) == (before, before)
    number = _text(imported_bky[_text(claimed[0]["kd_produk"])]["nomor_tkdn"])
    of_number = [r for r in claimed
                 if _text(imported_bky[_text(r["kd_produk"])]["nomor_tkdn"]) == number]
    first = min(dt.date.fromisoformat(r["tanggal_buat_paket"]) for r in of_number)
    # valid on every purchase date: nothing changes
    cert = catalog.create_certificate(
        actor=admin_pusat, product=_listing_item(number), number=number, tkdn=Decimal("0.5"),
        issue_date=dt.date(2021, 1, 1), expiry_date=first + dt.timedelta(days=400))
    verify_claims(as_of=dt.date(2026, 5, 27))
    assert e_purchasing(bky) == (before, before)
    # expired the day before the first purchase: those lines leave PDN, measured from the file
    catalog.update_certificate(actor=admin_pusat, certificate=cert,
                               expiry_date=first - dt.timedelta(days=1))
    verify_claims(as_of=dt.date(2026, 5, 27))
    dropped = sum((Decimal(str(r["total_harga"])) for r in of_number), Decimal(0))
    assert dropped > 0
    assert e_purchasing(bky) == (before - dropped, before - dropped)
    # valid again on every date but "999,99" (TKDN not applicable): it backs no TKDN claim
    catalog.update_certificate(actor=admin_pusat, certificate=cert, not_applicable=True,
                               expiry_date=first + dt.timedelta(days=400))
    verify_claims(as_of=dt.date(2026, 5, 27))
    assert e_purchasing(bky) == (before - dropped, before - dropped)
