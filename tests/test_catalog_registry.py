"""The registry of producers, products and TKDN certificates, filled from the real Kemenperin
and e-Katalog files through the import engine and ``sync_registry``: counts checked against
figures the test takes from the raw files itself; deduplication, trace, incremental and
idempotent sync, C12 labels on fixed dates."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal
from html import escape
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import SHARED_DATA as SHARED
from p3dn.audit.models import LogEntry
from p3dn.catalog.models import (
    CatalogProduct,
    Certificate,
    CertificateSource,
    Producer,
    ProductPrice,
)
from p3dn.catalog.sync import sync_registry
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.procurement.models import TkdnCertificate
from p3dn.rules.certificates import certificate_status

EXPORT = SHARED / "tkdn" / "kemenperin-export-sample.xls"
SCRAPE = SHARED / "tkdn" / "scrape-kelompok-8.json"
EKATALOG = SHARED / "ekatalog" / "kalbar-kabupaten-2022"
PENYEDIA = SHARED / "isb" / "kab-bandung-2025" / "Ecat-PenyediaDetail.json"

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ reading the raw files


class _Table(HTMLParser):
    """The rows of the Kemenperin export (an HTML table named .xls), read independently of
    p3dn's readers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def raw_export(path: Path = EXPORT) -> list[dict[str, str]]:
    table = _Table()
    table.feed(path.read_text(encoding="utf-8"))
    header, *rows = table.rows
    return [dict(zip(header, row, strict=True)) for row in rows]


def write_export(path: Path, rows: list[dict[str, str]], title: str) -> Path:
    """An export file in Kemenperin's shape (HTML table named .xls) holding ``rows``."""
    header = list(rows[0])
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(r[h])}</td>" for h in header) + "</tr>\n" for r in rows
    )
    path.write_text(
        f"<center><b>{title}</b></center><table class='table'>"
        f"<tr>{''.join(f'<th><b>{h}</b></th>' for h in header)}</tr>\n{cells}</table>",
        encoding="utf-8",
    )
    return path


def fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def brand(text: str | None) -> str:
    return "" if fold(text) in ("", "-") else fold(text)


def certificate_key(row: dict[str, str]) -> tuple:
    """What tells two export rows' certificates apart (company, item, value, expiry)."""
    return (
        fold(row["Nama Perusahaan"]),
        fold(row["Produk"]),
        fold(row["Spesifikasi"]),
        fold(row["Tipe"]),
        brand(row["Merk"]),
        row["Nilai TKDN (%)"],
        row["Tanggal Kadaluarsa Sertifikat"],
    )


def run_file(path: Path, **options) -> ImportRun:
    run = services.import_now(actor=None, path=path, **options)
    assert run.status == "applied", run.message
    return run


# ------------------------------------------------------------------ the export


def test_the_export_gives_one_certificate_per_distinct_row_with_its_not_applicable_flags():
    raw = raw_export()
    distinct = {tuple(sorted(r.items())) for r in raw}
    assert len(raw) - len(distinct) == 5  # the file's exact duplicate rows
    run_file(EXPORT)
    result = sync_registry()

    expected = {certificate_key(r) for r in raw}
    assert Certificate.objects.count() == len(expected)
    sentinel = {certificate_key(r) for r in raw if r["Nilai TKDN (%)"] == "999.99"}
    not_applicable = Certificate.objects.filter(not_applicable=True)
    assert not_applicable.count() == len(sentinel) == 2
    assert all(c.tkdn is None and c.tkdn_bmp is None for c in not_applicable)
    values = Counter(
        Decimal(r["Nilai TKDN (%)"]) / 100 for r in {certificate_key(r): r for r in raw}.values()
        if r["Nilai TKDN (%)"] != "999.99"
    )
    assert Counter(Certificate.objects.applicable().values_list("tkdn", flat=True)) == values
    # one item per producer + product + specification + brand (+ type), one producer per name
    assert CatalogProduct.objects.count() == len({k[:5] for k in expected})
    assert Producer.objects.count() == len({fold(r["Nama Perusahaan"]) for r in raw})
    # each certificate traced to the fact versions of the export it came from
    facts = TkdnCertificate.objects.count()
    assert facts == len(distinct)
    assert CertificateSource.objects.filter(kind="export").count() == facts
    assert not Certificate.objects.filter(sources=None).exists()
    assert result.facts_read == facts


