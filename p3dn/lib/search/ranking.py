"""Relevance of one item to a parsed query (BM25F with field weights), and the result order.

An item is a few text fields (analysed by `analyze_item`); the score of an item is, for each
query clause, the BM25 saturation of the clause's weighted term frequency summed over fields
(BM25F):

    tf~(c) = Σ_f  W_f · tf_f(c) / (1 - b + b · len_f / avglen_f)
    score  = Σ_c  idf(c) · tf~(c) · (k1 + 1) / (k1 + tf~(c))

where tf_f(c) is the best alternative's weight x its count in field f (a phrase counts where its
words stand adjacent and in order, or, for the "apart" alternative, anywhere in that one field;
a stem counts in fields whose stems are indexed), and
idf(c) = ln(1 + (N - df + 0.5) / (df + 0.5)) with df the most frequent of the clause's own
tokens. Then:
- an item that matches fewer clauses than the query requires, misses a negated clause, or
  carries the negated form of a positive clause ("nonheat" for "heat") is no result (None);
- the score is multiplied by the share of clauses matched, and by ALL_TOKENS_BONUS when every
  clause matched, by NAME_BONUS when every clause matched in the product name, and by
  PHRASE_BONUS when the query's words stand in the product name as one phrase.

Results are ordered by score (rounded to 6 places, so equal items tie), then TKDN (higher
first; none last), then name and key: "ranked by relevance then TKDN".

The later SQL step retrieves candidates with the database's full-text index and applies
`score_item` to them; `Statistics` is what it must supply (counts from a stats table).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from .query import APART, STEM, Alternative, Clause, Query
from .stemming import stems
from .text import negated_forms, tokenize

K1 = 1.2
B = 0.5
ALL_TOKENS_BONUS = 1.3
NAME_BONUS = 1.3
PHRASE_BONUS = 1.2


@dataclass(frozen=True)
class FieldSpec:
    """A searchable field: its weight in the score, and whether its stems are indexed."""

    name: str
    weight: float
    stemmed: bool = False


# Product name > brand/type > specification > category > producer name. Stems are indexed in
# the product's own text (name, brand, type, specification), and a stem match counts 0.7 of a
# word match ("exact first"): on the judged query set this beat no stems, stems in the
# specification only, and stems instead of words; stems of the category and producer name
# changed nothing and cost index size (docs/search.md, "Stemming policy"). Codes (HS, KBLI,
# KBKI) match exactly.
DEFAULT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", 4.0, stemmed=True),
    FieldSpec("brand", 2.0, stemmed=True),
    FieldSpec("type", 2.0, stemmed=True),
    FieldSpec("spec", 1.0, stemmed=True),
    FieldSpec("category", 0.75),
    FieldSpec("producer", 0.5),
    FieldSpec("codes", 1.0),
)
NAME_FIELD = "name"


@dataclass(frozen=True)
class AnalyzedItem:
    """An item's fields as tokens (and stems where indexed), its TKDN and a key."""

    key: str
    tokens: Mapping[str, tuple[str, ...]]
    stems: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tkdn: Decimal | None = None
    name: str = ""


def analyze_item(
    key: str,
    fields: Mapping[str, str | None],
    *,
    tkdn: Decimal | None = None,
    specs: Sequence[FieldSpec] = DEFAULT_FIELDS,
) -> AnalyzedItem:
    """Tokens of each field of `specs` (missing fields are empty), stems where indexed."""
    tokens = {spec.name: tuple(tokenize(fields.get(spec.name) or "")) for spec in specs}
    stemmed = {spec.name: stems(tokens[spec.name]) for spec in specs if spec.stemmed}
    return AnalyzedItem(key, tokens, stemmed, tkdn, fields.get(NAME_FIELD) or "")


class Statistics(Protocol):
    """Collection figures the score needs."""

    @property
    def count(self) -> int: ...

    def average_length(self, field: str) -> float: ...

    def document_frequency(self, token: str) -> int: ...


def _count(alt: Alternative, tokens: Sequence[str]) -> int:
    words = alt.tokens
    first = words[0]
    if len(words) == 1:
        return tokens.count(first)
    if first not in tokens:  # most fields: one scan in C instead of a slice a position
        return 0
    size = len(words)
    last = len(tokens) - size
    hits = 0
    at = tokens.index(first)
    while at <= last:
        if tuple(tokens[at : at + size]) == words:
            hits += 1
        try:
            at = tokens.index(first, at + 1)
        except ValueError:
            break
    return hits


def _field_tf(clause: Clause, item: AnalyzedItem, spec: FieldSpec) -> float:
    best = 0.0
    tokens = item.tokens.get(spec.name, ())
    if not tokens:
        return 0.0
    for alt in clause.alternatives:
        if alt.kind == STEM:
            if not spec.stemmed:
                continue
            hits = item.stems.get(spec.name, ()).count(alt.tokens[0])
        elif alt.kind == APART:
            hits = min(tokens.count(t) for t in alt.tokens)
        else:
            hits = _count(alt, tokens)
        if hits:
            best = max(best, alt.weight * hits)
    return best


