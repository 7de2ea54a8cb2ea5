"""Every write of the search: rebuilding the index from the registry, and the admin's edits of
the synonym groups. Keyword-only, atomic, audited (p3dn.audit.services.log).

The index is derived data, built from the listed ``CatalogProduct`` rows (one item per
producer + product + specification + brand (+ type), with all its certificates).
``refresh_index`` brings it up to the registry in one transaction, so a search never sees half
an index: each index row keeps a fingerprint of the values it was built from, and only the
products whose fingerprint changed (or that are new, or no longer listed) are analysed again,
the token statistics adjusted by the difference — the index a full rebuild would give
(tests/test_search_refresh.py). ``full=True`` rebuilds it whole; so does the first build, a
refresh that finds index rows gone by other means (a deleted product's row goes with it, its
share of the statistics cannot be taken back), and one that finds more than half the products
changed (a rebuild is then cheaper). The top
calls it after each registry sync (core/worker.py, ``p3dn catalog sync``) and when the
registry changed since the last build (``index_is_stale``); ``p3dn catalog search --refresh``
runs it by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.audit.services import log
from p3dn.catalog.models import (
    CatalogProduct,
    CertificateSource,
    Producer,
    ProductSource,
    SyncState,
)
from p3dn.lib.search import SynonymGroup as LibGroup
from p3dn.lib.search import analyze_item, problems
from p3dn.lib.search.ranking import AnalyzedItem

from . import backends
from .backends import FIELDS, STEMMED
from .engine import synonyms_from_rows
from .models import SearchItem, SearchState, SearchToken, SynonymGroup

BATCH = 2000
NAME_FIELDS = ("name", "brand", "type")
# Part of every fingerprint: change it when p3dn.lib.search's analysis or the shape of an index
# row changes, and the next refresh re-analyses every product.
ANALYSIS = "1"
# What a row of the index is built from, read without model instances (a million of them
# cost more than their analysis).
PRODUCT_VALUES = ("id", "name", "brand", "tipe", "specification", "kelompok_barang",
                  "producer__name", "kbli", "kbki", "kode_hs", "producer_id", "tkdn",
                  "tkdn_bmp", "valid_until", "producer__umk", "producer__ikm",
                  "producer__province", "price_min", "price_max", "entered_by_id",
                  "owner_pemda_id")
# The analysed text of a SearchItem, in the order of backends.FIELDS, then the stems.
ITEM_TEXT = ("name", "brand", "tipe", "spec", "category", "producer_text", "codes", "stems")


class Listed(NamedTuple):
    """A listed registry product as the index reads it (PRODUCT_VALUES)."""

    pk: int
    name: str
    brand: str
    tipe: str
    specification: str
    kelompok_barang: str
    producer_name: str
    kbli: str
    kbki: str
    kode_hs: str
    producer_id: int
    tkdn: Decimal | None
    tkdn_bmp: Decimal | None
    valid_until: dt.date | None
    umk: bool | None
    ikm: bool | None
    province_id: str | None
    price_min: Decimal | None
    price_max: Decimal | None
    entered_by_id: int | None
    owner_pemda_id: int | None


def _stamp() -> int:
    return 1 + secrets.randbelow(2**62)


def document(product: Listed) -> dict[str, str]:
    """The searchable text of a registry product, by field of p3dn.lib.search.DEFAULT_FIELDS."""
    return {
        "name": product.name,
        "brand": product.brand,
        "type": product.tipe,
        "spec": product.specification,
        "category": product.kelompok_barang,
        "producer": product.producer_name,
        "codes": " ".join(c for c in (product.kbli, product.kbki, product.kode_hs) if c),
    }


def _sources() -> dict[int, set[str]]:
    """Where each product came from: a Kemenperin list (a certificate's export or scrape
    row), an e-Katalog listing, or a hand entry."""
    found: dict[int, set[str]] = {}
    kinds: dict[str, str] = {CertificateSource.Kind.EXPORT: "kemenperin",
                             CertificateSource.Kind.SCRAPE: "kemenperin",
                             CertificateSource.Kind.MANUAL: "manual"}
    for product_id, kind in CertificateSource.objects.values_list(
            "certificate__product_id", "kind").distinct():
        found.setdefault(product_id, set()).add(kinds.get(kind, kind))
    for product_id in ProductSource.objects.values_list("product_id", flat=True).distinct():
        found.setdefault(product_id, set()).add("ekatalog")
    return found


SOURCE_ORDER = ("kemenperin", "ekatalog", "manual")


def _source_label(product: Listed, sources: set[str]) -> str:
    return ",".join(s for s in SOURCE_ORDER if s in sources) or (
        "manual" if product.entered_by_id or product.owner_pemda_id else "")


def fingerprint(product: Listed, sources: str) -> int:
    """A 64-bit hash of everything the product's index row is built from (its values, its
    sources, the analysis version): equal hashes, equal rows."""
    digest = hashlib.blake2b(repr((ANALYSIS, product[1:], sources)).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _listed() -> Iterator[Listed]:
    qs = (CatalogProduct.objects.filter(listed=True).order_by("id")
          .values_list(*PRODUCT_VALUES))
    return (Listed._make(row) for row in qs.iterator(chunk_size=BATCH))


@dataclass(frozen=True)
class Refreshed:
    items: int
    tokens: int
    seconds: float
    full: bool = True
    analysed: int = 0  # products (re-)analysed: all of them in a full rebuild
    removed: int = 0  # products taken out of the index (no longer listed, deleted)


def _item_row(product: Listed, item: AnalyzedItem, sources: str, fingerprint: int
              ) -> tuple[Any, ...]:
    """The values of a search_searchitem row, in the order of backends.ITEM_COLUMNS."""
    return (
        product.pk, product.producer_id, product.name,
        *(" ".join(item.tokens[f]) for f in FIELDS),
        " ".join(t for f in STEMMED for t in item.stems.get(f, ())),
        product.tkdn, product.tkdn_bmp, product.valid_until,
        bool(product.umk or product.ikm), product.province_id or "",
        product.kbli, product.kbki, product.kode_hs, product.price_min, product.price_max,
        sources, fingerprint,
    )


@dataclass
class _Tally:
    """What a set of items adds to (or, counted negatively, takes from) the token statistics:
    items per token (any field, and name/brand/type) and tokens per field."""

    frequency: Counter[str] = field(default_factory=Counter)
    in_name: Counter[str] = field(default_factory=Counter)
    lengths: Counter[str] = field(default_factory=Counter)

    def add(self, tokens: Mapping[str, Sequence[str]], sign: int = 1) -> None:
        seen: set[str] = set()
        for name in FIELDS:
            self.lengths[name] += sign * len(tokens[name])
            seen.update(tokens[name])
        for token in seen:
            self.frequency[token] += sign
        for token in {t for f in NAME_FIELDS for t in tokens[f]}:
            self.in_name[token] += sign


def _analyse(engine: backends.Sqlite | backends.Postgres,
             products: Iterable[tuple[Listed, str, int]], tally: _Tally) -> int:
    """Analyse and write these products' index rows; count their tokens into ``tally``."""
    count = 0
    batch: list[tuple[Listed, AnalyzedItem, str, int]] = []

    def flush() -> None:
        engine.write([_item_row(p, i, s, f) for p, i, s, f in batch],
                     [(p.pk, i) for p, i, _s, _f in batch])
        batch.clear()

    for product, sources, hashed in products:
        item = analyze_item(str(product.pk), document(product), tkdn=product.tkdn)
        tally.add(item.tokens)
        batch.append((product, item, sources, hashed))
        count += 1
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return count