def test_the_producer_takes_address_province_kabupaten_and_kbli_from_the_export():
    raw = raw_export()
    run_file(EXPORT)
    sync_registry()
    bumi = next(r for r in raw if r["Nama Perusahaan"] == "PT Bumi Indah Putra")
    producer = Producer.objects.get(name="PT Bumi Indah Putra")
    assert producer.address == bumi["Alamat"]
    assert producer.province_name == bumi["Provinsi"] == "Jawa Barat"
    assert producer.province_id == "32"  # Jawa Barat
    assert producer.region.name == "Kota Bekasi"  # "…, Kota Bekasi, Jawa Barat, 17151, Fax…"
    assert producer.legal_form == "pt"
    assert producer.kbli_list == sorted({r["KBLI"] for r in raw
                                         if r["Nama Perusahaan"] == "PT Bumi Indah Putra"})
    assert producer.provenance["address"]["source"] == "kemenperin"
    # every producer whose export row names a province is placed in it
    provinces = {fold(r["Nama Perusahaan"]): r["Provinsi"] for r in raw}
    for p in Producer.objects.select_related("province"):
        assert fold(p.province_name) == fold(provinces[fold(p.name)])
        assert p.province is not None
    jakarta = [p for p in Producer.objects.all() if p.province_name == "DKI Jakarta"]
    assert jakarta and all(p.province_id == "31" for p in jakarta)


# ------------------------------------------------------------------ all years, deduplicated


def test_the_same_certificate_in_three_yearly_exports_is_one_certificate_with_three_sources(
    tmp_path,
):
    raw = raw_export()
    first = write_export(tmp_path / "tkdn-2024.xls", raw[:40], "Daftar TKDN Terbit Tahun 2024")
    second = write_export(tmp_path / "tkdn-2025.xls", raw[20:70], "Daftar TKDN Terbit 2025")
    runs = [run_file(first), run_file(second), run_file(EXPORT)]
    sync_registry()

    assert Certificate.objects.count() == len({certificate_key(r) for r in raw})
    for row in raw[20:40]:  # in all three files
        cert = Certificate.objects.get(
            product__name=row["Produk"],
            product__specification=row["Spesifikasi"],
            holder__name=row["Nama Perusahaan"],
            expiry_date=row["Tanggal Kadaluarsa Sertifikat"],
            tkdn=Decimal(row["Nilai TKDN (%)"]) / 100,
        )
        assert {s.run_id for s in cert.sources.all()} == {r.pk for r in runs}
    for row in raw[70:]:  # only in the last file, unless an earlier row is the same
        if certificate_key(row) in {certificate_key(r) for r in raw[:70]}:
            continue
        cert = Certificate.objects.get(
            product__name=row["Produk"],
            product__specification=row["Spesifikasi"],
            holder__name=row["Nama Perusahaan"],
            expiry_date=row["Tanggal Kadaluarsa Sertifikat"],
            tkdn=None if row["Nilai TKDN (%)"] == "999.99"
            else Decimal(row["Nilai TKDN (%)"]) / 100,
        )
        assert {s.run_id for s in cert.sources.all()} == {runs[2].pk}


def test_the_scrape_and_the_export_share_no_certificate_but_merge_their_producers(tmp_path):
    scrape = json.loads(SCRAPE.read_text(encoding="utf-8"))
    run_file(SCRAPE, apply_valid_rows=True)
    sync_registry()
    complete = [r for r in scrape if "perusahaan" in r]
    keys = {
        (fold(r["perusahaan"]), fold(r["jenis_produk"]), fold(r["spesifikasi"]),
         fold(r["tipe"]), brand(r["merk"]), r["nilai_tkdn"])
        for r in complete
    }
    assert Certificate.objects.count() == len(keys)
    assert CertificateSource.objects.filter(kind="scrape").count() == len(complete)
    # the scrape carries no dates: validity unknown, never counted as valid
    assert not Certificate.objects.exclude(valid_until=None).exists()
    response = sync_registry()
    assert response.facts_read == 0


