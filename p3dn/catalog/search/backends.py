"""Candidate retrieval in the database: a parsed query as an SQLite FTS5 MATCH or a PostgreSQL
tsquery, the filters as SQL, the best candidates by the engine's own weighted rank (or, for a
broad query, by TKDN), as docs/search.md "Recommended design for the database" prescribes.
The candidates are then re-scored in Python with p3dn.lib.search.ranking (engine.py), so both
databases give the results of the in-memory reference.

Every value reaches the database as a parameter (the MATCH / tsquery text too, built from
p3dn's own tokens, each quoted); the SQL strings are composed of constants and the fixed
fragments of queries.Filters.where only (hence the S608 exemptions).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Any

from django.db import DatabaseError, connection, transaction

from p3dn.lib.search import DEFAULT_FIELDS
from p3dn.lib.search.query import APART, STEM, Query
from p3dn.lib.search.ranking import AnalyzedItem
from p3dn.lib.search.text import negated_forms
from p3dn.rules.params import DEFAULT_PARAMS

from .models import TEXT_COLUMNS, SearchState

logger = logging.getLogger(__name__)
FIELDS = [spec.name for spec in DEFAULT_FIELDS]
STEMMED = [spec.name for spec in DEFAULT_FIELDS if spec.stemmed]
assert tuple(FIELDS) == TEXT_COLUMNS
# How many candidates the database ranks and hands over for re-scoring (the results shown are
# the best of them: at most this many pages of one result).
CANDIDATES = 200
PG_WEIGHT = {"name": "A", "brand": "B", "type": "B", "codes": "B", "spec": "C",
             "category": "D", "producer": "D"}
# search_searchitem's columns as services.refresh_index writes them (prepared executemany:
# the ORM's bulk_create compiles every value, a third of a rebuild's CPU)
ITEM_COLUMNS = ("product_id", "producer_id", "label", *TEXT_COLUMNS, "stems", "tkdn",
                "tkdn_bmp", "valid_until", "umk_ikm", "province", "kbli", "kbki", "hs",
                "price_min", "price_max", "sources", "fingerprint")
INSERT_ITEM = (f"INSERT INTO search_searchitem ({', '.join(ITEM_COLUMNS)}) "  # noqa: S608
               f"VALUES ({', '.join(['%s'] * len(ITEM_COLUMNS))}")
VALID_UNTIL = ITEM_COLUMNS.index("valid_until")
FACET_COLUMNS = [ITEM_COLUMNS.index(c) for c in ("tkdn", "tkdn_bmp", "umk_ikm", "province")]
SELECT = "s.product_id, s.label, s.name, s.brand, s.type, s.spec, s.category, s.producer, " \
         "s.codes, s.tkdn, s.sources"


@dataclass(frozen=True)
class Where:
    """Filter SQL over ``search_searchitem s`` (each condition starting with AND)."""

    sql: str = ""
    params: tuple[Any, ...] = ()
    nothing: bool = False  # the filters exclude every item (an empty katalog lokal)
    # PostgreSQL: the same conditions, the same parameters, written as one that no B-tree
    # serves ("(…) IS TRUE"), for the searches that find their rows through the text index
    # and its facets: given "tkdn >= 0.25", the planner ANDed the text index's bitmap with one
    # of every item above that TKDN (675.116 of 1.000.000 rows, 80-110 ms), given a validity
    # date one of 199.000 rows from the TKDN index (81 ms), to save reading a few rows.
    # (SQLite's plan is fixed by INDEXED BY.)
    text_sql: str = ""
    # PostgreSQL: lexemes every item passing the filters carries in its tsvector
    # (facet_lexemes), so that the text index narrows the rows before any is read
    facets: tuple[str, ...] = ()

    @property
    def matches(self) -> str:
        """The conditions for a PostgreSQL search that reads the text index first."""
        return self.text_sql or self.sql


def ids_condition(ids: Sequence[int]) -> tuple[str, Any]:
    """``product_id`` among ``ids``, as one parameter whatever their number."""
    if connection.vendor == "postgresql":
        return " AND s.product_id = ANY(%s)", list(ids)
    return " AND s.product_id IN (SELECT value FROM json_each(%s))", json.dumps(list(ids))


# ------------------------------------------------------------------ SQLite FTS5


def _iso(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A date as SQLite stores it (text), not through sqlite3's deprecated default adapter."""
    day = values[VALID_UNTIL]
    if day is None:
        return values
    return (*values[:VALID_UNTIL], day.isoformat(), *values[VALID_UNTIL + 1:])


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_match(query: Query, columns: str = "") -> str:
    """The parsed query as an FTS5 MATCH: each clause an OR of its alternatives, clauses
    ANDed (all-but-n as an OR of ANDs), NOT the negated forms of positive words; `columns`
    ("{name brand type codes}") restricts it to those columns, stems left out."""
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
    expression = _required(query, clauses, " AND ", " OR ")
    if columns:
        expression = f"{columns} : ({expression})"
    negations = [_quote(form) for form in _negations(query)]
    if negations:
        expression = f"({expression}) NOT ({' OR '.join(negations)})"
    return expression


