"""Safe downloads: every spreadsheet and CSV p3dn hands out (and the CSV `p3dn indicators`
prints) writes submitted text that a spreadsheet would run as a formula as plain text with a
leading quote, never as a formula; numbers stay numbers, negative ones included.

``DOWNLOADS`` lists every download with the persona and the request that fetch it; a test walks
the URL resolver and fails when a view that can send an attachment is missing from the list, and
another fails when a module outside ``p3dn/lib`` writes a workbook or CSV of its own."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import functools
import importlib
import inspect
import io
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from p3dn.accounts import services as accounts
from p3dn.accounts.models import Pemda, Unit
from p3dn.catalog import services as registry
from p3dn.catalog.listings import services as listings
from p3dn.imports import services
from p3dn.imports.models import ImportRun
from p3dn.lib.cells import neutralise
from p3dn.monitoring.monev import services as findings
from p3dn.monitoring.monev import services as monev
from p3dn.monitoring.monev.models import Finding
from p3dn.web import downloads

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:[.,][0-9]+)*")
PAGU = 500_000_000  # each constructed RUP package; the first is lowered by CUT afterwards
CUT = 100_000_000

# One SiRUP package of Prov. Kalimantan Barat 2023 as LKPP publishes it (RUP-PaketPenyedia).
RUP = {
    "tahun_anggaran": 2023,
    "kd_klpd": "D197",
    "nama_klpd": "Provinsi Kalimantan Barat",
    "jenis_klpd": "PROVINSI",
    "pagu": PAGU,
    "kd_metode_pengadaan": 15,
    "metode_pengadaan": "Seleksi",
    "kd_jenis_pengadaan": "1",
    "jenis_pengadaan": "Barang",
    "status_pradipa": "PraDIPA",
    "status_pdn": "PDN",
    "status_ukm": "Non UKM",  # reservable and no reason given: a compliance flag
    "alasan_non_ukm": None,
    "status_konsolidasi": "Non-Konsolidasi",
    "tipe_paket": "Penyedia",
    "volume_pekerjaan": "4 Ls",
    "tgl_awal_pemilihan": "2022-11-01",
    "tgl_akhir_pemilihan": "2023-01-01",
    "tgl_awal_kontrak": "2023-02-01",
    "tgl_akhir_kontrak": "2023-03-01",
    "tgl_buat_paket": "2022-12-08",
    "tgl_pengumuman_paket": "2022-12-08 20:36:05",
    "status_aktif_rup": True,
    "status_delete_rup": False,
    "status_umumkan_rup": "Terumumkan",
    "status_dikecualikan": False,
}


# ------------------------------------------------------------------ reading what was downloaded


def is_safe(text: str) -> bool:
    """A spreadsheet does not run ``text``: it starts with no formula character, or it is only
    a negative number."""
    return not text.startswith(TRIGGERS) or bool(NEGATIVE_NUMBER.fullmatch(text))


def xlsx_cells(content: bytes) -> list[Any]:
    """Every value of every sheet; fails on any cell stored as a formula."""
    assert content[:2] == b"PK"
    book = load_workbook(io.BytesIO(content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


def csv_cells(content: bytes | str) -> list[str]:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    return [field for row in csv.reader(io.StringIO(text, newline="")) for field in row]


def same_text(value: str) -> str:
    """XML turns a carriage return into a line feed: compare them alike."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def assert_neutralised(cells: list[Any], stored: set[str]) -> None:
    """No text cell would run as a formula, and each stored hostile value is there as text
    with the leading quote."""
    texts = [c for c in cells if isinstance(c, str)]
    assert [t for t in texts if not is_safe(t)] == []
    assert stored and all(v.startswith(TRIGGERS) for v in stored)  # the data is hostile
    found = {same_text(t) for t in texts}
    assert {v for v in stored if same_text("'" + v) not in found} == set()


# ------------------------------------------------------------------ hostile data behind each one