def test_the_registry_home_accounts_for_every_certificate_undated_ones_included(client):
    scrape = json.loads(SCRAPE.read_text(encoding="utf-8"))
    run_file(SCRAPE, apply_valid_rows=True)
    run_file(EXPORT)
    sync_registry()
    undated = {
        (fold(r["perusahaan"]), fold(r["jenis_produk"]), fold(r["spesifikasi"]),
         fold(r["tipe"]), brand(r["merk"]), r["nilai_tkdn"])
        for r in scrape if "perusahaan" in r
    }
    assert all(row["Tanggal Kadaluarsa Sertifikat"] for row in raw_export())  # all dated
    page = client.get("/registri/")
    summary = page.context["summary"]
    parts = ("berlaku", "segera_berakhir", "kedaluwarsa", "belum_berlaku", "tanpa_tanggal")
    assert sum(summary[k] for k in parts) == summary["certificates"]
    assert summary["tanpa_tanggal"] == len(undated) > 0
    text = page.content.decode()
    assert "Masa berlaku tidak diketahui" in text and "status=tidak_diketahui" in text
    listed = client.get("/registri/sertifikat/", {"status": "tidak_diketahui"})
    assert listed.context["page"].paginator.count == len(undated)


# ------------------------------------------------------------------ incremental and idempotent


def test_a_second_sync_changes_nothing_and_a_newer_file_is_taken_in_incrementally(tmp_path):
    raw = raw_export()
    first = write_export(tmp_path / "first.xls", raw[:50], "Daftar TKDN (sebagian)")
    run_file(first)
    one = sync_registry()
    assert one.certificates_created == len({certificate_key(r) for r in raw[:50]})
    entries = LogEntry.objects.filter(action="catalog.registry.synced").count()
    assert entries == 1

    again = sync_registry()
    assert (again.facts_read, again.changed) == (0, False)
    assert LogEntry.objects.filter(action="catalog.registry.synced").count() == entries

    newer = run_file(EXPORT)
    two = sync_registry()
    assert two.facts_read == newer.rows_inserted  # only the versions the newer file added
    assert Certificate.objects.count() == len({certificate_key(r) for r in raw})
    assert two.certificates_created == len({certificate_key(r) for r in raw}) - len(
        {certificate_key(r) for r in raw[:50]}
    )
    snapshot = _registry_snapshot()
    full = sync_registry(full=True)
    assert not full.changed
    assert _registry_snapshot() == snapshot


def _registry_snapshot() -> tuple:
    return (
        sorted(Producer.objects.values_list("id", "name", "address", "region_id", "kbli")),
        sorted(CatalogProduct.objects.values_list("id", "producer_id", "item_key", "tkdn",
                                                  "valid_until")),
        sorted(Certificate.objects.values_list("id", "product_id", "tkdn", "expiry_date")),
        sorted(CertificateSource.objects.values_list("certificate_id", "fact_id", "run_id")),
    )


def test_a_changed_row_replaces_its_fact_and_the_certificate_keeps_both_versions(tmp_path):
    raw = raw_export()
    run_file(EXPORT)
    sync_registry()
    bumi = [dict(r) for r in raw if r["Nama Perusahaan"] == "PT Bumi Indah Putra"]
    moved = ("Jl. Industri Raya No. 1, Kel. Cibitung, Kec. Cikarang Barat, Kabupaten Bekasi, "
             "Jawa Barat")
    for row in bumi:
        row["Alamat"] = moved
    run_file(write_export(tmp_path / "bumi.xls", bumi, "Daftar TKDN (pindah alamat)"))
    assert TkdnCertificate.objects.filter(perusahaan="PT Bumi Indah Putra",
                                          valid_to__isnull=False).count() == len(bumi)
    before = Certificate.objects.count()
    result = sync_registry()
    assert Certificate.objects.count() == before and result.certificates_created == 0
    producer = Producer.objects.get(name="PT Bumi Indah Putra")
    assert producer.address == moved and producer.region.name == "Kabupaten Bekasi"
    for cert in Certificate.objects.filter(holder=producer):
        versions = cert.sources.values_list("fact__valid_to", flat=True)
        assert len(versions) == 2 and None in versions  # the closed and the current version


# ------------------------------------------------------------------ producers: the merge rule


