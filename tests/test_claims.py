"""The TKDN claim verification over the real Kemenperin and e-Katalog files, through the import
engine, the registry sync and ``verify_claims``: counts and purchases computed from the raw
files in the test; every outcome on real listings once certificates are entered by hand; a
rerun replaces the result; roles (two Pemda), page, detail, export, API and CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from conftest import SHARED_DATA
from p3dn import cli
from p3dn.accounts.models import Pemda
from p3dn.audit.models import LogEntry
from p3dn.catalog import services as catalog
from p3dn.catalog.claims.models import Finding, Purchase, VerificationRun
from p3dn.catalog.claims.services import verify_claims
from p3dn.catalog.models import CatalogProduct, ProductSource
from p3dn.catalog.sync import sync_registry
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.regions.models import Region

SHARED = SHARED_DATA
EXPORT = SHARED / "tkdn" / "kemenperin-export-sample.xls"
SCRAPE = SHARED / "tkdn" / "scrape-kelompok-8.json"
EKATALOG = SHARED / "ekatalog" / "kalbar-kabupaten-2022"
KABUPATEN = ("BKY", "KKR", "KKU")
AS_OF = dt.date(2026, 5, 27)  # the day the Kemenperin export says its list is valid on

pytestmark = pytest.mark.django_db


def run_file(path: Path, **options) -> ImportRun:
    run = services.import_now(actor=None, path=path, **options)
    assert run.status == "applied", run.message
    return run


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _tkdn(value) -> Decimal | None:
    text = _text(value)
    return Decimal(text) / 100 if text else None


def raw_listings() -> dict[str, dict]:
    """Each e-Katalog listing as the last file imported gives it, by kd_produk."""
    rows: dict[str, dict] = {}
    for kab in KABUPATEN:
        for row in pq.read_table(EKATALOG / f"{kab}-prodkatalog2022.parquet").to_pylist():
            rows[_text(row["kd_produk"])] = row
    return rows


def raw_claims() -> dict[str, dict]:
    return {
        code: row for code, row in raw_listings().items()
        if _text(row["nomor_tkdn"]) or (_tkdn(row["tkdn_produk"]) or 0) > 0
    }


def raw_purchases() -> dict[str, dict[str, tuple[int, Decimal]]]:
    """kd_produk → kd_klpd → (lines, total), one line per package and product (the last row)."""
    lines: dict[tuple[str, str, str], Decimal] = {}
    for kab in KABUPATEN:
        for row in pq.read_table(EKATALOG / f"{kab}-trxkatalog2022.parquet").to_pylist():
            key = (row["kd_klpd"], _text(row["kd_paket"]), _text(row["kd_produk"]))
            lines[key] = Decimal(str(row["total_harga"]))
    found: dict[str, dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    for (klpd, _paket, produk), total in lines.items():
        count, amount = found[produk].get(klpd, (0, Decimal(0)))
        found[produk][klpd] = (count + 1, amount + total)
    return found


@pytest.fixture
def kalbar_claims(db):
    """The Kemenperin export and scrape, the local e-Katalog products and purchases of three
    Kalbar kabupaten, synced and verified on AS_OF."""
    run_file(EXPORT)
    run_file(SCRAPE, apply_valid_rows=True)  # two partial records rejected
    for kab in KABUPATEN:
        run_file(EKATALOG / f"{kab}-prodkatalog2022.parquet")
    for kab in KABUPATEN:
        run_file(EKATALOG / f"{kab}-trxkatalog2022.parquet")
    sync_registry()
    return verify_claims(as_of=AS_OF)


def test_every_real_listing_claim_is_checked_and_no_number_is_known_to_the_registry(
    kalbar_claims,
):
    claims = raw_claims()
    header = EXPORT.read_text(encoding="utf-8", errors="replace")[:3000]
    assert "Nomor" not in header  # the Kemenperin export carries no certificate number
    with_number = {c for c, r in claims.items() if _text(r["nomor_tkdn"])}
    assert kalbar_claims.claims == len(claims) == Finding.objects.count()
    found = {f.kd_produk: f for f in Finding.objects.all()}
    assert set(found) == set(claims)
    for code, row in claims.items():
        finding = found[code]
        assert finding.claimed_number == " ".join(_text(row["nomor_tkdn"]).split())
        assert finding.claimed_tkdn == _tkdn(row["tkdn_produk"])
        assert finding.claimed_holder == _text(row["nama_pemilik_sertifikat_tkdn"])
        assert finding.manufacturer == _text(row["nama_manufaktur"])
        assert finding.import_run.file_name.endswith("prodkatalog2022.parquet")
        expected = "nomor_tidak_dikenal" if code in with_number else "tanpa_sertifikat"
        assert finding.outcome == expected
    assert kalbar_claims.counts["nomor_tidak_dikenal"] == len(with_number)
    assert kalbar_claims.counts["tanpa_sertifikat"] == len(claims) - len(with_number)


def test_the_pemda_that_bought_each_claimed_product_are_its_evidence(kalbar_claims):
    bought = raw_purchases()
    klpd = dict(Pemda.objects.exclude(kd_klpd=None).values_list("pk", "kd_klpd"))
    stored: dict[str, dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    for p in Purchase.objects.select_related("finding"):
        stored[p.finding.kd_produk][klpd[p.pemda_id]] = (p.lines, p.total)
    expected = {code: bought[code] for code in raw_claims() if code in bought}
    assert expected, "some claimed products were bought"
    assert dict(stored) == expected


def _listing_item(number: str) -> CatalogProduct:
    source = ProductSource.objects.filter(fact__nomor_tkdn=number,
                                          fact__valid_to__isnull=True).first()
    assert source is not None
    return source.product


def test_each_outcome_on_real_listings_once_the_registry_knows_their_certificates(
    kalbar_claims, admin_pusat
):
    claims = raw_claims()
    by_number: dict[str, list[dict]] = defaultdict(list)
    for row in claims.values():
        by_number[_text(row["nomor_tkdn"])].append(row)
    # four real certificate numbers each claimed by listings of one value
    numbers = [n for n, rows in sorted(by_number.items())
               if n and len({_text(r["tkdn_produk"]) for r in rows}) == 1][:4]
    assert len(numbers) == 4
    value = {n: _tkdn(by_number[n][0]["tkdn_produk"]) for n in numbers}
    matched, expired, differs, other_holder = numbers
    other = catalog.create_producer(actor=admin_pusat, name="PT Pemegang Lain Sejahtera")
    other_item = catalog.create_product(actor=admin_pusat, producer=other, name="Produk lain")
    day = dict(issue_date=dt.date(2021, 7, 1), expiry_date=dt.date(2027, 6, 30))
    catalog.create_certificate(actor=admin_pusat, product=_listing_item(matched), number=matched,
                               tkdn=value[matched], **day)
    catalog.create_certificate(actor=admin_pusat, product=_listing_item(expired), number=expired,
                               tkdn=value[expired], issue_date=dt.date(2021, 7, 1),
                               expiry_date=dt.date(2024, 6, 30))
    catalog.create_certificate(actor=admin_pusat, product=_listing_item(differs), number=differs,
                               tkdn=value[differs] - Decimal("0.0500"), **day)
    catalog.create_certificate(actor=admin_pusat, product=other_item, number=other_holder,
                               tkdn=value[other_holder], **day)
    run = verify_claims(as_of=AS_OF)
    outcomes = {n: set(Finding.objects.filter(source="ekatalog", claimed_number=n)
                       .values_list("outcome", flat=True)) for n in numbers}
    assert outcomes == {matched: {"cocok"}, expired: {"kedaluwarsa"}, differs: {"nilai_berbeda"},
                        other_holder: {"pemegang_berbeda"}}
    differ = Finding.objects.filter(claimed_number=differs).first()
    assert differ.difference == Decimal("0.0500")
    assert differ.evidence[0]["number"] == differs and differ.evidence[0]["valid"] is True
    late = Finding.objects.filter(claimed_number=expired).first()
    assert late.evidence[0]["status"] == "kedaluwarsa"
    assert late.evidence[0]["expiry_date"] == "2024-06-30"
    # the hand entries are claims too, checked against the Kemenperin files: none lists them
    manual = Finding.objects.filter(source="manual")
    assert manual.count() == 4 and set(manual.values_list("outcome", flat=True)) == {
        "nomor_tidak_dikenal"}
    # the same claims on a day the expired one was still valid
    verify_claims(as_of=dt.date(2024, 6, 30))
    assert set(Finding.objects.filter(source="ekatalog", claimed_number=expired)
               .values_list("outcome", flat=True)) == {"cocok"}
    # a rerun replaced the previous result: one run, its findings only
    assert VerificationRun.objects.count() == 1
    assert Finding.objects.exclude(run=VerificationRun.objects.get()).count() == 0
    assert run.pk != VerificationRun.objects.get().pk
    assert LogEntry.objects.filter(action="claims.verification.ran").count() == 3


def test_a_failing_rerun_keeps_the_previous_findings(kalbar_claims, monkeypatch):
    before = set(Finding.objects.values_list("pk", flat=True))
    from p3dn.catalog.claims import services as claims_services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(claims_services.Purchase.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        verify_claims(as_of=AS_OF)
    assert set(Finding.objects.values_list("pk", flat=True)) == before
    assert VerificationRun.objects.get().pk == kalbar_claims.pk


# ------------------------------------------------------------------ who sees what


@pytest.fixture
def two_pemda(db, admin_pusat):
    """A hand-entered claim of a Bandung producer and one of a Kalbar producer."""
    bandung = Pemda.objects.get(region_id="32.04")
    kalbar = Pemda.objects.get(region_id="61")
    made = {}
    for pemda, name, region in ((bandung, "CV Pompa Bandung", "32.04"),
                                (kalbar, "CV Kursi Pontianak", "61.71")):
        producer = catalog.create_producer(actor=admin_pusat, name=name,
                                           region=Region.objects.get(code=region))
        item = catalog.create_product(actor=admin_pusat, producer=producer, name="Produk " + name)
        catalog.create_certificate(actor=admin_pusat, product=item, tkdn=Decimal("0.4"),
                                   expiry_date=dt.date(2030, 1, 1))
        made[pemda.region_id] = producer
    verify_claims(as_of=AS_OF)
    return made


def test_findings_are_for_signed_in_users_and_each_pemda_sees_its_own(
    two_pemda, client, client_for, tim_bandung, tim_kalbar, viewer_nasional
):
    url = reverse("claims:finding-list")
    assert client.get(url).status_code == 302  # to sign in
    assert client.get("/api/v1/claims").status_code == 401
    bandung_f = Finding.objects.get(producer=two_pemda["32.04"])
    kalbar_f = Finding.objects.get(producer=two_pemda["61"])
    assert bandung_f.outcome == kalbar_f.outcome == "tanpa_sertifikat"
    page = client_for(tim_bandung).get(url).content.decode()
    assert "CV Pompa Bandung" in page and "CV Kursi Pontianak" not in page
    assert client_for(tim_bandung).get(kalbar_f.get_absolute_url()).status_code == 404
    assert client_for(tim_bandung).get(bandung_f.get_absolute_url()).status_code == 200
    api = client_for(tim_kalbar).get("/api/v1/claims").json()
    assert [f["producer"] for f in api["items"]] == ["CV Kursi Pontianak"]
    assert client_for(tim_kalbar).get(f"/api/v1/claims/{bandung_f.pk}").status_code == 404
    national = client_for(viewer_nasional).get("/api/v1/claims").json()
    assert national["count"] == 2


def test_a_pemda_sees_the_findings_of_products_it_bought(kalbar_claims, client_for, db):
    from p3dn.accounts import services as accounts

    bky = Pemda.objects.get(kd_klpd="D206")
    tim = accounts.create_user(actor=None, username="tim.bengkayang", password="x-Pass-12345",
                               role="tim_p3dn", pemda=bky)
    bought = {c for c, by in raw_purchases().items() if "D206" in by} & set(raw_claims())
    in_region = set(Finding.objects.filter(producer_region_id=bky.region_id)
                    .values_list("kd_produk", flat=True))
    api = client_for(tim).get("/api/v1/claims", {"limit": 1000}).json()
    assert {f["kd_produk"] for f in api["items"]} == bought | in_region
    assert api["count"] == len(bought | in_region)
    one = Finding.objects.filter(kd_produk__in=bought).first()
    detail = client_for(tim).get(f"/api/v1/claims/{one.pk}").json()
    assert [p["pemda_id"] for p in detail["bought_by"]] == [bky.pk]  # only its own purchases


def test_the_page_filters_by_outcome_pemda_province_and_producer(
    two_pemda, client_for, admin_pusat
):
    client = client_for(admin_pusat)
    url = reverse("claims:finding-list")
    kalbar = Pemda.objects.get(region_id="61")
    assert "CV Pompa Bandung" not in client.get(url, {"pemda": kalbar.pk}).content.decode()
    page = client.get(url, {"provinsi": "32"}).content.decode()
    assert "CV Pompa Bandung" in page and "CV Kursi Pontianak" not in page
    assert "CV Kursi" in client.get(url, {"produsen": "kursi"}).content.decode()
    assert "CV Pompa" not in client.get(url, {"hasil": "cocok"}).content.decode()
    assert client.get(url, {"hasil": "nope"}).status_code == 400
    assert client.get(url, {"pemda": "x"}).status_code == 400
    assert client_for(admin_pusat).get("/api/v1/claims", {"hasil": "nope"}).status_code == 422
    assert client_for(admin_pusat).get("/api/v1/claims", {"provinsi": "99"}).status_code == 404
    assert client_for(admin_pusat).get("/api/v1/claims", {"pemda": 999999}).status_code == 404


def test_the_detail_page_shows_the_evidence(kalbar_claims, client_for, admin_pusat):
    finding = Finding.objects.exclude(purchases=None).first()
    page = client_for(admin_pusat).get(finding.get_absolute_url()).content.decode()
    assert finding.claimed_number in page and finding.import_run.file_name in page
    assert finding.purchases.first().pemda.name in page


def test_the_export_has_a_header_sheet_and_one_row_per_finding(
    two_pemda, client_for, tim_bandung
):
    response = client_for(tim_bandung).get(reverse("claims:finding-export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    about, findings = book.worksheets
    header = {row[0]: row[1] for row in about.iter_rows(values_only=True) if len(row) > 1}
    assert "tim.bandung" in header.values()
    assert [r[3] for r in findings.iter_rows(min_row=2, values_only=True)] == ["CV Pompa Bandung"]


def test_the_cli_verifies_and_catalog_sync_is_followed_by_a_verification(kalbar_claims, capsys):
    call_command("verify_claims", "--as-of", "2026-05-27", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["claims"] == len(raw_claims()) and out["as_of"] == "2026-05-27"
    # `p3dn catalog verify …` is the claims app's command; `p3dn catalog sync` is followed by it
    assert cli.management_commands("catalog", ["verify", "--as-of", "2026-01-01"]) == [
        ["verify_claims", "--as-of", "2026-01-01"]]
    assert cli.management_commands("catalog", ["sync", "--json"]) == [
        ["catalog", "sync", "--json"], ["verify_claims", "--quiet"],
        ["catalog_search", "--refresh", "--if-stale"], ["tkdnik", "match-certificates", "--quiet"]]
    assert cli.management_commands("catalog", ["search", "pompa"]) == [["catalog_search", "pompa"]]
    assert cli.management_commands("catalog", ["sync", "--help"]) == [["catalog", "sync", "--help"]]
    before = VerificationRun.objects.get().pk
    for command in cli.management_commands("catalog", ["sync"]):
        call_command(*command)
    assert VerificationRun.objects.get().pk != before
    for command in cli.management_commands("catalog", ["verify", "--as-of", "2026-01-01"]):
        call_command(*command)
    assert VerificationRun.objects.get().as_of == dt.date(2026, 1, 1)
    with pytest.raises(CommandError):
        call_command("verify_claims", "--as-of", "kemarin")


def test_the_worker_verifies_after_an_applied_import(db):
    run = services.queue_import(actor=None, path=EKATALOG / "KKU-prodkatalog2022.parquet")
    call_command("run_worker")
    run.refresh_from_db()
    assert run.status == "applied"
    kku = {_text(r["kd_produk"]) for r in
           pq.read_table(EKATALOG / "KKU-prodkatalog2022.parquet").to_pylist()
           if _text(r["nomor_tkdn"]) or (_tkdn(r["tkdn_produk"]) or 0) > 0}
    assert set(Finding.objects.values_list("kd_produk", flat=True)) == kku
    assert VerificationRun.objects.get().actor_name == "worker"
