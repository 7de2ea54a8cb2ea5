"""The search wired into the product: the real Kemenperin export and an e-Katalog catalogue
through the import engine, the registry sync and the index refresh of the worker; the page,
the API, the command and the Excel export; the filters; the katalog lokal filter of two
Pemda; the synonyms only the admin edits."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from conftest import SHARED_DATA
from p3dn import cli
from p3dn.audit.models import LogEntry
from p3dn.catalog.models import CatalogProduct
from p3dn.catalog.search import queries, services
from p3dn.catalog.search.models import SearchItem, SearchState, SynonymGroup
from p3dn.imports import services as imports
from p3dn.lib.search import parse_csv, tokenize

SHARED = SHARED_DATA
EXPORT = SHARED / "tkdn" / "kemenperin-export-sample.xls"
KKU = SHARED / "ekatalog" / "kalbar-kabupaten-2022" / "KKU-prodkatalog2022.parquet"
SYNONYMS = Path(__file__).resolve().parents[1] / "p3dn" / "catalog" / "data" / "synonyms.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry() -> None:
    """The export and the KKU catalogue imported as `p3dn import` does, then the worker's idle
    loop: it syncs the registry and rebuilds the search index."""
    for path in (EXPORT, KKU):
        assert imports.import_now(actor=None, path=path).status == "applied"
    assert SearchItem.objects.count() == 0
    call_command("run_worker", stdout=StringIO())


def _kku_names() -> list[str]:
    return [r["nama_produk"] for r in pq.read_table(KKU).to_pylist()]


def test_the_worker_indexes_every_listed_registry_product_and_finds_each_kind(registry):
    state = SearchState.objects.get()
    assert state.items == CatalogProduct.objects.filter(listed=True).count() > 0
    assert state.refreshed_at is not None and state.data_as_of is not None
    # an e-Katalog product, found by its own name, with e-Katalog as its source
    name = next(n for n in _kku_names() if len(tokenize(n)) >= 3)
    page = queries.search(name, limit=200)
    assert name in [r.product.name for r in page.results]
    assert "e-Katalog" in next(r.sumber for r in page.results if r.product.name == name)
    # a certified product, by a typo of a word of its name
    product, word = next(
        (p, w) for p in CatalogProduct.objects.filter(tkdn__isnull=False).order_by("id")
        for w in tokenize(p.name) if len(w) >= 6 and w.isalpha())
    typo = word[:2] + word[3] + word[2] + word[4:]  # two letters swapped
    found = queries.search(typo, limit=200)
    assert product.pk in {r.product.pk for r in found.results}
    assert all("Kemenperin" in r.sumber for r in found.results if r.product.tkdn is not None)


def test_results_rank_by_relevance_then_tkdn_and_filters_keep_exactly_the_matching(registry):
    query = "pipa"
    plain = queries.search(query, limit=200)
    assert 0 < plain.total <= 200
    results = [r.product for r in plain.results]
    today = dt.date.today()
    cases = [
        (queries.Filters(min_tkdn=Decimal("0.4")),
         lambda p: p.tkdn is not None and p.tkdn >= Decimal("0.4")),
        (queries.Filters(tkdn_bmp_40=True),
         lambda p: p.tkdn_bmp is not None and p.tkdn_bmp >= Decimal("0.4")),
        (queries.Filters(valid_on=today),
         lambda p: p.valid_until is not None and p.valid_until >= today),
        (queries.Filters(umk_ikm=True), lambda p: bool(p.producer.umk or p.producer.ikm)),
        (queries.Filters(province="31"), lambda p: p.producer.province_id == "31"),
        (queries.Filters(hs="7306"), lambda p: p.kode_hs.startswith("7306")),
    ]
    for filters, keep in cases:
        narrowed = queries.search(query, filters=filters, limit=200)
        assert [r.product.pk for r in narrowed.results] == [p.pk for p in results if keep(p)]
        assert narrowed.total == len(narrowed.results)
    # the certified pipes come before the uncertified ones of equal relevance
    scores = [(round(r.score, 6), r.product.tkdn) for r in plain.results]
    for (s1, t1), (s2, t2) in itertools.pairwise(scores):
        assert s1 > s2 or (s1 == s2 and (t1 or -1) >= (t2 or -1))


def test_price_range_keeps_items_with_a_price_in_it(registry):
    priced = CatalogProduct.objects.filter(price_min__isnull=False).first()
    word = max(tokenize(priced.name), key=len)
    everything = queries.search(word, limit=200).results
    low, high = priced.price_min, priced.price_min
    narrowed = queries.search(word, filters=queries.Filters(price_min=low, price_max=high),
                              limit=200)
    expected = [r.product.pk for r in everything if r.product.price_min is not None
                and r.product.price_min <= high and r.product.price_max >= low]
    assert [r.product.pk for r in narrowed.results] == expected
    assert priced.pk in expected


def test_the_command_prints_the_documented_json_and_a_table(registry):
    name = _kku_names()[0]
    out = StringIO()
    call_command("catalog_search", name, "--limit", "3", "--format", "json", stdout=out)
    answer = json.loads(out.getvalue())
    assert list(answer) == ["query", "total", "results", "total_exact"]
    assert answer["query"] == name and answer["total"] >= 1 and len(answer["results"]) <= 3
    assert answer["total_exact"] is True
    first = answer["results"][0]
    assert list(first) == ["produk", "perusahaan", "spesifikasi", "merk", "nilai_tkdn",
                           "berlaku_sampai", "sumber"]
    certified = CatalogProduct.objects.filter(tkdn__isnull=False).first()
    out = StringIO()
    call_command("catalog_search", certified.name, "--limit", "200", "--format", "json",
                 stdout=out)
    record = next(r for r in json.loads(out.getvalue())["results"]
                  if r["produk"] == certified.name and r["perusahaan"] == certified.producer.name)
    assert Decimal(record["nilai_tkdn"]) == certified.tkdn * 100
    assert record["nilai_tkdn"] == f"{certified.tkdn * 100:.2f}"
    assert record["berlaku_sampai"] == (certified.valid_until.isoformat()
                                        if certified.valid_until else None)
    out = StringIO()
    call_command("catalog_search", name, stdout=out)
    assert "produk" in out.getvalue() and "products found" in out.getvalue()
    for bad in (["--limit", "0"], ["--limit", "201"], ["--format", "xml"]):
        with pytest.raises(CommandError):
            call_command("catalog_search", "pompa", *bad, stdout=StringIO(), stderr=StringIO())


def test_p3dn_catalog_search_routes_to_the_search_command_and_sync_refreshes(monkeypatch):
    calls = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", calls.append)
    assert cli.main(["catalog", "search", "pompa air", "--format", "json"]) == 0
    assert calls == [["p3dn", "catalog_search", "pompa air", "--format", "json"]]
    calls.clear()
    assert cli.main(["catalog", "sync", "--json"]) == 0
    assert calls == [["p3dn", "catalog", "sync", "--json"],
                     ["p3dn", "verify_claims", "--quiet"],
                     ["p3dn", "catalog_search", "--refresh", "--if-stale"],
                     ["p3dn", "tkdnik", "match-certificates", "--quiet"]]


def test_the_page_is_public_swaps_results_under_htmx_and_refuses_bad_parameters(
        registry, client):
    name = _kku_names()[0]
    response = client.get(reverse("search:page"), {"q": name})
    assert response.status_code == 200
    assert name.split()[0] in response.content.decode()
    assert b"<html" in response.content
    # the count line names the results shown: first to last of this page
    page = response.context["page"]
    assert page.results
    assert f"1–{len(page.results)}" in response.content.decode()
    partial = client.get(reverse("search:page"), {"q": name}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert client.get(reverse("search:page")).status_code == 200
    for bad in ({"q": "pipa", "tkdn_min": "abc"}, {"q": "pipa", "tkdn_min": "140"},
                {"q": "pipa", "page": "99"}, {"q": "pipa", "page": "x"},
                {"q": "pipa", "provinsi": "zz"}, {"q": "pipa", "kbli": "12a"},
                {"q": "pipa", "harga_min": "10", "harga_max": "5"},
                {"q": "pipa", "katalog_lokal": "X999"}, {"q": "x" * 201}):
        assert client.get(reverse("search:page"), bad).status_code == 400, bad


def test_the_api_answers_typed_results_and_422_for_bad_parameters(registry, client):
    name = _kku_names()[0]
    response = client.get("/api/v1/search", {"q": name, "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] >= 1 and len(body["results"]) <= 5
    assert body["results"][0]["produk"] and body["data_as_of"]
    # a long query is read up to its first ten words, not turned into a huge SQL expression
    long = " ".join(["pipa", "baja", "air", *(f"kata{n}" for n in range(30))])[:200]
    assert client.get("/api/v1/search", {"q": long}).status_code == 200
    for bad in ({}, {"q": ""}, {"q": "pipa", "limit": 0}, {"q": "pipa", "limit": 201},
                {"q": "pipa", "tkdn_min": 2}, {"q": "pipa", "provinsi": "99"},
                {"q": "pipa", "provinsi": "x"}, {"q": "pipa", "harga_min": -1},
                {"q": "pipa", "harga_min": 10, "harga_max": 5},
                {"q": "pipa", "katalog_lokal": "X999"},
                {"q": "pipa", "offset": 200}, {"q": "pipa", "kbki": "1;"}):
        assert client.get("/api/v1/search", bad).status_code == 422, bad


def test_the_katalog_lokal_filter_keeps_each_pemda_to_its_own_products(
        registry, client, bandung, kalbar, tim_bandung, tim_kalbar):
    """Each Tim P3DN approves its own products into its katalog lokal; the filter of the API
    and the page finds those and nothing of the other Pemda's list or of pending entries."""
    from p3dn.catalog.listings import services as listings

    products = [r.product for r in queries.search("pipa", limit=200).results]
    assert len(products) >= 5
    lists: dict[int, set[int]] = {bandung.pk: set(), kalbar.pk: set()}
    for n, product in enumerate(products[:4]):
        pemda, tim = (bandung, tim_bandung) if n % 2 == 0 else (kalbar, tim_kalbar)
        entry = listings.propose_listing(actor=tim, pemda=pemda, producer=product.producer,
                                         product=product)
        listings.decide_listing(actor=tim, listing=entry, decision="approve",
                                override_reason="diperiksa langsung")
        lists[pemda.pk].add(product.pk)
    listings.propose_listing(actor=tim_bandung, pemda=bandung, producer=products[4].producer,
                             product=products[4])  # pending: never found
    for pemda in (bandung, kalbar):
        api = client.get("/api/v1/search", {"q": "pipa", "limit": 200,
                                            "katalog_lokal": pemda.kd_klpd.lower()}).json()
        assert {r["id"] for r in api["results"]} == lists[pemda.pk]
        page = client.get(reverse("search:page"), {"q": "pipa", "katalog_lokal": pemda.kd_klpd})
        shown = {p.pk for p in products if f'/registri/produk/{p.pk}-' in page.content.decode()}
        assert shown == lists[pemda.pk]
    assert queries.search("pipa", only_product_ids=set()).total == 0