@pytest.fixture
def world(db, tmp_path, admin_pusat, tim_kalbar, bandung, settings) -> dict[str, Any]:
    """Prov. Kalbar 2023: one RUP package per hostile string, named by it, in a perangkat daerah
    named by it, each a compliance flag; open findings written with it; two Monev
    snapshots around a cut of the first package's pagu. Kalbar and Kab. Bandung renamed with
    a hostile name."""
    settings.P3DN_IMPORTS_INLINE = True
    rows = [
        {
            **RUP,
            "kd_satker": 990001 + n,
            "kd_satker_str": f"9.99.0.00.0.00.{n:02d}.0000",
            "nama_satker": value,
            "kd_rup": 99000001 + n,
            "nama_paket": value,
        }
        for n, value in enumerate(HOSTILE)
    ]
    path = tmp_path / "RUP-PaketPenyedia-Terumumkan.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert services.import_now(actor=None, path=path).status == "applied"
    kalbar = Pemda.objects.get(kd_klpd="D197")
    monev.take_snapshot(pemda=kalbar, tahun=2023, kind="on_demand", actor=tim_kalbar)
    rows[0]["pagu"] = PAGU - CUT
    path.write_text(json.dumps(rows), encoding="utf-8")
    assert services.import_now(actor=None, path=path).status == "applied"
    monev.take_snapshot(pemda=kalbar, tahun=2023, kind="on_demand", actor=tim_kalbar)
    units = list(Unit.objects.filter(pemda=kalbar, kd_satker__startswith="9900"))
    for unit, value in zip(units, HOSTILE, strict=True):
        findings.create_finding(
            actor=tim_kalbar,
            pemda=kalbar,
            tahun=2023,
            unit=unit,
            temuan=value + " temuan",
            tindak_lanjut=value + " tindak lanjut",
            penanggung_jawab=value + " pj",
            due_date=dt.date(2024, 2, 29),
        )
    accounts.update_pemda(actor=admin_pusat, pemda=kalbar, name=HOSTILE[-1])
    accounts.update_pemda(actor=admin_pusat, pemda=bandung, name=HOSTILE[1])
    return {"kalbar": kalbar, "units": units, "pemda_names": {HOSTILE[-1], HOSTILE[1]}}


@pytest.fixture
def rejected_run(client_for, tim_bandung, settings) -> ImportRun:
    """A manual-realization CSV whose money is hostile text (and one negative number), uploaded
    under a hostile file name by Kab. Bandung's Tim P3DN: every row rejected."""
    settings.P3DN_IMPORTS_INLINE = True
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "tahun_anggaran",
            "kd_klpd",
            "kd_satker",
            "jenis_bukti",
            "nomor_bukti",
            "tanggal_bukti",
            "uraian",
            "nilai",
            "pdn",
            "tkdn_persen",
            "umk",
        ]
    )
    for value in [*HOSTILE, "-5"]:
        writer.writerow(
            [2025, "D107", "60414", "Kwitansi", "KW/1", "2025-03-14", "x", value, "Ya", "", "Ya"]
        )
    upload = SimpleUploadedFile("=1+1.csv", buffer.getvalue().encode("utf-8"))
    client_for(tim_bandung).post(reverse("imports:list"), {"uploads": [upload]})
    run = ImportRun.objects.get()
    assert run.status == "rejected"
    return run


# ------------------------------------------------------------------ every download


