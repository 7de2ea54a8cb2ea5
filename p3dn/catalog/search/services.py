"""Every write of the search: rebuilding the index from the registry, and the admin's edits of
the synonym groups. Keyword-only, atomic, audited (p3dn.audit.services.log).

The index is derived data: ``refresh_index`` rebuilds it whole from the listed
``CatalogProduct`` rows (one item per producer + product + specification + brand (+ type),
with all its certificates), in one transaction, so a search never sees half an index. The top
calls it after each registry sync (core/worker.py, ``p3dn catalog sync``) and when the
registry changed since the last build (``index_is_stale``); ``p3dn catalog search --refresh``
runs it by hand.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.audit.services import log
from p3dn.catalog.models import CatalogProduct, CertificateSource, ProductSource, SyncState
from p3dn.lib.search import SynonymGroup as LibGroup
from p3dn.lib.search import analyze_item, problems
from p3dn.lib.search.ranking import AnalyzedItem

from . import backends
from .backends import FIELDS, STEMMED
from .engine import synonyms_from_rows
from .models import SearchItem, SearchState, SearchToken, SynonymGroup

BATCH = 2000
NAME_FIELDS = ("name", "brand", "type")


def _stamp() -> int:
    return 1 + secrets.randbelow(2**62)


def document(product: CatalogProduct) -> dict[str, str]:
    """The searchable text of a registry product, by field of p3dn.lib.search.DEFAULT_FIELDS."""
    return {
        "name": product.name,
        "brand": product.brand,
        "type": product.tipe,
        "spec": product.specification,
        "category": product.kelompok_barang,
        "producer": product.producer.name,
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


def _products() -> Iterator[CatalogProduct]:
    qs = (CatalogProduct.objects.filter(listed=True).select_related("producer")
          .order_by("id"))
    return qs.iterator(chunk_size=BATCH)


@dataclass(frozen=True)
class Refreshed:
    items: int
    tokens: int
    seconds: float


def _item_row(product: CatalogProduct, item: AnalyzedItem, sources: set[str]
              ) -> tuple[Any, ...]:
    """The values of a search_searchitem row, in the order of backends.ITEM_COLUMNS."""
    producer = product.producer
    return (
        product.pk, producer.pk, product.name,
        *(" ".join(item.tokens[f]) for f in FIELDS),
        " ".join(t for f in STEMMED for t in item.stems.get(f, ())),
        product.tkdn, product.tkdn_bmp, product.valid_until,
        bool(producer.umk or producer.ikm), producer.province_id or "",
        product.kbli, product.kbki, product.kode_hs, product.price_min, product.price_max,
        ",".join(s for s in SOURCE_ORDER if s in sources)
        or ("manual" if product.entered_by_id or product.owner_pemda_id else ""),
    )


@transaction.atomic
def refresh_index(*, actor: Any) -> Refreshed:
    """Rebuild the search index from the registry, in one transaction."""
    started = time.monotonic()
    engine = backends.backend()
    engine.clear()
    SearchItem.objects.all().delete()
    SearchToken.objects.all().delete()
    sources = _sources()
    frequency: Counter[str] = Counter()
    in_name: Counter[str] = Counter()
    lengths: Counter[str] = Counter()
    count = 0
    batch: list[tuple[CatalogProduct, AnalyzedItem]] = []

    def flush() -> None:
        engine.write([_item_row(p, i, sources.get(p.pk, set())) for p, i in batch],
                     [(p.pk, i) for p, i in batch])
        batch.clear()

    for product in _products():
        item = analyze_item(str(product.pk), document(product), tkdn=product.tkdn)
        seen: set[str] = set()
        for name in FIELDS:
            tokens = item.tokens[name]
            lengths[name] += len(tokens)
            seen.update(tokens)
        frequency.update(seen)
        in_name.update({t for f in NAME_FIELDS for t in item.tokens[f]})
        batch.append((product, item))
        count += 1
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    SearchToken.objects.bulk_create(
        (SearchToken(token=t[:255], items=n, items_in_name=in_name.get(t, 0))
         for t, n in frequency.items() if len(t) <= 255),
        batch_size=5000,
    )
    engine.finish()
    sync = SyncState.objects.filter(pk=SyncState.SINGLETON).first()
    current, _created = SearchState.objects.select_for_update().get_or_create(
        pk=SearchState.SINGLETON)
    current.items = count
    current.lengths = dict(lengths)
    current.index_version = _stamp()
    current.refreshed_at = timezone.now()
    current.data_as_of = sync.synced_at if sync else None
    current.seconds = round(time.monotonic() - started, 3)
    current.save()
    log(actor=actor, action="search.refresh", obj=current,
        changes={"items": [None, count], "tokens": [None, len(frequency)]})
    return Refreshed(count, len(frequency), current.seconds)


def index_is_stale() -> bool:
    """Whether the registry changed after the index was built (a sync, a hand entry)."""
    current = SearchState.objects.filter(pk=SearchState.SINGLETON).first()
    latest = CatalogProduct.objects.aggregate(latest=Max("updated_at"))["latest"]
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

