"""The finder: the domestic alternatives of a text, found by the registry search
(p3dn.catalog.search.queries.search: the one search, never a second one), each with its TKDN,
BMP, TKDN + BMP, price and price region, producer and region, certificate validity, the
purchase tier that applies to the set found (C2, p3dn.rules.obligation.purchase_tier) and the
price difference where both prices are known.

A RUP package or a realization row is found by its name, read the way budget names are
written (``search_texts``): the budget words (belanja, modal, pengadaan...) and what stands in
brackets or after " di " (activity names, codes, places) are left out, a list ("A, B dan C")
is searched item by item, and of an account path ("Alat Angkutan-...-Kendaraan Bermotor") the
last, most specific step is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p3dn.accounts.models import Pemda
from p3dn.catalog.models import CatalogProduct, Origin, ProductPrice
from p3dn.catalog.search import queries as search
from p3dn.catalog.validity import validity
from p3dn.regions.models import Region
from p3dn.rules.obligation import Candidate, Tier, TierResult, purchase_tier
from p3dn.rules.params import DEFAULT_PARAMS

# How many search results of each text are read (the best by relevance, then TKDN), and how
# many alternatives a row keeps (best first).
PER_TEXT = 50
BEST = 5
MAX_TEXTS = 6
BUDGET_WORDS = frozenset({
    "belanja", "modal", "pengadaan", "pembelian", "penyediaan", "barang", "pekerjaan",
    "paket", "kegiatan", "lanjutan",
})
ONE = Decimal(1)
ZERO = Decimal(0)


def _clean_part(part: str) -> str:
    steps = [s for s in re.split(r"(?<=\w)-(?=[A-Z])", part) if s.strip()]
    if len(steps) >= 2 and " " in steps[-1].strip():  # an account path: the last step
        part = steps[-1]
    words = [w for w in part.split() if w.casefold().strip(".-/:") not in BUDGET_WORDS]
    return " ".join(words).strip(" -./:&")


def search_texts(name: str) -> list[str]:
    """The texts a row's name is searched by (at most MAX_TEXTS, in order, without repeats)."""
    text = re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", name or "")
    text = re.split(r"\s+di\s+", text, maxsplit=1, flags=re.IGNORECASE)[0]
    parts = [p for p in re.split(r"[,;]", text)]
    if len(parts) > 1:  # "A, B dan C": C too is an item of the list
        parts = [*parts[:-1], *re.split(r"\s+dan\s+", parts[-1], flags=re.IGNORECASE)]
    out: list[str] = []
    for part in parts:
        cleaned = _clean_part(part)
        if any(c.isalpha() for c in cleaned) and cleaned.casefold() not in {
                o.casefold() for o in out}:
            out.append(cleaned)
    return out[:MAX_TEXTS]


def is_domestic(product: CatalogProduct) -> bool:
    """A registry item that is a domestic product: marked PDN, or carrying a TKDN value.
    An item marked imported, or of unknown origin without a certificate, is no alternative."""
    if product.origin == Origin.IMPOR:
        return False
    return product.origin == Origin.PDN or product.tkdn is not None


@dataclass(frozen=True)
class Price:
    amount: Decimal
    region: str  # the region the price is for ("" when not known)
    local: bool  # for the Pemda's own region (or its province)


def _prices(products: Iterable[CatalogProduct], pemda: Pemda | None) -> dict[int, Price]:
    """Per product, its price for the Pemda's region, else its province, else its lowest
    price (with that price's region)."""
    ids = [p.pk for p in products]
    rows = (ProductPrice.objects.filter(product_id__in=ids).select_related("region")
            .order_by("product_id", "harga", "id"))
    own = pemda.region_id if pemda else None
    province = own.split(".")[0] if own else None
    found: dict[int, Price] = {}
    rank: dict[int, int] = {}
    for row in rows:
        code = row.region_id or ""
        level = 0 if own and code == own else 1 if province and code.split(".")[0] == province \
            and code else 2
        if row.product_id in found and rank[row.product_id] <= level:
            continue
        name = row.region.name if row.region else ""
        found[row.product_id] = Price(row.harga, name, level < 2)
        rank[row.product_id] = level
    return found


@dataclass(frozen=True)
class Alternative:
    product: CatalogProduct
    price: Price | None
    price_difference: Decimal | None  # alternative's price - the price paid
    validity_label: str
    valid: bool
    searched: str


@dataclass
class Found:
    texts: list[str]
    alternatives: list[Alternative]  # every domestic product found, best first
    tier: TierResult | None
    as_of: dt.date
    truncated: bool = False  # a text matched more than PER_TEXT items
    notes: list[str] = field(default_factory=list)

    @property
    def best(self) -> list[Alternative]:
        return self.alternatives[:BEST]


