"""Dump every number p3dn shows for the real Kalbar 2023 and Bandung 2025 data, so that two
versions of the code can be compared: a refactoring must give the same file.

    git worktree add --detach /tmp/main-compare main
    .venv/bin/python scripts/compare_outputs.py --code /tmp/main-compare --out /tmp/before.json
    .venv/bin/python scripts/compare_outputs.py --out /tmp/after.json       # this checkout
    git worktree remove /tmp/main-compare
    diff /tmp/before.json /tmp/after.json && echo identical

``--code`` is the checkout whose ``p3dn`` is run (default: the one holding this script). Each
run builds a fresh SQLite database in a temporary folder (``migrate`` from empty), loads the
demo's Pemda, units and accounts, imports the demo's set of files (p3dn/core/demo/units.json)
from the full real files of ``--data`` (default ``../shared/data`` beside the repository; the
demo's own copy where it has none), lets the demo record its targets, Monev schedule, first
snapshot and findings, all at a fixed date (time-machine), then dumps:

- ``p3dn indicators`` (JSON, and CSV and table for the whole year) of both Pemda-years: whole,
  ``--by`` satker / month / channel, with filters and ``--as-of`` (from the facts);
- ``GET /api/v1/indicators`` with the same variants;
- the Dasbor page (with filters), drill-downs of every source and measure, the ranking,
  compliance, Monev and report pages, as HTML with the CSRF tokens, CSP nonces and chart ids
  blanked (the clock is frozen, so dates and times stay);
- the Dasbor export (Excel and CSV), the report Excel (current and as of a date), the ranking
  Excel of both years and the compliance Excel: every cell of every sheet;
- the Monev snapshots as stored (figures JSON) and the findings;
- ``queries``: how many SQL queries each page, export and API answer ran (the Dasbor and the
  ranking must not gain any).

The output is indented JSON with its own keys sorted (the JSON of the CLI and the API kept in
the order p3dn wrote it, as lines): ``diff`` it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import io
import json
import os
import re
import sys
import tempfile
import zoneinfo
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2025, 12, 15, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
# The demo's file names start with where their real file is (the demo keeps trimmed copies).
FOLDERS = {
    "bandung-": ("isb/kab-bandung-2025",),
    "kalbar-": ("isb/prov-kalbar-2023", "ekatalog/kalbar-kabupaten-2022"),
    "tkdn-": ("tkdn",),
}
PEMDA_YEARS = (("D197", 2023), ("D107", 2025))
BYS = (None, "satker", "month", "channel")
# (CLI options, API query) of each filtered variant.
FILTERS: tuple[tuple[list[str], list[tuple[str, str]]], ...] = (
    (["--channel", "tender", "--channel", "e_purchasing"],
     [("channel", "tender"), ("channel", "e_purchasing")]),
    (["--jenis", "Barang"], [("jenis", "Barang")]),
    (["--metode", "Tender"], [("metode", "Tender")]),
    (["--sumber-dana", "APBD"], [("sumber_dana", "APBD")]),
    (["--channel", "pencatatan_non_tender", "--jenis", "Jasa Lainnya"],
     [("channel", "pencatatan_non_tender"), ("jenis", "Jasa Lainnya")]),
)
DASHBOARD_FILTERS = (
    [],
    [("saluran", "tender"), ("saluran", "e_purchasing")],
    [("jenis", "Barang")],
    [("metode", "Tender"), ("sumber_dana", "APBD")],
)
SOURCES = ("rup", "belanja", "tender", "non_tender", "pencatatan_non_tender", "swakelola",
           "e_purchasing", "toko_daring", "realisasi")
MEASURES = ("nilai", "pdn", "umk", "unknown")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose p3dn is run")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, required=True, help="where to write the dump")
    return parser.parse_args()


def setup(code: Path, tmp: Path) -> None:
    code = code.resolve()
    if not (code / "p3dn" / "__init__.py").is_file():
        raise SystemExit(f"{code} holds no p3dn package")
    sys.path.insert(0, str(code))
    (tmp / "data" / "static").mkdir(parents=True)  # STATIC_ROOT: WhiteNoise wants it
    os.environ.update(
        DJANGO_SETTINGS_MODULE="p3dn.settings",
        DATABASE_URL=f"sqlite:///{tmp / 'compare.sqlite3'}",
        P3DN_DATA_DIR=str(tmp / "data"),
        P3DN_DEBUG="False",
        P3DN_SECRET_KEY="compare-outputs-only",  # a throwaway database
        P3DN_LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host; e-mail kept in memory
    # Static files by their plain names, served from the sources (as the tests do).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    import p3dn

    if Path(p3dn.__file__).resolve().parent != code / "p3dn":
        raise SystemExit(f"p3dn was imported from {p3dn.__file__}, not from {code}")
    print(f"p3dn from {code}", file=sys.stderr)


# ------------------------------------------------------------------ loading


def real_file(data: Path, name: str) -> Path | None:
    for prefix, folders in FOLDERS.items():
        if name.startswith(prefix):
            for folder in folders:
                path = data / folder / name.removeprefix(prefix)
                if path.is_file():
                    return path
    return None


def load(data: Path) -> list[dict[str, Any]]:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from importlib import resources

    from p3dn.core import demo
    from p3dn.imports import services

    demo.load_demo()
    units = json.loads((resources.files("p3dn.core") / "demo" / "units.json").read_text())
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in units["files"]:
            plain = name.removesuffix(".gz")
            path = Path(tmp) / plain
            source = real_file(data, plain)
            if source is not None:
                path.write_bytes(source.read_bytes())
            else:  # no real file of that name: the demo's own copy
                content = (resources.files("p3dn.core") / "demo" / "files" / name).read_bytes()
                path.write_bytes(gzip.decompress(content) if name.endswith(".gz") else content)
            run = services.import_now(actor=None, path=path, apply_valid_rows=True)
            runs.append(
                {
                    "file": plain,
                    "from": str(source.relative_to(data)) if source else "the demo's copy",
                    "dataset": run.dataset,
                    "status": run.status,
                    "inserted": run.rows_inserted,
                    "rejected": run.rows_rejected,
                    "data_as_of": str(run.data_as_of),
                }
            )
    demo.load_demo_monitoring(today=NOW.date())
    return runs


# ------------------------------------------------------------------ normalising


TOKENS = (
    (re.compile(r'(csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'("X-CSRFToken":\s*")[^"]+'), r"\1CSRF"),
    (re.compile(r'(nonce=")[^"]+'), r"\1NONCE"),
    (re.compile(r"\b[A-Za-z0-9]{64}\b"), "TOKEN"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "UUID"),
)


def html(text: str) -> list[str]:
    for pattern, replacement in TOKENS:
        text = pattern.sub(replacement, text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def ordered(text: str) -> list[str]:
    """JSON as indented lines in the order it was written (the dump itself sorts its keys)."""
    return json.dumps(json.loads(text), indent=1, ensure_ascii=False).splitlines()


def cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | bool):
        return value
    return repr(value)  # floats and decimals, exactly as written


def workbook(content: bytes) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), data_only=False)
    return {
        sheet.title: [[cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


# ------------------------------------------------------------------ dumping


class Dump:
    def __init__(self) -> None:
        from django.contrib.auth import get_user_model
        from django.test import Client

        self.client = Client()
        self.client.force_login(get_user_model().objects.get(username="admin"))
        self.out: dict[str, Any] = {"queries": {}}

    def get(self, url: str, query: list[tuple[str, str]] | None = None) -> Any:
        from urllib.parse import urlencode

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        full = f"{url}?{urlencode(query)}" if query else url
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(full)
        self.out["queries"][full] = len(queries)
        if response.status_code != 200:
            raise SystemExit(f"GET {full}: {response.status_code}")
        return full, response

    def page(self, section: str, url: str, query: list[tuple[str, str]] | None = None) -> None:
        full, response = self.get(url, query)
        self.out.setdefault(section, {})[full] = html(response.content.decode())

    def xlsx(self, section: str, url: str, query: list[tuple[str, str]] | None = None) -> None:
        full, response = self.get(url, query)
        self.out.setdefault(section, {})[full] = workbook(response.content)

    def csv(self, section: str, url: str, query: list[tuple[str, str]] | None = None) -> None:
        full, response = self.get(url, query)
        self.out.setdefault(section, {})[full] = response.content.decode().splitlines()

    def api(self, query: list[tuple[str, str]]) -> None:
        full, response = self.get("/api/v1/indicators", query)
        self.out.setdefault("api", {})[full] = ordered(response.content.decode())


def cli(*args: str) -> str:
    from django.core.management import call_command

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):  # CSV is written to sys.stdout itself
        call_command(*args, stdout=stdout)
    return stdout.getvalue()


def dump_indicators(dump: Dump, klpd: str, tahun: int) -> None:
    base = ["indicators", "--klpd", klpd, "--year", str(tahun)]
    query = [("klpd", klpd), ("year", str(tahun))]
    as_of = NOW.date().isoformat()
    variants: list[tuple[list[str], list[tuple[str, str]]]] = []
    for by in BYS:
        variants.append((["--by", by] if by else [], [("by", by)] if by else []))
    variants += [(["--as-of", as_of, *opts], [("as_of", as_of), *q]) for opts, q in
                 [([], []), (["--by", "satker"], [("by", "satker")]),
                  (["--by", "month"], [("by", "month")])]]
    for options, params in FILTERS:
        variants.append((options, params))
        variants.append((["--by", "satker", *options], [("by", "satker"), *params]))
        variants.append((["--by", "month", *options], [("by", "month"), *params]))
    section = dump.out.setdefault("cli", {})
    for options, params in variants:
        args = [*base, *options, "--format", "json"]
        section[" ".join(args[1:])] = ordered(cli(*args))
        dump.api([*query, *params])
    for fmt in ("csv", "table"):
        for by in ("", "satker"):
            args = [*base, *(["--by", by] if by else []), "--format", fmt]
            section[" ".join(args[1:])] = cli(*args).splitlines()


def dump_pages(dump: Dump, pemda_id: int, tahun: int) -> None:
    root = f"/dasbor/pemda/{pemda_id}/"
    year = [("tahun", str(tahun))]
    for filters in DASHBOARD_FILTERS:
        dump.page("dashboard", root, [*year, *filters])
    for source in SOURCES:
        for measure in MEASURES:
            if source == "belanja" and measure != "nilai":
                continue
            dump.page("drill", root + "rincian/", [*year, ("sumber", source), ("nilai", measure)])
    dump.page("drill", root + "rincian/", [*year, ("sumber", "realisasi"), ("nilai", "pdn"),
                                           ("saluran", "tender"), ("jenis", "Barang")])
    for fmt in ("xlsx", "csv"):
        for filters in DASHBOARD_FILTERS[:2]:
            if fmt == "xlsx":
                dump.xlsx("dashboard_export", root + "ekspor.xlsx", [*year, *filters])
            else:
                dump.csv("dashboard_export", root + "ekspor.csv", [*year, *filters])
    dump.page("compliance", root + "kepatuhan/", year)
    dump.xlsx("compliance_export", root + "kepatuhan/ekspor.xlsx", year)
    dump.page("report", root + "laporan/", year)
    dump.xlsx("report_xlsx", root + "laporan.xlsx", year)
    dump.xlsx("report_xlsx", root + "laporan.xlsx", [*year, ("as_of", f"{tahun}-09-30")])
    dump.page("monev", root + "monev/", year)


def dump_monev(dump: Dump) -> None:
    from django.apps import apps

    snapshots = apps.get_model("monitoring", "Snapshot").objects.order_by("pk")
    dump.out["snapshots"] = [
        {
            "pemda": s.pemda.kd_klpd,
            "tahun": s.tahun,
            "kind": s.kind,
            "data_as_of": str(s.data_as_of),
            "figures": s.figures,
        }
        for s in snapshots
    ]
    findings = apps.get_model("monitoring", "Finding").objects.order_by("pk")
    dump.out["findings"] = [
        [f.pemda.kd_klpd, f.tahun, f.unit.kd_satker if f.unit else None, f.temuan, f.status,
         str(f.due_date)]
        for f in findings
    ]
    for snapshot in snapshots:
        url = f"/dasbor/pemda/{snapshot.pemda_id}/monev/snapshot/{snapshot.pk}/"
        dump.page("monev", url)


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        setup(args.code, tmp)
        import time_machine

        with time_machine.travel(NOW, tick=False):
            runs = load(args.data)
            dump = Dump()
            dump.out["imports"] = runs
            from p3dn.accounts.models import Pemda

            for klpd, tahun in PEMDA_YEARS:
                dump_indicators(dump, klpd, tahun)
                dump_pages(dump, Pemda.objects.get(kd_klpd=klpd).pk, tahun)
            for _klpd, tahun in PEMDA_YEARS:
                dump.page("ranking", "/dasbor/peringkat/", [("tahun", str(tahun))])
                dump.xlsx("ranking_xlsx", "/dasbor/peringkat/ekspor.xlsx", [("tahun", str(tahun))])
            dump_monev(dump)
            from django.db import connections

            connections.close_all()
    text = json.dumps(dump.out, indent=1, sort_keys=True, ensure_ascii=False, default=str)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(text.splitlines())} lines", file=sys.stderr)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
