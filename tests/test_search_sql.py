"""The search through the database (p3dn/catalog/search): the judged query set over the real
corpus (tests/catalog_corpus.py) loaded into the registry and indexed by the real refresh;
the SQL path must give the in-memory reference's first 20 results (p3dn.lib.search.MemoryIndex)
on SQLite and on PostgreSQL, and recall@20 ≥ 0.9 measured through it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from catalog_corpus import analysed, load_corpus

from p3dn.catalog.identity import parse_name
from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.catalog.search import engine, services
from p3dn.catalog.search.backends import Where
from p3dn.lib.search import MemoryIndex, Synonyms, parse_csv

REPO = Path(__file__).resolve().parents[1]
QUERIES = json.loads((REPO / "tests" / "data" / "catalog_queries.json").read_text())["queries"]
SYNONYMS = REPO / "p3dn" / "catalog" / "data" / "synonyms.csv"
K = 20

pytestmark = pytest.mark.django_db


def load_registry(items) -> dict[int, str]:
    """The corpus as registry rows (one producer per name); product id → corpus key."""
    producers: dict[str, Producer] = {}
    for item in items:
        if item.producer not in producers:
            parsed = parse_name(item.producer)
            producers[item.producer] = Producer(
                name=item.producer, name_key=parsed.key[:255], legal_form=parsed.legal_form)
    Producer.objects.bulk_create(producers.values())
    by_name = {p.name: p for p in Producer.objects.all()}
    products = []
    for item in items:
        codes = item.codes.split()
        products.append(CatalogProduct(
            producer=by_name[item.producer], item_key=item.key, name=item.name,
            specification=item.spec, tipe=item.type, brand=item.brand,
            kelompok_barang=item.category, kbli=" ".join(codes)[:20],
            tkdn=item.tkdn / 100 if item.tkdn is not None else None))
    CatalogProduct.objects.bulk_create(products)
    return dict(CatalogProduct.objects.values_list("pk", "item_key"))


def test_the_sql_search_gives_the_reference_first_20_and_recall_over_0_9(capsys):
    corpus = load_corpus()
    keys = load_registry(corpus)
    refreshed = services.refresh_index(actor=None)
    assert refreshed.items == len(corpus)
    synonyms = Synonyms.from_groups(parse_csv(SYNONYMS.read_text(encoding="utf-8")))
    reference = MemoryIndex(analysed(corpus), synonyms=synonyms)
    recalls, differences = [], []
    for entry in QUERIES:
        expected = reference.search(entry["query"], K)
        outcome = engine.run(entry["query"], Where())
        got = outcome.ranked[:K]
        want = [(round(h.score, 6), h.item.key) for h in expected]
        have = [(round(r.score, 6), keys[r.product_id]) for r in got]
        # equal scores may stand in another order at the cut: compare scores in order, and
        # the items above the last score in full
        last = want[-1][0] if want else None
        if [s for s, _ in want] != [s for s, _ in have] or \
                {k for s, k in want if s != last} != {k for s, k in have if s != last}:
            differences.append(entry["query"])
        relevant = set(entry["relevant"])
        if relevant:
            found = {keys[r.product_id] for r in got}
            recalls.append(len(found & relevant) / min(len(relevant), K))
    recall = sum(recalls) / len(recalls)
    with capsys.disabled():
        print(f"\nSQL path: {len(QUERIES)} queries, recall@20 {recall:.3f}, "
              f"{len(differences)} differing from the reference")
    assert differences == []
    assert recall >= 0.9
