"""The sign-in throttle locks the attacker's (username, address) and spraying addresses, never
the colleagues behind the same office address; locks are audited and the admin lifts them."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from p3dn.accounts.models import SignInLock
from p3dn.audit.models import LogEntry
from p3dn.web.templatetags.p3dn import waktu


def sign_in(username: str, password: str, address: str, **headers: str):
    """One sign-in attempt from ``address`` in a fresh browser."""
    return Client().post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(response, username: str) -> bool:
    user = response.wsgi_request.user
    return response.status_code == 302 and user.is_authenticated and user.username == username


def fail_until_locked(username: str, address: str, **headers: str):
    responses = [
        sign_in(username, "salah-sekali", address, **headers)
        for _ in range(settings.P3DN_LOGIN_FAILURE_LIMIT)
    ]
    assert [r.status_code for r in responses[:-1]] == [200] * (len(responses) - 1)
    assert responses[-1].status_code == 429
    return responses[-1]


def test_five_wrong_passwords_lock_one_username_at_one_address_only(tim_bandung, tim_kalbar):
    locked = fail_until_locked("tim.bandung", "10.0.0.1")
    lock = SignInLock.objects.get()
    assert (lock.kind, lock.username, lock.address) == ("account", "tim.bandung", "10.0.0.1")
    assert lock.locked_until - lock.locked_at == timedelta(minutes=settings.P3DN_LOGIN_LOCK_MINUTES)
    page = locked.content.decode()
    assert "dikunci sampai" in page and waktu(lock.locked_until) in page

    # The right password from the locked address is refused, and says until when.
    again = sign_in("tim.bandung", PASSWORD, "10.0.0.1")
    assert again.status_code == 429 and not again.wsgi_request.user.is_authenticated
    assert waktu(lock.locked_until) in again.content.decode()
    # The same user from another address, and a colleague from the same address, sign in.
    assert signed_in(sign_in("tim.bandung", PASSWORD, "10.0.0.2"), "tim.bandung")
    assert signed_in(sign_in("tim.kalbar", PASSWORD, "10.0.0.1"), "tim.kalbar")
    # Usernames are counted whatever their case.
    assert sign_in("TIM.Bandung", PASSWORD, "10.0.0.1").status_code == 429


def test_an_address_is_locked_for_spraying_usernames_not_for_retries_at_a_lock(
    tim_bandung, tim_kalbar
):
    fail_until_locked("tim.bandung", "10.0.0.1")
    retries = [
        sign_in("tim.bandung", "salah-lagi", "10.0.0.1").status_code
        for _ in range(settings.P3DN_LOGIN_ADDRESS_FAILURE_LIMIT + 5)
    ]
    assert set(retries) == {429}
    # Retries at a lock guess nothing: the colleague behind the same address still signs in.
    assert signed_in(sign_in("tim.kalbar", PASSWORD, "10.0.0.1"), "tim.kalbar")

    limit = settings.P3DN_LOGIN_ADDRESS_FAILURE_LIMIT
    sprayed = [sign_in(f"pegawai{i}", "Rahasia123!", "10.6.6.6") for i in range(limit)]
    assert [r.status_code for r in sprayed[:-1]] == [200] * (limit - 1)
    assert sprayed[-1].status_code == 429
    address_lock = SignInLock.objects.get(kind="address")
    assert (address_lock.username, address_lock.address, address_lock.failures) == (
        "",
        "10.6.6.6",
        limit,
    )
    # Now nobody signs in from the spraying address, not even with the right password ...
    refused = sign_in("tim.kalbar", PASSWORD, "10.6.6.6")
    assert refused.status_code == 429 and not refused.wsgi_request.user.is_authenticated
    assert "dikunci sampai" in refused.content.decode()
    # ... and everybody still does from anywhere else.
    assert signed_in(sign_in("tim.kalbar", PASSWORD, "10.0.0.3"), "tim.kalbar")


def test_lock_events_are_in_the_audit_trail_and_the_admin_lifts_the_lock(
    client_for, admin_pusat, tim_bandung, bandung
):
    fail_until_locked("tim.bandung", "10.0.0.1")
    lock = SignInLock.objects.get()
    entry = LogEntry.objects.get(action="accounts.login.locked")
    assert entry.actor is None and entry.pemda == bandung
    assert entry.changes["username"] == [None, "tim.bandung"]
    assert entry.changes["address"] == [None, "10.0.0.1"]
    assert entry.changes["failures"] == [None, settings.P3DN_LOGIN_FAILURE_LIMIT]

    admin = client_for(admin_pusat)
    page = admin.get(reverse("accounts:sign-in-locks"))
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("tim.bandung", "10.0.0.1", waktu(lock.locked_at), waktu(lock.locked_until)):
        assert shown in html
    assert "Buka kunci" in html

    lifted = admin.post(reverse("accounts:sign-in-lock-lift", args=[lock.pk]))
    assert lifted.status_code == 302
    unlocked = LogEntry.objects.get(action="accounts.login.unlocked")
    assert unlocked.actor == admin_pusat and unlocked.pemda == bandung
    assert "tim.bandung" in unlocked.object_repr and "10.0.0.1" in unlocked.object_repr
    assert "Buka kunci" not in admin.get(reverse("accounts:sign-in-locks")).content.decode()
    # The lifted user signs in from the address that was locked, with all its tries back.
    assert signed_in(sign_in("tim.bandung", PASSWORD, "10.0.0.1"), "tim.bandung")
    # The Tim P3DN of Kab. Bandung reads both events in its Pemda's audit trail.
    trail = client_for(tim_bandung).get(reverse("audit:list")).content.decode()
    from django.utils import translation

    from p3dn.audit.wording import action_label

    with translation.override("id"):
        words = [action_label(entry), action_label(unlocked)]
    assert all(w in trail for w in words) and len(set(words)) == 2
    assert "accounts.login.locked" not in trail  # in words, not codes


def test_only_the_admin_and_a_pemdas_own_tim_p3dn_reach_the_locks(
    client, admin_pusat, tim_bandung, tim_kalbar, operator_bandung, viewer_nasional
):
    fail_until_locked("operator.dinkes", "10.0.0.1")
    for i in range(settings.P3DN_LOGIN_ADDRESS_FAILURE_LIMIT):
        sign_in(f"pegawai{i}", "Rahasia123!", "10.6.6.6")
    account_lock = SignInLock.objects.get(kind="account")
    address_lock = SignInLock.objects.get(kind="address")
    page_url = reverse("accounts:sign-in-locks")

    for outsider in (operator_bandung, viewer_nasional):
        client.force_login(outsider)
        assert client.get(page_url).status_code == 403
        lift = client.post(reverse("accounts:sign-in-lock-lift", args=[account_lock.pk]))
        assert lift.status_code == 403

    # Another Pemda's Tim P3DN sees neither lock and cannot lift them.
    client.force_login(tim_kalbar)
    page = client.get(page_url)
    assert page.status_code == 200 and "operator.dinkes" not in page.content.decode()
    for lock in (account_lock, address_lock):
        assert client.post(reverse("accounts:sign-in-lock-lift", args=[lock.pk])).status_code == 404

    # Kab. Bandung's Tim P3DN sees and lifts its operator's lock, not the whole address's.
    client.force_login(tim_bandung)
    html = client.get(page_url).content.decode()
    assert "operator.dinkes" in html and "10.6.6.6" not in html
    lift = client.post(reverse("accounts:sign-in-lock-lift", args=[address_lock.pk]))
    assert lift.status_code == 404
    lift = client.post(reverse("accounts:sign-in-lock-lift", args=[account_lock.pk]))
    assert lift.status_code == 302
    account_lock.refresh_from_db()
    address_lock.refresh_from_db()
    assert account_lock.lifted_by == tim_bandung and address_lock.lifted_at is None

    client.force_login(admin_pusat)
    assert "10.6.6.6" in client.get(page_url).content.decode()


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(settings, tim_bandung):
    settings.P3DN_BEHIND_PROXY = True
    fail_until_locked("tim.bandung", "127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert SignInLock.objects.get().address == "10.0.0.1"
    # What the client writes before the proxy's own entry changes nothing.
    spoofed = sign_in(
        "tim.bandung", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.1"
    )
    assert spoofed.status_code == 429
    # Another office behind the same proxy is another address.
    other = sign_in("tim.bandung", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert signed_in(other, "tim.bandung")


def test_limits_and_lock_length_come_from_the_settings(settings, tim_bandung, tim_kalbar):
    settings.P3DN_LOGIN_FAILURE_LIMIT = 2
    settings.P3DN_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    settings.P3DN_LOGIN_LOCK_MINUTES = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert sign_in("tim.bandung", "salah", "10.0.0.1").status_code == 200
        assert sign_in("tim.bandung", "salah", "10.0.0.1").status_code == 429  # the account's 2nd
        assert sign_in("tim.kalbar", "salah", "10.0.0.1").status_code == 429  # the address's 3rd
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert sign_in("tim.kalbar", PASSWORD, "10.0.0.1").status_code == 429
    with time_machine.travel(start + timedelta(minutes=2, seconds=1), tick=False):
        assert signed_in(sign_in("tim.kalbar", PASSWORD, "10.0.0.1"), "tim.kalbar")
        assert signed_in(sign_in("tim.bandung", PASSWORD, "10.0.0.1"), "tim.bandung")


def test_lifting_a_lock_also_lifts_its_twin_from_a_simultaneous_failure(
    client_for, admin_pusat, tim_bandung
):
    fail_until_locked("tim.bandung", "10.0.0.1")
    lock = SignInLock.objects.get()
    # Two wrong passwords at the same instant, on two server processes, may both lock.
    twin = SignInLock.objects.create(
        kind=lock.kind,
        username=lock.username,
        address=lock.address,
        pemda=lock.pemda,
        failures=lock.failures,
        locked_at=lock.locked_at,
        locked_until=lock.locked_until,
    )
    admin = client_for(admin_pusat)
    assert admin.post(reverse("accounts:sign-in-lock-lift", args=[twin.pk])).status_code == 302
    assert signed_in(sign_in("tim.bandung", PASSWORD, "10.0.0.1"), "tim.bandung")
