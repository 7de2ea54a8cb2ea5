"""A typed query turned into clauses: what each word may match, and how much each way counts.

Each content word of the query (stop words aside) becomes one clause; a synonym term of several
words ("kursi roda") becomes one clause for the whole phrase. A clause is matched by any of its
alternatives, each with a weight that the score multiplies in:

| alternative | weight | example |
|---|---|---|
| the word itself (or the phrase, words in order and adjacent) | 1.0 | pompa → pompa |
| a synonym from the word's group (a phrase stays a phrase) | 0.9 | wheelchair → "kursi roda" |
| an English singular/plural form found in the vocabulary | 0.9 | valve → valves |
| two words written as one, or one word written as two | 0.9 | flash disk → flashdisk |
| the same Indonesian stem (in fields where stems are indexed) | 0.7 | pendingin → berpendingin |
| a vocabulary word one edit away (typo rule of p3dn.lib.search.typo) | 0.6 | pompaa → pompa |
| the query's own words of a phrase, apart, in one field | 0.5 | "kertas a4" → "Kertas HVS A4" |

A word the vocabulary does not know is corrected (and synonyms of the correction count 0.6 x
0.9); a word of five letters or more it knows also matches the RARER vocabulary words one edit
away, which are the items' own misspellings ("goreng" also finds "Minyak Gorang", never the
other way round for a common word); in a phrase, such a misspelling stands in the phrase ("panel
surya" also finds "panel surys", not every "surys").

Negation: a word with a folded negation ("nonheat" from "non heat") is a clause of its own
that every result must match; and a positive clause ("heat") rejects an item that carries its
negated form ("nonheat", "antiheat") — see p3dn.lib.search.ranking.

How many clauses an item must match: all of them when the query has up to three; one fewer
for four to seven clauses, two fewer from eight (a long query names more than any one item
says); negated clauses always.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass

from .stemming import plural_forms, stem
from .synonyms import Synonyms, Term
from .text import STOPWORDS, tokenize_marked
from .typo import MIN_TYPO_LENGTH, TypoIndex

EXACT, SYNONYM, PLURAL, COMPOUND, STEM, TYPO, APART = (
    "exact", "synonym", "plural", "compound", "stem", "typo", "apart"
)
WEIGHTS: dict[str, float] = {
    EXACT: 1.0, SYNONYM: 0.9, PLURAL: 0.9, COMPOUND: 0.9, STEM: 0.7, TYPO: 0.6, APART: 0.5,
}
KNOWN_TYPO_FACTOR = 0.8  # a known word's rarer neighbour counts 0.6 x 0.8


@dataclass(frozen=True)
class Alternative:
    """One way to match a clause: a token or a phrase (kind STEM: a stem to compare stems)."""

    tokens: Term
    kind: str
    weight: float

    @property
    def is_phrase(self) -> bool:
        return len(self.tokens) > 1


@dataclass(frozen=True)
class Clause:
    """What one query word (or synonym phrase) may match."""

    text: str
    alternatives: tuple[Alternative, ...]
    negated: bool = False

    @property
    def positive_tokens(self) -> tuple[str, ...]:
        """The words the query itself wrote for this clause (a phrase: each of its words),
        whose negated forms an item must not carry."""
        out: list[str] = []
        for alt in self.alternatives:
            if alt.kind == EXACT:
                out.extend(t for t in alt.tokens if t not in out)
        return tuple(out)


@dataclass(frozen=True)
class Query:
    """A parsed query."""

    text: str
    tokens: tuple[str, ...]
    clauses: tuple[Clause, ...]

    @property
    def required(self) -> int:
        """How many clauses an item must match (negated clauses always, see module doc)."""
        return required_for(len(self.clauses))

    @property
    def is_empty(self) -> bool:
        return not self.clauses


def required_for(count: int) -> int:
    """The clauses to match for a query of `count` clauses (see Query.required)."""
    if count <= 3:
        return count
    return count - 1 if count <= 7 else count - 2


def _alt(tokens: Term, kind: str, factor: float = 1.0) -> Alternative:
    return Alternative(tokens, kind, round(WEIGHTS[kind] * factor, 4))


def parse_query(
    text: str,
    *,
    synonyms: Synonyms | None = None,
    vocabulary: Container[str] = frozenset(),
    typos: TypoIndex | None = None,
    frequency: Callable[[str], int] | None = None,
    use_stems: bool = True,
    typos_of_known_words: bool = True,
) -> Query:
    """Turn a typed query into clauses (see the module doc for the rules).

    `vocabulary` answers whether a token occurs in the items (it decides plural forms, compound
    splits and which words get typo corrections); `typos` finds corrections; `frequency` (the
    items a token occurs in) orders corrections, the most frequent first.
    `typos_of_known_words`: also match, for a word the items know, the rarer vocabulary words
    one edit away (the items' own misspellings: "goreng" also finds "Minyak Gorang").
    """
    synonyms = synonyms or Synonyms()
    marked = tokenize_marked(text)
    tokens = [t for t, _ in marked]
    negated = [n for _, n in marked]

    def known(token: str) -> bool:
        return token in vocabulary or (token,) in synonyms

    corrections: dict[int, list[str]] = {}
    if typos is not None:
        for i, token in enumerate(tokens):
            if not known(token) and token not in STOPWORDS:
                found = typos.corrections(token)
                if frequency is not None:
                    found.sort(key=lambda w: (-frequency(w), w))
                if found:
                    corrections[i] = found
    variants: dict[int, list[str]] = {}
    if typos is not None and typos_of_known_words:
        for i, token in enumerate(tokens):
            # a known word of four letters or fewer is matched only exactly (the typo rule):
            # "ikan" never also finds "iklan"
            if (i in corrections or token not in vocabulary or token in STOPWORDS
                    or len(token) < MIN_TYPO_LENGTH):
                continue
            own = frequency(token) if frequency is not None else 0
            found = [
                w for w in typos.corrections(token)
                if w in vocabulary and (frequency is None or frequency(w) <= own)
            ]
            if found:
                variants[i] = found
    # The tokens as best understood, for spotting synonym phrases.
    understood = [corrections[i][0] if i in corrections else t for i, t in enumerate(tokens)]

    clauses: list[Clause] = []
    i = 0
    while i < len(tokens):
        term = synonyms.longest_term_at(understood, i)
        if term is not None and (len(term) > 1 or tokens[i] not in STOPWORDS):
            span = range(i, i + len(term))
            corrected = any(j in corrections for j in span)
            factor = WEIGHTS[TYPO] if corrected else 1.0
            alternatives = [_alt(term, TYPO if corrected else EXACT)]
            alternatives += [_alt(t, SYNONYM, factor) for t in synonyms.expand(term)]
            if len(term) > 1:
                alternatives.append(_alt(term, APART, factor))
            if len(term) == 1 and not corrected:
                alternatives += _word_alternatives(term[0], vocabulary, use_stems)
            # a misspelling of one word of a phrase stands in the phrase ("panel surya" also
            # finds "panel surys", never every "surys")
            for j in span:
                alternatives += [
                    _alt((*term[:j - i], w, *term[j - i + 1:]), TYPO, KNOWN_TYPO_FACTOR)
                    for w in variants.get(j, ())
                ]
            clauses.append(
                Clause(" ".join(tokens[j] for j in span), tuple(alternatives),
                       any(negated[j] for j in span))
            )
            i += len(term)
            continue
        token = tokens[i]
        if token in STOPWORDS and not negated[i]:
            i += 1
            continue
        # two words the items write as one ("flash disk" → "flashdisk")
        if i + 1 < len(tokens) and tokens[i + 1] not in STOPWORDS:
            joined = token + tokens[i + 1]
            if joined in vocabulary and not token.isdigit() and not tokens[i + 1].isdigit():
                clauses.append(
                    Clause(f"{token} {tokens[i + 1]}",
                           (_alt((token, tokens[i + 1]), EXACT), _alt((joined,), COMPOUND),
                            _alt((token, tokens[i + 1]), APART)),
                           negated[i] or negated[i + 1])
                )
                i += 2
                continue
        alternatives = [_alt((token,), EXACT)]
        alternatives += _word_alternatives(token, vocabulary, use_stems)
        if i in corrections:
            for fix in corrections[i]:
                alternatives.append(_alt((fix,), TYPO))
                alternatives += [
                    _alt(t, SYNONYM, WEIGHTS[TYPO]) for t in synonyms.expand((fix,))
                ]
            if not known(token):
                alternatives += _split_alternatives(token, vocabulary)
        elif not known(token):
            alternatives += _split_alternatives(token, vocabulary)
        alternatives += [_alt((w,), TYPO, KNOWN_TYPO_FACTOR) for w in variants.get(i, ())]
        clauses.append(Clause(token, tuple(_dedupe(alternatives)), negated[i]))
        i += 1
    content = tuple(t for t in tokens if t not in STOPWORDS) or tuple(tokens)
    return Query(text, content, tuple(clauses))


def _word_alternatives(
    token: str, vocabulary: Container[str], use_stems: bool
) -> list[Alternative]:
    out = [_alt((form,), PLURAL) for form in plural_forms(token) if form in vocabulary]
    if use_stems and token.isalpha() and len(token) >= 5:
        out.append(_alt((stem(token),), STEM))
    return out


def _split_alternatives(token: str, vocabulary: Container[str]) -> list[Alternative]:
    """A word the items write as two ("harddisk" → "hard disk"), both parts known."""
    out = []
    for cut in range(3, len(token) - 2):
        left, right = token[:cut], token[cut:]
        if left in vocabulary and right in vocabulary:
            out.append(_alt((left, right), COMPOUND))
    return out


def _dedupe(alternatives: list[Alternative]) -> list[Alternative]:
    best: dict[tuple[Term, str], Alternative] = {}
    for alt in alternatives:
        key = (alt.tokens, alt.kind if alt.kind in (STEM, APART) else "")
        if key not in best or alt.weight > best[key].weight:
            best[key] = alt
    return list(best.values())
