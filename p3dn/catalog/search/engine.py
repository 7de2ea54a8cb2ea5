"""The whole search over the database index: parse the query with the index's vocabulary,
synonyms and typo index, fetch candidates through the backend (backends.py) with the filters
in SQL, re-score them with p3dn.lib.search.ranking and order them "relevance, then TKDN" —
the same results as p3dn.lib.search.MemoryIndex over the same items (tests/test_search_sql.py).

Per process, the synonyms and the typo index are cached under the random stamps of
``SearchState``: a refresh or a synonym edit gives new stamps, and the next query rebuilds
them. Token statistics are read from ``search_searchtoken`` as the parser asks for them.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from p3dn.lib.search import (
    Scorer,
    SynonymError,
    SynonymGroup,
    Synonyms,
    TypoIndex,
    parse_query,
    problems,
)
from p3dn.lib.search.query import STEM, Query
from p3dn.lib.search.ranking import AnalyzedItem, order_key
from p3dn.lib.search.stemming import plural_forms, stem
from p3dn.lib.search.text import negated_forms, tokenize

from . import backends
from .backends import FIELDS, STEMMED, Where
from .models import SearchState
from .models import SynonymGroup as SynonymRow

# A query is read up to its first MAX_CLAUSES words or synonym phrases: "all but two" of n
# clauses is an OR over C(n, n-2) conjunctions in SQL, 45 for ten clauses, 190 for twenty.
MAX_CLAUSES = 10

_lock = threading.Lock()
# Stems of the candidates' words: the same few thousand words come back query after query.
_stem = functools.lru_cache(maxsize=200_000)(stem)
_synonyms: dict[int, Synonyms] = {}
_typos: dict[tuple[int, int], TypoIndex] = {}


def synonyms_from_rows(rows: Iterator[SynonymRow] | list[SynonymRow]) -> list[SynonymGroup]:
    return [
        SynonymGroup(row.domain, tuple(row.term_list), frozenset(row.ambiguous_list), row.pk)
        for row in rows
    ]


def active_synonyms(version: int) -> Synonyms:
    """The admin's active synonym groups (cached per stamp)."""
    with _lock:
        cached = _synonyms.get(version)
    if cached is None:
        groups = synonyms_from_rows(list(SynonymRow.objects.filter(active=True).order_by("id")))
        try:
            cached = Synonyms.from_groups(groups)
        except SynonymError:  # the services refuse such edits; rows changed by other means
            bad = {int(p.split(":")[0].split()[1]) for p in problems(groups)}
            cached = Synonyms.from_groups([g for g in groups if g.line not in bad])
        with _lock:
            _synonyms.clear()
            _synonyms[version] = cached
    return cached


def typo_index(index_version: int, synonyms_version: int, synonyms: Synonyms) -> TypoIndex:
    """The typo index over the indexed vocabulary and the synonym terms (cached per stamps):
    the words it can correct to are five letters or more without a digit, so only those are
    read."""
    key = (index_version, synonyms_version)
    with _lock:
        cached = _typos.get(key)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT token FROM search_searchtoken WHERE length(token) >= 5")
            words = {token for (token,) in cursor.fetchall()}
        cached = TypoIndex(words | synonyms.vocabulary())
        with _lock:
            _typos.clear()
            _typos[key] = cached
    return cached


@dataclass
class Statistics:
    """The index's figures for the parser and the score (p3dn.lib.search.ranking.Statistics):
    item count and field lengths from SearchState, token counts read once a query."""

    items: int
    lengths: dict[str, int]
    _tokens: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return self.items

    def average_length(self, name: str) -> float:
        return self.lengths.get(name, 0) / self.items if self.items else 0.0

    def prefetch(self, tokens: set[str]) -> None:
        """Read the counts of many tokens in one statement (a query's words and forms)."""
        wanted = sorted(t for t in tokens if t not in self._tokens)
        if not wanted:
            return
        self._tokens.update((t, (0, 0)) for t in wanted)
        with connection.cursor() as cursor:
            for start in range(0, len(wanted), 500):
                part = wanted[start:start + 500]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    "SELECT token, items, items_in_name FROM search_searchtoken "  # noqa: S608
                    f"WHERE token IN ({marks})", part)
                self._tokens.update((t, (n, m)) for t, n, m in cursor.fetchall())

    def _row(self, token: str) -> tuple[int, int]:
        found = self._tokens.get(token)
        if found is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT items, items_in_name FROM search_searchtoken "
                               "WHERE token = %s", [token])
                row = cursor.fetchone()
            found = self._tokens[token] = (int(row[0]), int(row[1])) if row else (0, 0)
        return found

    def document_frequency(self, token: str) -> int:
        return self._row(token)[0]

    def in_name(self, token: str) -> int:
        return self._row(token)[1]

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and self._row(token)[0] > 0

    def estimate(self, query: Query) -> int:
        """At most how many items the query matches in name, brand or type: its rarest
        clause's counts summed over the clause's alternatives (a phrase: its rarest word)."""
        return min(
            sum(min(self.in_name(t) for t in alt.tokens)
                for alt in clause.alternatives if alt.kind != STEM)
            for clause in query.clauses
        )

    def at_least(self, query: Query) -> int:
        """How many items the query matches at least, from the token counts alone: for a
        query of one clause, the items holding its most frequent single word, less those
        holding a negated form of its words (no result). 0 for several clauses: the counts of
        words ANDed bound nothing from below."""
        if len(query.clauses) != 1 or query.clauses[0].negated:
            return 0
        clause = query.clauses[0]
        most = max((self.document_frequency(alt.tokens[0]) for alt in clause.alternatives
                    if alt.kind != STEM and len(alt.tokens) == 1), default=0)
        if not most:
            return 0
        return most - sum(self.document_frequency(form) for token in clause.positive_tokens
                          for form in negated_forms(token))


