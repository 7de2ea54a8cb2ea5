"""Search building blocks at registry scale: the pure-Python pieces, the peers, and prototypes
of the candidate-retrieval SQL for SQLite and PostgreSQL (docs/search.md, "Benchmarks").

    .venv/bin/python benchmarks/search_corpus.py --items 1000000 --out /tmp/items.jsonl
    .venv/bin/python benchmarks/run_search.py --items-file /tmp/items.jsonl \
        --sqlite /tmp/search-bench.sqlite3 \
        --postgres postgresql://postgres@127.0.0.1:5432/p3dn_searchcore

What is measured, each with wall time and this process's CPU time (the database server's CPU
is not in the PostgreSQL figures):
1. analysing the items with p3dn.lib.search (tokens, stems) and counting the vocabulary;
2. the typo index: build time and memory over the items' vocabulary and over a vocabulary
   padded to 1.000.000 distinct words, and one look-up per typed word;
3. parsing a query (synonyms, stems, plurals, typo look-ups) per query;
4. the peers: a rapidfuzz scan (process.extract, WRatio, over every item name) and a plain
   SQLite FTS5 query (the query's words ANDed, ranked by bm25) — both as users of those tools
   would write them;
5. the recommended candidate retrieval (docs/search.md): the parsed query as an FTS5 MATCH /
   a PostgreSQL tsquery literal with the filters in SQL, the best 200 candidates by the
   engine's weighted bm25 / ts_rank — or, for a broad query, the first 200 name/brand/type
   matches in TKDN order through the TKDN index ("tiered") — re-scored with
   p3dn.lib.search.ranking; run for every query of the judged set
   (tests/data/catalog_queries.json) under four filter sets.
Results go to benchmarks/results/search-DATE-ITEMS.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from p3dn.lib.search import (  # noqa: E402
    DEFAULT_FIELDS,
    Synonyms,
    TypoIndex,
    analyze_item,
    parse_csv,
    parse_query,
    score_item,
    tokenize,
)
from p3dn.lib.search.query import APART, STEM, Query  # noqa: E402
from p3dn.lib.search.ranking import AnalyzedItem, order_key  # noqa: E402
from p3dn.lib.search.stemming import stem  # noqa: E402
from p3dn.lib.search.text import negated_forms  # noqa: E402

FIELDS = [spec.name for spec in DEFAULT_FIELDS]  # name brand type spec category producer codes
WEIGHTS = {spec.name: spec.weight for spec in DEFAULT_FIELDS}
STEMMED = [spec.name for spec in DEFAULT_FIELDS if spec.stemmed]
CANDIDATES = 200
# A query whose rarest clause may match more items than this is "broad": its candidates are the
# items whose name, brand or type match, best TKDN first, read through the TKDN index.
BROAD = 20_000
PG_WEIGHT = {"name": "A", "brand": "B", "type": "B", "codes": "B", "spec": "C",
             "category": "D", "producer": "D"}
TODAY = "2026-06-01"
FILTERS: dict[str, tuple[str, list[object]]] = {
    "none": ("", []),
    "tkdn>=40": ("i.tkdn >= ?", [40]),
    "tkdn>=25, valid, UMK": ("i.tkdn >= ? AND i.valid_until >= ? AND i.umk", [25, TODAY]),
    "Jawa Barat, Rp 100rb-10jt": ("i.province = ? AND i.price BETWEEN ? AND ?",
                                  ["Jawa Barat", 100_000, 10_000_000]),
}


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return {"p50_ms": at(0.5) * 1e3, "p95_ms": at(0.95) * 1e3, "p99_ms": at(0.99) * 1e3,
            "mean_ms": statistics.fmean(ordered) * 1e3, "n": len(ordered)}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def item_fields(row: dict) -> dict[str, str]:
    return {
        "name": row["name"], "brand": row["brand"], "type": row["type"], "spec": row["spec"],
        "category": row["category"], "producer": row["producer"],
        "codes": " ".join(c for c in (row["kbli"], row["kbki"], row["hs"]) if c),
    }


# --- FTS5 and tsquery expressions from a parsed query -----------------------------------


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_match(query: Query, columns: str = "") -> str:
    """The parsed query as an FTS5 MATCH expression (see docs/search.md); `columns` ("{name
    brand type}") restricts it to those columns, stems left out."""
    clauses = []
    for clause in query.clauses:
        options = []
        for alt in clause.alternatives:
            if alt.kind == STEM:
                if not columns:
                    options.append("stems : " + _quote(alt.tokens[0]))
            elif alt.kind == APART:
                options.append("(" + " AND ".join(_quote(t) for t in alt.tokens) + ")")
            else:
                options.append(_quote(" ".join(alt.tokens)))
        clauses.append("(" + " OR ".join(dict.fromkeys(options)) + ")")
    required = query.required
    if required < len(clauses):
        # "all but one" as an OR of the ANDs that leave one positive clause out
        groups = []
        for skip in range(len(clauses)):
            if query.clauses[skip].negated:
                continue
            groups.append("(" + " AND ".join(c for i, c in enumerate(clauses) if i != skip) + ")")
        expression = "(" + " OR ".join(groups) + ")"
    else:
        expression = " AND ".join(clauses)
    if columns:
        expression = f"{columns} : ({expression})"
    negations = [
        _quote(form) for clause in query.clauses if not clause.negated
        for token in clause.positive_tokens for form in negated_forms(token)
    ]
    if negations:
        expression = f"({expression}) NOT ({' OR '.join(negations)})"
    return expression