def _required(query: Query, clauses: list[str], and_: str, or_: str) -> str:
    if query.required >= len(clauses):
        return and_.join(clauses)
    # "all but n": an OR over the ANDs of every choice of the required positive clauses
    negated = [i for i, c in enumerate(query.clauses) if c.negated]
    positive = [i for i, c in enumerate(query.clauses) if not c.negated]
    groups = []
    for chosen in combinations(positive, max(0, query.required - len(negated))):
        keep = sorted(set(chosen) | set(negated))
        groups.append("(" + and_.join(clauses[i] for i in keep) + ")")
    return "(" + or_.join(groups) + ")"


def _negations(query: Query) -> list[str]:
    return list(dict.fromkeys(
        form for clause in query.clauses if not clause.negated
        for token in clause.positive_tokens for form in negated_forms(token)
    ))


def fts_text(item: AnalyzedItem) -> tuple[str, ...]:
    """The FTS5 columns of an item: each field's tokens, then the stems of the stemmed ones."""
    return (*(" ".join(item.tokens.get(f, ())) for f in FIELDS),
            " ".join(t for f in STEMMED for t in item.stems.get(f, ())))


class Sqlite:
    """FTS5 first (CROSS JOIN fixes the join order: with a plain JOIN the planner may walk a
    filter's index and run the MATCH once per row, 2,7 s for 15.000 rows of a province).

    The filters read the narrow covering index ``search_item_filters`` (migration 0003: the
    product id and every filter column), not the item rows, whose text makes them wide: a
    match is checked against a few dozen bytes instead of a row of a kilobyte or more. Without
    a filter the FTS5 table is read alone. The candidates are chosen by rowid and ``bm25``
    first and their rows read after, 200 of them instead of every match's."""

    BROAD = 20_000
    WEIGHTS = ", ".join(str(spec.weight) for spec in DEFAULT_FIELDS) + ", 0.7"
    FILTERED = ("search_fts CROSS JOIN search_searchitem s INDEXED BY search_item_filters "
                "ON s.product_id = search_fts.rowid")

    def _source(self, where: Where) -> str:
        return self.FILTERED if where.sql else "search_fts"

    def count(self, query: Query, where: Where, cap: int) -> int:
        """The matches, counted up to ``cap`` + 1 (more than ``cap``: ``cap`` + 1)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {self._source(where)} "  # noqa: S608
                f"WHERE search_fts MATCH %s{where.sql} LIMIT {int(cap) + 1})",
                [fts_match(query), *where.params])
            return int(cursor.fetchone()[0])

    def candidates(self, query: Query, where: Where, broad: bool, expected: int = 0
                   ) -> list[tuple[Any, ...]]:
        """A broad query's candidates (``expected`` is not needed here)."""
        if not broad:
            return self.ranked(query, where)[0]
        with connection.cursor() as cursor:
            # the name/brand/type/codes matches (PostgreSQL's weights A and B), best TKDN
            # first, read through the TKDN index
            cursor.execute(
                f"SELECT {SELECT} FROM search_searchitem s INDEXED BY search_item_tkdn "  # noqa: S608
                f"WHERE s.tkdn > -1{where.sql} AND s.product_id IN (SELECT rowid FROM "
                f"search_fts WHERE search_fts MATCH %s) ORDER BY s.tkdn DESC "
                f"LIMIT {CANDIDATES}",
                [*where.params, fts_match(query, "{name brand type codes}")])
            return list(cursor.fetchall())

    def ranked(self, query: Query, where: Where, bound: int | None = None
               ) -> tuple[list[tuple[Any, ...]], int]:
        """The best candidates by ``bm25`` and how many match in all, in one pass over the
        matches (the count a window over them: a second pass cost as much as the first).
        ``bound``: read no more than that many matches (then the count is ``bound`` and the
        ranking is not complete)."""
        limit = f" LIMIT {int(bound)}" if bound else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {SELECT}, c.matches FROM (SELECT id, rank, count(*) OVER () AS "  # noqa: S608
                f"matches FROM (SELECT search_fts.rowid AS id, bm25(search_fts, "
                f"{self.WEIGHTS}) AS rank FROM {self._source(where)} WHERE search_fts MATCH "
                f"%s{where.sql}{limit}) ORDER BY rank, id LIMIT {CANDIDATES}) c "
                f"CROSS JOIN search_searchitem s ON s.product_id = c.id ORDER BY c.rank, c.id",
                [fts_match(query), *where.params])
            rows = cursor.fetchall()
        return [row[:-1] for row in rows], int(rows[0][-1]) if rows else 0

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")

    def write(self, values: list[tuple[Any, ...]], rows: list[tuple[int, AnalyzedItem]]
              ) -> None:
        """Write the item rows, then their FTS5 rows (the items' text is the content)."""
        with connection.cursor() as cursor:
            cursor.executemany(INSERT_ITEM + ")", [_iso(v) for v in values])
            cursor.executemany(
                "INSERT INTO search_fts (rowid, name, brand, type, spec, category, producer, "
                "codes, stems) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(pk, *fts_text(item)) for pk, item in rows])

    def remove(self, rows: list[tuple[Any, ...]]) -> None:
        """Take items out of the FTS5 table: (product_id, its 8 texts as indexed) each, the
        values an external-content table needs to find what to delete."""
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (search_fts, rowid, name, brand, type, spec, category, "
                "producer, codes, stems) VALUES ('delete', %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows)

    def finish(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")

    def reclaim(self, *, rebuilt: bool) -> None:
        pass  # SQLite reuses the freed pages; 'optimize' has merged the FTS5 segments


# ------------------------------------------------------------------ PostgreSQL


def _ts(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# A word of the name, brand, type or codes (weights A and B) is also written "!word", at the
# same positions: a broad query's candidates are matched on those fields, and a weighted
# tsquery ('word':AB) is not answered by the GIN index, which knows no weights: it returned
# every item with the word anywhere, each read from the heap to check the weight ("minuman":
# 29.000 rows for 1.400 name matches, 70 ms at 1.000.000 items).
NAMED = "!"


def pg_tsvector(item: AnalyzedItem, facets: Sequence[str] = ()) -> str:
    """An item as a tsvector literal built from p3dn's own tokens (no PostgreSQL parser):
    each field with its weight letter, positions running on with a gap between fields (so no
    phrase spans two), the words of name, brand, type and codes again as "!word", the stems
    as '~stem' lexemes, then its filter values as lexemes without a position
    (facet_lexemes)."""
    positions: dict[str, list[str]] = {}
    at = 1
    for field in FIELDS:
        weight = PG_WEIGHT[field]
        for token in item.tokens.get(field, ()):
            position = f"{min(at, 16383)}{weight}"
            positions.setdefault(token, []).append(position)
            if weight in "AB":
                positions.setdefault(NAMED + token, []).append(position)
            at += 1
        at += 5
    for field in STEMMED:
        for token in item.stems.get(field, ()):
            positions.setdefault("~" + token, []).append(f"{min(at, 16383)}D")
            at += 1
    return " ".join([*(_ts(t) + ":" + ",".join(p) for t, p in positions.items()),
                     *(_ts(f) for f in facets)])


def pg_tsquery(query: Query, named: bool = False) -> str:
    """The parsed query as a tsquery literal; ``named``: in the name, brand, type and codes
    only (their "!word" lexemes), stems left out."""
    prefix = NAMED if named else ""
    clauses = []
    for clause in query.clauses:
        options = []
        for alt in clause.alternatives:
            if alt.kind == STEM:
                if not named:
                    options.append(_ts("~" + alt.tokens[0]))
            elif alt.kind == APART:
                options.append("(" + " & ".join(_ts(prefix + t) for t in alt.tokens) + ")")
            else:
                options.append(
                    "(" + " <-> ".join(_ts(prefix + t) for t in alt.tokens) + ")")
        clauses.append("(" + " | ".join(dict.fromkeys(options)) + ")")
    expression = _required(query, clauses, " & ", " | ")
    negations = [_ts(form) for form in _negations(query)]
    if negations:
        expression = f"({expression}) & !({' | '.join(negations)})"
    return expression


# The filters as lexemes of the tsvector (no position, no weight; "#" is in no token): the GIN
# index then finds the matches of a query AND its filters, and only those rows are read.
# Without them a filtered search read every match of its words from the heap to check the
# filters ("projector", TKDN >= 25 %, valid, UMK/IKM: 91.000 rows to keep 5.001, 260 ms at
# 1.000.000 items). The SQL conditions still decide; a facet only narrows.
TKDN_STEP = 5  # "#t25": TKDN of 25 % or more, in steps of 5 points ("#t0": any TKDN)
TKDN_BMP_THRESHOLD = DEFAULT_PARAMS.pdn_min_tkdn_bmp  # C2: TKDN + BMP of 40% or more


def facet_lexemes(tkdn: Any, tkdn_bmp: Any, umk_ikm: bool, province: str) -> list[str]:
    """An item's filter values as lexemes: "#t0" … "#tN" for every step of TKDN it reaches,
    "#b40" for TKDN + BMP of 40 % or more, "#umk", "#p" + its province code. Migration 0004
    writes the same in SQL for the rows built before."""
    steps = [f"#t{k}" for k in range(0, 101, TKDN_STEP) if tkdn is not None and tkdn * 100 >= k]
    return steps + _flags(tkdn_bmp is not None and tkdn_bmp >= TKDN_BMP_THRESHOLD, umk_ikm,
                          province)


def filter_facets(*, min_tkdn: Decimal | None, tkdn_bmp_40: bool, umk_ikm: bool,
                  province: str) -> tuple[str, ...]:
    """The lexemes every item passing these filters carries (facet_lexemes): the minimum TKDN
    rounded down to its step."""
    step = [] if min_tkdn is None else [
        f"#t{max(int(min_tkdn * 100 // TKDN_STEP) * TKDN_STEP, 0)}"]
    return tuple(step + _flags(tkdn_bmp_40, umk_ikm, province))


def _flags(bmp_40: bool, umk_ikm: bool, province: str) -> list[str]:
    return [*(["#b40"] if bmp_40 else []), *(["#umk"] if umk_ikm else []),
            *([f"#p{province}"] if province else [])]


def _facet_query(facets: Sequence[str]) -> str:
    return " & ".join(_ts(f) for f in facets)


_lock = threading.Lock()
_band_cache: dict[int | None, dict[int, float]] = {}


class Postgres:
    """The tsvector column with its GIN index. Equal ranks are ordered by product id: the
    heap's order of the rows (which an incremental refresh changes) must not choose which
    candidates make the cut."""

    BROAD = 5_000

    def _session(self, cursor: Any) -> None:
        """The statement's settings, in one round trip (four SETs were four). JIT compiles
        for ~40 ms on a broad query; parallel workers do not pay on 2 cores; and the rows are
        read through the GIN index: under a LIMIT the planner expects the matches spread
        evenly and picks a sequential scan, which read 730.000 rows (1,5 s) for 5.001 matches
        of a phrase, 96.000 (140 ms) for "projector" with TKDN >= 40 %, at 1.000.000 items;
        or it walks the TKDN index, 120.000 rows for "perahu" with filters."""
        cursor.execute(
            "SELECT set_config('jit', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true), "
            "set_config('enable_seqscan', 'off', true), "
            "set_config('enable_indexscan', 'off', true)")

    def count(self, query: Query, where: Where, cap: int) -> int:
        """The matches, counted up to ``cap`` + 1 (more than ``cap``: ``cap`` + 1)."""
        with transaction.atomic(), connection.cursor() as cursor:
            self._session(cursor)
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_searchitem s "  # noqa: S608
                f"WHERE s.tsv @@ %s::tsquery{where.matches} LIMIT {int(cap) + 1}) m",
                [pg_tsquery(query), *where.params])
            return int(cursor.fetchone()[0])

    # TKDN facets a broad query's candidates may be looked for in first
    BANDS = (90, 70, 40, 0)

    def candidates(self, query: Query, where: Where, broad: bool, expected: int = 0
                   ) -> list[tuple[Any, ...]]:
        """A broad query's candidates: the best-TKDN items whose name, brand, type or codes
        match. ``expected``: about how many such items there are. They are looked for first
        in the highest TKDN band (facet "#t90", "#t70", …) where twice the 200 wanted may be
        expected (the index's share of items in the band times ``expected``), through the
        GIN index, and only when that band holds fewer than 200 among every match (those
        without TKDN last): the best 200 of a band holding 200 are the best of all. Reading
        every match instead read 13.000 rows for "lampu jalan", trying the bands from the top
        took three GIN scans for "kapal ikan", at 1.000.000 items."""
        if not broad:
            return self.ranked(query, where)[0]
        floor = max((int(f[2:]) for f in where.facets if f.startswith("#t")), default=-1)
        others = [f for f in where.facets if not f.startswith("#t")]
        with transaction.atomic(), connection.cursor() as cursor:
            self._session(cursor)
            shares = self._band_shares(cursor)
            # a band above the filter's own minimum TKDN stands for it (one facet less for
            # the GIN index to intersect: "#t40" alone is 540.000 items at 1.000.000)
            first = next((b for b in self.BANDS
                          if b > floor and expected * shares.get(b, 0) >= 2 * CANDIDATES), None)
            for band in [*([first] if first is not None else []), None]:
                facets = [*others, f"#t{band}"] if band is not None else list(where.facets)
                narrow = " AND s.tsv @@ %s::tsquery" if facets else ""
                cursor.execute(
                    f"SELECT {SELECT} FROM search_searchitem s WHERE s.tsv @@ %s::tsquery"  # noqa: S608
                    f"{narrow}{where.matches} ORDER BY s.tkdn DESC NULLS LAST, s.product_id "
                    f"LIMIT {CANDIDATES}",
                    [pg_tsquery(query, named=True),
                     *([_facet_query(facets)] if facets else []),
                     *where.params])
                rows = list(cursor.fetchall())
                if len(rows) == CANDIDATES:
                    break
            return rows

    def _band_shares(self, cursor: Any) -> dict[int, float]:
        """The share of the indexed items in each TKDN band, read once a process and index
        version (a pass over the table: some 150 ms at 1.000.000 items)."""
        version = SearchState.objects.filter(pk=SearchState.SINGLETON).values_list(
            "index_version", flat=True).first()
        with _lock:
            cached = _band_cache.get(version)
        if cached is None:
            cursor.execute(
                "SELECT count(*), "  # noqa: S608 (constants only)
                + ", ".join(f"count(*) FILTER (WHERE tkdn >= {b / 100})" for b in self.BANDS)
                + " FROM search_searchitem")
            total, *counts = cursor.fetchone()
            cached = {b: n / total if total else 0.0
                      for b, n in zip(self.BANDS, counts, strict=True)}
            with _lock:
                _band_cache.clear()
                _band_cache[version] = cached
        return cached

    def ranked(self, query: Query, where: Where, bound: int | None = None
               ) -> tuple[list[tuple[Any, ...]], int]:
        """The best candidates by ``ts_rank`` and how many match in all, in one pass over
        the matches (the count a window over them), the rows' text read for the best only.
        ``bound``: read no more than that many matches (then the count is ``bound`` and the
        ranking is not complete). The filters' facets narrow the matches in the GIN index."""
        limit = f" LIMIT {int(bound)}" if bound else ""
        narrow = " AND s.tsv @@ %s::tsquery" if where.facets else ""
        with transaction.atomic(), connection.cursor() as cursor:
            self._session(cursor)
            cursor.execute(
                f"SELECT {SELECT}, c.matches FROM (SELECT id, rank, count(*) OVER () AS "  # noqa: S608
                f"matches FROM (SELECT s.product_id AS id, ts_rank(s.tsv, q, 1) AS rank "
                f"FROM search_searchitem s, CAST(%s AS tsquery) q WHERE s.tsv @@ q{narrow}"
                f"{where.matches}{limit}) m ORDER BY rank DESC, id LIMIT {CANDIDATES}) c "
                f"JOIN search_searchitem s ON s.product_id = c.id ORDER BY c.rank DESC, c.id",
                [pg_tsquery(query), *([_facet_query(where.facets)] if where.facets else []),
                 *where.params])
            rows = cursor.fetchall()
        return [row[:-1] for row in rows], int(rows[0][-1]) if rows else 0

    def clear(self) -> None:
        pass  # the tsvector is a column of the rows themselves

    def write(self, values: list[tuple[Any, ...]], rows: list[tuple[int, AnalyzedItem]]
              ) -> None:
        """Write the item rows with their tsvector."""
        with connection.cursor() as cursor:
            cursor.executemany(
                INSERT_ITEM.replace(") VALUES", ", tsv) VALUES") + ", %s::tsvector)",
                [(*v, pg_tsvector(item, facet_lexemes(*(v[i] for i in FACET_COLUMNS))))
                 for v, (_pk, item) in zip(values, rows, strict=True)])

    def remove(self, rows: list[tuple[Any, ...]]) -> None:
        pass  # the tsvector goes with the row

    def finish(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchitem")

    def reclaim(self, *, rebuilt: bool) -> None:
        """Out of any transaction: the rows a refresh replaced are dead until a VACUUM, and
        every search reads past them meanwhile. After a rebuild the GIN index is rebuilt too
        (without blocking searches): VACUUM empties its entries but leaves it at twice its
        size, and a search at 1.000.000 items stayed 40-50 % slower (p95 110-138 ms against
        58-90 after the index was rebuilt, 64 s)."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) search_searchitem")
            if rebuilt:
                try:
                    cursor.execute("REINDEX INDEX CONCURRENTLY search_item_tsv")
                except DatabaseError:  # the old index stays valid, only larger
                    logger.warning("search: REINDEX of search_item_tsv failed", exc_info=True)
                    cursor.execute("DROP INDEX CONCURRENTLY IF EXISTS search_item_tsv_ccnew")


def backend() -> Sqlite | Postgres:
    if connection.vendor == "postgresql":
        return Postgres()
    if connection.vendor == "sqlite":
        return Sqlite()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
