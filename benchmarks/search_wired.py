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
go to benchmarks/results/search-wired-DATE-VENDOR-ITEMS.json; on PostgreSQL also the server
backend's CPU, a mean per search (from /proc: the kernel counts it in 10 ms ticks).
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
from collections.abc import Iterator
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
from django.db import connection, transaction  # noqa: E402
from django.db.models import Value  # noqa: E402
from django.db.models.functions import Concat  # noqa: E402
from django.utils import timezone  # noqa: E402

from p3dn.catalog.identity import parse_name  # noqa: E402
from p3dn.catalog.models import CatalogProduct, Producer  # noqa: E402
from p3dn.catalog.search import queries, services  # noqa: E402
from p3dn.lib.search import tokenize  # noqa: E402
from p3dn.regions.models import Region  # noqa: E402

TODAY = dt.date(2026, 6, 1)
TAG = ""
BATCH = 5000


class Clock:
    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def server_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend serving this connection has used (user + system,
    from /proc: the server runs on this machine), None on SQLite or when it cannot be read.
    The kernel counts in ticks of 10 ms, so only a sum over many searches means anything."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


PRODUCT_COLUMNS = ("producer_id", "item_key", "name", "specification", "tipe", "brand",
                   "kelompok_barang", "kbli", "kbki", "kode_hs", "unit", "origin", "tkdn",
                   "tkdn_bmp", "valid_until", "price_min", "price_max", "certificate_count",
                   "listed", "created_at", "updated_at")
INSERT_PRODUCT = (f"INSERT INTO catalog_catalogproduct ({', '.join(PRODUCT_COLUMNS)}) "
                  f"VALUES ({', '.join(['%s'] * len(PRODUCT_COLUMNS))})")


def stream(path: Path) -> Iterator[dict]:
    with path.open("rb") as lines:
        for line in lines:
            yield orjson.loads(line)


def load(path: Path) -> tuple[list[str], dict[str, float]]:
    """The generated items as producers and products: producers through bulk_create, the
    products by prepared executemany in batches of 20.000 (no model instance a row).
    Returns the names (for the rapidfuzz peer) and the time it took."""
    provinces = {r.name.casefold().removeprefix("prov. ").strip(): r.code
                 for r in Region.objects.filter(level=Region.Level.PROVINSI)}
    names: list[str] = []
    with Clock() as clock:
        producers: dict[str, Producer] = {}
        for row in stream(path):
            if row["producer"] not in producers:
                parsed = parse_name(row["producer"])
                code = provinces.get(row["province"].casefold())
                producers[row["producer"]] = Producer(
                    name=row["producer"], name_key=parsed.key[:255],
                    legal_form=parsed.legal_form, umk=row["umk"], province_id=code)
        Producer.objects.bulk_create(producers.values(), batch_size=BATCH)
        ids = dict(Producer.objects.values_list("name", "pk"))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        batch: list[tuple[object, ...]] = []

        def flush() -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(INSERT_PRODUCT, batch)
            batch.clear()

        for r in stream(path):
            tkdn = Decimal(r["tkdn"]) / 100 if r["tkdn"] else None
            batch.append((
                ids[r["producer"]], str(r["id"]), r["name"], r["spec"], r["type"], r["brand"],
                r["category"], r["kbli"], r["kbki"], r["hs"][:40], "", "",
                tkdn, (Decimal(r["tkdn"]) + Decimal(r["bmp"])) / 100
                if r["tkdn"] and r["bmp"] else None,
                r["valid_until"], r["price"], r["price"], 0, True, now, now))
            names.append(r["name"])
            if len(batch) >= 20_000:
                flush()
        if batch:
            flush()
    return names, {"wall_s": clock.wall, "cpu_s": clock.cpu}