def _ts(token: str, weights: str = "") -> str:
    # p3dn's tokens are letters, digits, '.', '/' and '~': nothing to escape but a quote
    return "'" + token.replace("'", "''") + "'" + (":" + weights if weights else "")


def pg_tsvector(item: AnalyzedItem) -> str:
    """An item as a tsvector literal, built from p3dn's own tokens (no PostgreSQL parser):
    each field with its weight letter, positions running on with a gap between fields (so no
    phrase spans two fields), and the stems as '~stem' lexemes."""
    positions: dict[str, list[str]] = {}
    at = 1
    for field in FIELDS:
        for token in item.tokens.get(field, ()):
            positions.setdefault(token, []).append(f"{min(at, 16383)}{PG_WEIGHT[field]}")
            at += 1
        at += 5
    for field in STEMMED:
        for token in item.stems.get(field, ()):
            positions.setdefault("~" + token, []).append(f"{min(at, 16383)}D")
            at += 1
    return " ".join(_ts(t) + ":" + ",".join(p) for t, p in positions.items())


def pg_tsquery(query: Query, weights: str = "") -> str:
    """The parsed query as a tsquery literal (tokens as they are: no PostgreSQL parser);
    `weights` ("AB") restricts it to the name, brand and type, stems left out."""
    clauses = []
    for clause in query.clauses:
        options = []
        for alt in clause.alternatives:
            if alt.kind == STEM:
                if not weights:
                    options.append(_ts("~" + alt.tokens[0]))
            elif alt.kind == APART:
                options.append("(" + " & ".join(_ts(t, weights) for t in alt.tokens) + ")")
            else:
                options.append("(" + " <-> ".join(_ts(t, weights) for t in alt.tokens) + ")")
        clauses.append("(" + " | ".join(dict.fromkeys(options)) + ")")
    if query.required < len(clauses):
        groups = ["(" + " & ".join(c for i, c in enumerate(clauses) if i != skip) + ")"
                  for skip in range(len(clauses)) if not query.clauses[skip].negated]
        expression = "(" + " | ".join(groups) + ")"
    else:
        expression = " & ".join(clauses)
    negations = [
        _ts(form) for clause in query.clauses if not clause.negated
        for token in clause.positive_tokens for form in negated_forms(token)
    ]
    if negations:
        expression = f"({expression}) & !({' | '.join(negations)})"
    return expression


