"""The PostgreSQL index's own lexemes (backends.pg_tsvector): the filter facets that let the
GIN index narrow a filtered search, and the "!word" copies of name, brand, type and codes that
let it find a broad query's candidates. A facet may only narrow: every item the SQL filters
keep carries every facet of those filters. Migration 0004 writes the same lexemes in SQL for
the rows built before it."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from test_search_refresh import registry  # noqa: F401 (the fixture)

from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.catalog.search import backends, queries, services

percent = st.decimals(min_value=0, max_value=1, places=4)


@given(tkdn=st.none() | percent, bmp=st.none() | percent, umk=st.booleans(),
       province=st.sampled_from(["", "32", "61"]), min_tkdn=st.none() | percent,
       want_bmp=st.booleans(), want_umk=st.booleans(),
       want_province=st.sampled_from(["", "32", "61"]))
def test_an_item_the_filters_keep_carries_every_facet_of_the_filters(
        tkdn, bmp, umk, province, min_tkdn, want_bmp, want_umk, want_province):
    filters = queries.Filters(min_tkdn=min_tkdn, tkdn_bmp_40=want_bmp, umk_ikm=want_umk,
                              province=want_province)
    kept = ((min_tkdn is None or (tkdn is not None and tkdn >= min_tkdn))
            and (not want_bmp or (bmp is not None and bmp >= Decimal("0.40")))
            and (not want_umk or umk) and (not want_province or province == want_province))
    carried = set(backends.facet_lexemes(tkdn, bmp, umk, province))
    facets = set(filters.where(None).facets)
    if kept:
        assert facets <= carried
    # and the facets narrow: a TKDN facet below the item's TKDN step, at most one step
    if min_tkdn is not None and tkdn is not None:
        assert (f"#t{int(min_tkdn * 100 // 5 * 5)}" in carried) == (
            int(tkdn * 100 // 5) >= int(min_tkdn * 100 // 5))


def _tsvectors() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT product_id, tsv::text FROM search_searchitem")
        return dict(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsvector only")
@pytest.mark.django_db
def test_migration_0004_writes_the_lexemes_the_refresh_writes(registry):  # noqa: F811
    ids = registry
    CatalogProduct.objects.filter(pk__in=ids[::3]).update(tkdn_bmp=Decimal("0.4500"))
    CatalogProduct.objects.filter(pk__in=ids[1::3]).update(tkdn_bmp=Decimal("0.3999"))
    Producer.objects.filter(pk__in=CatalogProduct.objects.filter(pk__in=ids[::2])
                            .values("producer")).update(umk=True, province_id="32")
    services.refresh_index(actor=None, full=True)
    written = _tsvectors()
    assert any("'#umk'" in v and "'#p32'" in v and "'#b40'" in v for v in written.values())
    assert any("'!pompa':" in v for v in written.values())
    migration = importlib.import_module(
        "p3dn.catalog.search.migrations.0004_search_facets")
    with connection.cursor() as cursor:
        cursor.execute(migration.REMOVE)
        cursor.execute("SELECT count(*) FROM search_searchitem WHERE tsv::text ~ '''[#!]'")
        assert cursor.fetchone()[0] == 0
        cursor.execute(migration.ADD)
    assert _tsvectors() == written
    # and the search reads them: a filtered query keeps exactly what the filters keep
    filters = queries.Filters(umk_ikm=True, province="32", tkdn_bmp_40=True)
    page = queries.search("pompa", filters=filters, limit=200)
    assert page.total and all(
        r.product.tkdn_bmp >= Decimal("0.40") and r.product.producer.umk
        and r.product.producer.province_id == "32" for r in page.results)
    expected = set(CatalogProduct.objects.filter(
        pk__in=[r.product.pk for r in queries.search("pompa", limit=200).results],
        tkdn_bmp__gte=Decimal("0.40"), producer__umk=True, producer__province_id="32",
    ).values_list("pk", flat=True))
    assert {r.product.pk for r in page.results} == expected
