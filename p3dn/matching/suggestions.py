"""Forward matching: for a demand line, the registry producers (and their products) that could
supply it, scored with their reasons by p3dn.rules.matching; and, inverted, the open packages a
producer could supply (docs/matching.md, "Forward matching").

The words of the package (its name without the budget-code wording, its uraian and its
specification items) are looked up with the registry's own search service
(p3dn.catalog.search.queries.search): one search engine for the whole product. A need's
KBKI, KBLI and HS codes also fetch the products whose codes agree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from p3dn.accounts.models import Pemda
from p3dn.catalog.listings.queries import listed_producers, listed_product_ids
from p3dn.catalog.models import CatalogProduct, Producer, ProductPrice
from p3dn.catalog.search import queries as search
from p3dn.matching.queries import DemandLine
from p3dn.regions.models import Region
from p3dn.rules import matching as rules

PER_PHRASE = 30  # search results read per phrase
MAX_PHRASES = 6
# A search hit counts as the package's words only when it is strong enough: at least half the
# best relevance its phrase found, and a relevance of MIN_RELEVANCE or more (a phrase that
# only grazes a product through a stray or corrected word scores far below: docs/matching.md).
MIN_SHARE = 0.5
MIN_RELEVANCE = 6.0
PRODUCTS_PER_PRODUCER = 3
# Words of SiRUP package names that say how it is budgeted, not what it buys.
_BUDGET_WORDS = re.compile(
    r"\b(belanja|modal|pengadaan|paket|untuk|kegiatan|lainnya|alat/bahan|bahan-bahan|"
    r"dan|dengan|serta|pada|di|ke|tahun|anggaran|ta|dinas|badan|biro|kantor\s+[a-z]+\s+provinsi|"
    r"barang|persediaan|dijual|diserahkan|kepada|masyarakat|koefisien|harga|satuan)"
    r"\b",
    re.IGNORECASE,
)


# Words that say a colour, a size or a count, or only a kind of spending ("alat", "bahan",
# "pagu"): a phrase of nothing else ("664 (Black)", "Kapasitas 128 GB") names no product.
_NOISE = frozenset({
    "alat", "bahan", "peralatan", "perlengkapan", "pagu", "paket", "jasa", "pemeliharaan",
    "kebutuhan", "lainnya", "meeting",
    "black", "yellow", "magenta", "cyan", "colour", "color", "warna", "hitam", "putih", "merah",
    "biru", "hijau", "kuning", "ukuran", "kapasitas", "lembar", "pcs", "buah", "unit", "set",
    "ply", "gram", "gsm", "inch", "cm", "mm", "liter", "polos",
})


def _names_a_product(phrase: str) -> bool:
    return any(len(w) >= 4 and w.isalpha() and w.lower() not in _NOISE
               for w in phrase.split())


def _clean(phrase: str) -> str:
    text = _BUDGET_WORDS.sub(" ", phrase.replace("/", " / "))
    text = re.sub(r"[^\w\s%.,]", " ", text)
    return " ".join(w for w in text.split() if w not in {".", ","})


def phrases(line: DemandLine) -> list[str]:
    """What to search for a demand line: its uraian and specification items first (they say
    what is bought), then the name's last part ("…Kegiatan Kantor-Alat Tulis Kantor" →
    "Alat Tulis Kantor"), without the budget wording; each once, at most MAX_PHRASES."""
    name = line.name.rsplit("-", 1)[-1] if "-" in line.name else line.name
    found: dict[str, None] = {}
    accounts = rules.account_words(" ; ".join((line.name, *line.words)))
    for raw in (*line.words, name, *accounts):
        cleaned = _clean(raw)
        if _names_a_product(cleaned) and cleaned.lower() not in {p.lower() for p in found}:
            found[cleaned] = None
    # the account's words always count: the items of a package are often codes and sizes
    chosen = list(found)[:MAX_PHRASES]
    for word in accounts:
        if word not in chosen:
            chosen.append(word)
    return chosen


@dataclass(frozen=True)
class Place:
    """Where the Pemda is: its province code and, for a kabupaten or kota, its own code."""

    province: str
    kabupaten: str | None

    @classmethod
    def of(cls, pemda: Pemda) -> Place:
        region: Region = pemda.region
        if region.level == Region.Level.PROVINSI:
            return cls(region.code, None)
        return cls(region.parent_id or region.code.split(".")[0], region.code)


@dataclass
class Context:
    """What the matching of many lines of one Pemda shares: the day, the place, the katalog
    lokal, and the searches already run (the same words recur from package to package)."""

    pemda: Pemda
    day: dt.date
    place: Place
    listed_products: set[int]
    listed_producers: set[int]
    searches: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    @classmethod
    def for_pemda(cls, pemda: Pemda, day: dt.date | None = None) -> Context:
        return cls(pemda, day or dt.date.today(), Place.of(pemda), listed_product_ids(pemda),
                   set(listed_producers(pemda).values_list("pk", flat=True)))

    def search(self, phrase: str) -> list[tuple[int, float]]:
        if phrase not in self.searches:
            page = search.search(phrase, limit=PER_PHRASE)
            self.searches[phrase] = [(r.product.pk, r.score) for r in page.results]
        return self.searches[phrase]

    def search_or_shorter(self, phrase: str) -> list[tuple[int, float]]:
        """The phrase's hits; when it finds nothing, those of its first two words, its last
        two, then its first word: the head of an Indonesian noun phrase comes first ("Kursi
        Kerja Pejabat" → "Kursi Kerja"), of an English loan last ("Professional Sound
        System" → "Sound System")."""
        hits = self.search(phrase)
        words = phrase.split()
        for shorter in (words[:2], words[-2:], words[:1]):
            if hits or len(words) <= len(shorter):
                break
            text = " ".join(shorter)
            if _names_a_product(text):
                hits = self.search(text)
        return hits


@dataclass(frozen=True)
class ProductMatch:
    product: CatalogProduct
    score: rules.Score


@dataclass(frozen=True)
class Suggestion:
    """A producer that could supply the line: its best products, the best one's score."""

    producer: Producer
    products: tuple[ProductMatch, ...]

    @property
    def score(self) -> rules.Score:
        return self.products[0].score


def _code_candidates(codes: rules.Codes) -> list[int]:
    ids: set[int] = set()
    if len(codes.kbki) >= 5:
        ids |= set(CatalogProduct.objects.filter(listed=True, kbki__startswith=codes.kbki[:5])
                   .values_list("pk", flat=True)[:200])
    if len(codes.hs) >= 4:
        ids |= set(CatalogProduct.objects.filter(listed=True, kode_hs__startswith=codes.hs[:4])
                   .values_list("pk", flat=True)[:200])
    if len(codes.kbli) == 5:
        ids |= set(CatalogProduct.objects.filter(listed=True, kbli=codes.kbli)
                   .values_list("pk", flat=True)[:200])
        ids |= set(CatalogProduct.objects.filter(listed=True, producer__kbli__contains=codes.kbli)
                   .values_list("pk", flat=True)[:200])
    return sorted(ids)


def _offer_regions(product_ids: Iterable[int]) -> dict[int, set[str]]:
    """The regions each product is offered in (its e-Katalog prices per kabupaten/kota)."""
    regions: dict[int, set[str]] = {}
    for product_id, region_id in ProductPrice.objects.filter(
            product_id__in=list(product_ids), region__isnull=False).values_list(
                "product_id", "region_id"):
        regions.setdefault(product_id, set()).add(region_id)
    return regions


def _facts(line: DemandLine, product: CatalogProduct, words: float, ctx: Context,
           offered: set[str]) -> rules.Facts:
    """The producer's own region when known, else where the product is offered."""
    producer = product.producer
    valid = product.valid_until is not None and product.valid_until >= ctx.day
    places = {producer.region_id} if producer.region_id else offered
    provinces = {(code or "").split(".")[0] for code in places}
    if producer.province_id:
        provinces.add(producer.province_id)
    return rules.Facts(
        words=words,
        demand_codes=line.codes,
        product_codes=rules.Codes(kbki=product.kbki, kbli=product.kbli, hs=product.kode_hs),
        producer_kbli=tuple(producer.kbli_list),
        same_kabupaten=bool(ctx.place.kabupaten) and ctx.place.kabupaten in places,
        same_province=ctx.place.province in provinces,
        umk_ikm=bool(producer.umk or producer.ikm),
        tkdn=product.tkdn if valid else None,
        katalog_lokal=product.pk in ctx.listed_products or producer.pk in ctx.listed_producers,
    )


def suggest(line: DemandLine, ctx: Context, *, limit: int = 10) -> list[Suggestion]:
    """The producers that could supply ``line``, best first (score, then name)."""
    words: dict[int, float] = {}  # product → its best share of a phrase's top relevance
    for phrase in phrases(line):
        hits = ctx.search_or_shorter(phrase)
        best = max((value for _id, value in hits), default=0.0)
        for product_id, value in hits:
            if value >= MIN_RELEVANCE and value >= best * MIN_SHARE:
                words[product_id] = max(words.get(product_id, 0.0), value / best)
    candidates = set(words) | set(_code_candidates(line.codes))
    if not candidates:
        return []
    products = CatalogProduct.objects.filter(pk__in=candidates, listed=True).select_related(
        "producer")
    offered = _offer_regions(candidates)
    by_producer: dict[int, list[ProductMatch]] = {}
    for product in products:
        scored = rules.score(_facts(line, product, words.get(product.pk, 0.0), ctx,
                                    offered.get(product.pk, set())))
        if scored.relevant:
            by_producer.setdefault(product.producer_id, []).append(ProductMatch(product, scored))
    suggestions = []
    for matches in by_producer.values():
        matches.sort(key=lambda m: (-m.score.value, m.product.name, m.product.pk))
        suggestions.append(Suggestion(matches[0].product.producer,
                                      tuple(matches[:PRODUCTS_PER_PRODUCER])))
    suggestions.sort(key=lambda s: (-s.score.value, s.producer.name, s.producer.pk))
    return suggestions[:limit]


def with_domestic_alternative(lines: Iterable[DemandLine], ctx: Context, wanted: bool
                              ) -> list[DemandLine]:
    """The lines that have (``wanted``) or lack a suggested producer."""
    return [line for line in lines if bool(suggest(line, ctx, limit=1)) == wanted]


@dataclass(frozen=True)
class Supply:
    """A demand line a producer could supply, with the producer's score on it."""

    line: DemandLine
    match: Suggestion
    rank: int  # the producer's place among the line's suggestions (1 = first)


def packages_for(producer: Producer, lines: Iterable[DemandLine], ctx: Context, *,
                 within: int = 10) -> list[Supply]:
    """The lines where ``producer`` is among the first ``within`` suggestions, best first."""
    out = []
    for line in lines:
        for rank, suggestion in enumerate(suggest(line, ctx, limit=within), start=1):
            if suggestion.producer.pk == producer.pk:
                out.append(Supply(line, suggestion, rank))
                break
    out.sort(key=lambda s: (s.rank, -s.match.score.value, -s.line.pagu))
    return out
