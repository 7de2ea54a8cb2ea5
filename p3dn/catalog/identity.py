"""Who a producer is, and when two records name the same product: pure Python, no Django.

A company's name is written many ways across the Kemenperin exports, the scrapes and
e-Katalog: "PT.INET GLOBAL INDO", "PT INET GLOBAL INDO", "P.T. Inet Global Indo",
"PT Jasuindo Tiga Perkasa Tbk", "DARA RAHMAWATI, CV". ``parse_name`` splits a name into its
legal form and a key that ignores case, spacing, punctuation, the way the form is written and
the "Tbk" / "(Persero)" suffixes. The legal form stays part of the identity: PT X and CV X are
two companies, and a name without a recognisable form is matched only with names without one.
The merge rule that uses it (and NPWP/NIB) is documented in docs/catalog.md.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Legal forms, as stored on Producer.legal_form ("" = not known from the name).
PT = "pt"
PERSERO = "persero"  # PT (Persero): a state-owned PT (BUMN)
PERUM = "perum"  # Perusahaan Umum: a state-owned enterprise (BUMN)
CV = "cv"
FIRMA = "firma"
UD = "ud"
PD = "pd"
KOPERASI = "koperasi"
PERORANGAN = "perorangan"
LAINNYA = "lainnya"
UNKNOWN = ""

# The forms a name can be matched under: a PT (Persero) is a PT.
_FAMILY = {PERSERO: PT}

_SEP = r"[\W_]*"  # between the letters of an abbreviation: "P.T.", "P T", "PT."
_PREFIXES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (form, re.compile(rf"^{pattern}(?![^\W_])[\W_]*"))
    for form, pattern in (
        (PERSERO, rf"p{_SEP}t{_SEP}\(?\s*persero\s*\)?"),
        (PT, rf"p{_SEP}t"),
        (CV, rf"c{_SEP}v"),
        (UD, rf"u{_SEP}d"),
        (PD, rf"p{_SEP}d"),
        (PERUM, r"(?:perum|perusahaan\s+umum)"),
        (FIRMA, r"(?:firma|fa)"),
        (KOPERASI, r"(?:koperasi|kop)"),
    )
)
_SUFFIXES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (form, re.compile(rf"[\W_]*(?<![^\W_]){pattern}[\W_]*$"))
    for form, pattern in (
        (PERSERO, r"\(?\s*persero\s*\)?"),
        ("tbk", rf"t{_SEP}b{_SEP}k"),
        (PT, rf"p{_SEP}t"),
        (CV, rf"c{_SEP}v"),
        (UD, rf"u{_SEP}d"),
    )
)
# Cooperatives named by their kind keep it in the name ("KUD Maju" ≠ "Koperasi Maju").
_COOPERATIVE_WORDS = re.compile(r"^(?:kud|ksp|kopontren|kopkar|kopti)(?![^\W_])")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ParsedName:
    legal_form: str  # one of the forms above, "" when the name does not say
    key: str  # the name without its legal form: lower case, letters and digits only
    bumn: bool  # (Persero) or Perum

    @property
    def family(self) -> str:
        """The form two names must share to be the same company (PT (Persero) is a PT)."""
        return _FAMILY.get(self.legal_form, self.legal_form)


def fold(text: str) -> str:
    """Unicode-normalised, case-folded, single-spaced text."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


@functools.lru_cache(maxsize=65536)  # a sync meets each name many times
def parse_name(name: str) -> ParsedName:
    """The legal form and the matching key of a company name."""
    rest = fold(name)
    form = UNKNOWN
    bumn = False
    for candidate, pattern in _PREFIXES:
        match = pattern.match(rest)
        if match and match.end() < len(rest):  # "PT" alone is no name
            form, rest = candidate, rest[match.end() :]
            break
    if form == UNKNOWN and _COOPERATIVE_WORDS.match(rest):
        form = KOPERASI
    # suffixes, repeatedly: "PT X (Persero) Tbk", "X, CV"
    changed = True
    while changed:
        changed = False
        for candidate, pattern in _SUFFIXES:
            match = pattern.search(rest)
            if match and match.start() > 0:
                rest = rest[: match.start()]
                changed = True
                if candidate == PERSERO:
                    bumn = True
                    form = PERSERO if form in (UNKNOWN, PT) else form
                elif candidate != "tbk" and form == UNKNOWN:
                    form = candidate
    if form in (PERSERO, PERUM):
        bumn = True
    key = "".join(_WORD.findall(rest)) or "".join(_WORD.findall(fold(name)))
    return ParsedName(form, key, bumn)


def identity_key(name: str) -> str:
    """``family:key``: two records are the same company only if this agrees (and NPWP and NIB
    do not contradict it; see docs/catalog.md)."""
    parsed = parse_name(name)
    return f"{parsed.family}:{parsed.key}"


# ------------------------------------------------------------------ tax and business numbers


def npwp_digits(value: str | None) -> str:
    """An NPWP as its digits ("93.876.990.8-624.000" → "938769908624000"); "" when it has not
    15 or 16 digits (or is all zeros)."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) not in (15, 16) or not digits.strip("0"):
        return ""
    return digits


def npwp16(value: str | None) -> str:
    """The 16-digit form used to compare NPWPs: a 15-digit NPWP gains a leading 0 (the
    format of the Directorate General of Taxes since 2024)."""
    digits = npwp_digits(value)
    return "0" + digits if len(digits) == 15 else digits


def nib_digits(value: str | None) -> str:
    """A NIB (Nomor Induk Berusaha, 13 digits) as its digits; "" when it is not one."""
    digits = re.sub(r"\D", "", value or "")
    return digits if len(digits) == 13 and digits.strip("0") else ""


_KBLI = re.compile(r"^\d{5}$")


def kbli_codes(text: str | None) -> tuple[list[str], list[str]]:
    """The KBLI codes of a text typed with spaces or commas between them, and those of them
    that are not a 5-digit code."""
    codes = str(text or "").replace(",", " ").split()
    return codes, [c for c in codes if not _KBLI.match(c)]


# ------------------------------------------------------------------ products


_NO_BRAND = {"", "-", "--", "---", "—", "–", "tidak ada", "tanpa merk", "tanpa merek", "no brand",
             "n/a", "na", "none", "null"}


def brand_text(value: str | None) -> str:
    """The brand as shown: '' for no brand ('', '-', space-padded '-', 'tanpa merk')."""
    shown = " ".join((value or "").split())
    return "" if fold(shown) in _NO_BRAND else shown


def text_key(value: str | None) -> str:
    """A product name, specification or type as compared: case, spacing and Unicode forms do
    not count; punctuation does (4,5 mm is not 45 mm), except a lone '-' (nothing)."""
    folded = fold(value or "")
    return "" if folded in _NO_BRAND else folded


def product_key(name: str, specification: str, brand: str, tipe: str) -> str:
    """What makes two records of one producer the same catalogue item."""
    parts = (text_key(name), text_key(specification), text_key(brand_text(brand)), text_key(tipe))
    return "\x1f".join(parts)
