"""Reads of the search for the page, the API, the command and the export: one function,
``search``, with the filters of issue 12 point 3, and the facts of the index (as-of dates).

Results are ranked by relevance, then TKDN (p3dn.lib.search.ranking.order_key); ``total``
counts the items that match the query and the filters, exactly but for a broad query (more
matches than the engine's threshold, 20.000 on SQLite, 5.000 on PostgreSQL, and as many in
name, brand or type): its count stops there, ``total_exact`` is False and ``total`` is the
threshold, "more than". The first ``backends.CANDIDATES`` by the engine's rank are the ones
ordered and shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from p3dn.catalog.models import CatalogProduct

from . import engine
from .backends import CANDIDATES, TKDN_BMP_THRESHOLD, Where, filter_facets, ids_condition
from .models import SearchState

SOURCE_LABELS = {"kemenperin": "Kemenperin", "ekatalog": "e-Katalog", "manual": "Manual"}


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to. Percentages are fractions, money Decimal."""

    min_tkdn: Decimal | None = None
    tkdn_bmp_40: bool = False
    valid_on: dt.date | None = None  # the certificate that counts is valid (C12) on this day
    umk_ikm: bool = False
    province: str = ""  # a province code (Kemendagri)
    kbli: str = ""  # code prefixes
    kbki: str = ""
    hs: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None

    def where(self, only_product_ids: Collection[int] | None) -> Where:
        sql: list[str] = []
        params: list[Any] = []
        if self.min_tkdn is not None:
            sql.append(" AND s.tkdn >= %s")
            params.append(self.min_tkdn)
        if self.tkdn_bmp_40:
            sql.append(" AND s.tkdn_bmp >= %s")
            params.append(TKDN_BMP_THRESHOLD)
        if self.valid_on is not None:
            # C12 on the product's certificate that counts: berlaku or segera berakhir
            sql.append(" AND s.valid_until >= %s")
            params.append(self.valid_on)
        if self.umk_ikm:
            sql.append(" AND s.umk_ikm")
        if self.province:
            sql.append(" AND s.province = %s")
            params.append(self.province)
        for column, prefix in (("kbli", self.kbli), ("kbki", self.kbki), ("hs", self.hs)):
            if prefix:
                sql.append(f" AND s.{column} LIKE %s")
                params.append(prefix + "%")
        if self.price_min is not None:  # some price of the item in the range
            sql.append(" AND s.price_max >= %s")
            params.append(self.price_min)
        if self.price_max is not None:
            sql.append(" AND s.price_min <= %s")
            params.append(self.price_max)
        # see backends.Where.text_sql: the same conditions as one that no B-tree serves
        text_sql = (" AND (" + " AND ".join(c.removeprefix(" AND ") for c in sql) + ") IS TRUE"
                    if sql else "")
        if only_product_ids is not None:
            if not only_product_ids:
                return Where(nothing=True)
            condition, value = ids_condition(sorted(only_product_ids))
            sql.append(condition)
            text_sql += condition  # a katalog lokal's ids: the primary key helps
            params.append(value)
        return Where("".join(sql), tuple(params), text_sql=text_sql,
                     facets=filter_facets(min_tkdn=self.min_tkdn, tkdn_bmp_40=self.tkdn_bmp_40,
                                          umk_ikm=self.umk_ikm, province=self.province))

    def described(self) -> list[tuple[str, str]]:
        """The filters in use as (name, value) for the export's header sheet."""
        out = []
        for name, value in (
            ("min_tkdn", self.min_tkdn), ("tkdn_bmp_40", self.tkdn_bmp_40),
            ("valid_on", self.valid_on), ("umk_ikm", self.umk_ikm),
            ("province", self.province), ("kbli", self.kbli), ("kbki", self.kbki),
            ("hs", self.hs), ("price_min", self.price_min), ("price_max", self.price_max),
        ):
            if value not in (None, "", False):
                out.append((name, str(value)))
        return out


@dataclass(frozen=True)
class Result:
    """One result: the registry product (its producer loaded) and its score."""

    product: CatalogProduct
    score: float
    sources: list[str]

    @property
    def sumber(self) -> str:
        return ", ".join(SOURCE_LABELS.get(s, s) for s in self.sources)


@dataclass(frozen=True)
class Page:
    query: str
    total: int
    results: list[Result]
    ranked: int  # how many of the total were ordered (at most CANDIDATES)
    broad: bool
    filters: Filters = field(default_factory=Filters)
    total_exact: bool = True  # False: more than ``total`` match (a lower bound)


def search(text: str, *, filters: Filters | None = None,
           only_product_ids: Collection[int] | None = None,
           limit: int = 20, offset: int = 0) -> Page:
    """The registry products that match ``text`` and the filters, best first.
    ``only_product_ids``: keep only these CatalogProduct ids (a Pemda's katalog lokal)."""
    filters = filters or Filters()
    outcome = engine.run(text, filters.where(only_product_ids))
    chosen = outcome.ranked[offset: offset + limit]
    products = {
        p.pk: p for p in CatalogProduct.objects.filter(pk__in=[r.product_id for r in chosen])
        .select_related("producer", "producer__province")
    }
    results = [
        Result(products[r.product_id], r.score, [s for s in r.sources.split(",") if s])
        for r in chosen if r.product_id in products
    ]
    return Page(text, outcome.total, results, len(outcome.ranked), outcome.broad, filters,
                outcome.total_exact)


def _decimal(value: Decimal | None, places: str) -> str | None:
    return None if value is None else str(value.quantize(Decimal(places)))


def record(result: Result) -> dict[str, Any]:
    """A result as the command's JSON and the API write it: ``nilai_tkdn`` in percent as
    Kemenperin writes it ("56.79"), money and percentages as decimal strings."""
    product = result.product
    return {
        "produk": product.name,
        "perusahaan": product.producer.name,
        "spesifikasi": product.specification,
        "merk": product.brand,
        "nilai_tkdn": _decimal(product.tkdn * 100 if product.tkdn is not None else None,
                               "0.01"),
        "berlaku_sampai": product.valid_until.isoformat() if product.valid_until else None,
        "sumber": result.sumber,
    }


def index_state() -> SearchState:
    """What the index holds: items, when it was built, the registry sync it reflects."""
    return engine.state()


MAX_RESULTS = CANDIDATES
