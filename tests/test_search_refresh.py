"""The incremental refresh of the search index (p3dn/catalog/search/services.refresh_index):
after products are added, changed (their own values, their producer's name) and no longer
listed, a refresh re-analyses only those products and leaves the index — its rows, the token
statistics, the text engine's ranking and every judged query's results — exactly as a full
rebuild of the same registry would, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from catalog_corpus import load_corpus
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat

from p3dn.audit.models import LogEntry
from p3dn.catalog.identity import parse_name
from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.catalog.search import backends, engine, queries, services
from p3dn.catalog.search.backends import Where
from p3dn.catalog.search.models import SearchItem, SearchState, SearchToken

REPO = Path(__file__).resolve().parents[1]
QUERIES = [q["query"] for q in json.loads(
    (REPO / "tests" / "data" / "catalog_queries.json").read_text())["queries"]]
ITEM_FIELDS = [f.attname for f in SearchItem._meta.concrete_fields]

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry() -> list[int]:
    """The judged corpus as registry products (one producer per name), indexed by a full
    build; the product ids in corpus order."""
    corpus = load_corpus()
    producers: dict[str, Producer] = {}
    for item in corpus:
        if item.producer not in producers:
            parsed = parse_name(item.producer)
            producers[item.producer] = Producer(
                name=item.producer, name_key=parsed.key[:255], legal_form=parsed.legal_form)
    Producer.objects.bulk_create(producers.values())
    by_name = {p.name: p for p in Producer.objects.all()}
    CatalogProduct.objects.bulk_create(
        CatalogProduct(
            producer=by_name[item.producer], item_key=item.key, name=item.name,
            specification=item.spec, tipe=item.type, brand=item.brand,
            kelompok_barang=item.category, kbli=" ".join(item.codes.split())[:20],
            tkdn=item.tkdn / 100 if item.tkdn is not None else None)
        for item in corpus)
    done = services.refresh_index(actor=None)
    assert done.full and done.analysed == done.items == len(corpus)
    return list(CatalogProduct.objects.order_by("id").values_list("pk", flat=True))


def snapshot() -> dict[str, object]:
    """Everything a search reads: the index rows, the token statistics, the item count and
    field lengths, and for each judged query the text engine's count and candidates in its
    own order (its ranking statistics) and the re-scored results with their scores."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the FTS5 index agrees with its content
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
    state = SearchState.objects.get()
    found = {}
    backend = backends.backend()
    for text in QUERIES:
        query, _stats = engine.prepare(text)
        outcome = engine.run(text, Where())
        candidates = backend.candidates(query, Where(), outcome.broad) \
            if outcome.total else []
        found[text] = (outcome.total, [row[0] for row in candidates],
                       [(r.product_id, r.score) for r in outcome.ranked])
    return {
        "items": list(SearchItem.objects.order_by("pk").values_list(*ITEM_FIELDS)),
        "tokens": list(SearchToken.objects.order_by("token")
                       .values_list("token", "items", "items_in_name")),
        "state": (state.items, state.lengths),
        "queries": found,
    }


def test_an_incremental_refresh_gives_exactly_the_index_of_a_full_rebuild(
        registry, monkeypatch):
    ids = registry
    # a sync's changes, written the way bulk updates are (no updated_at, no signal)
    respecified, retyped, unlisted = ids[10:30], ids[40:45], ids[50:60]
    CatalogProduct.objects.filter(pk__in=respecified).update(
        specification=Concat("specification", Value(" pompa celup stainless")))
    CatalogProduct.objects.filter(pk__in=retyped).update(tkdn=Decimal("0.5123"))
    CatalogProduct.objects.filter(pk__in=unlisted).update(listed=False)
    renamed = CatalogProduct.objects.get(pk=ids[100]).producer
    Producer.objects.filter(pk=renamed.pk).update(name="PT Sumber Air Nusantara Baru")
    by_producer = set(CatalogProduct.objects.filter(producer=renamed, listed=True)
                      .values_list("pk", flat=True))
    source = CatalogProduct.objects.get(pk=ids[200])
    added = []
    for n, name in enumerate(["Pompa Air Celup Otomatis", "Meja Kerja Tanpa Laci Jati",
                              "Kursi Lipat Besi", "Kertas HVS A4 80 gram"]):
        added.append(CatalogProduct.objects.create(
            producer=source.producer, item_key=f"new-{n}", name=name, brand="Nusantara",
            tkdn=Decimal("0.45")).pk)
    expected = {*respecified, *retyped, *by_producer, *added} - set(unlisted)

    analysed: list[str] = []
    real = services.analyze_item

    def counting(key, *args, **kwargs):
        analysed.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(services, "analyze_item", counting)
    done = services.refresh_index(actor=None)
    assert not done.full
    assert sorted(int(k) for k in analysed) == sorted(expected)  # only the changed ones
    assert done.analysed == len(expected) and done.removed == len(unlisted)
    assert done.items == len(ids) - len(unlisted) + len(added)
    entry = LogEntry.objects.filter(action="search.refresh").order_by("-id").first()
    assert entry is not None and entry.changes["full"] == [None, False]
    assert entry.changes["analysed"] == [None, len(expected)]
    incremental = snapshot()
    assert done.tokens == len(incremental["tokens"])

    analysed.clear()
    rebuilt = services.refresh_index(actor=None, full=True)
    assert rebuilt.full and len(analysed) == rebuilt.items == done.items
    assert snapshot() == incremental
    # the changes are in what a search finds
    page = queries.search("pompa celup otomatis")
    assert added[0] in [r.product.pk for r in page.results]
    assert not set(unlisted) & {product for _total, candidates, ranked in
                                incremental["queries"].values()  # type: ignore[attr-defined]
                                for product in [*candidates, *(p for p, _s in ranked)]}


