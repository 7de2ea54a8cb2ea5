"""Every page that reads a query parameter answers a hostile value with 400 (an Indonesian page
saying what is wrong) or 404, never with a server error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.text import slugify

from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.imports import services as imports
from p3dn.imports.datasets.manual import TEMPLATES
from p3dn.monitoring.monev import services as findings
from p3dn.monitoring.monev import services as monev
from p3dn.monitoring.monev.models import Snapshot

HOSTILE = [
    "abc",
    "-1",
    "0",
    "99999999999",
    str(10**30),
    "",
    "²",  # a digit to str.isdigit(), not to int()
    "٣",  # an Arabic-Indic three: int() reads it
    "ÿ€漢字",
    "1\x00",
    "1" * 5000,
    "x" * 5000,
]

# page name → (path arguments from the world, the query the page needs, the parameters to spoil)
PAGES: dict[str, tuple[tuple[str, ...], dict[str, str], tuple[str, ...]]] = {
    "accounts:pemda-list": ((), {}, ("page", "q", "level", "klpd")),
    "accounts:pemda-detail": (("pemda",), {}, ("q",)),
    "accounts:user-list": ((), {}, ("page",)),
    "audit:list": ((), {}, ("page", "q", "action", "date_from", "date_to")),
    "regions:code-list": ((), {}, ("page", "system", "q")),
    "imports:list": ((), {}, ("page",)),
    "imports:detail": (("run",), {}, ("page",)),
    "imports:template": (("template",), {}, ("tahun",)),
    "monitoring:dashboard": (
        ("pemda",),
        {"tahun": "2023"},
        ("tahun", "urut", "saluran", "jenis", "metode", "sumber_dana"),
    ),
    "monitoring:drill": (
        ("pemda",),
        {"tahun": "2023", "sumber": "tender"},
        ("tahun", "sumber", "nilai", "unit", "bulan", "page", "jenis"),
    ),
    "monitoring:target": (("pemda",), {}, ("tahun",)),
    "monitoring:ranking": ((), {}, ("tahun", "provinsi")),
    "monitoring:export": (("pemda", "csv"), {"tahun": "2023"}, ("tahun", "saluran", "jenis")),
    "monitoring:monev": (("pemda",), {}, ("tahun",)),
    "monitoring:monev-snapshot": (("pemda", "snapshot"), {}, ()),
    "monitoring:monev-findings": (("pemda",), {}, ("tahun", "unit", "status", "overdue")),
    "monitoring:monev-finding-create": (("pemda",), {}, ("tahun", "snapshot")),
    "monitoring:monev-finding": (("pemda", "finding"), {}, ()),
    "monitoring:compliance": (("pemda",), {}, ("tahun", "aturan", "unit", "page")),
    "monitoring:compliance-export": (("pemda",), {}, ("tahun",)),
    "monitoring:report": (("pemda",), {}, ("tahun", "as_of")),
    "monitoring:report-xlsx": (("pemda",), {"tahun": "2023"}, ("tahun", "as_of")),
    "monitoring:ranking-export": ((), {}, ("tahun", "provinsi")),
    "quality:page": (("pemda",), {"tahun": "2023"}, ("tahun", "kode", "unit", "page")),
    "quality:export": (("pemda",), {"tahun": "2023"}, ("tahun", "kode", "unit")),
    "catalog:producer-list": ((), {}, ("page", "q", "provinsi", "umk", "ikm", "bentuk")),
    "catalog:product-list": ((), {}, ("page", "q", "perusahaan", "provinsi", "status", "asal")),
    "catalog:certificate-list": ((), {}, ("page", "q", "perusahaan", "provinsi", "status")),
    "listings:manage": (("pemda",), {}, ("page", "status", "q")),
    "listings:pemda": (("klpd", "pslug"), {}, ("page",)),
    "listings:pemda-products": (("klpd", "pslug"), {}, ("page",)),
}


@pytest.fixture
def world(admin_pusat, kalbar, dinkes_kalbar, client_for):
    """Kalbar with its 2023 tender contracts, a snapshot, a finding and an import run; the
    national administrator signed in (who may open every page)."""
    run = imports.import_now(actor=None, path=KALBAR / "SPSE-TenderEkontrak-Kontrak.json")
    assert run.status == "applied", run.message
    snapshot = monev.take_snapshot(pemda=kalbar, tahun=2023, kind=Snapshot.Kind.ON_DEMAND)
    finding = findings.create_finding(
        actor=admin_pusat,
        pemda=kalbar,
        tahun=2023,
        unit=dinkes_kalbar,
        temuan="Realisasi PDN belum dicatat",
        tindak_lanjut="Catat realisasi",
        penanggung_jawab="Kepala Subbag Keuangan",
        due_date=dt.date(2023, 4, 30),
    )
    values = {
        "pemda": kalbar.pk,
        "run": run.pk,
        "snapshot": snapshot.pk,
        "finding": finding.pk,
        "template": next(iter(TEMPLATES)),
        "klpd": kalbar.kd_klpd,
        "pslug": slugify(kalbar.name),
    }
    client = client_for(admin_pusat)
    client.raise_request_exception = False  # a server error is a 500 answer, counted below
    return client, values


def _args(names: tuple[str, ...], values: dict[str, object]) -> list:
    return [values.get(n, n) for n in names]


@pytest.mark.parametrize(
    ("page", "param"), [(page, param) for page, (_a, _q, names) in PAGES.items() for param in names]
)
def test_a_hostile_query_parameter_is_refused_not_a_server_error(world, page, param):
    client, values = world
    args, base, _params = PAGES[page]
    url = reverse(page, args=_args(args, values))
    assert client.get(url, base).status_code == 200, url  # the page works with sane values
    failures = []
    for value in HOSTILE:
        response = client.get(url, {**base, param: value})
        if response.status_code >= 500:
            failures.append((value[:20], response.status_code))
        elif response.status_code == 400:
            assert "Permintaan tidak dapat diproses" in response.content.decode(), value[:20]
    assert failures == [], f"{page} ?{param}="


def test_the_year_of_a_page_must_be_a_fiscal_year_and_the_page_says_so(world):
    client, _values = world
    url = reverse("monitoring:ranking")
    for value in ("abc", "-1", "99999999999"):
        response = client.get(url, {"tahun": value})
        assert response.status_code == 400
        assert "Tahun anggaran" in response.content.decode()
    assert client.get(url, {"tahun": "2023"}).status_code == 200
