"""Typo tolerance: exactly one edit, and only in words of five letters or more.

The rule: a typed word matches a vocabulary word when the vocabulary word has at least
MIN_TYPO_LENGTH (5) letters, has no digit, and the two differ by exactly one edit: one letter
inserted, deleted or substituted, or two adjacent letters transposed (optimal string alignment
distance 1). Words of four letters or fewer are matched only exactly ("meja" never becomes
"mejaa"), and neither are tokens with a digit (model codes and sizes: "l3210" never becomes
"l3110").

The index is a deletion neighbourhood (as in SymSpell, for one edit): every vocabulary word is
filed under itself and under each string made by deleting one of its letters; a typed word is
looked up under itself and under each of its own one-letter deletions. Two words within one edit
always share such a key, so the candidates are found with len(word) + 1 look-ups whatever the
size of the vocabulary; each candidate is then checked with the exact distance.

In memory the keys are 32-bit CRCs in one sorted array of (crc << 32 | word id), about 8 bytes a
key and some ten keys a word: a vocabulary of 1.000.000 words fits in about 100 MB and a look-up
takes some tens of microseconds (figures in docs/search.md). A CRC collision only adds a
candidate that the distance check then drops. For a database the same keys are the rows of
`rows()`: (deletion, word), indexed on deletion.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

MIN_TYPO_LENGTH = 5


def typo_eligible(word: str) -> bool:
    """Whether a vocabulary word may be reached through a typo: ≥ 5 letters, no digit."""
    return len(word) >= MIN_TYPO_LENGTH and word.isalpha()


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by exactly one insertion, deletion, substitution or adjacent
    transposition (equal strings are not "within one edit": they are equal)."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    if la > lb:
        a, b, la, lb = b, a, lb, la
    # b is a with one letter inserted
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def deletion_keys(word: str) -> set[str]:
    """The word and every string made by deleting one of its letters."""
    keys = {word}
    for i in range(len(word)):
        keys.add(word[:i] + word[i + 1 :])
    return keys


def _crc(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


class TypoIndex:
    """Vocabulary words reachable by one edit, found in about len(word) + 1 look-ups."""

    def __init__(self, words: Iterable[str]) -> None:
        vocabulary = sorted({w for w in words if typo_eligible(w)})
        entries: list[int] = []
        for word_id, word in enumerate(vocabulary):
            for key in deletion_keys(word):
                entries.append(_crc(key) << 32 | word_id)
        entries.sort()
        self._words = vocabulary
        self._entries = array("Q", entries)

    def __len__(self) -> int:
        return len(self._words)

    @property
    def key_count(self) -> int:
        """How many (key, word) entries the index holds."""
        return len(self._entries)

    def corrections(self, typed: str) -> list[str]:
        """The vocabulary words one edit away from `typed`, by the rule of this module."""
        if len(typed) < MIN_TYPO_LENGTH - 1 or not typed.isalpha():
            return []
        entries, words = self._entries, self._words
        found: set[str] = set()
        for key in deletion_keys(typed):
            crc = _crc(key)
            i = bisect_left(entries, crc << 32)
            while i < len(entries) and entries[i] >> 32 == crc:
                word = words[entries[i] & 0xFFFFFFFF]
                if word not in found and within_one_edit(typed, word):
                    found.add(word)
                i += 1
        return sorted(found)

    def rows(self) -> Iterator[tuple[str, str]]:
        """(deletion, word) pairs: the same index as a table keyed by the deletion."""
        for word in self._words:
            for key in sorted(deletion_keys(word)):
                yield key, word