@dataclass(frozen=True)
class Ranked:
    """One result of the index: the product and its relevance."""

    product_id: int
    score: float
    tkdn: Decimal | None
    sources: str = ""  # search_searchitem.sources: kemenperin, ekatalog, manual


@dataclass(frozen=True)
class Outcome:
    query: Query
    total: int  # items matching the query and the filters
    ranked: list[Ranked]  # the best of them (at most backends.CANDIDATES), in order
    broad: bool
    # False: more than ``total`` items match (a broad query's count stops at the engine's BROAD)
    total_exact: bool = True


def state() -> SearchState:
    return SearchState.objects.filter(pk=SearchState.SINGLETON).first() or SearchState()


def prepare(text: str) -> tuple[Query, Statistics]:
    """The query as the index understands it, and the statistics it was parsed with."""
    current = state()
    synonyms = active_synonyms(current.synonyms_version)
    stats = Statistics(current.items, dict(current.lengths or {}))
    typos = typo_index(current.index_version, current.synonyms_version, synonyms)
    words = tokenize(text)
    # the counts the parser asks for, in one statement: the words, their plural forms, two
    # words written as one, and the vocabulary words one edit away (typo corrections and a
    # known word's misspellings)
    stats.prefetch({*words, *(f for w in words for f in plural_forms(w)),
                    *(a + b for a, b in itertools.pairwise(words)),
                    *(c for w in words for c in typos.corrections(w))})
    query = parse_query(
        text, synonyms=synonyms, vocabulary=stats, typos=typos,
        frequency=stats.document_frequency,
    )
    if len(query.clauses) > MAX_CLAUSES:
        query = Query(query.text, query.tokens, query.clauses[:MAX_CLAUSES])
    # and what estimate() and at_least() read, in one more (with the words one edit away, a
    # synonym group's words and the negated forms were a statement each: 53 statements for
    # "lampu jalan" with a filter on PostgreSQL, now 13 in all)
    stats.prefetch({token for clause in query.clauses for alt in clause.alternatives
                    if alt.kind != STEM for token in alt.tokens}
                   | {form for clause in query.clauses for token in clause.positive_tokens
                      for form in negated_forms(token)})
    return query, stats


def run(text: str, where: Where) -> Outcome:
    """Search the index: how many match, and the best candidates re-scored in order.

    A query is broad when more than the engine's ``BROAD`` items match it and the filters:
    its total is "more than ``BROAD``" (``total_exact`` False) and its candidates the
    best-TKDN items whose name, brand or type match. Without filters that is known from the
    token counts (one word held by more items) or, when more than ``BROAD`` items may have
    its words in name, brand or type, from a count that stops at ``BROAD``; otherwise the
    ranking tells, reading at most ``BROAD`` + 1 matches. Any other count comes exact with the
    ranked candidates, in the same pass over the matches."""
    query, stats = prepare(text)
    if query.is_empty or where.nothing or not stats.items:
        return Outcome(query, 0, [], False)
    engine = backends.backend()
    cap = engine.BROAD
    if not where.sql and (stats.at_least(query) > cap or (
            stats.estimate(query) > cap and engine.count(query, where, cap) > cap)):
        return _broad(query, where, stats, engine)
    rows, total = engine.ranked(query, where, cap + 1)
    if total > cap:
        return _broad(query, where, stats, engine)
    return Outcome(query, total, rescore(query, rows, stats), False)


def _broad(query: Query, where: Where, stats: Statistics,
           engine: backends.Sqlite | backends.Postgres) -> Outcome:
    # about how many match in name, brand or type (for a code, which no name holds: anywhere)
    rows = engine.candidates(query, where, True,
                             expected=stats.estimate(query) or stats.at_least(query))
    return Outcome(query, engine.BROAD, rescore(query, rows, stats), True, total_exact=False)


def item_of(row: tuple[Any, ...]) -> AnalyzedItem:
    """A candidate row (backends.SELECT) as the analysed item the score reads."""
    tokens = {f: tuple(v.split()) if v else () for f, v in zip(FIELDS, row[2:9], strict=True)}
    stemmed = {f: tuple(_stem(t) for t in tokens[f]) for f in STEMMED}
    tkdn = Decimal(str(row[9])) if row[9] is not None else None
    return AnalyzedItem(str(row[0]), tokens, stemmed, tkdn, row[1])


def rescore(query: Query, rows: list[tuple[Any, ...]], stats: Statistics) -> list[Ranked]:
    """The candidates scored by p3dn.lib.search's relevance (the query's own figures worked
    out once, Scorer) and put in the order of the results."""
    scorer = Scorer(query, stats)
    scored = []
    for row in rows:
        item = item_of(row)
        score = scorer.score(item)
        if score is not None:
            scored.append((score, item, row[10]))
    scored.sort(key=lambda found: order_key(found[0], found[1]))
    return [Ranked(int(item.key), score, item.tkdn, sources or "")
            for score, item, sources in scored]
