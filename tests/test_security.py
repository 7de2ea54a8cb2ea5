"""Sign-in, throttling, CSRF and production security settings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD


def test_signing_in_with_the_right_password_opens_the_home_page(client, tim_bandung):
    response = client.post(
        reverse("accounts:login"), {"username": "tim.bandung", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"] == tim_bandung


def test_repeated_failures_lock_the_account(client, tim_bandung):
    for _ in range(settings.P3DN_LOGIN_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "tim.bandung", "password": "salah"})
    response = client.post(
        reverse("accounts:login"), {"username": "tim.bandung", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_forms_refuse_posts_without_a_csrf_token(tim_bandung, bandung):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tim_bandung)
    response = client.post(reverse("accounts:unit-create", args=[bandung.pk]), {"name": "X"})
    assert response.status_code == 403


def test_production_settings_are_secure_when_debug_is_off():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.X_FRAME_OPTIONS == "DENY"


@pytest.mark.django_db
def test_healthz_answers_with_the_database_state(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_password_validators_refuse_weak_passwords(client_for, admin_pusat):
    client = client_for(admin_pusat)
    response = client.post(
        reverse("accounts:user-create"),
        {"username": "lemah", "role": "viewer", "password": "12345678"},
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
