"""Business matching: how well a registry product answers a demand line (a RUP package or a
need entered by hand), as a score with its reasons (docs/matching.md). Pure Python: the
matching app gathers the facts (the search service's relevance of the product to the words of
the demand, the codes, the places, the producer's size, the certificate, the katalog lokal)
and this module weighs them, so the same weights serve the page, the API and the precision
measure.

A candidate is suggested only when it answers the demand at all: its words matched (the
search found it) or one of its codes (KBKI, KBLI, HS) agrees with the demand's. The other
reasons (place, UMK/IKM, TKDN, katalog lokal) order the relevant candidates; they never make an
irrelevant producer relevant.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Weights of each reason; they add up to 1 for a candidate that has every reason.
WEIGHT_WORDS = Decimal("0.45")
WEIGHT_CODE = {"kbki": Decimal("0.15"), "hs": Decimal("0.12"), "kbli": Decimal("0.10")}
WEIGHT_KABUPATEN = Decimal("0.10")
WEIGHT_PROVINCE = Decimal("0.06")
WEIGHT_UMK_IKM = Decimal("0.08")
WEIGHT_TKDN_40 = Decimal("0.10")  # TKDN of 40% or more on a valid certificate
WEIGHT_TKDN_25 = Decimal("0.07")  # 25% or more (C1/C2: the floor that counts)
WEIGHT_TKDN_ANY = Decimal("0.03")  # a valid certificate below 25%
WEIGHT_KATALOG_LOKAL = Decimal("0.07")

TKDN_25 = Decimal("0.25")
TKDN_40 = Decimal("0.40")

# The reasons, by code: the app words them for the user (matching/present.py).
WORDS = "words"
CODE = "code"
KABUPATEN = "kabupaten"
PROVINCE = "province"
UMK_IKM = "umk_ikm"
TKDN = "tkdn"
KATALOG_LOKAL = "katalog_lokal"


# What a SiRUP package named after its budget account buys, in the words products are sold
# under. The account names are those of the Permendagri 90/2019 chart of accounts as SiRUP
# packages carry them ("Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak"); the words are
# what e-Katalog lokal and Kemenperin list such goods as. Matched on the package name, case
# folded; every phrase given is searched (docs/matching.md).
ACCOUNT_WORDS: dict[str, tuple[str, ...]] = {
    "alat tulis kantor": ("alat tulis", "pulpen", "map", "stapler"),
    "kertas dan cover": ("kertas hvs", "kertas cover"),
    "bahan cetak": ("fotocopy", "cetak", "jilid"),
    "bahan komputer": ("tinta printer", "toner", "flashdisk"),
    "benda pos": ("materai", "amplop"),
    "modal mebel": ("meja kantor", "kursi kantor", "lemari"),
    "makanan dan minuman": ("nasi kotak", "snack", "makanan"),
    "makan minum": ("nasi kotak", "snack", "makanan"),
    "pakaian dinas": ("pakaian dinas", "seragam"),
    "pakaian kerja": ("pakaian kerja", "seragam"),
    "alat listrik": ("lampu", "kabel listrik", "stop kontak"),
    "alat/bahan untuk kegiatan kantor-alat listrik": ("lampu", "kabel listrik", "stop kontak"),
    "alat rumah tangga": ("peralatan rumah tangga", "kipas angin", "dispenser"),
    "alat pendingin": ("ac split", "kipas angin"),
    "personal computer": ("komputer", "laptop", "printer"),
    "peralatan personal computer": ("komputer", "laptop", "printer"),
    "bahan bangunan": ("semen", "besi beton", "genteng", "bahan bangunan"),
    "bahan kimia": ("hand sanitizer", "disinfektan", "bahan kimia"),
    "obat-obatan": ("obat",),
    "bahan bakar": ("bahan bakar", "pelumas"),
    "alat kebersihan": ("alat kebersihan", "sapu", "pembersih"),
    "pembersih": ("alat kebersihan", "sapu", "pembersih"),
}


def account_words(package_name: str) -> tuple[str, ...]:
    """The product words of the budget accounts a package name carries (longest first)."""
    folded = " ".join(package_name.casefold().split())
    words: dict[str, None] = {}
    for account in sorted(ACCOUNT_WORDS, key=len, reverse=True):
        if account in folded:
            for word in ACCOUNT_WORDS[account]:
                words.setdefault(word, None)
    return tuple(words)


@dataclass(frozen=True)
class Codes:
    """Classification codes as digits (any may be empty): KBKI (up to 10 digits), KBLI (5),
    HS (up to 10)."""

    kbki: str = ""
    kbli: str = ""
    hs: str = ""


@dataclass(frozen=True)
class Facts:
    """What the app knows of one product for one demand line.

    ``words``: the search service's relevance of the product to the words of the demand, as a
    fraction of the best relevance found for that line (0 when the search did not find it).
    ``tkdn``: the TKDN of the product's certificate that counts, only when that certificate
    is valid on the day of the matching (an expired one never counts, C13)."""

    words: float
    demand_codes: Codes
    product_codes: Codes
    producer_kbli: tuple[str, ...] = ()
    same_kabupaten: bool = False
    same_province: bool = False
    umk_ikm: bool = False
    tkdn: Decimal | None = None
    katalog_lokal: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    weight: Decimal
    detail: str = ""  # the code that agrees ("kbki:3212100000"), the TKDN value, …


@dataclass(frozen=True)
class Score:
    value: Decimal  # from 0 to 1, four places
    reasons: tuple[Reason, ...]

    @property
    def relevant(self) -> bool:
        return any(r.code in (WORDS, CODE) for r in self.reasons)


def _digits(code: str) -> str:
    return "".join(ch for ch in code or "" if ch.isdigit())


def code_agreement(demand: Codes, product: Codes, producer_kbli: tuple[str, ...] = ()
                   ) -> tuple[str, str] | None:
    """The strongest code the demand and the product share, as (kind, code): KBKI when one
    code begins with the other's first five digits or more, HS on its first four (the HS
    heading), KBLI on all five digits (the product's own, else one of the producer's).
    None when no code agrees or the demand names none."""
    kbki_d, kbki_p = _digits(demand.kbki), _digits(product.kbki)
    if len(kbki_d) >= 5 and len(kbki_p) >= 5:
        shared = min(len(kbki_d), len(kbki_p))
        if kbki_d[:shared] == kbki_p[:shared]:
            return "kbki", kbki_d
    hs_d, hs_p = _digits(demand.hs), _digits(product.hs)
    if len(hs_d) >= 4 and len(hs_p) >= 4 and hs_d[:4] == hs_p[:4]:
        return "hs", hs_d
    kbli_d = _digits(demand.kbli)
    if len(kbli_d) == 5:
        kblis = {_digits(product.kbli), *(_digits(k) for k in producer_kbli)}
        if kbli_d in kblis:
            return "kbli", kbli_d
    return None


def score(facts: Facts) -> Score:
    """The weighted reasons why the product answers the demand, and their sum."""
    reasons: list[Reason] = []
    words = min(max(facts.words, 0.0), 1.0)
    if words > 0:
        weight = (WEIGHT_WORDS * Decimal(str(round(words, 4)))).quantize(Decimal("0.0001"))
        reasons.append(Reason(WORDS, weight, f"{round(words * 100)}"))
    agreed = code_agreement(facts.demand_codes, facts.product_codes, facts.producer_kbli)
    if agreed is not None:
        reasons.append(Reason(CODE, WEIGHT_CODE[agreed[0]], f"{agreed[0]}:{agreed[1]}"))
    if not reasons:
        return Score(Decimal("0"), ())
    if facts.same_kabupaten:
        reasons.append(Reason(KABUPATEN, WEIGHT_KABUPATEN))
    elif facts.same_province:
        reasons.append(Reason(PROVINCE, WEIGHT_PROVINCE))
    if facts.umk_ikm:
        reasons.append(Reason(UMK_IKM, WEIGHT_UMK_IKM))
    if facts.tkdn is not None:
        if facts.tkdn >= TKDN_40:
            weight = WEIGHT_TKDN_40
        elif facts.tkdn >= TKDN_25:
            weight = WEIGHT_TKDN_25
        else:
            weight = WEIGHT_TKDN_ANY
        reasons.append(Reason(TKDN, weight, str(facts.tkdn)))
    if facts.katalog_lokal:
        reasons.append(Reason(KATALOG_LOKAL, WEIGHT_KATALOG_LOKAL))
    total = sum((r.weight for r in reasons), Decimal("0"))
    return Score(min(total, Decimal("1")).quantize(Decimal("0.0001")), tuple(reasons))


def precision_at(suggested: list[str], relevant: set[str], k: int = 5) -> Decimal:
    """The share of the first ``k`` suggestions that are relevant; fewer than ``k``
    suggestions count the missing places as wrong (a short list is not a precise one)."""
    if k <= 0:
        raise ValueError("k must be positive")
    hits = sum(1 for item in suggested[:k] if item in relevant)
    return (Decimal(hits) / Decimal(k)).quantize(Decimal("0.0001"))
