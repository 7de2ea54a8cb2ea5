"""An in-memory search over analysed items: the reference implementation of the whole search.

It retrieves candidates from inverted lists (a token's items; a stem's items in stemmed
fields), keeps those that can match enough clauses, scores them with
p3dn.lib.search.ranking and orders them. The SQL-backed search does the candidate step in the
database (docs/search.md) and must give the same results; this class is what the judged query
set measures, and what a test compares the SQL search with.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .query import STEM, Alternative, Query, parse_query
from .ranking import DEFAULT_FIELDS, AnalyzedItem, FieldSpec, Scorer, order_key
from .synonyms import Synonyms
from .typo import TypoIndex


@dataclass(frozen=True)
class Hit:
    """One result: the item and its score."""

    item: AnalyzedItem
    score: float


class MemoryIndex:
    """Items held in memory with their inverted lists, vocabulary and typo index."""

    def __init__(
        self,
        items: Iterable[AnalyzedItem],
        *,
        synonyms: Synonyms | None = None,
        specs: Sequence[FieldSpec] = DEFAULT_FIELDS,
        use_stems: bool = True,
    ) -> None:
        self.items = list(items)
        self.specs = tuple(specs)
        self.synonyms = synonyms or Synonyms()
        self.use_stems = use_stems
        self._postings: dict[str, set[int]] = defaultdict(set)
        self._stem_postings: dict[str, set[int]] = defaultdict(set)
        lengths: Counter[str] = Counter()
        for index, item in enumerate(self.items):
            for spec in self.specs:
                tokens = item.tokens.get(spec.name, ())
                lengths[spec.name] += len(tokens)
                for token in tokens:
                    self._postings[token].add(index)
                if spec.stemmed:
                    for token_stem in item.stems.get(spec.name, ()):
                        self._stem_postings[token_stem].add(index)
        total = max(len(self.items), 1)
        self._average = {name: lengths[name] / total for name in lengths}
        self.typos = TypoIndex(set(self._postings) | self.synonyms.vocabulary())

    # Statistics protocol
    @property
    def count(self) -> int:
        return len(self.items)

    def average_length(self, field: str) -> float:
        return self._average.get(field, 0.0)

    def document_frequency(self, token: str) -> int:
        postings = self._postings.get(token)
        return len(postings) if postings else 0

    def __contains__(self, token: object) -> bool:
        return token in self._postings

    def parse(self, text: str) -> Query:
        """The query as this index understands it (its vocabulary, synonyms and typos)."""
        return parse_query(
            text,
            synonyms=self.synonyms,
            vocabulary=self,
            typos=self.typos,
            frequency=self.document_frequency,
            use_stems=self.use_stems,
        )

    def _candidates(self, alt: Alternative) -> set[int]:
        if alt.kind == STEM:
            return self._stem_postings.get(alt.tokens[0], set())
        lists = [self._postings.get(t) for t in alt.tokens]
        if not all(lists):
            return set()
        return set.intersection(*lists)  # type: ignore[arg-type]

    def search(self, text: str, limit: int | None = 20) -> list[Hit]:
        """The results for a typed query, best first."""
        query = self.parse(text)
        if query.is_empty:
            return []
        hits: Counter[int] = Counter()
        for clause in query.clauses:
            found: set[int] = set()
            for alt in clause.alternatives:
                found |= self._candidates(alt)
            hits.update(found)
        candidates = [i for i, n in hits.items() if n >= query.required]
        scored = []
        scorer = Scorer(query, self, self.specs)
        for index in candidates:
            item = self.items[index]
            score = scorer.score(item)
            if score is not None:
                scored.append(Hit(item, score))
        scored.sort(key=lambda hit: order_key(hit.score, hit.item))
        return scored if limit is None else scored[:limit]