def test_spellings_of_one_company_merge_and_other_legal_forms_or_npwp_stay_apart(tmp_path):
    run_file(EXPORT)
    penyedia = json.loads(PENYEDIA.read_text(encoding="utf-8"))[0]
    assert penyedia["nama_penyedia"] == "CV.PARAMITRA TEKNIK"
    variants = [
        # the export's "PT Jasuindo Tiga Perkasa Tbk", written otherwise, with an NPWP
        {**penyedia, "kd_penyedia": 1, "nama_penyedia": "P.T. JASUINDO TIGA PERKASA",
         "npwp_penyedia": "01.234.567.8-901.000"},
        # the same name as a CV: another company
        {**penyedia, "kd_penyedia": 2, "nama_penyedia": "CV Jasuindo Tiga Perkasa",
         "npwp_penyedia": ""},
        # the real e-Katalog provider, and one of the same name with another NPWP
        {**penyedia, "kd_penyedia": 3},
        {**penyedia, "kd_penyedia": 4, "nama_penyedia": "CV PARAMITRA  TEKNIK.",
         "npwp_penyedia": "012345678901234"},
        # the real provider again, spelled otherwise, with its NPWP in 16 digits
        {**penyedia, "kd_penyedia": 5, "nama_penyedia": "cv paramitra teknik",
         "npwp_penyedia": "0" + penyedia["npwp_penyedia"]},
    ]
    path = tmp_path / "Ecat-PenyediaDetail.json"
    path.write_text(json.dumps(variants), encoding="utf-8")
    run_file(path)
    producers_in_export = len({fold(r["Nama Perusahaan"]) for r in raw_export()})
    sync_registry()

    jasuindo = Producer.objects.filter(name_key="jasuindotigaperkasa")
    assert sorted(jasuindo.values_list("legal_form", flat=True)) == ["cv", "pt"]
    pt = jasuindo.get(legal_form="pt")
    assert pt.name == "PT Jasuindo Tiga Perkasa Tbk" and pt.npwp == "012345678901000"
    assert pt.certificates.exists()  # the export's certificates and the NPWP: one company
    paramitra = Producer.objects.filter(name_key="paramitrateknik").order_by("id")
    assert paramitra.count() == 2 and all(p.identity_conflict for p in paramitra)
    assert sorted(p.npwp for p in paramitra) == sorted(
        ["012345678901234", penyedia["npwp_penyedia"]])
    real = paramitra.get(npwp=penyedia["npwp_penyedia"])
    assert real.email == penyedia["email_penyedia"] and real.umk is None  # "Belum Terdefinisi"
    assert Producer.objects.count() == producers_in_export + 1 + 2  # CV Jasuindo, 2 Paramitra


def test_the_same_provider_in_three_kabupaten_catalogues_is_one_producer_with_its_prices():
    rows = {k: pq.read_table(EKATALOG / f"{k}-prodkatalog2022.parquet").to_pylist()
            for k in ("BKY", "KKR", "KKU")}
    for kab in rows:
        run_file(EKATALOG / f"{kab}-prodkatalog2022.parquet")
    sync_registry()
    everywhere = set.intersection(*({r["nama_penyedia"] for r in rs} for rs in rows.values()))
    assert "PT MONIER" in everywhere
    for name in everywhere:
        assert Producer.objects.filter(name=name).count() == 1
    everything = [r for rs in rows.values() for r in rs]
    items = {(fold(r["nama_penyedia"]), fold(r["nama_produk"]), brand(r["nama_manufaktur"]))
             for r in everything}
    assert CatalogProduct.objects.count() == len(items)
    assert Producer.objects.count() == len({fold(r["nama_penyedia"]) for r in everything})
    # every price of every listing kept, with its kabupaten
    prices = []  # a list of prices by region, one price object, or a bare number
    for r in everything:
        harga = json.loads(r["harga"])
        prices += harga if isinstance(harga, list) else [
            harga if isinstance(harga, dict) else {"harga": harga}]
    assert ProductPrice.objects.count() == len(prices)
    assert sorted(ProductPrice.objects.values_list("harga", flat=True)) == sorted(
        Decimal(str(p["harga"])).quantize(Decimal("0.01")) for p in prices
    )
    kkr = next(r for r in rows["KKR"] if r["nama_penyedia"] == "PT MATHARI GEMILANG PRATAMA")
    product = CatalogProduct.objects.get(
        name=kkr["nama_produk"], producer__name=kkr["nama_penyedia"]
    )
    price = product.prices.get(kd_produk=str(kkr["kd_produk"]))
    assert price.region.name == "Kabupaten Kubu Raya"  # kabupatenId 341
    assert price.harga == Decimal(json.loads(kkr["harga"])[0]["harga"])
    assert product.unit == kkr["unit_pengukuran"] and product.origin == "pdn"  # "lokal"
    # an e-Katalog TKDN claim is not a certificate (claims are verified against the registry)
    assert Certificate.objects.count() == 0


# ------------------------------------------------------------------ C12 on fixed dates


