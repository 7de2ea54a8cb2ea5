"""A real browser (Debian's headless Chromium driven by Playwright) signs in, switches the
language and opens the home page and the Pemda page. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import sync_playwright

from conftest import KALBAR_2023_DIR, PASSWORD
from p3dn.catalog import services as registry
from p3dn.regions.models import Region
from p3dn.tkdnik.models import Candidate

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run scripts/install-system-deps.sh")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="id-ID")
        yield context.new_page()
        context.close()
        browser.close()
        # ORM calls made while Playwright's loop ran used their own connections: close them.
        connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_in_switch_language_and_open_the_home_page(
    page, live_server, tim_bandung, dinkes_bandung
):
    page.goto(f"{live_server.url}/akun/masuk/")
    assert page.locator("h1").inner_text() == "Masuk"
    page.fill("input[name=username]", "tim.bandung")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "Selamat datang" in page.locator("h1").inner_text()
    assert page.locator(".card-value", has_text="Kab. Bandung").is_visible()
    page.screenshot(path=str(ARTIFACTS / "home-id.png"), full_page=True)

    page.click("button.lang[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Welcome" in page.locator("h1").inner_text()

    page.click(f"nav.mainnav a[href='{reverse('accounts:pemda-list')}']")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Kab. Bandung"
    assert page.get_by_text("DINAS KESEHATAN").is_visible()
    page.screenshot(path=str(ARTIFACTS / "pemda-en.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/")
    assert not page.locator("nav.mainnav").is_visible()  # folded behind the menu button
    page.click("label.nav-toggle-label")
    assert page.locator("nav.mainnav").is_visible()
    page.screenshot(path=str(ARTIFACTS / "home-phone.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_dasbor_number_opens_the_contracts_behind_it_and_leads_back(
    page, live_server, tim_kalbar
):
    from p3dn.imports import services
    from p3dn.lib.money import format_rupiah
    from p3dn.monitoring.indicators import compute

    for name in ("RUP-PaketPenyedia-Terumumkan.parquet", "SPSE-TenderEkontrak-Kontrak.json"):
        assert services.import_now(actor=None, path=KALBAR_2023_DIR / name).status == "applied"
    pemda = tim_kalbar.pemda
    tender = compute(pemda=pemda, tahun=2023)["realisasi"]["tender"]["pdn"]
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", "tim.kalbar")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.goto(f"{live_server.url}/dasbor/pemda/{pemda.pk}/?tahun=2023")
    assert page.locator("figure.chart svg").count() == 2
    page.screenshot(path=str(ARTIFACTS / "dasbor-kalbar.png"), full_page=True)
    page.locator("table a[href*='sumber=tender&nilai=pdn']").first.click()
    heading = page.locator("h1").inner_text()
    assert "Realisasi PDN" in heading and format_rupiah(tender) in heading
    assert page.locator("table tbody tr").count() > 10
    page.screenshot(path=str(ARTIFACTS / "rincian-tender.png"), full_page=True)
    page.click("text=Kembali ke dasbor")
    assert page.locator("h1").inner_text().startswith("Dasbor")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_katalog_lokal_fits_a_phone_and_its_proposal_form_works(
    page, live_server, bandung, tim_bandung
):
    from django.utils.text import slugify

    from p3dn.catalog import services as registry
    from p3dn.catalog.listings import services as listings
    from p3dn.catalog.listings.models import Listing
    from p3dn.regions.models import Region

    producer = registry.create_producer(
        actor=tim_bandung, name="CV Tenun Sambas Sejahtera Bersama Makmur Abadi",
        region=Region.objects.get(code="32.04"), nib="8120001112223", nib_status="aktif",
        npwp="012345678901000", kbli="13121", size="kecil")
    product = registry.create_product(
        actor=tim_bandung, producer=producer, name="Kain Tenun Ikat Motif Sambas 2 x 1 meter",
        kbli="13121", brand="Sambas", specification="Katun, pewarna alami")
    entry = listings.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer,
                                     product=product)
    listings.decide_listing(actor=tim_bandung, listing=entry, decision="approve")
    base = f"{live_server.url}/katalog-lokal/{bandung.kd_klpd}-{slugify(bandung.name)}/"
    page.set_viewport_size({"width": 375, "height": 760})
    for name, url in (("pemda", base), ("products", base + "produk/"),
                      ("product", f"{base}produk/{product.pk}-{product.slug}/"),
                      ("form", base + "usulkan/")):
        page.goto(url)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 375, (name, wide)  # no sideways scrolling of the page itself
        page.screenshot(path=str(ARTIFACTS / f"katalog-lokal-{name}-phone.png"), full_page=True)
    box = page.locator("input[name=website]").bounding_box()
    assert box is not None and box["x"] + box["width"] < 0  # the robots' field: off the screen
    page.fill("input[name=name]", "UD Keripik Soreang")
    page.fill("input[name=contact_name]", "Pak Dedi")
    page.fill("input[name=contact_phone]", "081234567890")
    page.click("form.form button[type=submit]")
    page.wait_for_url(base)
    assert page.locator(".msg.success").is_visible()
    assert Listing.objects.filter(status="pending", source="publik").count() == 1
    # its Tim P3DN opens it on the phone: the failed checks, and the decision form
    proposal = Listing.objects.get(status="pending")
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", "tim.bandung")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/katalog-lokal/usulan/{proposal.pk}/")
    assert page.get_by_text("Tidak ada NIB: Katalog v6 menolaknya.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "katalog-lokal-review-phone.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_pemda_is_found_by_its_code_in_a_long_list(page, live_server, admin_pusat, bandung):
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", admin_pusat.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('accounts:user-create')}")
    select = page.locator("select[name=pemda]")
    assert select.locator("option").count() > 500  # every Pemda of the country
    box = page.locator("input.find-box")
    assert box.get_attribute("placeholder") == "Nama atau kode"
    box.fill(bandung.kd_klpd)
    assert select.input_value() == str(bandung.pk)
    shown = select.locator("option:not([hidden])")
    assert [t for t in shown.all_inner_texts() if t.strip() and "D107" in t] == [
        f"{bandung.name} ({bandung.kd_klpd} · {bandung.region_id})"]
    box.fill("bandung barat")
    assert "Bandung Barat" in select.locator("option:checked").inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_tkdn_ik_candidate_is_registered_by_typing_the_producers_name(
        page, live_server, tim_bandung, bandung):
    region = Region.objects.get(code="32.04")
    producer = registry.create_producer(actor=tim_bandung, name="CV Tenun Sambas Jaya",
                                        region=region, modal_usaha=Decimal("800000000"))
    registry.create_producer(actor=tim_bandung, name="CV Batik Soreang", region=region)
    product = registry.create_product(actor=tim_bandung, producer=producer, name="Kain Tenun Ikat",
                                      kbli="13121")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", tim_bandung.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('tkdnik:register', args=[bandung.pk])}")
    page.select_option("select[name=kecamatan]", index=1)
    page.fill("input[name=producer_cari]", "tenun jaya")
    producers = page.locator("select[name=producer]")
    producers.locator(f"option[value='{producer.pk}']").wait_for(state="attached")
    assert producers.input_value() == str(producer.pk)
    assert producers.locator("option").count() == 1  # "Batik Soreang" does not match
    page.fill("input[name=product_cari]", "kain")
    products = page.locator("select[name=product]")
    products.locator(f"option[value='{product.pk}']").wait_for(state="attached")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "tkdn-ik-register-phone.png"), full_page=True)
    page.click("main form button[type=submit] >> nth=-1")
    page.wait_for_url(f"{live_server.url}/tkdn-ik/kandidat/**")
    candidate = Candidate.objects.get()
    assert (candidate.producer, candidate.product, candidate.product_name) == (
        producer, product, "Kain Tenun Ikat")
    # the Pemda's candidates on the phone: rows stacked, each value under its column's name
    page.goto(f"{live_server.url}{reverse('tkdnik:pemda', args=[bandung.pk])}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cell = page.locator("td[data-label='Produsen']", has_text="CV Tenun Sambas Jaya")
    assert cell.is_visible()
    page.screenshot(path=str(ARTIFACTS / "tkdn-ik-pemda-phone.png"), full_page=True)
