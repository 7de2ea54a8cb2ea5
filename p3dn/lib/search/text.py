"""Text normalisation and tokenisation for product search, the same for items and queries.

`normalize(text)` gives one lowercase string without accents in which numbers and units are
written one way; `tokenize(text)` splits it into tokens and folds negations into the word they
negate. What goes in twice gives the same tokens, so an item and a query always meet.

Rules, in order:
- Unicode NFKD, accents dropped, casefolded; typographic dashes, quotes, the multiplication sign
  and full-width punctuation become their ASCII forms.
- Numbers the Indonesian way: a decimal comma between digits becomes a dot ("2,7" → "2.7",
  "1.234,5" → "1234.5", but not inside a list "1,2,3"); a dot before groups of exactly three
  digits is a thousands separator ("30.000" → "30000", "1.200mm" → "1200mm") unless the
  number starts with 0 ("0.041" stays a decimal).
- Dimensions: digits around an "x" (or the multiplication sign) join ("60 x 60" → "60x60").
- A unit written after a number is split from it and written one way ("2,7mm" and "2.7 mm" →
  "2.7 mm"; "80 Gram" → "80 gr"; "5 Meter" → "5 m"; '4"' and "4 in" → "4 inch"). A unit word
  that follows no number is left alone ("meter air" stays "meter air").
- Tokens are runs of letters and digits ("l3210", "i5", "a514"), a number with its decimal
  dots ("2.7", "457.20"), a dimension ("60x60") or a small fraction ("1/2", "5/8": "AC 1/2 PK"
  is not "AC 1 PK"); everything else separates ("900/1800" → "900", "1800").
- Negation: a negating word (non, tanpa, bukan, tidak, without, anti) joins the word after it,
  so "Non-Heat Treatment", "non heat treatment" and "nonheat treatment" all become
  ["nonheat", "treatment"] ("anti gores" → "antigores"). A query "heat treatment" therefore
  never meets an item "Non-Heat Treatment" on the word "heat", and "tanpa laci" never counts as
  "laci". The marker alone at the end of a text is dropped.

This module knows no domain: the unit words are general Indonesian/English measurement words;
product synonyms and abbreviations are data passed to p3dn.lib.search.synonyms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Unit words after a number, written one way. Single letters that are also model codes or
# network names ("5G", "4K") are deliberately absent: only "m", "l", "v", "w" are kept, as
# they are the common way to write metres, litres, volts and watts.
UNITS: dict[str, str] = {
    "mm": "mm", "milimeter": "mm", "millimeter": "mm", "millimetre": "mm",
    "cm": "cm", "centimeter": "cm", "sentimeter": "cm", "centimetre": "cm",
    "m": "m", "meter": "m", "metre": "m", "mtr": "m", "meters": "m",
    "km": "km", "kilometer": "km",
    "inch": "inch", "inchi": "inch", "inci": "inch", "in": "inch", "inches": "inch",
    "ft": "ft", "feet": "ft", "kaki": "ft",
    "l": "l", "liter": "l", "litre": "l", "ltr": "l", "lt": "l", "liters": "l",
    "ml": "ml", "mililiter": "ml", "milliliter": "ml", "cc": "ml",
    "kg": "kg", "kilogram": "kg", "kilo": "kg", "kgs": "kg",
    "gr": "gr", "gram": "gr", "grams": "gr", "grm": "gr", "grs": "gr",
    "mg": "mg", "miligram": "mg", "milligram": "mg",
    "ton": "ton", "tonne": "ton",
    "v": "v", "volt": "v", "vac": "vac", "vdc": "vdc",
    "w": "w", "watt": "w", "watts": "w", "kw": "kw", "kilowatt": "kw",
    "kwh": "kwh", "kva": "kva", "va": "va", "mva": "mva", "kv": "kv",
    "a": "a", "ampere": "a", "amp": "a", "ah": "ah", "mah": "mah",
    "hz": "hz", "mhz": "mhz", "ghz": "ghz",
    "pk": "pk", "hp": "hp",
    "gb": "gb", "tb": "tb", "mb": "mb",
    "psi": "psi", "bar": "bar",
    "gsm": "gsm",
    "btu": "btu", "btuh": "btu",
    "lembar": "lembar", "lbr": "lembar", "sheet": "lembar", "sheets": "lembar",
    "pcs": "pcs", "pc": "pcs", "buah": "pcs",
}

# Words that negate the next word; each maps to the prefix written into that word.
NEGATIONS: dict[str, str] = {
    "non": "non",
    "tanpa": "non",
    "bukan": "non",
    "tidak": "non",
    "without": "non",
    "anti": "anti",
}
NEGATION_PREFIXES: tuple[str, ...] = tuple(sorted(set(NEGATIONS.values())))

# Words that carry no meaning in a product query (Indonesian and English). Items keep them as
# tokens (phrases stay intact); queries do not need to match them.
STOPWORDS: frozenset[str] = frozenset(
    [
        "dan", "atau", "untuk", "dengan", "yang", "di", "ke", "dari", "pada", "oleh", "dalam",
        "serta", "per", "isi", "jenis",
        "the", "a", "an", "of", "for", "and", "or", "with", "to", "in", "on", "by",
    ]
)

_PUNCT = str.maketrans(
    {
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-", "\u00d7": "x", "\u2018": "'", "\u2019": "'", "\u201c": '"',
        "\u201d": '"', "\u2033": '"', "\u00b4": "'", "\u00b1": " ", "\u00b0": " ",
    }
)
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d+(?:,\d+)+(?![\d]|[.,]\d)")
_GROUPED_DECIMAL = re.compile(r"(?<![\d.,])([1-9]\d{0,2}(?:\.\d{3})+),(\d+)(?![\d]|[.,]\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])([1-9]\d{0,2})((?:\.\d{3})+)(?![\d]|[.,]\d)")
_DIMENSION = re.compile(r"(?<=\d)\s*[x*]\s*(?=\d)")
_INCH_MARK = re.compile(r'(?<=\d)\s*(?:"|\'\')')
_NUMBER_UNIT = re.compile(r"(\d)\s*([a-z]+)\b")
_TOKEN = re.compile(
    r"(?<![\d/.])\d/\d{1,2}(?![\d/])"  # a fraction of an inch: 1/2, 5/8, 1/16
    r"|\d+(?:\.\d+)*(?:x\d+(?:\.\d+)*)+"  # a dimension: 60x60, 14.9x8
    r"|\d+(?:\.\d+)+"  # a decimal: 2.7, 457.20
    r"|[^\W_]+"  # letters and digits: kursi, l3210, i5
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_PUNCT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold()


def _decimal_comma(match: re.Match[str]) -> str:
    number = match.group(0)
    return number.replace(",", ".") if number.count(",") == 1 else number


def _unit(match: re.Match[str]) -> str:
    digit, word = match.group(1), match.group(2)
    unit = UNITS.get(word)
    if unit is None:
        return match.group(0)
    return f"{digit} {unit}"


def normalize(text: str) -> str:
    """One way of writing `text`: lowercase, no accents, numbers and units unified."""
    text = _fold(text)
    text = _GROUPED_DECIMAL.sub(lambda m: m.group(1).replace(".", "") + "." + m.group(2), text)
    text = _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(".", ""), text)
    text = _DECIMAL_COMMA.sub(_decimal_comma, text)
    text = _DIMENSION.sub("x", text)
    text = _INCH_MARK.sub(" inch", text)
    return _NUMBER_UNIT.sub(_unit, text)


def _fold_negations(words: list[str]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(words):
        word = words[i]
        prefix = NEGATIONS.get(word)
        if prefix is not None:
            if i + 1 < len(words) and not words[i + 1][0].isdigit():
                nxt = words[i + 1]
                out.append((nxt if nxt.startswith(prefix) else prefix + nxt, True))
                i += 2
                continue
            if i + 1 == len(words):  # a marker with nothing after it says nothing
                break
        out.append((word, False))
        i += 1
    return out


@lru_cache(maxsize=65536)
def _tokenize(text: str) -> tuple[tuple[str, bool], ...]:
    return tuple(_fold_negations(_TOKEN.findall(normalize(text))))


def tokenize(text: str) -> list[str]:
    """The tokens of `text` after normalisation, negations folded ("non heat" → "nonheat")."""
    return [token for token, _ in _tokenize(text)]


def tokenize_marked(text: str) -> list[tuple[str, bool]]:
    """Like tokenize, with each token's flag: True when a negation was folded into it."""
    return list(_tokenize(text))


def negated_forms(token: str) -> tuple[str, ...]:
    """The tokens an item carries when it negates `token`: ("nonheat", "antiheat")."""
    return tuple(prefix + token for prefix in NEGATION_PREFIXES)


def content_tokens(tokens: Iterable[str]) -> list[str]:
    """The tokens of a query that must be matched: stop words left out."""
    return [t for t in tokens if t not in STOPWORDS]