def test_a_refresh_without_changes_analyses_nothing_and_keeps_the_index(registry):
    before = snapshot()
    version = SearchState.objects.get().index_version
    done = services.refresh_index(actor=None)
    assert not done.full and done.analysed == 0 and done.removed == 0
    assert snapshot() == before
    # a new stamp all the same: processes reload their cached vocabulary
    assert SearchState.objects.get().index_version != version


def test_rows_gone_by_other_means_or_without_fingerprint_are_rebuilt(registry):
    ids = registry
    # an index built before fingerprints: those rows are analysed again
    SearchItem.objects.filter(pk__in=ids[:7]).update(fingerprint=None)
    done = services.refresh_index(actor=None)
    assert not done.full and done.analysed == 7 and done.removed == 0
    # most rows without one (the first refresh after migration 0002): a rebuild is cheaper
    SearchItem.objects.filter(pk__in=ids[: len(ids) // 2 + 2]).update(fingerprint=None)
    done = services.refresh_index(actor=None)
    assert done.full and done.analysed == len(ids)
    assert not SearchItem.objects.filter(fingerprint=None).exists()
    # a product deleted takes its index row with it (cascade) but not its statistics: the
    # next refresh cannot subtract them and rebuilds the whole index
    CatalogProduct.objects.filter(pk=ids[3]).delete()
    done = services.refresh_index(actor=None)
    assert done.full and done.items == len(ids) - 1
    assert not SearchItem.objects.filter(pk=ids[3]).exists()
    assert snapshot()["state"][0] == len(ids) - 1


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_rewrote_much_of_the_index_reclaims_the_rows_it_replaced(monkeypatch):
    from django.db import transaction

    producer = Producer.objects.create(name="PT Pompa Jaya", name_key="pompa jaya")
    products = [CatalogProduct.objects.create(producer=producer, item_key=f"k{n}",
                                              name=f"Pompa Air {n}") for n in range(12)]
    calls = []
    for engine_class in (backends.Sqlite, backends.Postgres):
        original = engine_class.reclaim
        monkeypatch.setattr(engine_class, "reclaim", lambda self, *, rebuilt, original=original: (
            calls.append(rebuilt), original(self, rebuilt=rebuilt)))
    first = services.refresh_index(actor=None)  # the first build: reclaimed (VACUUM, REINDEX)
    assert first.full and calls == [True]
    CatalogProduct.objects.filter(pk=products[0].pk).update(name="Pompa Celup")
    one = services.refresh_index(actor=None)  # one of twelve rewritten: nothing to reclaim
    assert not one.full and one.analysed == 1 and calls == [True]
    CatalogProduct.objects.filter(pk__in=[p.pk for p in products[:2]]).update(tkdn=Decimal("0.5"))
    with transaction.atomic():  # inside a caller's transaction no VACUUM can run
        inside = services.refresh_index(actor=None)
    assert inside.analysed == 2 and calls == [True]
    CatalogProduct.objects.filter(pk__in=[p.pk for p in products[:3]]).update(tkdn=Decimal("0.3"))
    three = services.refresh_index(actor=None)  # a quarter rewritten: VACUUM only
    assert not three.full and three.analysed == 3 and calls == [True, False]
    assert queries.search("pompa celup").total == 1
