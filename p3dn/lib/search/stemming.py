"""Indonesian stemming (Snowball, through PyStemmer) and English plural forms.

The Snowball Indonesian stemmer removes particles (-lah, -kah, -pun), possessives (-ku, -mu,
-nya), prefixes (meng-, peng-, di-, ter-, ke-, ber-, per-) and suffixes (-kan, -an, -i) by rule,
with no dictionary. It is fast (C) but, like every rule stemmer, it over-stems some words:
berikan → ikan, perahu → ahu, kendaraan → ndara, penerangan → erang, lemari → lemar.
So a stem never replaces a word: search keeps the word itself, and a match on the stem alone
counts for less than a match on the word (see p3dn.lib.search.query for the weights and
docs/search.md for the measurements that chose where stems are used).

Tokens with a digit (model codes, sizes) and tokens shorter than five letters are not stemmed.
"""

from __future__ import annotations

from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("indonesian")
MIN_STEM_LENGTH = 5


@lru_cache(maxsize=262144)
def stem(token: str) -> str:
    """The Indonesian stem of one token; the token itself when it is short or has a digit."""
    if len(token) < MIN_STEM_LENGTH or not token.isalpha():
        return token
    # Snowball removes one prefix of each order per pass; "berpendingin" needs two passes to
    # reach "dingin", as "pendingin" does in one.
    for _ in range(3):
        shorter = _STEMMER.stemWord(token)
        if shorter == token or len(shorter) < 3:
            break
        token = shorter
    return token


def stems(tokens: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The stem of each token, in order."""
    return tuple(stem(t) for t in tokens)


def plural_forms(token: str) -> tuple[str, ...]:
    """English singular/plural forms of a token ("valve" ↔ "valves", "box" ↔ "boxes").

    Only for words of four letters or more with no digit; the caller keeps the forms that
    exist in its vocabulary, so an Indonesian word ending in -s ("kertas") does no harm.
    """
    if len(token) < 4 or not token.isalpha():
        return ()
    forms = [token + "s", token + "es"]
    if token.endswith("ies") and len(token) > 4:
        forms.append(token[:-3] + "y")
    if token.endswith("es"):
        forms.append(token[:-2])
    if token.endswith("s") and not token.endswith("ss"):
        forms.append(token[:-1])
    if token.endswith("y"):
        forms.append(token[:-1] + "ies")
    return tuple(f for f in forms if f != token)
