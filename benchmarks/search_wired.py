"""The wired search (p3dn/catalog/search) at registry scale, through the product's own code:
generated items (benchmarks/search_corpus.py) become registry producers and products in a
scratch database, ``services.refresh_index`` builds the index, and every judged query
(tests/data/catalog_queries.json) runs through ``queries.search`` (parse, count, candidates,
re-score, the page's 20 products loaded) under four filter sets; in the same run the peers: a
plain FTS5 query (SQLite) or plainto_tsquery (PostgreSQL) of the query's words, and a
rapidfuzz WRatio scan of every name.

    .venv/bin/python benchmarks/search_corpus.py --items 100000 --out /tmp/items.jsonl
    DATABASE_URL=sqlite:////tmp/wired.sqlite3 .venv/bin/python benchmarks/search_wired.py \
        --items-file /tmp/items.jsonl
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/p3dn_wired .venv/bin/python \
        benchmarks/search_wired.py --items-file /tmp/items.jsonl

The database named by DATABASE_URL is migrated and FILLED (use a scratch one). Wall time and
this process's CPU time per query; the PostgreSQL server's CPU is not in the latter. Results
go to benchmarks/results/search-wired-DATE-VENDOR-ITEMS.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p3dn.settings")
os.environ.setdefault("P3DN_SECRET_KEY", "benchmark-only")
os.environ.setdefault("P3DN_DEBUG", "True")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from p3dn.catalog.identity import parse_name  # noqa: E402
from p3dn.catalog.models import CatalogProduct, Producer  # noqa: E402
from p3dn.catalog.search import queries, services  # noqa: E402
from p3dn.lib.search import tokenize  # noqa: E402
from p3dn.regions.models import Region  # noqa: E402

TODAY = dt.date(2026, 6, 1)
BATCH = 5000


class Clock:
    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def percentiles(values: list[float], cpus: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] * 1e3

    cpu = sorted(cpus)

    def cpu_at(p: float) -> float:
        return cpu[min(len(cpu) - 1, round(p * (len(cpu) - 1)))] * 1e3

    return {"p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "mean_ms": statistics.fmean(ordered) * 1e3,
            "cpu_p50_ms": cpu_at(0.5), "cpu_p95_ms": cpu_at(0.95), "cpu_p99_ms": cpu_at(0.99),
            "cpu_mean_ms": statistics.fmean(cpus) * 1e3, "n": len(ordered)}


def load(path: Path) -> tuple[list[dict], dict[str, float]]:
    rows = [orjson.loads(line) for line in path.open("rb")]
    provinces = {r.name.casefold().removeprefix("prov. ").strip(): r.code
                 for r in Region.objects.filter(level=Region.Level.PROVINSI)}
    with Clock() as clock:
        producers: dict[str, Producer] = {}
        for row in rows:
            if row["producer"] not in producers:
                parsed = parse_name(row["producer"])
                code = provinces.get(row["province"].casefold())
                producers[row["producer"]] = Producer(
                    name=row["producer"], name_key=parsed.key[:255],
                    legal_form=parsed.legal_form, umk=row["umk"], province_id=code)
        Producer.objects.bulk_create(producers.values(), batch_size=BATCH)
        ids = dict(Producer.objects.values_list("name", "pk"))
        for start in range(0, len(rows), BATCH):
            CatalogProduct.objects.bulk_create([
                CatalogProduct(
                    producer_id=ids[r["producer"]], item_key=str(r["id"]), name=r["name"],
                    specification=r["spec"], tipe=r["type"], brand=r["brand"],
                    kelompok_barang=r["category"], kbli=r["kbli"], kbki=r["kbki"],
                    kode_hs=r["hs"][:40],
                    tkdn=Decimal(r["tkdn"]) / 100 if r["tkdn"] else None,
                    tkdn_bmp=(Decimal(r["tkdn"]) + Decimal(r["bmp"])) / 100
                    if r["tkdn"] and r["bmp"] else None,
                    valid_until=r["valid_until"], price_min=r["price"], price_max=r["price"])
                for r in rows[start:start + BATCH]])
    return rows, {"wall_s": clock.wall, "cpu_s": clock.cpu}


FILTERS = {
    "none": queries.Filters(),
    "tkdn>=40%": queries.Filters(min_tkdn=Decimal("0.40")),
    "tkdn>=25%, valid, UMK/IKM": queries.Filters(min_tkdn=Decimal("0.25"), valid_on=TODAY,
                                                 umk_ikm=True),
    "Jawa Barat, Rp 100rb-10jt": queries.Filters(province="32", price_min=Decimal(100_000),
                                                 price_max=Decimal(10_000_000)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items-file", type=Path, required=True)
    parser.add_argument("--fuzz-queries", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="passes over the query set")
    parser.add_argument("--reuse", action="store_true",
                        help="query the registry and index an earlier run left in the database")
    parser.add_argument("--refresh-only", action="store_true",
                        help="with --reuse: time a rebuild of the index, run no query")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    results: dict[str, object] = {"machine": {
        "cpus": os.cpu_count(), "platform": platform.platform(),
        "python": platform.python_version(), "load_at_start": os.getloadavg(),
        "started": started.isoformat(timespec="seconds"), "vendor": connection.vendor}}
    if args.reuse:
        rows = [orjson.loads(line) for line in args.items_file.open("rb")]
        assert queries.index_state().items == len(rows), "no index of these items to reuse"
        if args.refresh_only:
            with Clock() as clock:
                refreshed = services.refresh_index(actor="benchmark")
            print(json.dumps({"refresh_index": {"wall_s": clock.wall, "cpu_s": clock.cpu,
                                                "items": refreshed.items}}))
            return
    else:
        call_command("migrate", verbosity=0)
        rows, took = load(args.items_file)
        results["load_registry"] = took | {"items": len(rows)}
        print(f"registry: {len(rows)} products in {took['wall_s']:.0f} s", flush=True)
        with Clock() as clock:
            refreshed = services.refresh_index(actor="benchmark")
        results["refresh_index"] = {"wall_s": clock.wall, "cpu_s": clock.cpu,
                                    "items": refreshed.items, "tokens": refreshed.tokens}
        print(f"index: {results['refresh_index']}", flush=True)
    texts = [q["query"] for q in json.loads(
        (REPO / "tests" / "data" / "catalog_queries.json").read_text())["queries"]]
    queries.search("pompa air")  # the typo index and synonyms are built once a process
    out: dict[str, object] = {}
    for label, filters in FILTERS.items():
        times, cpus, broad = [], [], 0
        for _ in range(args.rounds):
            for text in texts:
                with Clock() as clock:
                    page = queries.search(text, filters=filters, limit=20)
                times.append(clock.wall)
                cpus.append(clock.cpu)
                broad += page.broad
        out[f"p3dn, filters {label}"] = percentiles(times, cpus) | {"broad": broad}
        print(label, out[f"p3dn, filters {label}"], flush=True)
    # the peers, in the same run
    times, cpus, empty = [], [], 0
    for text in texts:
        words = tokenize(text)
        if not words:
            continue
        with Clock() as clock, connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                               "ORDER BY rank LIMIT 20",
                               [" AND ".join('"' + w.replace('"', '""') + '"' for w in words)])
            else:
                cursor.execute("SELECT product_id FROM search_searchitem, plainto_tsquery("
                               "'simple', %s) q WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC "
                               "LIMIT 20", [" ".join(words)])
            found = cursor.fetchall()
        times.append(clock.wall)
        cpus.append(clock.cpu)
        empty += not found
    key = "plain FTS5 (words ANDed)" if connection.vendor == "sqlite" else \
        "plain plainto_tsquery (words ANDed)"
    out[key] = percentiles(times, cpus) | {"queries_without_result": empty}
    print(key, out[key], flush=True)
    if args.fuzz_queries:
        from rapidfuzz import fuzz, process

        names = [r["name"] for r in rows]
        times, cpus = [], []
        for text in texts[: args.fuzz_queries]:
            with Clock() as clock:
                process.extract(text, names, scorer=fuzz.WRatio, limit=20,
                                processor=str.lower)
            times.append(clock.wall)
            cpus.append(clock.cpu)
        out["rapidfuzz WRatio scan of every name"] = percentiles(times, cpus)
        print("rapidfuzz", out["rapidfuzz WRatio scan of every name"], flush=True)
    results["queries"] = out
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            results["machine"]["postgres"] = cursor.fetchone()[0]  # type: ignore[index]
    else:
        import sqlite3

        results["machine"]["sqlite"] = sqlite3.sqlite_version  # type: ignore[index]
    results["machine"]["load_at_end"] = os.getloadavg()  # type: ignore[index]
    target = REPO / "benchmarks" / "results" / (
        f"search-wired-{started:%Y-%m-%d}-{connection.vendor}-{len(rows)}"
        f"{'-reuse' if args.reuse else ''}.json")
    target.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"results -> {target}")


if __name__ == "__main__":
    main()