def change(count: int) -> dict[str, int]:
    """Change the registry as a sync might: ``count`` products get a new specification, a
    tenth as many are no longer listed and as many new ones come in (copies of listed ones
    under a new item key)."""
    ids = list(CatalogProduct.objects.filter(listed=True).order_by("id")
               .values_list("pk", flat=True)[: count + count // 5])
    changed, unlisted, copied = ids[:count], ids[count:count + count // 10], ids[-(count // 10):]
    with transaction.atomic():
        for start in range(0, len(changed), 5000):
            CatalogProduct.objects.filter(pk__in=changed[start:start + 5000]).update(
                specification=Concat("specification", Value(" edisi 2")))
        CatalogProduct.objects.filter(pk__in=unlisted).update(listed=False)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            rows = CatalogProduct.objects.filter(pk__in=copied).values_list(
                *PRODUCT_COLUMNS[:10])
            cursor.executemany(INSERT_PRODUCT, [
                (*row[:1], "new-" + row[1], *row[2:], "", "", None, None, None, None, None,
                 0, True, now, now) for row in rows])
    return {"changed": len(changed), "unlisted": len(unlisted), "new": len(copied)}


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
    parser.add_argument("--load-only", action="store_true",
                        help="load the registry only (build the index later with --reuse "
                        "--refresh-only)")
    parser.add_argument("--index-only", action="store_true",
                        help="load the registry and build the index, run no query")
    parser.add_argument("--incremental", type=int, default=0, metavar="N",
                        help="with --reuse: change N products (and unlist and add N/10), "
                        "time the incremental refresh, then run the queries")
    parser.add_argument("--tag", default="",
                        help="appended to the result file's name (\"-TAG\")")
    args = parser.parse_args()
    global TAG
    TAG = f"-{args.tag}" if args.tag else ""
    started = dt.datetime.now(dt.UTC)
    results: dict[str, object] = {"machine": {
        "cpus": os.cpu_count(), "platform": platform.platform(),
        "python": platform.python_version(), "load_at_start": os.getloadavg(),
        "started": started.isoformat(timespec="seconds"), "vendor": connection.vendor}}
    suffix = ""
    if args.reuse:
        names = [row["name"] for row in stream(args.items_file)]
        if args.refresh_only:  # a full build, over an empty index too (after --load-only)
            call_command("migrate", verbosity=0)
            with Clock() as clock:
                refreshed = services.refresh_index(actor="benchmark", full=True)
            results["refresh_index"] = {"wall_s": clock.wall, "cpu_s": clock.cpu,
                                        "items": refreshed.items, "tokens": refreshed.tokens,
                                        "load": os.getloadavg()}
            print(json.dumps(results["refresh_index"]), flush=True)
            results["machine"]["load_at_end"] = os.getloadavg()  # type: ignore[index]
            save(results, started, len(names), "-rebuild")
            return
        assert queries.index_state().items >= len(names) * 0.9, \
            "no index of these items to reuse"
        suffix = "-reuse"
        if args.incremental:
            with Clock() as clock:
                changed = change(args.incremental)
            print(f"changed {changed} in {clock.wall:.0f} s", flush=True)
            with Clock() as clock:
                refreshed = services.refresh_index(actor="benchmark")
            assert not refreshed.full
            results["refresh_incremental"] = changed | {
                "wall_s": clock.wall, "cpu_s": clock.cpu, "items": refreshed.items,
                "analysed": refreshed.analysed, "removed": refreshed.removed,
                "load": os.getloadavg()}
            print(f"incremental: {results['refresh_incremental']}", flush=True)
            suffix = "-incremental"
    else:
        call_command("migrate", verbosity=0)
        names, took = load(args.items_file)
        results["load_registry"] = took | {"items": len(names), "load": os.getloadavg()}
        print(f"registry: {len(names)} products in {took['wall_s']:.0f} s", flush=True)
        if args.load_only:
            results["machine"]["load_at_end"] = os.getloadavg()  # type: ignore[index]
            save(results, started, len(names), "-load")
            return
        with Clock() as clock:
            refreshed = services.refresh_index(actor="benchmark")
        results["refresh_index"] = {"wall_s": clock.wall, "cpu_s": clock.cpu,
                                    "items": refreshed.items, "tokens": refreshed.tokens,
                                    "load": os.getloadavg()}
        print(f"index: {results['refresh_index']}", flush=True)
        if args.index_only:
            suffix = "-index"
    texts = [q["query"] for q in json.loads(
        (REPO / "tests" / "data" / "catalog_queries.json").read_text())["queries"]]
    if args.index_only:
        results["machine"]["load_at_end"] = os.getloadavg()  # type: ignore[index]
        save(results, started, len(names), suffix)
        return
    queries.search("pompa air")  # the typo index and synonyms are built once a process
    out: dict[str, object] = {}
    for label, filters in FILTERS.items():
        times, cpus, broad = [], [], 0
        server_before = server_cpu()
        for _ in range(args.rounds):
            for text in texts:
                with Clock() as clock:
                    page = queries.search(text, filters=filters, limit=20)
                times.append(clock.wall)
                cpus.append(clock.cpu)
                broad += page.broad
        out[f"p3dn, filters {label}"] = percentiles(times, cpus) | {"broad": broad}
        server_after = server_cpu()
        if server_before is not None and server_after is not None:
            out[f"p3dn, filters {label}"]["server_cpu_mean_ms"] = (  # type: ignore[index]
                (server_after - server_before) / len(times) * 1e3)
        print(label, out[f"p3dn, filters {label}"], flush=True)
    # the peers, in the same run
    times, cpus, empty = [], [], 0
    server_before = server_cpu()
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
    server_after = server_cpu()
    if server_before is not None and server_after is not None:
        out[key]["server_cpu_mean_ms"] = (  # type: ignore[index]
            (server_after - server_before) / len(times) * 1e3)
    print(key, out[key], flush=True)
    if args.fuzz_queries:
        from rapidfuzz import fuzz, process

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
    results["machine"]["load_at_end"] = os.getloadavg()  # type: ignore[index]
    save(results, started, len(names), suffix)


def save(results: dict[str, object], started: dt.datetime, items: int, suffix: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            results["machine"]["postgres"] = cursor.fetchone()[0]  # type: ignore[index]
    else:
        import sqlite3

        results["machine"]["sqlite"] = sqlite3.sqlite_version  # type: ignore[index]
    target = REPO / "benchmarks" / "results" / (
        f"search-wired-{started:%Y-%m-%d}-{connection.vendor}-{items}{suffix}{TAG}.json")
    target.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"results -> {target}")


if __name__ == "__main__":
    main()
