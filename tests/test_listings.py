"""The katalog lokal: a producer's public proposal and the Tim P3DN's, the Katalog v6 checks,
decisions with their reasons and audit trail, the public pages of approved entries only, the
onboarding target and counts, the API, and the two Pemda that never see each other's
proposals."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.text import slugify
from openpyxl import load_workbook

from conftest import SHARED_DATA
from p3dn.audit.models import LogEntry
from p3dn.catalog import services as registry
from p3dn.catalog.listings import checks, queries, services
from p3dn.catalog.listings.models import Listing
from p3dn.catalog.models import CatalogProduct, Producer
from p3dn.catalog.sync import sync_registry
from p3dn.imports.services import import_now
from p3dn.lib.money import format_percent
from p3dn.regions.models import Region

SHARED = SHARED_DATA
PENYEDIA = SHARED / "isb" / "kab-bandung-2025" / "Ecat-PenyediaDetail.json"

pytestmark = pytest.mark.django_db


def _public(pemda) -> str:
    return f"/katalog-lokal/{pemda.kd_klpd}-{slugify(pemda.name)}/"


def _form(**values):
    return {
        "name": "CV Sambal Dapur Ciparay", "nib": "9120301234567", "npwp": "",
        "address": "Jl. Raya Ciparay 12", "region": "32.04", "kbli": "10799", "size": "mikro",
        "product_name": "Sambal Bawang Botol 200 g", "specification": "Tanpa pengawet",
        "brand": "Dapur Ciparay", "product_kbli": "10799", "unit": "botol",
        "contact_name": "Ibu Siti", "contact_email": "siti@example.id", "contact_phone": "",
        "note": "", "website": "", **values,
    }


def _registry_producer(actor, name="CV Tenun Sambas", region="32.04", **values):
    defaults = {"nib": "8120001112223", "nib_status": "aktif", "npwp": "012345678901000",
                "kbli": "13121", "size": "kecil"}
    return registry.create_producer(actor=actor, name=name,
                                    region=Region.objects.get(code=region),
                                    **{**defaults, **values})


# ------------------------------------------------------------------ the public proposal


def test_a_public_proposal_stays_unseen_until_its_own_tim_p3dn_approves_it(
    client, client_for, bandung, tim_bandung, tim_kalbar, operator_bandung
):
    producers_before = Producer.objects.count()
    url = _public(bandung) + "usulkan/"
    assert client.get(url).status_code == 200
    response = client.post(url, _form())
    assert response.status_code == 302 and response["Location"] == _public(bandung)
    listing = Listing.objects.get()
    assert (listing.status, listing.source, listing.producer) == ("pending", "publik", None)
    assert Producer.objects.count() == producers_before  # nothing in the public registry yet
    by_code = {c["code"]: c["status"] for c in listing.checks}
    assert by_code == {"nib": "ok", "nib_status": "unknown", "npwp": "fail", "kbli": "ok",
                       "region": "ok"}
    # the public sees nothing of it, on the page or in the API
    assert "Sambal" not in client.get(_public(bandung)).content.decode()
    api = client.get(f"/api/v1/listings/klpd/{bandung.kd_klpd}/producers").json()
    assert api["count"] == 0
    # the other Pemda's Tim P3DN does not even know it exists
    other = client_for(tim_kalbar)
    detail = reverse("listings:detail", args=[listing.pk])
    assert other.get(detail).status_code == 404
    assert other.post(detail, {"decision": "approve", "override_reason": "x"}).status_code == 404
    assert other.get(reverse("listings:manage", args=[bandung.pk])).status_code == 404
    # an operator of the Pemda reads it, without the proposer's contact, and cannot decide
    operator = client_for(operator_bandung)
    page = operator.get(detail).content.decode()
    assert "Sambal Bawang" in page and "siti@example.id" not in page
    assert operator.post(detail, {"decision": "reject", "reason": "x"}).status_code == 403
    # its own Tim P3DN sees the contact and the failed checks, and needs a reason to approve
    tim = client_for(tim_bandung)
    page = tim.get(detail).content.decode()
    assert "siti@example.id" in page and "Tidak ada NPWP" in page
    response = tim.post(detail, {"decision": "approve"})
    assert response.status_code == 200 and "alasan" in response.content.decode().lower()
    listing.refresh_from_db()
    assert listing.status == "pending" and Producer.objects.count() == producers_before
    response = tim.post(detail, {"decision": "approve",
                                 "override_reason": "NPWP diserahkan saat verifikasi"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == "approved" and listing.decided_by == tim_bandung
    producer, product = listing.producer, listing.product
    assert (producer.name, producer.nib, producer.owner_pemda) == (
        "CV Sambal Dapur Ciparay", "9120301234567", bandung)
    assert (product.producer, product.kbli, product.brand) == (producer, "10799", "Dapur Ciparay")
    assert producer.umk is True  # micro by the declared size
    # now public, at share-friendly addresses
    page = client.get(_public(bandung)).content.decode()
    assert producer.name in page
    producer_url = f"{_public(bandung)}produsen/{producer.pk}-{producer.slug}/"
    product_url = f"{_public(bandung)}produk/{product.pk}-{product.slug}/"
    assert client.get(producer_url).status_code == 200
    assert product.name in client.get(product_url).content.decode()
    wrong = client.get(f"{_public(bandung)}produk/{product.pk}-nama-lama/")
    assert wrong.status_code == 301 and wrong["Location"] == product_url
    # every step in the audit trail, and on the page as its history
    actions = list(LogEntry.objects.filter(object_type="listings.listing").order_by("id")
                   .values_list("action", "actor_name"))
    assert actions == [("listings.listing.proposed", services.PUBLIC_ACTOR),
                       ("listings.listing.approved", "tim.bandung")]
    approved = LogEntry.objects.get(action="listings.listing.approved")
    assert approved.changes["override_reason"] == ["", "NPWP diserahkan saat verifikasi"]
    assert approved.changes["checks"][1]["npwp"] == "fail"
    page = tim.get(detail).content.decode()
    assert "NPWP diserahkan saat verifikasi" in page and "Disetujui" in page


def test_the_public_form_is_bounded_per_address_and_refuses_robots(client, bandung, settings):
    settings.P3DN_LISTING_PROPOSALS_PER_HOUR = 2
    url = _public(bandung) + "usulkan/"
    assert client.post(url, _form(website="http://spam.example")).status_code == 400
    assert Listing.objects.count() == 0
    for n in range(2):
        assert client.post(url, _form(name=f"CV Usaha {n}")).status_code == 302
    response = client.post(url, _form(name="CV Usaha 3"))
    assert response.status_code == 429 and Listing.objects.count() == 2
    # another address is not held back by this one
    other = client.post(url, _form(name="CV Usaha 4"), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302 and Listing.objects.count() == 3
    # every field validated: bad NIB, NPWP and KBLI, a region not offered
    bad = client.post(url, _form(name="CV X", nib="12", npwp="abc", kbli="1234 x",
                                 region="61.01"), REMOTE_ADDR="10.9.9.9")
    assert bad.status_code in (200, 400) and Listing.objects.count() == 3


def test_the_pending_public_proposals_of_a_pemda_are_capped(client, bandung, settings):
    settings.P3DN_LISTING_PENDING_PUBLIC = 1
    url = _public(bandung) + "usulkan/"
    assert client.post(url, _form()).status_code == 302
    assert client.post(url, _form(name="CV Lain"), REMOTE_ADDR="10.0.0.9").status_code == 429


def test_a_proposal_links_the_same_company_and_never_merges_a_namesake(
    client, client_for, bandung, tim_bandung
):
    known = _registry_producer(tim_bandung, name="PT Maju Jaya", npwp="012345678901000")
    url = _public(bandung) + "usulkan/"
    client.post(url, _form(name="P.T. MAJU JAYA", npwp="01.234.567.8-901.000", nib="",
                           product_name=""))
    same = Listing.objects.get()
    assert same.producer == known  # same name key and NPWP: the registry's company
    client.post(url, _form(name="PT. Maju Jaya", npwp="099999999999000", nib="",
                           product_name=""))
    namesake = Listing.objects.exclude(pk=same.pk).get()
    assert namesake.producer is None  # another NPWP: never linked
    tim = client_for(tim_bandung)
    page = tim.get(reverse("listings:detail", args=[namesake.pk])).content.decode()
    assert f"no. {known.pk}" in page  # shown to the reviewer as a namesake
    services.decide_listing(actor=tim_bandung, listing=namesake, decision="approve",
                            override_reason="NIB menyusul")
    namesake.refresh_from_db()
    assert namesake.producer != known
    assert Producer.objects.filter(name_key=known.name_key).count() == 2


# ------------------------------------------------------------------ the Tim P3DN's proposals


def test_the_tim_p3dn_proposes_registry_rows_for_its_own_pemda_only(
    client_for, bandung, kalbar, tim_bandung, tim_kalbar, viewer_bandung
):
    producer = _registry_producer(tim_bandung)
    product = registry.create_product(actor=tim_bandung, producer=producer, name="Kain Tenun",
                                      kbli="13121")
    tim = client_for(tim_bandung)
    url = reverse("listings:propose", args=[bandung.pk])
    response = tim.post(url, {"producer": producer.pk, "product": product.pk, "note": "UMK binaan"})
    listing = Listing.objects.get()
    assert response.status_code == 302 and listing.source == "tim"
    assert [c["status"] for c in listing.checks] == ["ok"] * 5
    again = tim.post(url, {"producer": producer.pk, "product": product.pk})
    assert again.status_code == 200 and Listing.objects.count() == 1  # already proposed
    assert tim.post(url, {"producer": 10**12}).status_code == 200
    assert client_for(viewer_bandung).post(url, {"producer": producer.pk}).status_code == 403
    assert client_for(tim_kalbar).post(url, {"producer": producer.pk}).status_code == 404
    # all checks passed: approved without an override reason
    services.decide_listing(actor=tim_bandung, listing=listing, decision="approve")
    assert queries.listed_product_ids(bandung) == {product.pk}
    assert queries.listed_product_ids(kalbar) == set()


def test_a_product_outside_the_producers_kbli_or_pemda_fails_its_checks(
    bandung, kalbar, tim_bandung, tim_kalbar
):
    producer = _registry_producer(tim_kalbar, name="CV Kalbar Jaya", region="61.01",
                                  nib_status="", npwp="")
    product = registry.create_product(actor=tim_kalbar, producer=producer, name="Kursi Rotan",
                                      kbli="31001")
    listing = services.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer,
                                       product=product)
    by_code = {c["code"]: c for c in listing.checks}
    assert {k: c["status"] for k, c in by_code.items()} == {
        "nib": "ok", "nib_status": "unknown", "npwp": "fail", "kbli": "fail", "region": "fail"}
    assert "31001" in checks.explain(by_code["kbli"])
    # the same producer is inside Prov. Kalimantan Barat
    inside = services.propose_listing(actor=tim_kalbar, pemda=kalbar, producer=producer)
    assert {c["code"]: c["status"] for c in inside.checks}["region"] == "ok"
    with pytest.raises(Exception, match="override_reason"):
        services.decide_listing(actor=tim_bandung, listing=listing, decision="approve")


def test_the_checks_read_each_case():
    area = checks.Area(code="32.04", level="kabupaten", province="32")
    base = checks.Facts(nib="8120001112223", nib_status="aktif", npwp="012345678901000",
                        kbli=("13121", "13122"), region="32.04", province="32",
                        has_product=True, product_kbli="13122")

    def status(facts, code):
        return {c["code"]: c["status"] for c in checks.run(facts, area)}[code]

    assert [c["status"] for c in checks.run(base, area)] == ["ok"] * 5
    assert status(checks.Facts(**{**base.__dict__, "nib": ""}), "nib") == "fail"
    assert status(checks.Facts(**{**base.__dict__, "nib_status": "tidak_aktif"}),
                  "nib_status") == "fail"
    assert status(checks.Facts(**{**base.__dict__, "product_kbli": ""}), "kbli") == "unknown"
    assert status(checks.Facts(**{**base.__dict__, "kbli": ()}), "kbli") == "fail"
    assert status(checks.Facts(**{**base.__dict__, "product_kbli": "13130"}), "kbli") == "fail"
    assert status(checks.Facts(**{**base.__dict__, "region": "32.73"}), "region") == "fail"
    assert status(checks.Facts(**{**base.__dict__, "region": "32"}), "region") == "unknown"
    assert status(checks.Facts(**{**base.__dict__, "region": "61", "province": "61"}),
                  "region") == "fail"
    assert status(checks.Facts(**{**base.__dict__, "region": None, "province": None}),
                  "region") == "unknown"
    province = checks.Area(code="32", level="provinsi", province="32")
    assert {c["code"]: c["status"] for c in checks.run(base, province)}["region"] == "ok"


def test_a_real_e_katalog_provider_is_checked_from_its_own_record(bandung, tim_bandung):
    assert import_now(actor=None, path=PENYEDIA).status == "applied"
    sync_registry()
    raw = json.loads(PENYEDIA.read_text(encoding="utf-8"))[0]
    producer = Producer.objects.get(name=raw["nama_penyedia"])
    listing = services.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer)
    by_code = {c["code"]: c["status"] for c in listing.checks}
    assert by_code["nib"] == "fail"  # e-Katalog gives no NIB
    assert by_code["npwp"] == ("ok" if raw["npwp_penyedia"] or raw["npwp_16"] else "fail")
    assert by_code["kbli"] == ("ok" if raw["kbli2020_penyedia"] else "fail")
    expected_region = "unknown" if producer.region_id is None and producer.province_id is None \
        else by_code["region"]
    assert by_code["region"] == expected_region


# ------------------------------------------------------------------ decisions, public pages


def test_rejecting_and_removing_need_a_reason_and_removed_entries_leave_the_public_page(
    client, client_for, bandung, tim_bandung
):
    producer = _registry_producer(tim_bandung)
    listing = services.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer)
    tim = client_for(tim_bandung)
    detail = reverse("listings:detail", args=[listing.pk])
    assert tim.post(detail, {"decision": "reject"}).status_code == 200
    assert tim.post(detail, {"decision": "approve"}).status_code == 302
    assert producer.name in client.get(_public(bandung)).content.decode()
    assert tim.post(detail, {"decision": "approve"}).status_code == 200  # not pending any more
    assert tim.post(detail, {"decision": "remove", "reason": "Usaha tutup"}).status_code == 302
    listing.refresh_from_db()
    assert (listing.status, listing.reason) == ("removed", "Usaha tutup")
    assert producer.name not in client.get(_public(bandung)).content.decode()
    url = f"{_public(bandung)}produsen/{producer.pk}-{producer.slug}/"
    assert client.get(url).status_code == 404
    # it may be proposed again, and then rejected with its reason
    again = services.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer)
    services.decide_listing(actor=tim_bandung, listing=again, decision="reject",
                            reason="Belum ada NIB aktif")
    assert LogEntry.objects.filter(action="listings.listing.rejected",
                                   changes__reason=["", "Belum ada NIB aktif"]).exists()


def test_public_addresses_carry_the_names_and_correct_a_wrong_slug(client, bandung, tim_bandung):
    producer = _registry_producer(tim_bandung)
    listing = services.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer)
    services.decide_listing(actor=tim_bandung, listing=listing, decision="approve")
    response = client.get(f"/katalog-lokal/{bandung.kd_klpd}/")
    assert response.status_code == 301 and response["Location"] == _public(bandung)
    wrong = f"/katalog-lokal/{bandung.kd_klpd}-nama-lama/produsen/{producer.pk}-x/"
    response = client.get(wrong, follow=True)
    assert response.redirect_chain[-1][0] == (
        f"{_public(bandung)}produsen/{producer.pk}-{producer.slug}/")
    assert client.get("/katalog-lokal/ZZZ999-x/").status_code == 404
    index = client.get("/katalog-lokal/").content.decode()
    assert _public(bandung) in index and 'name="viewport"' in index
    # another Pemda's list does not show it
    assert client.get(f"{_public(bandung)}produk/").status_code == 200


def test_an_unapproved_producer_has_no_public_page_even_with_its_number(client, bandung,
                                                                        tim_bandung):
    producer = _registry_producer(tim_bandung)
    services.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer)
    url = f"{_public(bandung)}produsen/{producer.pk}-{producer.slug}/"
    assert client.get(url).status_code == 404


# ------------------------------------------------------------------ target and counts


def test_counts_against_the_target_on_the_page_in_the_api_and_the_export(
    client_for, bandung, tim_bandung, viewer_bandung, tim_kalbar
):
    sizes = ["mikro", "kecil", "besar"]
    for n, size in enumerate(sizes):
        producer = _registry_producer(tim_bandung, name=f"CV Produsen {n}", size=size,
                                      npwp=f"01234567890{n}000")
        product = registry.create_product(actor=tim_bandung, producer=producer,
                                          name=f"Produk {n}", kbli="13121")
        listing = services.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer,
                                           product=product)
        if n < 2 or size == "besar":
            services.decide_listing(actor=tim_bandung, listing=listing, decision="approve")
    extra = _registry_producer(tim_bandung, name="CV Menunggu", npwp="099999999999000")
    services.propose_listing(actor=tim_bandung, pemda=bandung, producer=extra)
    approved = Listing.objects.filter(pemda=bandung, status="approved")
    umk = approved.filter(producer__umk=True).values("producer").distinct().count()
    progress = queries.progress(bandung)
    assert (progress.umk_target, progress.target_set) == (1000, False)
    assert (progress.umk_producers, progress.producers, progress.products, progress.pending) == (
        umk, approved.values("producer").distinct().count(), approved.count(), 1)
    tim = client_for(tim_bandung)
    page = tim.get(reverse("listings:manage", args=[bandung.pk])).content.decode()
    assert format_percent(Decimal(umk) / 1000) in page and "1.000" in page
    # the target, set by the Tim P3DN only, audited
    assert client_for(viewer_bandung).post(reverse("listings:target", args=[bandung.pk]),
                                           {"umk_target": 10}).status_code == 403
    tim = client_for(tim_bandung)
    assert tim.post(reverse("listings:target", args=[bandung.pk]),
                    {"umk_target": "abc"}).status_code == 302
    assert tim.post(reverse("listings:target", args=[bandung.pk]),
                    {"umk_target": 40}).status_code == 302
    entry = LogEntry.objects.get(action="listings.target.updated")
    assert entry.changes == {"umk_target": [1000, 40]} and entry.pemda == bandung
    api = tim.get(f"/api/v1/listings/pemda/{bandung.pk}/progress").json()
    assert api == {"pemda": bandung.pk, "umk_target": 40, "target_set": True,
                   "umk_producers": umk, "producers": progress.producers,
                   "products": progress.products, "pending": 1,
                   "share": str((Decimal(umk) / 40).quantize(Decimal("0.0001")))}
    assert client_for(tim_kalbar).get(
        f"/api/v1/listings/pemda/{bandung.pk}/progress").status_code == 404
    # the export: every entry with its check results
    content = client_for(viewer_bandung).get(reverse("listings:export", args=[bandung.pk]))
    sheet = load_workbook(io.BytesIO(content.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "No.")
    body = rows[rows.index(header) + 1:]
    assert sorted(r[0] for r in body) == sorted(
        Listing.objects.filter(pemda=bandung).values_list("pk", flat=True))
    assert header[header.index("NIB aktif")] and all(r[header.index("NIB aktif")] == "lolos"
                                                     for r in body)


# ------------------------------------------------------------------ the API


def test_the_api_shows_the_public_only_approved_entries_and_lets_only_the_own_tim_write(
    client, client_for, bandung, tim_bandung, tim_kalbar, operator_bandung
):
    producer = _registry_producer(tim_bandung)
    product = registry.create_product(actor=tim_bandung, producer=producer, name="Kain Tenun",
                                      kbli="13121")
    base = f"/api/v1/listings/pemda/{bandung.pk}/entries"
    body = {"producer": producer.pk, "product": product.pk}
    assert client_for(tim_kalbar).post(base, body, content_type="application/json"
                                       ).status_code == 404
    assert client_for(operator_bandung).post(base, body, content_type="application/json"
                                             ).status_code == 403
    tim = client_for(tim_bandung)
    created = tim.post(base, body, content_type="application/json")
    assert created.status_code == 201
    entry = created.json()
    assert entry["status"] == "pending" and [c["status"] for c in entry["checks"]] == ["ok"] * 5
    assert tim.post(base, body, content_type="application/json").status_code == 409
    public = f"/api/v1/listings/klpd/{bandung.kd_klpd}/products"
    assert client.get(public).json()["count"] == 0
    decision = f"/api/v1/listings/entries/{entry['id']}/decision"
    assert client_for(operator_bandung).post(
        decision, {"decision": "approve"}, content_type="application/json").status_code == 403
    tim = client_for(tim_bandung)
    assert tim.post(decision, {"decision": "remove", "reason": "x"},
                    content_type="application/json").status_code == 409
    assert tim.post(decision, {"decision": "approve"},
                    content_type="application/json").status_code == 200
    items = client.get(public).json()["items"]
    assert [i["id"] for i in items] == [product.pk]
    summary = client.get(f"/api/v1/listings/klpd/{bandung.kd_klpd.lower()}").json()
    assert (summary["products"], summary["url"]) == (1, _public(bandung))
    detail = tim.get(f"/api/v1/listings/entries/{entry['id']}").json()
    assert [h["action"] for h in detail["history"]] == ["listings.listing.proposed",
                                                        "listings.listing.approved"]
    assert client_for(tim_kalbar).get(f"/api/v1/listings/entries/{entry['id']}").status_code == 404
    # hostile parameters: 422 or 404, never 500
    assert client.get("/api/v1/listings/klpd/D1%2707").status_code == 422
    assert client.get("/api/v1/listings/klpd/" + "X" * 11).status_code == 422
    assert client.get("/api/v1/listings/klpd/Q999").status_code == 404
    assert tim.get(base, {"status": "bogus"}).status_code == 422
    assert tim.get(base, {"limit": 5000}).status_code == 422


def test_the_navigation_and_the_registry_link_the_katalog_lokal(client, client_for, tim_bandung,
                                                                 admin_pusat, bandung):
    home = client_for(tim_bandung).get("/").content.decode()
    assert reverse("listings:manage", args=[bandung.pk]) in home
    registry_page = client.get(reverse("catalog:registry")).content.decode()
    assert reverse("listings:index") in registry_page
    national_home = client_for(admin_pusat).get("/").content.decode()
    assert "/katalog-lokal/kelola/" not in national_home
    # the public and national users reach every Pemda's katalog lokal from the menu
    menu = 'class="mainnav"'
    for page in (client.get("/").content.decode(), national_home):
        nav = page[page.index(menu):page.index("</nav>", page.index(menu))]
        assert f'href="{reverse("listings:index")}"' in nav


def test_manage_pages_answer_hostile_parameters_without_a_server_error(client_for, tim_bandung,
                                                                        bandung):
    tim = client_for(tim_bandung)
    tim.raise_request_exception = False
    url = reverse("listings:manage", args=[bandung.pk])
    for params in ({"status": "x" * 5000}, {"q": "ÿ€漢字"}, {"page": "-1"}, {"page": "9" * 40}):
        assert tim.get(url, params).status_code == 200
    assert tim.get("/katalog-lokal/kelola/99999999999/").status_code == 404
    assert tim.get("/katalog-lokal/usulan/99999999999/").status_code == 404
    bad = tim.post(reverse("listings:detail", args=[1]), {"decision": "x"})
    assert bad.status_code == 404
    assert CatalogProduct.objects.count() == 0


def test_the_public_lists_and_the_pemdas_list_read_a_fixed_number_of_queries(
    client, client_for, bandung, tim_bandung
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n: int) -> None:
        producer = _registry_producer(tim_bandung, name=f"CV Usaha Nomor {n}",
                                      npwp=f"0123456789{n:02d}000")
        product = registry.create_product(actor=tim_bandung, producer=producer,
                                          name=f"Produk {n}", kbli="13121")
        listing = services.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer,
                                           product=product)
        services.decide_listing(actor=tim_bandung, listing=listing, decision="approve")

    urls = [_public(bandung), _public(bandung) + "produk/"]
    manage = reverse("listings:manage", args=[bandung.pk])

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx))
        tim = client_for(tim_bandung)
        with CaptureQueriesContext(connection) as ctx:
            assert tim.get(manage).status_code == 200
        found.append(len(ctx))
        client.logout()
        return found

    add(1)
    few = counts()
    for n in range(2, 7):
        add(n)
    assert counts() == few