def _described(products: Iterable[Listed]) -> Iterator[tuple[Listed, str, int]]:
    sources = _sources()
    for product in products:
        label = _source_label(product, sources.get(product.pk, set()))
        yield product, label, fingerprint(product, label)


def _rebuild(engine: backends.Sqlite | backends.Postgres) -> tuple[int, int, dict[str, int]]:
    """The whole index anew: items, tokens, field lengths."""
    engine.clear()
    SearchItem.objects.all().delete()
    SearchToken.objects.all().delete()
    tally = _Tally()
    count = _analyse(engine, _described(_listed()), tally)
    SearchToken.objects.bulk_create(
        (SearchToken(token=t, items=n, items_in_name=tally.in_name.get(t, 0))
         for t, n in tally.frequency.items() if len(t) <= 255),
        batch_size=5000,
    )
    engine.finish()
    return count, len(tally.frequency), dict(tally.lengths)


_NEW = object()


def _update(engine: backends.Sqlite | backends.Postgres, current: SearchState
            ) -> tuple[int, int, dict[str, int], int, int] | None:
    """Re-analyse only the products whose fingerprint changed, add the new ones, take out
    those no longer listed, and adjust the token statistics by the difference: the index a
    rebuild would give. Items, tokens, field lengths, products analysed, removed; None (and
    nothing written) when more products changed than half the index: a rebuild is cheaper
    (the first refresh after a change of ``ANALYSIS``, a first sync into a small index)."""
    stored: dict[int, object] = dict(
        SearchItem.objects.values_list("product_id", "fingerprint"))
    fresh: list[tuple[Listed, str, int]] = []
    stale: list[int] = []
    for product, label, hashed in _described(_listed()):
        before = stored.pop(product.pk, _NEW)
        if before != hashed:  # new, changed, or indexed before fingerprints (None)
            fresh.append((product, label, hashed))
            if len(fresh) > current.items // 2:
                return None
            if before is not _NEW:
                stale.append(product.pk)
    removed = list(stored)  # indexed, no longer listed
    stale.extend(removed)
    tally = _Tally()
    for start in range(0, len(stale), 500):
        chunk = stale[start:start + 500]
        rows = list(SearchItem.objects.filter(pk__in=chunk).values_list("pk", *ITEM_TEXT))
        for row in rows:
            tally.add({f: text.split() for f, text in zip(FIELDS, row[1:8], strict=True)}, -1)
        engine.remove(rows)
        SearchItem.objects.filter(pk__in=chunk).delete()
    analysed = _analyse(engine, fresh, tally)
    _adjust_tokens(tally)
    items = current.items - len(stale) + analysed
    lengths = Counter(current.lengths or {})
    lengths.update(tally.lengths)
    return (items, SearchToken.objects.count(),
            {f: lengths[f] for f in FIELDS} if items else {}, analysed, len(removed))