# --- the benchmark ---------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.results: dict[str, object] = {}
        self.queries = [q["query"] for q in json.loads(
            (REPO / "tests" / "data" / "catalog_queries.json").read_text())["queries"]]
        self.synonyms = Synonyms.from_groups(parse_csv(
            (REPO / "p3dn" / "catalog" / "data" / "synonyms.csv").read_text()))

    def log(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    def load(self) -> None:
        with Clock() as clock:
            self.rows = [orjson.loads(line) for line in self.args.items_file.open("rb")]
        self.log(f"loaded {len(self.rows)} items in {clock.wall:.1f} s")
        with Clock() as clock:
            self.analysed: list[AnalyzedItem] = []
            df: Counter[str] = Counter()
            df_name: Counter[str] = Counter()
            lengths: Counter[str] = Counter()
            for row in self.rows:
                item = analyze_item(str(row["id"]), item_fields(row),
                                    tkdn=Decimal(row["tkdn"]) if row["tkdn"] else None)
                self.analysed.append(item)
                seen = set()
                for name, tokens in item.tokens.items():
                    lengths[name] += len(tokens)
                    seen.update(tokens)
                df.update(seen)
                df_name.update(set(item.tokens["name"]) | set(item.tokens["brand"])
                               | set(item.tokens["type"]))
        self.df = df
        self.df_name = df_name
        self.average = {name: lengths[name] / len(self.rows) for name in FIELDS}
        self.results["analyse"] = {"items": len(self.rows), "wall_s": clock.wall,
                                   "cpu_s": clock.cpu, "distinct_tokens": len(df),
                                   "rss_mb": rss_mb()}
        self.log(f"analysed in {clock.wall:.1f} s ({clock.cpu:.1f} s CPU), "
                 f"{len(df)} distinct tokens")

    # Statistics protocol for score_item
    @property
    def count(self) -> int:
        return len(self.rows)

    def average_length(self, field: str) -> float:
        return self.average.get(field, 0.0)

    def document_frequency(self, token: str) -> int:
        return self.df.get(token, 0)

    def __contains__(self, token: object) -> bool:
        return token in self.df

    def typo_index(self) -> None:
        vocabulary = set(self.df) | self.synonyms.vocabulary()
        out = {}
        sets = [("items' vocabulary", vocabulary)]
        if not self.args.reuse:
            sets.append(("padded to 1.000.000 eligible words", self._padded(vocabulary)))
        for label, words in sets:
            gc.collect()
            tracemalloc.start()
            with Clock() as clock:
                index = TypoIndex(words)
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            typed = self._typos(index, 2000)
            with Clock() as lookup:
                for word in typed:
                    index.corrections(word)
            out[label] = {
                "distinct_words": len(words), "eligible_words": len(index),
                "keys": index.key_count, "build_wall_s": clock.wall, "build_cpu_s": clock.cpu,
                "memory_mb_held": current / 1e6, "memory_mb_peak_while_building": peak / 1e6,
                "lookup_us": lookup.wall / len(typed) * 1e6,
                "lookup_cpu_us": lookup.cpu / len(typed) * 1e6,
            }
            self.log(f"typo index, {label}: {out[label]}")
            if label == "items' vocabulary":
                self.typos = index
        self.results["typo_index"] = out

    def _padded(self, vocabulary: set[str]) -> set[str]:
        """The vocabulary with made-up words added until 1.000.000 words are typo-eligible
        (five letters or more, no digit): the size the issue plans for."""
        rng = random.Random(7)
        words = set(vocabulary)
        eligible = sum(1 for w in words if len(w) >= 5 and w.isalpha())
        letters = "abcdefghijklmnopqrstuvwxyz"
        while eligible < 1_000_000:
            word = "".join(rng.choice(letters) for _ in range(rng.randint(5, 12)))
            if word not in words:
                words.add(word)
                eligible += 1
        return words

    def _typos(self, index: TypoIndex, count: int) -> list[str]:
        rng = random.Random(3)
        words = [w for w in self.df if len(w) >= 5 and w.isalpha()]
        out = []
        for word in rng.sample(words, min(count, len(words))):
            i = rng.randrange(len(word))
            out.append(word[:i] + rng.choice("aeiounrst") + word[i + 1:])
        return out

    def estimate(self, query: Query) -> int:
        """At most how many items the query can match in their name, brand or type: its
        rarest clause's counts (a stats table's `items_in_name`), summed over the clause's
        words (a phrase counts its rarest word)."""
        return min(
            sum(min(self.df_name.get(t, 0) for t in alt.tokens)
                for alt in clause.alternatives if alt.kind != STEM)
            for clause in query.clauses
        )

    def parse(self, text: str) -> Query:
        return parse_query(text, synonyms=self.synonyms, vocabulary=self, typos=self.typos,
                           frequency=self.document_frequency)

    def expansion(self) -> None:
        times = []
        cpu = time.process_time()
        for _ in range(3):
            for text in self.queries:
                start = time.perf_counter()
                self.parse(text)
                times.append(time.perf_counter() - start)
        cpu = time.process_time() - cpu
        self.results["query_parse"] = percentiles(times) | {"cpu_ms_mean": cpu / len(times) * 1e3}
        self.log(f"query parse: {self.results['query_parse']}")

    def rapidfuzz(self) -> None:
        from rapidfuzz import fuzz, process

        names = [row["name"] for row in self.rows]
        sample = self.queries[: self.args.fuzz_queries]
        times, cpus = [], []
        for text in sample:
            with Clock() as clock:
                process.extract(text, names, scorer=fuzz.WRatio, limit=20,
                                processor=str.lower)
            times.append(clock.wall)
            cpus.append(clock.cpu)
        self.results["rapidfuzz_wratio_scan"] = percentiles(times) | {
            "cpu_ms_mean": statistics.fmean(cpus) * 1e3,
            "heat_vs_non_heat_token_set_ratio": fuzz.token_set_ratio(
                "Heat Treatment", "Non-Heat Treatment"),
            "heat_vs_non_heat_wratio": fuzz.WRatio("Heat Treatment", "Non-Heat Treatment"),
        }
        self.log(f"rapidfuzz: {self.results['rapidfuzz_wratio_scan']}")

    # SQLite

    def sqlite_build(self) -> sqlite3.Connection:
        path = self.args.sqlite
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        with Clock() as clock:
            db.execute("""CREATE TABLE item (id INTEGER PRIMARY KEY, tkdn REAL, price INTEGER,
                umk INTEGER, province TEXT, valid_until TEXT)""")
            db.execute(f"""CREATE VIRTUAL TABLE item_fts USING fts5({", ".join(FIELDS)}, stems,
                tokenize = "unicode61 remove_diacritics 2 tokenchars './'")""")
            db.executemany("INSERT INTO item VALUES (?,?,?,?,?,?)", (
                (r["id"], float(r["tkdn"]) if r["tkdn"] else None, r["price"], int(r["umk"]),
                 r["province"], r["valid_until"]) for r in self.rows))
            db.executemany(
                f"INSERT INTO item_fts (rowid, {', '.join(FIELDS)}, stems) "
                f"VALUES (?{', ?' * (len(FIELDS) + 1)})",
                ((int(a.key), *(" ".join(a.tokens[f]) for f in FIELDS),
                  " ".join(t for f in STEMMED for t in a.stems.get(f, ())))
                 for a in self.analysed))
            # TKDN first, with every filter column, so the broad tier filters inside the index
            db.execute("CREATE INDEX item_tkdn ON item "
                       "(tkdn, valid_until, umk, province, price, id)")
            db.execute("CREATE INDEX item_province_price ON item (province, price)")
            db.execute("CREATE INDEX item_valid ON item (valid_until)")
            db.execute("INSERT INTO item_fts (item_fts) VALUES ('optimize')")
            db.commit()
        size = sum(Path(str(path) + s).stat().st_size for s in ("", "-wal")
                   if Path(str(path) + s).exists())
        self.results["sqlite_build"] = {"wall_s": clock.wall, "cpu_s": clock.cpu,
                                        "file_mb": size / 1e6,
                                        "sqlite": sqlite3.sqlite_version}
        self.log(f"sqlite build: {self.results['sqlite_build']}")
        return db

    def sqlite_queries(self, db: sqlite3.Connection) -> None:
        weights = ", ".join(str(WEIGHTS[f]) for f in FIELDS) + ", 0.7"
        out: dict[str, object] = {}
        # the peer: the query's words ANDed, as a plain FTS5 user would
        times, cpus, empty = [], [], 0
        for text in self.queries:
            words = tokenize(text)
            if not words:
                continue
            with Clock() as clock:
                rows = db.execute(
                    "SELECT rowid FROM item_fts WHERE item_fts MATCH ? ORDER BY rank LIMIT 20",
                    (" AND ".join(_quote(w) for w in words),)).fetchall()
            times.append(clock.wall)
            cpus.append(clock.cpu)
            empty += not rows
        out["plain_fts5"] = percentiles(times) | {"cpu_ms_mean": statistics.fmean(cpus) * 1e3,
                                                  "queries_without_result": empty}
        self.log(f"sqlite plain fts5: {out['plain_fts5']}")
        columns = ", ".join("f." + c for c in FIELDS)
        for variant in ("bm25 for every query", "tiered (recommended)"):
            for name, (where, params) in FILTERS.items():
                if variant.startswith("bm25") and name != "none" and not self.args.all_variants:
                    continue
                times, cpus, sql_times, broad = [], [], [], 0
                for text in self.queries:
                    with Clock() as clock:
                        query = self.parse(text)
                        if query.is_empty:
                            continue
                        start = time.perf_counter()
                        if variant.startswith("tiered") and self.estimate(query) > self.args.broad:
                            broad += 1
                            # candidates: name/brand/type matches, best TKDN first, read
                            # through the TKDN index (no ranking of every match)
                            ids = db.execute(
                                f"SELECT i.id FROM item i INDEXED BY item_tkdn "
                                f"WHERE i.tkdn > -1 {'AND ' + where if where else ''} "
                                f"AND i.id IN (SELECT rowid FROM item_fts WHERE item_fts "
                                f"MATCH ?) ORDER BY i.tkdn DESC LIMIT {CANDIDATES}",
                                [*params, fts_match(query, "{name brand type}")]).fetchall()
                            marks = ",".join("?" * len(ids))
                            rows = db.execute(
                                f"SELECT f.rowid, {columns}, f.stems, i.tkdn FROM item_fts f "
                                f"JOIN item i ON i.id = f.rowid WHERE f.rowid IN ({marks})",
                                [i for (i,) in ids]).fetchall() if ids else []
                        else:
                            rows = db.execute(
                                f"SELECT f.rowid, {columns}, f.stems, i.tkdn FROM item_fts f "
                                f"JOIN item i ON i.id = f.rowid WHERE item_fts MATCH ? "
                                f"{'AND ' + where if where else ''} "
                                f"ORDER BY bm25(item_fts, {weights}) LIMIT {CANDIDATES}",
                                [fts_match(query), *params]).fetchall()
                        sql_times.append(time.perf_counter() - start)
                        self._rescore(query, rows)
                    times.append(clock.wall)
                    cpus.append(clock.cpu)
                key = f"p3dn {variant}, filters {name}"
                out[key] = percentiles(times) | {
                    "cpu_ms_mean": statistics.fmean(cpus) * 1e3, "broad_queries": broad,
                    "sql_only": percentiles(sql_times)}
                self.log(f"sqlite {key}: {out[key]}")
        self.results["sqlite_queries"] = out

    def _rescore(self, query: Query, rows: Iterable[tuple]) -> list[tuple[float, AnalyzedItem]]:
        scored = []
        for row in rows:
            tokens = {f: tuple(v.split()) if v else () for f, v in zip(FIELDS, row[1:8],
                                                                       strict=True)}
            stems = {f: tuple(stem(t) for t in tokens[f]) for f in STEMMED}
            tkdn = Decimal(str(row[9])) if row[9] is not None else None
            item = AnalyzedItem(str(row[0]), tokens, stems, tkdn, row[1])
            score = score_item(query, item, self)
            if score is not None:
                scored.append((score, item))
        scored.sort(key=lambda pair: order_key(pair[0], pair[1]))
        return scored[:20]

    # PostgreSQL

    def postgres(self) -> None:
        url = self.args.postgres
        if not self.args.reuse:
            self.postgres_build(url)
        self.postgres_queries(url)

    def postgres_build(self, url: str) -> None:
        import psycopg

        with Clock() as clock, psycopg.connect(url, autocommit=True) as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            db.execute("DROP TABLE IF EXISTS bench_search_item")
            db.execute("""CREATE UNLOGGED TABLE bench_search_item (id integer PRIMARY KEY,
                name text, brand text, type text, spec text, category text, producer text,
                codes text, stems text, tkdn numeric(5,2), price bigint, umk boolean,
                province text, valid_until date, tsv tsvector)""")
            with db.cursor().copy(
                "COPY bench_search_item (id, name, brand, type, spec, category, producer, "
                "codes, stems, tkdn, price, umk, province, valid_until, tsv) FROM STDIN"
            ) as copy:
                for row, a in zip(self.rows, self.analysed, strict=True):
                    copy.write_row((
                        row["id"], *(" ".join(a.tokens[f]) for f in FIELDS),
                        " ".join(t for f in STEMMED for t in a.stems.get(f, ())),
                        row["tkdn"], row["price"], row["umk"], row["province"],
                        row["valid_until"], pg_tsvector(a)))
            db.execute("CREATE INDEX bench_search_tsv ON bench_search_item USING gin (tsv)")
            db.execute("CREATE INDEX bench_search_name_trgm ON bench_search_item "
                       "USING gin (name gin_trgm_ops)")
            db.execute("CREATE INDEX bench_search_tkdn ON bench_search_item (tkdn DESC NULLS LAST)")
            db.execute("CREATE INDEX bench_search_prov ON bench_search_item (province, price)")
            db.execute("VACUUM ANALYZE bench_search_item")
        self.results["postgres_build"] = {"wall_s": clock.wall, "cpu_s_client": clock.cpu}
        self.log(f"postgres build: {self.results['postgres_build']}")

    def postgres_queries(self, url: str) -> None:
        import psycopg

        out: dict[str, object] = {}
        with psycopg.connect(url, autocommit=True) as db:
            version = db.execute("SHOW server_version").fetchone()
            self.results["postgres_version"] = version[0] if version else ""
            db.execute("SET pg_trgm.similarity_threshold = 0.5")
            db.execute("SET jit = off")  # JIT compiles for 40 ms on a broad query
            for label, sql in (
                ("plain_tsquery", "SELECT id FROM bench_search_item WHERE tsv @@ "
                 "plainto_tsquery('simple', %s) ORDER BY ts_rank(tsv, plainto_tsquery("
                 "'simple', %s)) DESC LIMIT 20"),
                ("pg_trgm_similarity_on_name", "SELECT id FROM bench_search_item WHERE name %% "
                 "%s ORDER BY similarity(name, %s) DESC LIMIT 20"),
            ):
                times = []
                sample = self.queries if label == "plain_tsquery" else \
                    self.queries[: self.args.fuzz_queries]
                if not sample:
                    continue
                for text in sample:
                    norm = " ".join(tokenize(text))
                    with Clock() as clock:
                        db.execute(sql, (norm, norm)).fetchall()
                    times.append(clock.wall)
                out[label] = percentiles(times)
                self.log(f"postgres {label}: {out[label]}")
            pg_filters = {
                "none": ("", []),
                "tkdn>=40": ("AND tkdn >= %s", [40]),
                "tkdn>=25, valid, UMK": ("AND tkdn >= %s AND valid_until >= %s AND umk",
                                         [25, TODAY]),
                "Jawa Barat, Rp 100rb-10jt": ("AND province = %s AND price BETWEEN %s AND %s",
                                              ["Jawa Barat", 100_000, 10_000_000]),
            }
            columns = ", ".join(FIELDS)
            for variant in ("ts_rank for every query", "tiered (recommended)"):
                for name, (where, params) in pg_filters.items():
                    if variant.startswith("ts_rank") and name != "none" and \
                            not self.args.all_variants:
                        continue
                    times, cpus, sql_times, broad = [], [], [], 0
                    for text in self.queries:
                        with Clock() as clock:
                            query = self.parse(text)
                            if query.is_empty:
                                continue
                            start = time.perf_counter()
                            if variant.startswith("tiered") and \
                                    self.estimate(query) > self.args.pg_broad:
                                broad += 1
                                sql = (f"SELECT id, {columns}, stems, tkdn FROM "
                                       f"bench_search_item WHERE tsv @@ %s::tsquery {where} "
                                       f"ORDER BY tkdn DESC NULLS LAST LIMIT {CANDIDATES}")
                                tsq = pg_tsquery(query, "AB")
                            else:
                                sql = (f"SELECT id, {columns}, stems, tkdn FROM "
                                       f"bench_search_item, CAST(%s AS tsquery) q "
                                       f"WHERE tsv @@ q {where} "
                                       f"ORDER BY ts_rank(tsv, q, 1) DESC LIMIT {CANDIDATES}")
                                tsq = pg_tsquery(query)
                            rows = db.execute(sql, [tsq, *params]).fetchall()
                            sql_times.append(time.perf_counter() - start)
                            self._rescore(query, rows)
                        times.append(clock.wall)
                        cpus.append(clock.cpu)
                    key = f"p3dn {variant}, filters {name}"
                    out[key] = percentiles(times) | {
                        "cpu_ms_mean_client": statistics.fmean(cpus) * 1e3,
                        "broad_queries": broad, "sql_only": percentiles(sql_times)}
                    self.log(f"postgres {key}: {out[key]}")
            if not self.args.keep:
                db.execute("DROP TABLE bench_search_item")
        self.results["postgres_queries"] = out

    def run(self) -> None:
        started = dt.datetime.now(dt.UTC)
        self.results["machine"] = {
            "cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "load_at_start": os.getloadavg(),
            "started": started.isoformat(timespec="seconds"),
        }
        self.load()
        self.typo_index()
        self.expansion()
        steps: list[Callable[[], None]] = []
        if self.args.sqlite:
            steps.append(lambda: self.sqlite_queries(
                sqlite3.connect(self.args.sqlite) if self.args.reuse else self.sqlite_build()))
        if self.args.fuzz_queries:
            steps.append(self.rapidfuzz)
        if self.args.postgres:
            steps.append(self.postgres)
        for step in steps:
            step()
        self.results["machine"]["load_at_end"] = os.getloadavg()  # type: ignore[index]
        self.results["machine"]["max_rss_mb"] = rss_mb()  # type: ignore[index]
        tag = f"-{self.args.tag}" if self.args.tag else ""
        out = REPO / "benchmarks" / "results" / (
            f"search-{started:%Y-%m-%d}-{len(self.rows)}{tag}.json")
        out.write_text(json.dumps(self.results, indent=1, default=str) + "\n")
        self.log(f"results -> {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items-file", type=Path, required=True)
    parser.add_argument("--sqlite", type=Path)
    parser.add_argument("--postgres")
    parser.add_argument("--fuzz-queries", type=int, default=20,
                        help="queries for the rapidfuzz and pg_trgm scans (0: skip rapidfuzz)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL table")
    parser.add_argument("--tag", default="", help="added to the results file name")
    parser.add_argument("--broad", type=int, default=BROAD,
                        help="SQLite: matches in name/brand/type above which a query is broad")
    parser.add_argument("--pg-broad", type=int, default=5_000,
                        help="PostgreSQL: the same threshold (its ranking costs more a row)")
    parser.add_argument("--reuse", action="store_true",
                        help="query the SQLite file and PostgreSQL table of an earlier --keep run")
    parser.add_argument("--all-variants", action="store_true",
                        help="also run ranking-every-match under every filter set")
    Bench(parser.parse_args()).run()


if __name__ == "__main__":
    main()