def test_validity_labels_and_the_60_day_query_on_fixed_dates(client):
    raw = raw_export()
    run_file(EXPORT)
    sync_registry()
    expiry = {}
    for row in raw:
        expiry[certificate_key(row)] = dt.date.fromisoformat(row["Tanggal Kadaluarsa Sertifikat"])
    for day, labels in (
        ("2030-12-01", {"Berlaku", "Segera berakhir (≤ 60 hari)"}),
        ("2031-01-20", {"Kedaluwarsa", "Segera berakhir (≤ 60 hari)"}),
    ):
        as_of = dt.date.fromisoformat(day)
        soon = sum(as_of <= e <= as_of + dt.timedelta(days=60) for e in expiry.values())
        with time_machine.travel(dt.datetime.fromisoformat(f"{day}T09:00:00+07:00"), tick=False):
            assert timezone.localdate() == as_of
            answer = client.get("/api/v1/catalog/certificates", {"limit": 1000}).json()
            assert {c["label"] for c in answer["items"]} == labels
            for item in answer["items"]:
                rules = certificate_status(
                    as_of=as_of, tanggal_berakhir=dt.date.fromisoformat(item["expiry_date"])
                )
                assert (item["status"], item["label"]) == (rules.status, rules.label)
            within = client.get("/api/v1/catalog/certificates",
                                {"berakhir_dalam": 60, "limit": 1000}).json()
            assert within["count"] == soon
            assert {c["status"] for c in within["items"]} == {"segera_berakhir"}
            page = client.get("/registri/sertifikat/", {"status": "segera_berakhir"})
            assert page.status_code == 200 and page.context["page"].paginator.count == soon
            assert "Segera berakhir (≤ 60 hari)" in page.content.decode()
            other = client.get("/api/v1/catalog/certificates",
                               {"status": "kedaluwarsa", "limit": 1000}).json()
            assert other["count"] == sum(e < as_of for e in expiry.values())


# ------------------------------------------------------------------ filling by the top


def test_the_worker_syncs_the_registry_after_each_applied_import():
    run = services.queue_import(actor=None, path=EXPORT)
    call_command("run_worker", stdout=StringIO())
    run.refresh_from_db()
    assert run.status == "applied"
    assert Certificate.objects.count() == len({certificate_key(r) for r in raw_export()})


