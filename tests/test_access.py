"""Two Pemda, named users: neither may read or change the other's data, on pages or the API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from p3dn.accounts.models import Unit


def _status(client: Client, url: str) -> int:
    return client.get(url).status_code


def test_tim_p3dn_sees_own_pemda_and_units(client_for, tim_bandung, bandung, dinkes_bandung):
    client = client_for(tim_bandung)
    page = client.get(reverse("accounts:pemda-detail", args=[bandung.pk]))
    assert page.status_code == 200
    assert "DINAS KESEHATAN" in page.content.decode()
    assert _status(client, reverse("accounts:unit-detail", args=[dinkes_bandung.pk])) == 200


def test_tim_p3dn_of_one_pemda_gets_404_for_the_other(
    client_for, tim_bandung, kalbar, dinkes_kalbar
):
    client = client_for(tim_bandung)
    assert _status(client, reverse("accounts:pemda-detail", args=[kalbar.pk])) == 404
    assert _status(client, reverse("accounts:pemda-update", args=[kalbar.pk])) == 404
    assert _status(client, reverse("accounts:unit-detail", args=[dinkes_kalbar.pk])) == 404
    assert _status(client, reverse("accounts:unit-update", args=[dinkes_kalbar.pk])) == 404
    assert _status(client, reverse("accounts:unit-create", args=[kalbar.pk])) == 404
    response = client.post(
        reverse("accounts:unit-update", args=[dinkes_kalbar.pk]),
        {"name": "DIUBAH", "is_active": "on"},
    )
    assert response.status_code == 404
    response = client.post(reverse("accounts:unit-delete", args=[dinkes_kalbar.pk]))
    assert response.status_code == 404
    dinkes_kalbar.refresh_from_db()
    assert dinkes_kalbar.name == "DINAS KESEHATAN"


def test_the_other_tim_p3dn_is_just_as_blind(client_for, tim_kalbar, bandung, dinkes_bandung):
    client = client_for(tim_kalbar)
    assert _status(client, reverse("accounts:pemda-detail", args=[bandung.pk])) == 404
    assert _status(client, reverse("accounts:unit-detail", args=[dinkes_bandung.pk])) == 404


def test_pemda_list_redirects_a_local_user_to_its_own_pemda(client_for, tim_bandung, bandung):
    response = client_for(tim_bandung).get(reverse("accounts:pemda-list"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:pemda-detail", args=[bandung.pk])


def test_national_viewer_sees_every_pemda_but_changes_nothing(
    client_for, viewer_nasional, bandung, kalbar, dinkes_kalbar
):
    client = client_for(viewer_nasional)
    listing = client.get(reverse("accounts:pemda-list") + "?q=Kalimantan Barat")
    assert "Prov. Kalimantan Barat" in listing.content.decode()
    assert _status(client, reverse("accounts:unit-detail", args=[dinkes_kalbar.pk])) == 200
    assert _status(client, reverse("accounts:unit-update", args=[dinkes_kalbar.pk])) == 403
    assert _status(client, reverse("accounts:pemda-update", args=[bandung.pk])) == 403
    assert _status(client, reverse("accounts:user-list")) == 403


def test_operator_edits_its_own_unit_only(
    client_for, operator_bandung, dinkes_bandung, dishub_bandung
):
    client = client_for(operator_bandung)
    assert _status(client, reverse("accounts:unit-detail", args=[dishub_bandung.pk])) == 200
    response = client.post(
        reverse("accounts:unit-update", args=[dishub_bandung.pk]),
        {"name": "DIUBAH", "is_active": "on"},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("accounts:unit-update", args=[dinkes_bandung.pk]),
        {"name": "DINAS KESEHATAN KAB. BANDUNG", "kd_satker": "60414", "is_active": "on"},
    )
    assert response.status_code == 302
    dinkes_bandung.refresh_from_db()
    dishub_bandung.refresh_from_db()
    assert dinkes_bandung.name == "DINAS KESEHATAN KAB. BANDUNG"
    assert dishub_bandung.name == "DINAS PERHUBUNGAN"
    assert _status(client, reverse("accounts:unit-create", args=[dinkes_bandung.pemda_id])) == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, bandung):
    response = client.get(reverse("accounts:pemda-detail", args=[bandung.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_tim_p3dn_manages_users_of_its_own_pemda_only(
    client_for, tim_bandung, tim_kalbar, dinkes_bandung, kalbar
):
    client = client_for(tim_bandung)
    listing = client.get(reverse("accounts:user-list")).content.decode()
    assert "tim.bandung" in listing and "tim.kalbar" not in listing
    assert _status(client, reverse("accounts:user-update", args=[tim_kalbar.pk])) == 404
    response = client.post(
        reverse("accounts:user-create"),
        {
            "username": "penyusup",
            "role": "tim_p3dn",
            "pemda": kalbar.pk,
            "password": "a-Strong-pass-77",
        },
    )
    assert response.status_code == 200  # the form refuses: Kalbar is not a choice
    assert "penyusup" not in listing
    response = client.post(
        reverse("accounts:user-create"),
        {
            "username": "operator.baru",
            "role": "operator",
            "unit": dinkes_bandung.pk,
            "password": "a-Strong-pass-77",
        },
    )
    assert response.status_code == 302


# ---------------------------------------------------------------- API


@pytest.fixture
def api_client():
    return Client()


def test_api_lists_only_the_callers_units(client_for, tim_bandung, dinkes_bandung, dinkes_kalbar):
    client = client_for(tim_bandung)
    data = client.get("/api/v1/units").json()
    names = {(u["kd_klpd"], u["name"]) for u in data["items"]}
    assert ("D107", "DINAS KESEHATAN") in names
    assert all(kd == "D107" for kd, _ in names)
    assert client.get(f"/api/v1/units/{dinkes_kalbar.pk}").status_code == 404
    assert client.get(f"/api/v1/units/{dinkes_bandung.pk}").status_code == 200


def test_api_refuses_writes_into_another_pemda(client_for, tim_kalbar, bandung, dinkes_bandung):
    client = client_for(tim_kalbar)
    response = client.post(
        f"/api/v1/pemda/{bandung.pk}/units", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 404
    response = client.patch(
        f"/api/v1/units/{dinkes_bandung.pk}", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Unit.objects.get(pk=dinkes_bandung.pk).name == "DINAS KESEHATAN"


def test_api_viewer_may_read_but_not_write(client_for, viewer_bandung, bandung, dinkes_bandung):
    client = client_for(viewer_bandung)
    assert client.get(f"/api/v1/units/{dinkes_bandung.pk}").status_code == 200
    response = client.patch(
        f"/api/v1/units/{dinkes_bandung.pk}", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"error": "forbidden"}


def test_api_needs_authentication(api_client, dinkes_bandung):
    assert api_client.get("/api/v1/units").status_code == 401
    assert api_client.get("/api/v1/pemda").status_code == 401


def test_htmx_search_returns_only_the_rows(client_for, viewer_nasional, kalbar):
    client = client_for(viewer_nasional)
    response = client.get(reverse("accounts:pemda-list") + "?q=Kalimantan Barat",
                          HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Prov. Kalimantan Barat" in html
    assert "Kab. Bandung" not in html