def _candidate(alt: Alternative) -> Candidate:
    """The product as C2 reads it: its TKDN counts only with a certificate valid on the
    day (C12); a BMP outside 0..15% is not counted."""
    product = alt.product
    tkdn = product.tkdn if alt.valid and product.tkdn is not None \
        and ZERO <= product.tkdn <= ONE else None
    bmp = product.bmp if product.bmp is not None and ZERO <= product.bmp <= \
        DEFAULT_PARAMS.bmp_max else ZERO
    return Candidate(name=f"{product.name} ({product.producer.name})",
                     tkdn=tkdn, bmp=bmp, certified=tkdn is not None, in_siinas=False)


def tier_for(alternatives: Sequence[Alternative], as_of: dt.date) -> TierResult | None:
    if not alternatives:
        return None
    return purchase_tier([_candidate(a) for a in alternatives], as_of=as_of)


def find(texts: Sequence[str], *, pemda: Pemda | None = None,
         unit_price: Decimal | None = None, as_of: dt.date,
         cache: dict[str, list[CatalogProduct]] | None = None) -> Found:
    """The domestic alternatives of ``texts`` (each searched on its own; results taken in
    turn, best of each first), with their prices for ``pemda``'s region and the difference
    with ``unit_price``. ``cache``: results of texts already searched (a scan)."""
    per_text: list[tuple[str, list[CatalogProduct]]] = []
    truncated = False
    for text in texts:
        key = text.casefold()
        if cache is not None and key in cache:
            products = cache[key]
        else:
            page = search.search(text, limit=PER_TEXT)
            truncated = truncated or page.total > len(page.results)
            products = [r.product for r in page.results if is_domestic(r.product)]
            if cache is not None:
                cache[key] = products
        per_text.append((text, products))
    order: list[tuple[str, CatalogProduct]] = []
    seen: set[int] = set()
    for rank in range(max((len(p) for _t, p in per_text), default=0)):
        for text, products in per_text:
            if rank < len(products) and products[rank].pk not in seen:
                seen.add(products[rank].pk)
                order.append((text, products[rank]))
    prices = _prices([p for _t, p in order], pemda)
    alternatives = []
    for text, product in order:
        status = validity(as_of=as_of, issue=None, expiry=product.valid_until)
        price = prices.get(product.pk)
        difference = (price.amount - unit_price
                      if price is not None and unit_price is not None else None)
        label = status.label if product.tkdn is not None else _("No TKDN certificate")
        alternatives.append(Alternative(product, price, difference, str(label),
                                        status.valid, text))
    return Found(list(texts), alternatives, tier_for(alternatives, as_of), as_of, truncated)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def record(alt: Alternative) -> dict[str, Any]:
    """An alternative as stored in a scan row and written by the API and the command:
    percentages as decimal fractions, money as decimal strings."""
    product = alt.product
    producer = product.producer
    region: Region | None = producer.region
    return {
        "product_id": product.pk,
        "produk": product.name,
        "merk": product.brand,
        "spesifikasi": product.specification[:300],
        "perusahaan": producer.name,
        "producer_id": producer.pk,
        "wilayah": region.name if region else producer.province_name,
        "provinsi": producer.province.name if producer.province else "",
        "umk": producer.umk,
        "tkdn": _text(product.tkdn),
        "bmp": _text(product.bmp),
        "tkdn_bmp": _text(product.tkdn_bmp),
        "berlaku_sampai": product.valid_until.isoformat() if product.valid_until else None,
        "sertifikat_berlaku": alt.valid,
        "status_sertifikat": alt.validity_label,
        "harga": _text(alt.price.amount) if alt.price else None,
        "wilayah_harga": alt.price.region if alt.price else "",
        "selisih_harga": _text(alt.price_difference),
        "dicari": alt.searched,
        "url": product.get_absolute_url(),
        "producer_url": producer.get_absolute_url(),
    }


TIER_LABELS = {
    Tier.A: gettext_lazy(
        "Tier a: a product with TKDN + BMP of 40% or more exists: buy a domestic product with "
        "TKDN of 25% or more"),
    Tier.B: gettext_lazy("Tier b: buy a domestic product with TKDN of 25% or more"),
    Tier.C: gettext_lazy(
        "Tier c: no product with TKDN of 25% or more: buy a certified domestic product with "
        "TKDN below 25%"),
    Tier.D: gettext_lazy("Tier d: buy a domestic product registered in SIINas"),
    Tier.IMPOR: gettext_lazy(
        "No valid TKDN certificate among the products found: the law allows an import only "
        "when no domestic product is registered in SIINas, which the registry does not record"),
    Tier.WAJIB: gettext_lazy("Domestic product required (TKDN + BMP of 40% or more exists)"),
    Tier.TIDAK_WAJIB: gettext_lazy("Domestic product not required by Pasal 66(2)"),
}


def tier_label(tier: str) -> str:
    try:
        return str(TIER_LABELS[Tier(tier)])
    except ValueError:
        return ""
