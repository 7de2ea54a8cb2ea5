"""Product search building blocks: domain-free, Django-free (docs/search.md tells the whole).

- text: normalisation (case, accents, Indonesian numbers, units) and tokens, negation folded;
- stemming: Indonesian stems (Snowball via PyStemmer) and English plural forms;
- synonyms: groups of words and phrases matched both ways, read from data the caller passes;
- typo: one edit in words of five letters or more, through a deletion-neighbourhood index;
- query: a typed query as clauses of weighted alternatives;
- ranking: BM25F relevance of an analysed item, and the order "relevance, then TKDN";
- memory: the whole search over items held in memory (the reference the SQL search matches).

Nothing here imports Django or any other part of p3dn.
"""

from .memory import Hit, MemoryIndex
from .query import Alternative, Clause, Query, parse_query
from .ranking import (
    DEFAULT_FIELDS,
    AnalyzedItem,
    FieldSpec,
    Scorer,
    analyze_item,
    order_key,
    score_item,
)
from .stemming import plural_forms, stem
from .synonyms import SynonymError, SynonymGroup, Synonyms, parse_csv, problems
from .text import normalize, tokenize, tokenize_marked
from .typo import MIN_TYPO_LENGTH, TypoIndex, deletion_keys, within_one_edit

__all__ = [
    "DEFAULT_FIELDS",
    "MIN_TYPO_LENGTH",
    "Alternative",
    "AnalyzedItem",
    "Clause",
    "FieldSpec",
    "Hit",
    "MemoryIndex",
    "Query",
    "Scorer",
    "SynonymError",
    "SynonymGroup",
    "Synonyms",
    "TypoIndex",
    "analyze_item",
    "deletion_keys",
    "normalize",
    "order_key",
    "parse_csv",
    "parse_query",
    "plural_forms",
    "problems",
    "score_item",
    "stem",
    "tokenize",
    "tokenize_marked",
    "within_one_edit",
]