def test_the_export_records_query_filters_time_and_as_of_and_lists_the_results(
        registry, client):
    response = client.get(reverse("search:export"), {"q": "pipa", "tkdn_min": "25",
                                                      "berlaku": "on"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    head = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert "pipa" in head.values()
    assert "25,00%" in head.values()
    state = SearchState.objects.get()
    page = queries.search("pipa", filters=queries.Filters(
        min_tkdn=Decimal("0.25"), valid_on=dt.date.today()), limit=200)
    rows = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [r.product.name for r in page.results]
    assert len(head) >= 7 and state.data_as_of is not None
    assert client.get(reverse("search:export"), {"q": ""}).status_code == 400
    assert client.get(reverse("search:export"), {"q": "pipa", "tkdn_min": "x"}
                      ).status_code == 400


def test_the_shipped_synonyms_are_seeded_and_only_the_admin_edits_them(
        client_for, admin_pusat, tim_bandung, client):
    shipped = parse_csv(SYNONYMS.read_text(encoding="utf-8"))
    assert SynonymGroup.objects.filter(shipped=True, active=True).count() == len(shipped)
    url = reverse("search:synonym-create")
    assert client.get(url).status_code == 302  # to the sign-in page
    tim = client_for(tim_bandung)
    assert tim.get(reverse("search:synonyms")).status_code == 403
    assert tim.post(url, {"domain": "x", "terms": "a|b", "active": "on"}).status_code == 403
    group = SynonymGroup.objects.first()
    assert tim.get(reverse("search:synonym-update", args=[group.pk])).status_code == 403
    admin = client_for(admin_pusat)
    assert admin.get(reverse("search:synonyms")).status_code == 200
    # a term already in an unmarked group is refused with a message, not a crash
    taken = shipped[0].terms[0]
    response = admin.post(url, {"domain": "uji", "terms": f"{taken}|zzbarang",
                                "active": "on"})
    assert response.status_code == 200 and "zzbarang" in response.content.decode()
    assert not SynonymGroup.objects.filter(terms__contains="zzbarang").exists()
    response = admin.post(url, {"domain": "uji", "terms": "zzbarang|zzbenda", "active": "on"})
    assert response.status_code == 302
    created = SynonymGroup.objects.get(terms="zzbarang|zzbenda")
    assert LogEntry.objects.filter(action="search.synonym_create",
                                   object_id=str(created.pk)).exists()
    response = admin.post(reverse("search:synonym-update", args=[created.pk]),
                          {"domain": "uji", "terms": "zzbarang|zzbenda"})  # active unticked
    assert response.status_code == 302
    created.refresh_from_db()
    assert not created.active
    assert LogEntry.objects.filter(action="search.synonym_update").exists()
    assert admin.get(reverse("search:synonym-update", args=[999999])).status_code == 404


def test_the_search_reads_the_admins_synonym_groups(registry, admin_pusat):
    taken = {tuple(tokenize(t)) for g in parse_csv(SYNONYMS.read_text(encoding="utf-8"))
             for t in g.terms}
    target, word = next(
        (p, w) for p in CatalogProduct.objects.order_by("id") for w in tokenize(p.name)
        if len(w) >= 6 and w.isalpha() and (w,) not in taken)
    assert queries.search("zzsaluran", limit=200).total == 0
    group = services.create_synonym_group(actor=admin_pusat, domain="uji",
                                          terms=f"zzsaluran|{word}")
    assert target.pk in {r.product.pk for r in queries.search("zzsaluran", limit=200).results}
    services.update_synonym_group(actor=admin_pusat, group=group, domain="uji",
                                  terms=f"zzsaluran|{word}", active=False)
    assert queries.search("zzsaluran", limit=200).total == 0


def test_a_broad_query_takes_its_candidates_in_tkdn_order_from_name_brand_and_type(
        registry, monkeypatch):
    from p3dn.catalog.search import backends

    ranked = queries.search("pipa", limit=200)
    for engine in (backends.Sqlite, backends.Postgres):
        monkeypatch.setattr(engine, "BROAD", 1)  # every query with two matches is broad
    broad = queries.search("pipa", limit=200)
    # the count stops at the threshold: "more than 1", not the exact figure
    assert ranked.total > 1 and ranked.total_exact
    assert broad.broad and broad.total == 1 and not broad.total_exact
    # the same items whose name, brand or type match (certified ones only on SQLite's index)
    assert {r.product.pk for r in broad.results} <= {r.product.pk for r in ranked.results}
    assert any(r.product.tkdn is not None for r in broad.results)
    scores = [round(r.score, 6) for r in broad.results]
    assert scores == sorted(scores, reverse=True)


def test_with_filters_the_ranking_reads_one_match_past_the_threshold_and_no_more(
        registry, monkeypatch):
    from p3dn.catalog.search import backends

    everything = queries.search("pipa", limit=200)
    tkdns = sorted({r.product.tkdn for r in everything.results if r.product.tkdn is not None})
    filters = queries.Filters(min_tkdn=tkdns[len(tkdns) // 2])
    exact = queries.search("pipa", filters=filters, limit=200)
    assert 1 < exact.total < everything.total and exact.total_exact
    reads = []
    for engine in (backends.Sqlite, backends.Postgres):
        ranked = engine.ranked
        monkeypatch.setattr(engine, "ranked", lambda self, q, w, bound=None, ranked=ranked: (
            reads.append(bound) or ranked(self, q, w, bound)))
        monkeypatch.setattr(engine, "BROAD", exact.total)  # the filters leave no more: exact
    same = queries.search("pipa", filters=filters, limit=200)
    assert reads == [exact.total + 1]
    assert (same.total, same.total_exact, same.broad) == (exact.total, True, False)
    assert [r.product.pk for r in same.results] == [r.product.pk for r in exact.results]
    for engine in (backends.Sqlite, backends.Postgres):
        monkeypatch.setattr(engine, "BROAD", exact.total - 1)  # one more: broad, a lower bound
    broad = queries.search("pipa", filters=filters, limit=200)
    assert (broad.total, broad.total_exact, broad.broad) == (exact.total - 1, False, True)
    assert {r.product.pk for r in broad.results} <= {r.product.pk for r in exact.results}


def test_a_word_held_by_more_items_than_the_threshold_is_broad_without_a_count(
        registry, monkeypatch):
    from p3dn.catalog.search import backends, engine
    from p3dn.catalog.search.models import SearchToken

    # the items holding "pipa" or one of its single-word synonyms, the most of them
    words = [alt.tokens[0] for alt in engine.prepare("pipa")[0].clauses[0].alternatives
             if alt.kind != "stem" and len(alt.tokens) == 1]
    assert "pipa" in words and len(words) > 1
    held = max(SearchToken.objects.filter(token__in=words).values_list("items", flat=True))
    exact = queries.search("pipa", limit=200)
    assert exact.total >= held > 1 and exact.total_exact
    for backend in (backends.Sqlite, backends.Postgres):
        monkeypatch.setattr(backend, "count", lambda *args: pytest.fail("counted"))
        monkeypatch.setattr(backend, "ranked", lambda *args: pytest.fail("ranked"))
        monkeypatch.setattr(backend, "BROAD", held - 1)
    broad = queries.search("pipa", limit=200)
    assert (broad.total, broad.total_exact, broad.broad) == (held - 1, False, True)
    for backend in (backends.Sqlite, backends.Postgres):
        monkeypatch.setattr(backend, "BROAD", held)  # no more than that: ranked, exact
    with pytest.raises(pytest.fail.Exception, match="ranked"):
        queries.search("pipa", limit=200)


def test_a_count_past_the_threshold_is_shown_as_a_lower_bound_everywhere(
        registry, client, monkeypatch):
    from p3dn.catalog.search import backends

    exact = queries.search("pipa", limit=200)
    assert exact.total_exact and exact.total > 3
    assert exact.total == len(exact.results)  # fewer than 200 matches: all of them ranked
    for engine in (backends.Sqlite, backends.Postgres):
        monkeypatch.setattr(engine, "BROAD", 3)
    capped = queries.search("pipa", limit=200)
    assert capped.total == 3 and not capped.total_exact
    body = client.get("/api/v1/search", {"q": "pipa"}).json()
    assert body["total"] == 3 and body["total_exact"] is False
    out = StringIO()
    call_command("catalog_search", "pipa", "--format", "json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["total"] == 3 and answer["total_exact"] is False
    out = StringIO()
    call_command("catalog_search", "pipa", "--format", "table", stdout=out)
    assert out.getvalue().startswith("more than 3 products found")
    page = client.get(reverse("search:page"), {"q": "pipa"}).content.decode()  # Indonesian
    assert "lebih dari 3 produk ditemukan" in page
