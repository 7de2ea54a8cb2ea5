"""The home page of a Tim P3DN lists what waits for it, each count the owning app's own number
and each card a link to where to act; another Pemda's Tim sees none of it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from test_tkdnik import _candidate, _producer, _submitted

from p3dn.catalog import services as registry
from p3dn.catalog.listings import services as listings
from p3dn.monitoring.monev import services as monev
from p3dn.tkdnik.queries import expiring_certificates

pytestmark = pytest.mark.django_db


def _cards(html: str) -> dict[str, tuple[int, str]]:
    """The cards of the section "Menunggu tindakan Tim P3DN": label → (count, link)."""
    html = html.split("Menunggu tindakan Tim P3DN", 1)[1]
    found = re.findall(r'<a class="card[^"]*" href="([^"]+)">\s*<span class="card-label">([^<]+)'
                       r'</span>\s*<span class="card-value">([^<]+)</span>', html)
    return {label: (int(value.replace(".", "")), url) for url, label, value in found}


def test_the_tim_p3dn_sees_its_pemdas_open_work(client_for, bandung, kalbar, tim_bandung,
                                                tim_kalbar, operator_bandung):
    today = timezone.localdate()
    producer = _producer(tim_bandung)
    for days in (20, 45, 90):
        product = registry.create_product(actor=tim_bandung, producer=producer,
                                          name=f"Kain {days}")
        registry.create_certificate(actor=tim_bandung, product=product, tkdn=Decimal("0.3"),
                                    expiry_date=today + dt.timedelta(days=days))
    _submitted(tim_bandung, _candidate(tim_bandung, bandung, producer))
    _candidate(tim_bandung, bandung, producer, product_name="Sarung Tenun")
    listings.propose_listing(actor=tim_bandung, pemda=bandung, producer=producer)
    monev.create_finding(actor=tim_bandung, pemda=bandung, tahun=2025, temuan="Belum input",
                         due_date=today - dt.timedelta(days=1))
    monev.create_finding(actor=tim_bandung, pemda=bandung, tahun=2025, temuan="RUP kosong")

    cards = _cards(client_for(tim_bandung).get("/").content.decode())
    expiring = expiring_certificates(bandung, as_of=today)
    assert cards["Sertifikat TKDN berakhir dalam 60 hari"] == (
        len(expiring), f"/tkdn-ik/{bandung.pk}/#berakhir")
    assert len(expiring) == 2
    assert cards["Kandidat TKDN-IK berjalan"][0] == 2
    assert cards["Usulan katalog lokal untuk ditinjau"][0] == 1
    assert cards["Temuan Monev terbuka"][0] == 2
    assert cards["Minat temu bisnis belum terealisasi"][0] == 0
    page = client_for(tim_bandung).get("/").content.decode()
    assert "1 lewat batas waktu" in page and "1 menunggu keputusan Kemenperin" in page
    for _count, url in cards.values():  # every card opens a page the Tim may read
        assert client_for(tim_bandung).get(url).status_code == 200, url

    # the other Pemda's Tim: its own (empty) work, nothing of Bandung's
    other = _cards(client_for(tim_kalbar).get("/").content.decode())
    assert set(other) == set(cards)
    assert all(count == 0 for count, _url in other.values())
    assert all(f"/{kalbar.pk}/" in url for _count, url in other.values())
    # an operator's home lists no Tim P3DN work
    assert "Menunggu tindakan Tim P3DN" not in client_for(operator_bandung).get(
        "/").content.decode()
