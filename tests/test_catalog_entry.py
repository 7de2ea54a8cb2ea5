"""The registry's pages and API for the public, the Tim P3DN of each Pemda and the national
admin: public reads without personal data, hand entry owned by the Pemda that made it,
audited; size by PP 7/2021 from the rules library; validity filters that agree with C12."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from conftest import SHARED_DATA as SHARED
from p3dn.audit.models import LogEntry
from p3dn.catalog import services
from p3dn.catalog.models import CatalogProduct, Certificate, Producer
from p3dn.catalog.queries import validity_q
from p3dn.catalog.sync import sync_registry
from p3dn.catalog.validity import STATUSES, validity
from p3dn.imports.services import import_now
from p3dn.rules.packages import enterprise_size

PENYEDIA = SHARED / "isb" / "kab-bandung-2025" / "Ecat-PenyediaDetail.json"
EXPORT = SHARED / "tkdn" / "kemenperin-export-sample.xls"

pytestmark = pytest.mark.django_db


def _producer_form(**values):
    return {"name": "CV Maju Karya Bandung", "legal_form": "", "nib": "", "nib_status": "",
            "npwp": "", "address": "", "region": "", "email": "", "phone": "", "kbli": "",
            "modal_usaha": "", "hasil_penjualan": "", "size": "", "ikm": "unknown", "bmp": "",
            **values}


def _product_form(**values):
    return {"name": "Kursi Roda Lipat", "specification": "Rangka baja, roda 24 inci",
            "tipe": "KR-24", "brand": "Karya", "kelompok_barang": "", "kbki": "", "kode_hs": "",
            "kbli": "", "unit": "unit", "origin": "pdn", "harga": "1.250.000",
            "price_region": "32.04", **values}


def _certificate_form(**values):
    return {"number": "1234/SJ-IND.8/TKDN/5/2025", "kind": "tkdn", "tkdn": "45,5", "bmp": "",
            "issue_date": "2025-05-02", "expiry_date": "2030-05-02", **values}


# ------------------------------------------------------------------ the public


def test_the_public_reads_the_registry_without_signing_in_and_never_sees_an_npwp(
    client, client_for, tim_bandung
):
    import_now(actor=None, path=PENYEDIA)
    import_now(actor=None, path=EXPORT)
    sync_registry()
    raw = json.loads(PENYEDIA.read_text(encoding="utf-8"))[0]
    provider = Producer.objects.get(name=raw["nama_penyedia"])
    cert = Certificate.objects.select_related("product", "holder").first()
    pages = [
        "/registri/", "/registri/produsen/", "/registri/produk/", "/registri/sertifikat/",
        provider.get_absolute_url(), cert.product.get_absolute_url(),
        cert.get_absolute_url(), cert.holder.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert raw["npwp_penyedia"] not in response.content.decode()
    page = client.get(provider.get_absolute_url()).content.decode()
    assert raw["email_penyedia"] in page  # a CV's company email is public e-Katalog data
    api = client.get(f"/api/v1/catalog/producers/{provider.pk}").json()
    assert "npwp" not in api and api["email"] == raw["email_penyedia"]
    assert client.get(f"/api/v1/catalog/producers/{provider.pk}/full").status_code == 401
    # signed in, the NPWP shows
    signed = client_for(tim_bandung)
    assert raw["npwp_penyedia"] in signed.get(provider.get_absolute_url()).content.decode()
    full = signed.get(f"/api/v1/catalog/producers/{provider.pk}/full").json()
    assert full["npwp"] == raw["npwp_penyedia"]
    assert full["provenance"]["npwp"]["source"] == "ekatalog_penyedia"


def test_an_individuals_contacts_are_for_signed_in_users_only(client, client_for, tim_bandung):
    producer = services.create_producer(
        actor=tim_bandung, name="Siti Aminah", legal_form="perorangan",
        email="siti.aminah@example.id", phone="081234567890",
    )
    assert "081234567890" not in client.get(producer.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/catalog/producers/{producer.pk}").json()["phone"] is None
    signed = client_for(tim_bandung).get(producer.get_absolute_url()).content.decode()
    assert "081234567890" in signed


def test_share_links_carry_the_name_and_short_links_redirect_to_them(client, tim_bandung):
    producer = services.create_producer(actor=tim_bandung, name="PT Pompa Nusantara Jaya")
    slug = "pt-pompa-nusantara-jaya"
    assert producer.get_absolute_url() == f"/registri/produsen/{producer.pk}-{slug}/"
    response = client.get(f"/registri/produsen/{producer.pk}/")
    assert response.status_code == 301 and response["Location"] == producer.get_absolute_url()
    assert client.get(f"/registri/produsen/{producer.pk}-nama-lama/").status_code == 301
    assert client.get("/registri/produsen/999999-tidak-ada/").status_code == 404


def test_the_navigation_shows_the_registry_to_everyone(client, client_for, operator_bandung):
    assert 'href="/registri/"' in client.get("/").content.decode()
    assert 'href="/registri/"' in client_for(operator_bandung).get("/").content.decode()


# ------------------------------------------------------------------ hand entry and ownership


def test_a_tim_p3dn_enters_producer_product_and_certificate_through_the_pages(
    client_for, tim_bandung, bandung
):
    client = client_for(tim_bandung)
    response = client.post("/registri/produsen/baru/", _producer_form(
        npwp="01.234.567.8-901.000", nib="1234567890123", region="32.04", kbli="32501, 28193",
        modal_usaha="3.000.000.000"))
    producer = Producer.objects.get(name="CV Maju Karya Bandung")
    assert response.status_code == 302 and response["Location"] == producer.get_absolute_url()
    assert (producer.owner_pemda, producer.legal_form, producer.npwp, producer.kbli) == (
        bandung, "cv", "012345678901000", "28193 32501")
    assert (producer.region_id, producer.province_id) == ("32.04", "32")
    assert producer.provenance["npwp"]["source"] == "manual"
    response = client.post(f"/registri/produsen/{producer.pk}/produk/baru/", _product_form())
    product = CatalogProduct.objects.get(producer=producer)
    assert response.status_code == 302
    assert product.price_min == Decimal("1250000.00") and product.prices.get().region_id == "32.04"
    response = client.post(f"/registri/produk/{product.pk}/sertifikat/baru/", _certificate_form())
    assert response.status_code == 302
    cert = Certificate.objects.get(product=product)
    assert (cert.tkdn, cert.holder, cert.owner_pemda) == (Decimal("0.4550"), producer, bandung)
    assert cert.sources.get().kind == "manual"
    product.refresh_from_db()
    assert (product.tkdn, product.valid_until, product.certificate_count) == (
        Decimal("0.4550"), dt.date(2030, 5, 2), 1)
    actions = set(LogEntry.objects.filter(pemda=bandung).values_list("action", flat=True))
    assert {"catalog.producer.created", "catalog.product.created",
            "catalog.certificate.created"} <= actions
    assert LogEntry.objects.get(action="catalog.producer.created").actor == tim_bandung


def test_one_pemdas_tim_cannot_change_what_another_pemdas_tim_entered(
    client_for, tim_bandung, tim_kalbar, admin_pusat, viewer_bandung, operator_bandung
):
    producer = services.create_producer(actor=tim_bandung, name="CV Maju Karya Bandung")
    product = services.create_product(actor=tim_bandung, producer=producer, name="Kursi Roda")
    cert = services.create_certificate(actor=tim_bandung, product=product,
                                       tkdn=Decimal("0.45"), expiry_date=dt.date(2030, 1, 1))
    pages = [f"/registri/produsen/{producer.pk}/ubah/", f"/registri/produk/{product.pk}/ubah/",
             f"/registri/sertifikat/{cert.pk}/ubah/",
             f"/registri/produsen/{producer.pk}/produk/baru/",
             f"/registri/produk/{product.pk}/sertifikat/baru/"]
    for user in (tim_kalbar, viewer_bandung, operator_bandung):
        client = client_for(user)
        for url in pages:
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(pages[0], _producer_form(name="CV Diubah")).status_code == 403
        assert client.patch(f"/api/v1/catalog/producers/{producer.pk}", {"name": "CV Diubah"},
                            content_type="application/json").status_code == 403
        assert client.post(f"/api/v1/catalog/products/{product.pk}/certificates",
                           {"tkdn": "0.5", "expiry_date": "2030-01-01"},
                           content_type="application/json").status_code == 403
    producer.refresh_from_db()
    assert producer.name == "CV Maju Karya Bandung"
    for user in (tim_bandung, admin_pusat):
        client = client_for(user)
        for url in pages:
            assert client.get(url).status_code == 200, (user, url)
    response = client_for(admin_pusat).patch(
        f"/api/v1/catalog/producers/{producer.pk}", {"ikm": True},
        content_type="application/json")
    assert response.status_code == 200 and response.json()["ikm"] is True
    assert LogEntry.objects.filter(action="catalog.producer.updated",
                                   actor=admin_pusat).count() == 1


def test_imported_records_belong_to_no_pemda_and_only_the_admin_corrects_them(
    client_for, tim_bandung, admin_pusat
):
    import_now(actor=None, path=EXPORT)
    sync_registry()
    cert = Certificate.objects.select_related("holder").first()
    producer = cert.holder
    assert producer.owner_pemda is None and cert.owner_pemda is None
    tim = client_for(tim_bandung)
    assert tim.get(f"/registri/produsen/{producer.pk}/ubah/").status_code == 403
    assert tim.get(f"/registri/sertifikat/{cert.pk}/ubah/").status_code == 403
    admin = client_for(admin_pusat)
    response = admin.patch(f"/api/v1/catalog/certificates/{cert.pk}",
                           {"number": "777/SJ-IND.8/TKDN/1/2026"},
                           content_type="application/json")
    assert response.status_code == 200
    assert {s["kind"] for s in response.json()["sources"]} == {"export", "manual"}
    # a value entered by hand is never overwritten by a later sync
    admin.patch(f"/api/v1/catalog/producers/{producer.pk}", {"address": "Alamat baru 1"},
                content_type="application/json")
    sync_registry(full=True)
    producer.refresh_from_db()
    assert producer.address == "Alamat baru 1"


def test_anonymous_visitors_are_sent_to_sign_in_before_entering_anything(client):
    response = client.get("/registri/produsen/baru/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    answer = client.post("/api/v1/catalog/producers", {"name": "PT X"},
                         content_type="application/json")
    assert answer.status_code == 401


def test_hand_entry_refuses_bad_numbers_and_a_second_copy_of_a_producer(client_for, tim_bandung):
    client = client_for(tim_bandung)
    response = client.post("/registri/produsen/baru/", _producer_form(
        npwp="12345", nib="99", kbli="123"))
    form = response.context["form"]
    assert set(form.errors) == {"npwp", "nib", "kbli"}
    services.create_producer(actor=tim_bandung, name="PT Pompa Nusantara Jaya")
    response = client.post("/registri/produsen/baru/", _producer_form(
        name="P.T. POMPA NUSANTARA JAYA, Tbk"))
    assert "already in the registry" in str(response.context["form"].errors) or (
        "sudah ada" in str(response.context["form"].errors))
    # another NPWP tells two companies of one name apart
    services.update_producer(actor=tim_bandung, producer=Producer.objects.get(),
                             npwp="012345678901000")
    response = client.post("/registri/produsen/baru/", _producer_form(
        name="PT Pompa Nusantara Jaya", npwp="098765432109000"))
    assert response.status_code == 302 and Producer.objects.count() == 2
    assert all(p.identity_conflict for p in Producer.objects.all())  # kept apart, flagged


def test_the_api_enters_a_product_and_a_certificate_with_decimal_strings(
    client_for, tim_kalbar, kalbar
):
    client = client_for(tim_kalbar)
    answer = client.post("/api/v1/catalog/producers", {
        "name": "Koperasi Produsen Tenun Sambas", "region": "61.01", "size": "mikro"},
        content_type="application/json")
    assert answer.status_code == 201
    producer = answer.json()
    assert (producer["legal_form"], producer["umk"], producer["owner_pemda"]) == (
        "koperasi", True, kalbar.pk)
    answer = client.post(f"/api/v1/catalog/producers/{producer['id']}/products", {
        "name": "Kain Tenun Sambas", "brand": "-", "harga": "850000.00",
        "price_region": "61.01"}, content_type="application/json")
    assert answer.status_code == 201
    product = answer.json()
    assert product["brand"] == "" and product["price_min"] == "850000.00"
    answer = client.post(f"/api/v1/catalog/products/{product['id']}/certificates", {
        "kind": "tkdn_ik", "tkdn": "0.3512", "issue_date": "2025-01-10"},
        content_type="application/json")
    assert answer.status_code == 201
    cert = answer.json()
    assert cert["tkdn"] == "0.3512" and cert["valid_until_estimated"] is True
    assert cert["expiry_date"] is None and cert["valid_until"] > "2025-01-10"
    assert client.post(f"/api/v1/catalog/products/{product['id']}/certificates", {
        "tkdn": "1.5", "expiry_date": "2030-01-01"},
        content_type="application/json").status_code == 422
    listed = client.get("/api/v1/catalog/products", {"q": "tenun", "limit": 5}).json()
    assert listed["count"] == 1 and listed["items"][0]["tkdn"] == "0.3512"


# ------------------------------------------------------------------ rules


def test_size_by_pp_7_2021_comes_from_the_rules_library(tim_bandung):
    for modal, sales in ((Decimal("800000000"), None), (None, Decimal("14000000000")),
                         (Decimal("9000000000"), Decimal("60000000000"))):
        producer = services.create_producer(
            actor=tim_bandung, name=f"CV Ukuran {modal}-{sales}", modal_usaha=modal,
            hasil_penjualan=sales)
        expected = enterprise_size(modal_usaha=modal, hasil_penjualan=sales)
        assert producer.size == expected.ukuran.value
        assert producer.umk is expected.usaha_kecil
        assert producer.provenance["size"]["source"] == "manual"


def test_the_validity_filters_partition_certificates_as_c12_labels_them(tim_bandung):
    producer = services.create_producer(actor=tim_bandung, name="CV Uji Masa Berlaku")
    product = services.create_product(actor=tim_bandung, producer=producer, name="Pompa Air")
    dates = [(None, dt.date(2026, 1, 10)), (None, dt.date(2026, 3, 1)),
             (None, dt.date(2026, 3, 2)), (None, dt.date(2025, 12, 31)),
             (dt.date(2026, 2, 1), dt.date(2029, 2, 1)), (dt.date(2022, 6, 1), None),
             (dt.date(2023, 1, 3), None), (None, dt.date(2026, 1, 1)),
             (dt.date(2025, 12, 20), None), (None, dt.date(2027, 1, 1))]
    for number, (issue, expiry) in enumerate(dates):
        services.create_certificate(actor=tim_bandung, product=product, number=str(number),
                                    tkdn=Decimal("0.4"), issue_date=issue, expiry_date=expiry)
    as_of = dt.date(2026, 1, 1)
    with time_machine.travel(dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC), tick=False):
        for cert in Certificate.objects.all():
            label = validity(as_of=as_of, issue=cert.issue_date, expiry=cert.expiry_date)
            found = [s for s in STATUSES
                     if Certificate.objects.filter(validity_q(s, as_of), pk=cert.pk).exists()]
            assert found == [label.status], (cert.issue_date, cert.expiry_date)
        statuses = {validity(as_of=as_of, issue=c.issue_date, expiry=c.expiry_date).status
                    for c in Certificate.objects.all()}
        assert {"berlaku", "segera_berakhir", "kedaluwarsa", "belum_berlaku"} <= statuses


def test_list_pages_and_api_lists_cost_the_same_few_queries_however_many_rows(
    client, django_assert_max_num_queries
):
    import_now(actor=None, path=EXPORT)
    sync_registry()
    assert CatalogProduct.objects.count() >= 50 and Certificate.objects.count() >= 50
    for url in ("/registri/", "/registri/produsen/", "/registri/produk/",
                "/registri/sertifikat/", "/api/v1/catalog/producers?limit=100",
                "/api/v1/catalog/products?limit=100", "/api/v1/catalog/certificates?limit=100"):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url