def _adjust_tokens(tally: _Tally) -> None:
    """Apply a tally's differences to search_searchtoken: a count that falls to nought takes
    the row out, as a rebuild would not write it."""
    touched = sorted(t for t in {*tally.frequency, *tally.in_name} if len(t) <= 255
                     and (tally.frequency[t] or tally.in_name[t]))
    for start in range(0, len(touched), 500):
        chunk = touched[start:start + 500]
        counts = {t: (n, m) for t, n, m in SearchToken.objects.filter(token__in=chunk)
                  .values_list("token", "items", "items_in_name")}
        gone, changed, created = [], [], []
        for token in chunk:
            items, in_name = counts.get(token, (0, 0))
            items += tally.frequency[token]
            in_name += tally.in_name[token]
            if items <= 0:
                gone.append(token)
            elif token in counts:
                changed.append((items, in_name, token))
            else:
                created.append(SearchToken(token=token, items=items, items_in_name=in_name))
        if gone:
            SearchToken.objects.filter(token__in=gone).delete()
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany("UPDATE search_searchtoken SET items = %s, items_in_name = %s "
                                   "WHERE token = %s", changed)
        SearchToken.objects.bulk_create(created)


def refresh_index(*, actor: Any, full: bool = False) -> Refreshed:
    """Bring the search index up to the registry, in one transaction: re-analyse only the
    products changed since the last refresh (new, changed, no longer listed), or rebuild it
    whole (``full``, the first build, rows gone by other means than a refresh, or more than
    half the products changed). Then, when it rewrote a tenth of the index or more and runs
    in no outer transaction, the database reclaims the rows it replaced (PostgreSQL: at
    1.000.000 items a rebuild left the table at 2,2 GB and the GIN index at 501 MB instead
    of 1,1 GB and 270 MB, and doubled every search's time)."""
    refreshed = _refresh_index(actor=actor, full=full)
    if (refreshed.full or (refreshed.analysed + refreshed.removed) * 10 >= refreshed.items) \
            and not connection.in_atomic_block:
        backends.backend().reclaim(rebuilt=refreshed.full)
    return refreshed