def test_p3dn_catalog_sync_reports_what_it_took_in():
    run_file(EXPORT)
    out = StringIO()
    call_command("catalog", "sync", "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert counts["certificates_created"] == Certificate.objects.count() > 0
    assert counts["registry"]["producers"] == Producer.objects.count()
    out = StringIO()
    call_command("catalog", "sync", stdout=out)
    assert "up to date" in out.getvalue()


def test_the_registry_counts_every_kind_of_source_in_one_pass(tmp_path):
    run_file(EXPORT)
    run_file(SCRAPE, apply_valid_rows=True)
    run_file(EKATALOG / "KKU-prodkatalog2022.parquet")
    run_file(PENYEDIA)
    result = sync_registry()
    scrape = [r for r in json.loads(SCRAPE.read_text(encoding="utf-8")) if "perusahaan" in r]
    kku = pq.read_table(EKATALOG / "KKU-prodkatalog2022.parquet").num_rows
    assert result.facts_read == (
        len({tuple(sorted(r.items())) for r in raw_export()}) + len(scrape) + kku + 1
    )
    assert re.fullmatch(r"[0-9a-f]{32}", CatalogProduct.objects.first().item_key)


def test_an_import_made_on_the_command_line_reaches_the_registry_when_the_worker_is_idle():
    run_file(EXPORT)  # as `p3dn import` does: not through the worker
    assert Certificate.objects.count() == 0
    call_command("run_worker", stdout=StringIO())  # nothing queued: the idle sync
    assert Certificate.objects.count() == len({certificate_key(r) for r in raw_export()})


def _real_company_names() -> set[str]:
    """Every company name of the real files: the Kemenperin export and scrape, the three
    kabupaten catalogues (providers and certificate holders), e-Katalog provider and product."""
    names = {r["Nama Perusahaan"] for r in raw_export()}
    names |= {r["perusahaan"] for r in json.loads(SCRAPE.read_text(encoding="utf-8"))
              if "perusahaan" in r}
    for kab in ("BKY", "KKR", "KKU"):
        for r in pq.read_table(EKATALOG / f"{kab}-prodkatalog2022.parquet").to_pylist():
            names |= {r["nama_penyedia"], r["nama_pemilik_sertifikat_tkdn"]}
    for name in ("Ecat-PenyediaDetail.json", "Ecat-ProdukDetail.json"):
        for r in json.loads((PENYEDIA.parent / name).read_text(encoding="utf-8")):
            names |= {r.get("nama_penyedia"), r.get("nama_pemilik_sertifikat_tkdn")}
    return {n for n in names if n}


def test_real_names_keep_apart_their_spellings_merge_and_another_legal_form_splits():
    from p3dn.catalog.identity import identity_key, parse_name

    names = _real_company_names()
    assert len(names) > 150
    # no two companies of the real files fall together
    assert len({identity_key(n) for n in names}) == len(names)
    forms = Counter(parse_name(n).legal_form for n in names)
    assert forms["pt"] > 50 and forms["cv"] > 30  # "PT.X", "CV.X", "Cv.X", "cv x", "X, CV"…
    for name in names:
        parsed = parse_name(name)
        key = identity_key(name)
        rest = name
        written = {"pt": ("PT", "P.T.", "PT."), "cv": ("CV", "C.V.", "CV.")}.get(parsed.legal_form)
        variants = [name.upper(), name.lower(), "  ".join(name.split()) + " ", name + "."]
        if written:
            # the same company however its form is written, and "Tbk" after a PT
            rest = re.sub(r"^\W*(p\W*t|c\W*v)\b\W*|\W+(p\W*t|c\W*v)\W*$", "", name, flags=re.I)
            variants += [f"{w} {rest}" for w in written] + [f"{written[2]}{rest}"]
            if parsed.legal_form == "pt":
                variants.append(f"PT {rest} Tbk")
            other = "CV" if parsed.legal_form == "pt" else "PT"
            assert identity_key(f"{other} {rest}") != key, name
        else:  # a name without a legal form is never merged into a CV or PT of that name
            assert identity_key(f"CV {name}") != key and identity_key(f"PT {name}") != key
        for variant in variants:
            assert identity_key(variant) == key, (name, variant)


# ------------------------------------------------------------------ the picker of the forms


def test_forms_find_a_producer_its_products_and_certificates_by_typing(client_for, tim_bandung):
    run_file(EXPORT)
    sync_registry()
    # the export's producer with the most certificates, found by two words of its name
    producer = max(Producer.objects.all(), key=lambda p: (p.certificates.count(), -p.pk))
    words = [w for w in producer.name.replace(".", " ").split() if len(w) > 2][:2]
    url = "/registri/pilih/{}/"
    signed_in = client_for(tim_bandung)
    answer = signed_in.get(url.format("produsen"), {"producer_cari": " ".join(words).lower()})
    assert answer.status_code == 200
    found = {int(pk) for pk in re.findall(r'value="(\d+)"', answer.content.decode())}
    expected = Producer.objects.all()
    for word in words:
        expected = expected.filter(name__icontains=word)
    assert producer.pk in found
    assert found == set(expected.values_list("pk", flat=True)[:20])
    # the products list keeps the producer's own, whatever is typed
    products = signed_in.get(url.format("produk"), {"product_cari": "", "producer": producer.pk})
    own = set(CatalogProduct.objects.filter(producer=producer).values_list("pk", flat=True))
    found = {int(pk) for pk in re.findall(r'value="(\d+)"', products.content.decode())}
    assert found and (found == own or (len(found) == 20 and found < own))
    # a certificate by its holder's name, narrowed to the holder
    certificates = signed_in.get(url.format("sertifikat"),
                                 {"certificate_cari": words[0], "producer": producer.pk})
    held = set(producer.certificates.values_list("pk", flat=True))
    found = {int(pk) for pk in re.findall(r'value="(\d+)"', certificates.content.decode())}
    assert found and found <= held
    # nothing found says so; bad input is a 400 or 404, never a 500; the public is sent away
    none = signed_in.get(url.format("produsen"), {"producer_cari": "zzqxw"}).content.decode()
    assert "zzqxw" in none and 'value=""' in none
    assert signed_in.get(url.format("pabrik"), {"q": "x"}).status_code == 404
    assert signed_in.get(url.format("produsen"), {"q": "x" * 101}).status_code == 400
    assert signed_in.get(url.format("produk"), {"producer": "abc"}).status_code == 400
    assert signed_in.get(url.format("produk"), {"producer": str(2**70)}).status_code == 400
    assert Client().get(url.format("produsen"), {"q": "pt"}).status_code == 302
