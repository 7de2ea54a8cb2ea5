"""Synonym groups: words and phrases that name the same thing, matched both ways.

A group is a set of terms ("kursi roda", "wheelchair"); a term is one word or a phrase of
several. Every term of a group finds the items that carry any other term of the group, as a
whole phrase: "kursi roda" finds "wheelchair" and "wheelchair" finds "Kursi Roda Lipat", but not
an item that has "kursi" and "roda" apart.

A term may stand in two groups only when it is declared ambiguous in each ("notebook" is a
laptop and a note book). An ambiguous term is expanded TO (a query "laptop" also finds
"notebook") but never FROM: a query "notebook" matches "notebook" itself and nothing else, as
the search cannot know which sense was meant.

The data comes from the caller (the shipped CSV, or the rows an admin edited): `parse_csv` reads
the documented format, `Synonyms.from_groups` takes plain lists. Terms are normalised with
p3dn.lib.search.text, so "Kursi-Roda" and "kursi roda" are the same term.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .text import tokenize

Term = tuple[str, ...]


@dataclass(frozen=True)
class SynonymGroup:
    """One line of the synonym data."""

    domain: str
    terms: tuple[str, ...]
    ambiguous: frozenset[str] = frozenset()
    line: int = 0


class SynonymError(ValueError):
    """The synonym data breaks a rule of the format; the message names the line."""


def parse_csv(text: str) -> list[SynonymGroup]:
    """Read synonym groups from CSV text.

    Lines starting with '#' are comments; the first other line is the header
    `domain,terms,ambiguous`. `terms` lists the group's words and phrases separated by '|';
    `ambiguous` lists those of them (separated by '|') that may also stand in another group.
    """
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(rows)))
    header = next(reader, None)
    if header != ["domain", "terms", "ambiguous"]:
        raise SynonymError(f"the header must be domain,terms,ambiguous, not {header}")
    groups = []
    for number, row in enumerate(reader, start=2):
        if len(row) != 3:
            raise SynonymError(f"row {number}: 3 columns expected, found {len(row)}: {row}")
        domain, terms, ambiguous = (cell.strip() for cell in row)
        names = tuple(t.strip() for t in terms.split("|"))
        marked = frozenset(a.strip() for a in ambiguous.split("|") if a.strip())
        groups.append(SynonymGroup(domain, names, marked, number))
    return groups


def problems(groups: Sequence[SynonymGroup]) -> list[str]:
    """What is wrong with the data: empty or one-term groups, empty or repeated terms, terms in
    two groups without being declared ambiguous in each, ambiguous marks on unknown terms."""
    found: list[str] = []
    seen: dict[Term, list[int]] = {}
    for index, group in enumerate(groups):
        where = f"row {group.line or index + 1}"
        if not group.domain:
            found.append(f"{where}: no domain")
        if len(group.terms) < 2:
            found.append(f"{where}: a group needs two terms or more")
        keys = []
        for term in group.terms:
            key = tuple(tokenize(term))
            if not key:
                found.append(f"{where}: an empty term")
                continue
            if key in keys:
                found.append(f"{where}: '{term}' twice")
            keys.append(key)
            seen.setdefault(key, []).append(index)
        for mark in group.ambiguous:
            if tuple(tokenize(mark)) not in keys:
                found.append(f"{where}: '{mark}' is marked ambiguous but is not a term here")
    for key, indexes in seen.items():
        if len(set(indexes)) > 1:
            for index in indexes:
                group = groups[index]
                marked = {tuple(tokenize(a)) for a in group.ambiguous}
                if key not in marked:
                    found.append(
                        f"row {group.line or index + 1}: '{' '.join(key)}' is in "
                        f"{len(set(indexes))} groups but not marked ambiguous here"
                    )
    return found


@dataclass
class Synonyms:
    """Synonym groups ready for query expansion."""

    groups: list[tuple[Term, ...]] = field(default_factory=list)
    _by_term: dict[Term, list[int]] = field(default_factory=dict)
    _ambiguous: set[Term] = field(default_factory=set)
    longest: int = 1

    @classmethod
    def from_groups(cls, groups: Iterable[SynonymGroup | Sequence[str]]) -> Synonyms:
        """Build from SynonymGroup rows or plain lists of terms. Raises SynonymError when the
        data breaks a rule of `problems`."""
        rows = [
            g if isinstance(g, SynonymGroup) else SynonymGroup("-", tuple(g)) for g in groups
        ]
        errors = problems(rows)
        if errors:
            raise SynonymError("; ".join(errors[:5]))
        synonyms = cls()
        for row in rows:
            terms = tuple(tuple(tokenize(t)) for t in row.terms)
            index = len(synonyms.groups)
            synonyms.groups.append(terms)
            for term in terms:
                synonyms._by_term.setdefault(term, []).append(index)
                synonyms.longest = max(synonyms.longest, len(term))
            synonyms._ambiguous.update(tuple(tokenize(a)) for a in row.ambiguous)
        return synonyms

    def __contains__(self, term: Term) -> bool:
        return term in self._by_term

    def vocabulary(self) -> set[str]:
        """Every token that appears in some term (for the typo index)."""
        return {token for group in self.groups for term in group for token in term}

    def expand(self, term: Term) -> list[Term]:
        """The other terms of the term's group(s); none for an ambiguous or unknown term."""
        if term in self._ambiguous:
            return []
        out: list[Term] = []
        for index in self._by_term.get(term, ()):
            out.extend(t for t in self.groups[index] if t != term and t not in out)
        return out

    def longest_term_at(self, tokens: Sequence[str], start: int) -> Term | None:
        """The longest term that the tokens spell from `start` on, if any."""
        for size in range(min(self.longest, len(tokens) - start), 0, -1):
            term = tuple(tokens[start : start + size])
            if term in self._by_term:
                return term
        return None