@transaction.atomic
def _refresh_index(*, actor: Any, full: bool) -> Refreshed:
    started = time.monotonic()
    engine = backends.backend()
    current, _created = SearchState.objects.select_for_update().get_or_create(
        pk=SearchState.SINGLETON)
    before = current.items
    full = full or current.refreshed_at is None or not current.items \
        or SearchItem.objects.count() != current.items
    updated = None if full else _update(engine, current)
    if updated is None:
        full = True
        count, tokens, lengths = _rebuild(engine)
        analysed, removed = count, 0
    else:
        count, tokens, lengths, analysed, removed = updated
    sync = SyncState.objects.filter(pk=SyncState.SINGLETON).first()
    current.items = count
    current.lengths = lengths
    current.index_version = _stamp()
    current.refreshed_at = timezone.now()
    current.data_as_of = sync.synced_at if sync else None
    current.seconds = round(time.monotonic() - started, 3)
    current.save()
    log(actor=actor, action="search.refresh", obj=current,
        changes={"items": [before, count], "tokens": [None, tokens], "full": [None, full],
                 "analysed": [None, analysed], "removed": [None, removed]})
    return Refreshed(count, tokens, current.seconds, full, analysed, removed)


def index_is_stale() -> bool:
    """Whether the registry changed after the index was built (a sync, a hand entry, a
    producer's name or province)."""
    current = SearchState.objects.filter(pk=SearchState.SINGLETON).first()
    changes = [CatalogProduct.objects.aggregate(latest=Max("updated_at"))["latest"],
               Producer.objects.aggregate(latest=Max("updated_at"))["latest"]]
    latest = max((c for c in changes if c is not None), default=None)
    if current is None or current.refreshed_at is None:
        return latest is not None
    return latest is not None and latest > current.refreshed_at


# ------------------------------------------------------------------ synonyms


def _bump_synonyms() -> None:
    current, _created = SearchState.objects.select_for_update().get_or_create(
        pk=SearchState.SINGLETON)
    current.synonyms_version = _stamp()
    current.save(update_fields=["synonyms_version"])


def _clean_terms(text: str) -> str:
    return "|".join(t.strip() for t in text.split("|") if t.strip())


def _check(group: SynonymGroup) -> None:
    """The active groups with this one as edited must break no rule of the synonym data."""
    if not group.active:
        return  # a disabled group takes part in nothing
    others = SynonymGroup.objects.filter(active=True).exclude(pk=group.pk).order_by("id")
    own = LibGroup(group.domain, tuple(group.term_list), frozenset(group.ambiguous_list), -1)
    rows = synonyms_from_rows(list(others))
    before = set(problems(rows))
    found = [p.split(": ", 1)[1] for p in problems([*rows, own]) if p not in before]
    if found:
        raise ValidationError({"terms": list(dict.fromkeys(_problem(p) for p in found))})


def _problem(text: str) -> str:
    """A rule of p3dn.lib.search.synonyms.problems, in the user's language."""
    if "two terms or more" in text:
        return _("A group needs two terms or more.")
    if "an empty term" in text:
        return _("A term is empty.")
    if "twice" in text:
        return _("A term stands twice in the group.")
    if "not a term here" in text:
        return _("A term marked ambiguous is not one of the group's terms.")
    if "not marked ambiguous" in text:
        term = text.split("'")[1]
        return _("“%(term)s” is already in another active group: mark it ambiguous in both "
                 "groups, or remove it.") % {"term": term}
    if "no domain" in text:
        return _("Give the group a domain.")
    return text


@transaction.atomic
def create_synonym_group(*, actor: Any, domain: str, terms: str, ambiguous: str = ""
                         ) -> SynonymGroup:
    group = SynonymGroup(domain=domain.strip(), terms=_clean_terms(terms),
                         ambiguous=_clean_terms(ambiguous), updated_by=_user(actor))
    _check(group)
    group.save()
    _bump_synonyms()
    log(actor=actor, action="search.synonym_create", obj=group,
        changes={"terms": [None, group.terms], "ambiguous": [None, group.ambiguous],
                 "domain": [None, group.domain]})
    return group


@transaction.atomic
def update_synonym_group(*, actor: Any, group: SynonymGroup, domain: str, terms: str,
                         ambiguous: str = "", active: bool = True) -> SynonymGroup:
    group = SynonymGroup.objects.select_for_update().get(pk=group.pk)
    before = {"domain": group.domain, "terms": group.terms, "ambiguous": group.ambiguous,
              "active": group.active}
    group.domain = domain.strip()
    group.terms = _clean_terms(terms)
    group.ambiguous = _clean_terms(ambiguous)
    group.active = active
    group.updated_by = _user(actor)
    _check(group)
    group.save()
    after = {"domain": group.domain, "terms": group.terms, "ambiguous": group.ambiguous,
             "active": group.active}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        _bump_synonyms()
        log(actor=actor, action="search.synonym_update", obj=group, changes=changes)
    return group


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None

