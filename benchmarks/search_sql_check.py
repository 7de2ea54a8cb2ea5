"""Check that the SQL candidate retrieval of benchmarks/run_search.py gives the same results as
the in-memory reference search (p3dn.lib.search.MemoryIndex) on the judged query set.

    .venv/bin/python benchmarks/search_sql_check.py \
        [--postgres postgresql://postgres@127.0.0.1:5432/p3dn_searchcore]

For each query of tests/data/catalog_queries.json over the real corpus (tests/catalog_corpus.py)
it compares the first 20 results' (score, TKDN) of: the reference; SQLite FTS5 (the MATCH of
`fts_match`, best 200 by weighted bm25, re-scored); PostgreSQL (the tsquery of `pg_tsquery`
over the tsvector of `pg_tsvector`, best 200 by ts_rank, re-scored). Items of equal score and
TKDN may come in another order, so keys are not compared. Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

import run_search as rs  # noqa: E402
from catalog_corpus import analysed, load_corpus  # noqa: E402

from p3dn.lib.search import MemoryIndex, Synonyms, parse_csv  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres")
    args = parser.parse_args()
    items = analysed(load_corpus())
    synonyms = Synonyms.from_groups(parse_csv(
        (REPO / "p3dn" / "catalog" / "data" / "synonyms.csv").read_text(encoding="utf-8")))
    reference = MemoryIndex(items, synonyms=synonyms)
    bench = rs.Bench.__new__(rs.Bench)  # only its parse/rescore/statistics are used
    bench.synonyms, bench.typos, bench.rows = synonyms, reference.typos, items
    bench.df = {t: reference.document_frequency(t) for t in reference._postings}
    bench.average = {f: reference.average_length(f) for f in rs.FIELDS}
    tkdn = {n: item.tkdn for n, item in enumerate(items, 1)}
    fields = rs.FIELDS
    lite = sqlite3.connect(":memory:")
    lite.execute(f"""CREATE VIRTUAL TABLE item_fts USING fts5({", ".join(fields)}, stems,
        tokenize = "unicode61 remove_diacritics 2 tokenchars './'")""")
    pg = None
    if args.postgres:
        import psycopg

        pg = psycopg.connect(args.postgres, autocommit=True)
        pg.execute(f"CREATE TEMP TABLE item ({', '.join(f + ' text' for f in fields)}, "
                   "id int, stems text, tkdn numeric, tsv tsvector)")
    for n, item in enumerate(items, 1):
        texts = [" ".join(item.tokens[f]) for f in fields]
        stems = " ".join(t for f in rs.STEMMED for t in item.stems.get(f, ()))
        lite.execute(f"INSERT INTO item_fts (rowid, {', '.join(fields)}, stems) "
                     f"VALUES (?{', ?' * (len(fields) + 1)})", (n, *texts, stems))
        if pg is not None:
            pg.execute(f"INSERT INTO item VALUES ({', '.join(['%s'] * (len(fields) + 3))}, "
                       "%s::tsvector)", (*texts, n, stems, tkdn[n], rs.pg_tsvector(item)))
    weights = ", ".join(str(rs.WEIGHTS[f]) for f in fields) + ", 0.7"
    columns = ", ".join(fields)
    queries = [q["query"] for q in json.loads(
        (REPO / "tests" / "data" / "catalog_queries.json").read_text())["queries"]]
    differences = 0
    for text in queries:
        query = bench.parse(text)
        expected = [(round(h.score, 6), h.item.tkdn) for h in reference.search(text, 20)]
        rows = lite.execute(
            f"SELECT rowid, {columns}, stems, NULL FROM item_fts WHERE item_fts MATCH ? "
            f"ORDER BY bm25(item_fts, {weights}) LIMIT {rs.CANDIDATES}",
            (rs.fts_match(query),)).fetchall() if not query.is_empty else []
        rows = [(*row[:9], tkdn[row[0]]) for row in rows]
        got = {"sqlite": [(round(s, 6), i.tkdn) for s, i in bench._rescore(query, rows)]}
        if pg is not None and not query.is_empty:
            rows = pg.execute(
                f"SELECT id, {columns}, stems, tkdn FROM item, CAST(%s AS tsquery) q "
                f"WHERE tsv @@ q ORDER BY ts_rank(tsv, q, 1) DESC LIMIT {rs.CANDIDATES}",
                (rs.pg_tsquery(query),)).fetchall()
            got["postgresql"] = [(round(s, 6), i.tkdn) for s, i in bench._rescore(query, rows)]
        for engine, results in got.items():
            if results != expected:
                differences += 1
                print(f"{engine} differs on {text!r}: {len(results)} vs {len(expected)} results")
    print(f"{len(queries)} queries, {differences} differences ({', '.join(got)})")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