def _idf(clause: Clause, stats: Statistics) -> float:
    df = 0
    for alt in clause.alternatives:
        if alt.kind == STEM:
            continue
        alt_df = min(stats.document_frequency(t) for t in alt.tokens)
        df = max(df, alt_df)
    n = max(stats.count, 1)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _phrase_in(words: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    size = len(words)
    return any(tokens[i : i + size] == words for i in range(len(tokens) - size + 1))


class Scorer:
    """`score_item` for many items of one query: what depends on the query and the
    collection only — each clause's idf, the average field lengths, the negated forms of the
    positive words — is worked out once instead of once an item. The same scores, to the
    last bit, as `score_item`."""

    def __init__(
        self, query: Query, stats: Statistics, specs: Sequence[FieldSpec] = DEFAULT_FIELDS
    ) -> None:
        self.query = query
        self.stats = stats
        self.specs = tuple(specs)
        self.name_spec = next((s for s in specs if s.name == NAME_FIELD), None)
        self._averages: dict[str, float] = {}
        self._idf: dict[int, float] = {}
        # an item carrying the negated form of a positive clause's word is no result
        self.conflicts = frozenset(
            form
            for clause in query.clauses
            if not clause.negated
            for token in clause.positive_tokens
            for form in negated_forms(token)
        )
        # per clause, the words one of which a field must hold for any alternative to count
        # there (a phrase's or an "apart" alternative's first word), and the stems: a field
        # holding none is skipped without counting (most fields of most items)
        self._firsts = [
            (frozenset(a.tokens[0] for a in clause.alternatives if a.kind != STEM),
             frozenset(a.tokens[0] for a in clause.alternatives if a.kind == STEM))
            for clause in query.clauses
        ]

    def _average(self, name: str) -> float:
        found = self._averages.get(name)
        if found is None:
            found = self._averages[name] = self.stats.average_length(name) or 1.0
        return found

    def _clause_idf(self, at: int, clause: Clause) -> float:
        found = self._idf.get(at)
        if found is None:
            found = self._idf[at] = _idf(clause, self.stats)
        return found

    def score(self, item: AnalyzedItem) -> float | None:
        """The item's relevance to the query, or None when it is no result."""
        query = self.query
        if query.is_empty:
            return None
        if self.conflicts and any(
            not self.conflicts.isdisjoint(tokens) for tokens in item.tokens.values()
        ):
            return None
        total = 0.0
        matched = 0
        in_name = 0
        name_spec = self.name_spec
        for at, clause in enumerate(query.clauses):
            pseudo_tf = 0.0
            name_tf = 0.0
            words, stemmed = self._firsts[at]
            for spec in self.specs:
                tokens = item.tokens.get(spec.name, ())
                if words.isdisjoint(tokens) and (
                    not stemmed or not spec.stemmed
                    or stemmed.isdisjoint(item.stems.get(spec.name, ()))
                ):
                    continue  # no alternative can count in this field: _field_tf is 0
                tf = _field_tf(clause, item, spec)
                if tf:
                    if spec is name_spec:
                        name_tf = tf
                    length = len(item.tokens.get(spec.name, ()))
                    average = self._average(spec.name)
                    pseudo_tf += spec.weight * tf / (1 - B + B * length / average)
            if pseudo_tf == 0.0:
                if clause.negated:
                    return None
                continue
            matched += 1
            if name_tf:
                in_name += 1
            total += self._clause_idf(at, clause) * pseudo_tf * (K1 + 1) / (K1 + pseudo_tf)
        clauses = len(query.clauses)
        if matched < query.required:
            return None
        total *= matched / clauses
        if matched == clauses:
            total *= ALL_TOKENS_BONUS
            if in_name == clauses:
                total *= NAME_BONUS
        if len(query.tokens) > 1 and _phrase_in(query.tokens, item.tokens.get(NAME_FIELD, ())):
            total *= PHRASE_BONUS
        return total


def score_item(
    query: Query,
    item: AnalyzedItem,
    stats: Statistics,
    specs: Sequence[FieldSpec] = DEFAULT_FIELDS,
) -> float | None:
    """The item's relevance to the query, or None when it is no result (see module doc)."""
    return Scorer(query, stats, specs).score(item)


def order_key(score: float, item: AnalyzedItem) -> tuple[float, Decimal, str, str]:
    """Sort key of a result: relevance, then TKDN (higher first, none last), name, key."""
    tkdn = item.tkdn if item.tkdn is not None else Decimal(-1)
    return (-round(score, 6), -tkdn, item.name.casefold(), item.key)