def _errors(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    run = request.getfixturevalue("rejected_run")
    client = request.getfixturevalue("client_for")(request.getfixturevalue("tim_bandung"))
    values = {e.value for e in run.row_errors.all() if not is_safe(e.value)}
    assert "-5" in {e.value for e in run.row_errors.all()}
    return [
        (client.get(reverse("imports:errors", args=[run.pk, fmt])), values)
        for fmt in ("csv", "xlsx")
    ]


def _template(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    world = request.getfixturevalue("world")
    client = request.getfixturevalue("client_for")(request.getfixturevalue("tim_kalbar"))
    response = client.get(reverse("imports:template", args=["komitmen"]), {"tahun": 2023})
    return [(response, {u.name for u in world["units"]})]


def _dashboard(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    world = request.getfixturevalue("world")
    client = request.getfixturevalue("client_for")(request.getfixturevalue("tim_kalbar"))
    names = {u.name for u in world["units"]}
    return [
        (
            client.get(
                reverse("monitoring:export", args=[world["kalbar"].pk, fmt]), {"tahun": 2023}
            ),
            names,
        )
        for fmt in ("csv", "xlsx")
    ]


def _compliance(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    world = request.getfixturevalue("world")
    client = request.getfixturevalue("client_for")(request.getfixturevalue("tim_kalbar"))
    url = reverse("monitoring:compliance-export", args=[world["kalbar"].pk])
    return [(client.get(url, {"tahun": 2023}), {u.name for u in world["units"]})]


def _report(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    world = request.getfixturevalue("world")
    client = request.getfixturevalue("client_for")(request.getfixturevalue("tim_kalbar"))
    url = reverse("monitoring:report-xlsx", args=[world["kalbar"].pk])
    texts = {u.name for u in world["units"]} | world["pemda_names"]
    for finding in Finding.objects.filter(pemda=world["kalbar"]):
        texts |= {finding.temuan, finding.tindak_lanjut, finding.penanggung_jawab}
    return [(client.get(url, {"tahun": 2023}), texts)]


def _ranking(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    world = request.getfixturevalue("world")
    client = request.getfixturevalue("client_for")(request.getfixturevalue("viewer_nasional"))
    response = client.get(reverse("monitoring:ranking-export"), {"tahun": 2023})
    return [(response, world["pemda_names"])]


def _calculator(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    form = {"f-regulation": "permenperin16_2011", "rows-lines": str(len(HOSTILE))}
    for n, value in enumerate(HOSTILE):
        form |= {
            f"t-lines-{n}-uraian": value,
            f"t-lines-{n}-kategori": "material",
            f"t-lines-{n}-biaya": str(10 + n),
            f"t-lines-{n}-asal": "dalam_negeri" if n % 2 else "luar_negeri",
        }
    response = Client().post(
        reverse("calculators:page", args=["tkdn-barang"]), {**form, "action": "xlsx"}
    )
    return [(response, {v.strip() for v in HOSTILE})]  # the calculator trims what is typed


def _listings(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    """Kalbar's katalog lokal: producers named by hostile text, rejected for hostile reasons."""
    world = request.getfixturevalue("world")
    tim = request.getfixturevalue("tim_kalbar")
    texts = set()
    for n, value in enumerate(HOSTILE):
        producer = registry.create_producer(actor=tim, name=f"{value} {n}")
        listing = listings.propose_listing(actor=tim, pemda=world["kalbar"], producer=producer)
        listing = listings.decide_listing(actor=tim, listing=listing, decision="reject",
                                          reason=value)
        texts |= {producer.name, listing.reason}
    client = request.getfixturevalue("client_for")(tim)
    url = reverse("listings:export", args=[world["kalbar"].pk])
    return [(client.get(url), texts)]
def _matching(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    """A Kalbar business-matching event named by hostile text, with hostile producers
    interested in the hostile packages (and units): the event report in Excel."""
    from p3dn.matching import services as matching

    world = request.getfixturevalue("world")
    tim = request.getfixturevalue("tim_kalbar")
    event = matching.create_event(actor=tim, pemda=world["kalbar"], name=HOSTILE[0],
                                  kind="pemda", date=dt.date(2023, 3, 1), tahun=2023,
                                  place=HOSTILE[2], organizer=HOSTILE[3])
    texts = {event.name, event.place, event.organizer}
    for n, value in enumerate(HOSTILE):
        producer = registry.create_producer(actor=tim, name=f"{value} {n}")
        interest = matching.record_interest(actor=tim, event=event, producer=producer,
                                            kd_rup=99000001 + n,
                                            nilai_ketertarikan=Decimal(1000 + n))
        assert interest.unit is not None  # the package and its unit are named by the value
        texts |= {producer.name, interest.demand_name, interest.unit.name}
    client = request.getfixturevalue("client_for")(tim)
    return [(client.get(reverse("matching:event-export", args=[event.pk])), texts)]


def _claims(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    """Hand-entered certificates (claims) of products and producers named by hostile text,
    verified; the Tim P3DN of Kab. Bandung downloads the findings of its region."""
    from p3dn.catalog import services as catalog
    from p3dn.catalog.claims.services import verify_claims
    from p3dn.regions.models import Region

    request.getfixturevalue("db")
    admin = request.getfixturevalue("admin_pusat")
    bandung = Region.objects.get(code="32.04")
    stored: set[str] = set()
    for n, value in enumerate(HOSTILE):
        producer = catalog.create_producer(actor=admin, name=f"CV Uji {n} {value}",
                                           region=bandung)
        product = catalog.create_product(actor=admin, producer=producer, name=value)
        catalog.create_certificate(actor=admin, product=product, number=f"{value} {n}",
                                   tkdn=Decimal("0.4"), expiry_date=dt.date(2030, 1, 1))
        stored |= {value.strip(), " ".join(f"{value} {n}".split())}
    verify_claims(as_of=dt.date(2026, 5, 27))
    client = request.getfixturevalue("client_for")(request.getfixturevalue("tim_bandung"))
    return [(client.get(reverse("claims:finding-export")), stored)]
def _search(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    """Registry products named by each hostile string (and their producers), found by a
    search whose query and filters are hostile too."""
    from p3dn.catalog.models import CatalogProduct, Producer
    from p3dn.catalog.search.services import refresh_index

    request.getfixturevalue("admin_pusat")  # the database
    producer = Producer.objects.create(name=HOSTILE[0] + " pompa", name_key="x")
    for n, value in enumerate(HOSTILE):
        CatalogProduct.objects.create(producer=producer, item_key=f"k{n}",
                                      name=f"{value} pompa", specification=value, brand=value)
    refresh_index(actor=None)
    query = "=pompa"
    response = Client().get(reverse("search:export"), {"q": query})
    return [(response, {f"{v} pompa" for v in HOSTILE} | {query, producer.name})]
def _substitutes(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    """Kalbar's hostile RUP packages (non-PDN, in hostile units), scanned for domestic
    alternatives among registry products named by the same hostile text."""
    from p3dn.catalog.models import CatalogProduct, Origin, Producer
    from p3dn.catalog.search.services import refresh_index
    from p3dn.catalog.substitutes.services import scan
    from p3dn.procurement.models import RupPackage

    world = request.getfixturevalue("world")
    tim = request.getfixturevalue("tim_kalbar")
    RupPackage.objects.filter(pemda=world["kalbar"]).update(status_pdn="Non-PDN")
    producer = Producer.objects.create(name="CV Uji Substitusi", name_key="uji substitusi")
    for n, value in enumerate(HOSTILE):
        CatalogProduct.objects.create(producer=producer, item_key=f"s{n}", name=value,
                                      origin=Origin.PDN)
    refresh_index(actor=None)
    scan(pemda=world["kalbar"], tahun=2023, user=tim)
    client = request.getfixturevalue("client_for")(tim)
    url = reverse("substitutes:export", args=[world["kalbar"].pk])
    packages = set(RupPackage.objects.filter(pemda=world["kalbar"]).values_list("nama_paket",
                                                                                flat=True))
    assert packages & set(HOSTILE)
    return [(client.get(url, {"tahun": 2023}), {u.name for u in world["units"]} | packages)]


def _quality(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    """The data-quality rows: a second unit under each hostile name (nama_unit_ganda)."""
    world = request.getfixturevalue("world")
    for n, unit in enumerate(world["units"]):
        accounts.create_unit(actor=None, pemda=world["kalbar"], name=unit.name, kd_satker=f"88{n}")
    client = request.getfixturevalue("client_for")(request.getfixturevalue("tim_kalbar"))
    url = reverse("quality:export", args=[world["kalbar"].pk])
    return [(client.get(url, {"tahun": 2023}), {u.name for u in world["units"]})]


def _tkdnik(request: pytest.FixtureRequest) -> list[tuple[Any, set[str]]]:
    """Kalbar's TKDN-IK candidates: products named by hostile text, rejected for hostile
    reasons."""
    from p3dn.regions.models import Region
    from p3dn.tkdnik import services as tkdnik

    world = request.getfixturevalue("world")
    tim = request.getfixturevalue("tim_kalbar")
    kecamatan = Region.objects.filter(level="kecamatan", code__startswith="61.").first()
    texts = set()
    for n, value in enumerate(HOSTILE):
        producer = registry.create_producer(actor=tim, name=f"CV Uji {n}")
        c = tkdnik.register_candidate(actor=tim, pemda=world["kalbar"], kecamatan=kecamatan,
                                      producer=producer, product_name=value,
                                      registered_on=dt.date(2025, 1, 2))
        tkdnik.record_self_assessment(
            actor=tim, candidate=c, regulation="permenperin46_2022", material=Decimal("0.24"),
            tenaga_kerja=Decimal("0.1"), overhead=Decimal("0.04"), pengembangan=Decimal("0"))
        tkdnik.submit_candidate(actor=tim, candidate=c)
        c = tkdnik.record_rejection(actor=tim, candidate=c, cause="lainnya", note=value)
        texts |= {c.product_name, c.rejection_note}
    client = request.getfixturevalue("client_for")(tim)
    url = reverse("tkdnik:export", args=[world["kalbar"].pk])
    return [(client.get(url), texts)]


Fetch = Callable[[pytest.FixtureRequest], list[tuple[Any, set[str]]]]
DOWNLOADS: dict[str, Fetch] = {
    "imports:errors": _errors,
    "imports:template": _template,
    "monitoring:export": _dashboard,
    "monitoring:compliance-export": _compliance,
    "monitoring:report-xlsx": _report,
    "monitoring:ranking-export": _ranking,
    "calculators:page": _calculator,
    "listings:export": _listings,
    "matching:event-export": _matching,
    "claims:finding-export": _claims,
    "search:export": _search,
    "quality:export": _quality,
    "tkdnik:export": _tkdnik,
    "substitutes:export": _substitutes,
}
# Attachments that are no spreadsheet (the same view may also give one: calculators:page).
NOT_SPREADSHEETS = {"monitoring:report-pdf": "the Laporan Monev P3DN as PDF",
                    "matching:event-pdf": "the business-matching event report as PDF"}


@pytest.mark.parametrize("name", DOWNLOADS)
def test_every_download_writes_hostile_text_as_quoted_text_and_no_formula(name, request):
    for response, stored in DOWNLOADS[name](request):
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        content = response.content
        cells = csv_cells(content) if disposition.endswith('.csv"') else xlsx_cells(content)
        assert_neutralised(cells, stored)


def test_the_error_list_shows_the_submitted_values_behind_a_quote(
    client_for, tim_bandung, rejected_run
):
    client = client_for(tim_bandung)
    submitted = [e.value for e in rejected_run.row_errors.order_by("row_number")]
    csv_file = client.get(reverse("imports:errors", args=[rejected_run.pk, "csv"])).content
    rows = list(csv.reader(io.StringIO(csv_file.decode("utf-8"), newline="")))
    assert [r[2] for r in rows[1:]] == [v if is_safe(v) else "'" + v for v in submitted]
    assert submitted[-1] == rows[-1][2] == "-5"  # a negative number stays a number
    xlsx_file = client.get(reverse("imports:errors", args=[rejected_run.pk, "xlsx"])).content
    heading = load_workbook(io.BytesIO(xlsx_file)).active["A1"]
    assert heading.value == f"'{rejected_run.file_name} ({rejected_run.dataset})"  # a file name
    assert rejected_run.file_name == "=1+1.csv" and heading.data_type == "s"


def test_the_report_quotes_hostile_findings_and_keeps_a_negative_change_a_number(
    client_for, tim_kalbar, world
):
    url = reverse("monitoring:report-xlsx", args=[world["kalbar"].pk])
    content = client_for(tim_kalbar).get(url, {"tahun": 2023}).content
    book = load_workbook(io.BytesIO(content))
    written = [row[1] for row in book[_("Findings")].iter_rows(min_row=2, values_only=True)]
    submitted = [f.temuan for f in Finding.objects.filter(pemda=world["kalbar"])]
    assert len(submitted) == len(HOSTILE) and not any(is_safe(t) for t in submitted)
    assert sorted(written) == sorted("'" + t for t in submitted)
    changes = {row[0].value: row[1] for row in book["Monev"].iter_rows() if row[0].value}
    assert changes["komitmen_pdn"].data_type == "n"
    assert Decimal(str(changes["komitmen_pdn"].value)) == -CUT


def test_the_indicators_command_prints_hostile_unit_names_as_quoted_csv(world, capsys):
    call_command("indicators", klpd="D197", year=2023, by="satker", format="csv")
    cells = csv_cells(capsys.readouterr().out)
    assert_neutralised(cells, {u.name for u in world["units"]})


def test_one_rule_quotes_formula_text_and_leaves_numbers():
    cases = {
        "=1+1": "'=1+1",
        "+SUM(A1)": "'+SUM(A1)",
        "-2+3": "'-2+3",
        "@cmd": "'@cmd",
        "\t=1": "'\t=1",
        "\r=1": "'\r=1",
        "-": "'-",
        "-5": "-5",
        "-1234.50": "-1234.50",
        "-1.234,56": "-1.234,56",
        "DINAS KESEHATAN": "DINAS KESEHATAN",
        "— belum": "— belum",
        "": "",
    }
    assert {k: neutralise(k) for k in cases} == cases
    for number in (-5, Decimal("-1234.50"), 0, None):
        assert neutralise(number) is number


# ------------------------------------------------------------------ no download left out


def _view_functions(callback: Any) -> Iterator[Any]:
    """The functions behind a URL pattern's callback: the view, a class-based view's methods,
    a Django Ninja path's operations."""
    if isinstance(callback, functools.partial):
        callback = callback.func
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        for cls in view_class.__mro__:
            if cls.__module__.startswith("p3dn"):
                yield from (f for f in vars(cls).values() if inspect.isfunction(f))
        return
    yield callback
    path_view = inspect.getclosurevars(inspect.unwrap(callback)).nonlocals.get("self")
    for operation in getattr(path_view, "operations", []):
        yield operation.view_func


def _names(code: Any) -> Iterator[str]:
    yield from code.co_names
    yield from code.co_freevars
    for const in code.co_consts:
        if inspect.iscode(const):
            yield from _names(const)


def _module(name: str) -> Any:
    """The p3dn module of that dotted name (imported if a view imports it lazily), else None."""
    if name != "p3dn" and not name.startswith("p3dn."):
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _referenced(function: Any) -> Iterator[Any]:
    """What the code of ``function`` may call: its globals and closure values by name, the
    members it names of the modules it uses (imported at the top or inside the function), and
    the methods of the p3dn classes it names."""
    names = set(_names(function.__code__))
    scope = {**function.__globals__, **inspect.getclosurevars(function).nonlocals}
    values = [scope.get(name) for name in names] + [_module(n) for n in names if "." in n]
    modules = [v for v in values if inspect.ismodule(v)]
    done: set[str] = set()
    while modules:
        module = modules.pop()
        if module.__name__ in done:
            continue
        done.add(module.__name__)
        for attr in names:
            value = getattr(module, attr, None) or _module(f"{module.__name__}.{attr}")
            (modules if inspect.ismodule(value) else values).append(value)
    for value in values:
        if inspect.isclass(value) and value.__module__.startswith("p3dn"):
            yield from (f for f in vars(value).values() if inspect.isfunction(f))
        elif value is not None and not inspect.ismodule(value):
            yield value


def _reaches(function: Any, target: Any, seen: set[Any]) -> bool:
    """Whether ``function`` calls ``target``, directly or through functions of p3dn."""
    function = inspect.unwrap(function)
    if function is target:
        return True
    if not inspect.isfunction(function) or function in seen:
        return False
    if not function.__module__.startswith("p3dn"):
        return False
    seen.add(function)
    return any(_reaches(f, target, seen) for f in _referenced(function))


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _patterns(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name}", pattern.callback


def test_every_view_that_sends_an_attachment_is_a_listed_download():
    sending = {
        name
        for name, callback in _patterns(get_resolver())
        if any(_reaches(f, downloads.attachment, set()) for f in _view_functions(callback))
    }
    assert sending == set(DOWNLOADS) | set(NOT_SPREADSHEETS)


def _sources() -> Iterator[Path]:
    for path in sorted((ROOT / "p3dn").rglob("*")):
        if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
            yield path


def test_only_the_download_helper_sets_content_disposition():
    setting = {
        str(path.relative_to(ROOT))
        for path in _sources()
        if re.search(
            r"content-disposition|FileResponse|as_attachment",
            path.read_text(encoding="utf-8"),
            re.IGNORECASE,
        )
    }
    assert setting == {"p3dn/web/downloads.py"}


SPREADSHEET_LIBRARIES = ("openpyxl", "xlsxwriter", "pandas", "odf", "pyexcel", "xlwt")
# What a module outside p3dn/lib may take from openpyxl: styles and types, no workbook.
CSV_WRITERS = {("csv", "writer"), ("csv", "DictWriter")}
STYLING = ("openpyxl.styles", "openpyxl.comments", "openpyxl.utils", "openpyxl.worksheet.worksheet")


def _writer_uses(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in SPREADSHEET_LIBRARIES and not node.module.startswith(STYLING):
                yield node.module
            if node.module == "csv":
                yield from (
                    f"csv.{a.name}" for a in node.names if a.name in ("writer", "DictWriter")
                )
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] in SPREADSHEET_LIBRARIES)
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in CSV_WRITERS:
                yield f"csv.{node.attr}"
            if node.attr in ("to_csv", "to_excel", "writerow", "writerows"):
                yield node.attr


def test_only_p3dn_lib_writes_workbooks_and_csv():
    """Outside p3dn/lib a module may style a sheet, never create, load or save a workbook or
    write CSV itself: every spreadsheet goes through p3dn.lib.xlsx or p3dn.lib.csvfile."""
    found = {
        f"{path.relative_to(ROOT)}: {use}"
        for path in _sources()
        if path.suffix == ".py" and path.relative_to(ROOT / "p3dn").parts[0] != "lib"
        for use in _writer_uses(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert found == set()
