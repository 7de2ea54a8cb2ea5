"""The one authentication backend: Django's password check behind the sign-in throttle.

Every password sign-in goes through ``django.contrib.auth.authenticate`` and so through here
(the API has no password sign-in: a session or a personal token). Before the password is even
checked, an active lock of this username at this address, or of the whole address, refuses the
attempt; a refused attempt guesses nothing, so it is not counted. A wrong password is counted
(services.record_sign_in_failure, which may lock); a right one clears the failures of this
username at this address and nothing else, so an attacker's own account cannot wipe the count
of the addresses or usernames it sprays.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from p3dn.accounts import queries, services
from p3dn.accounts.models import SignInLock, User

UNKNOWN_ADDRESS = "unknown"


def client_address(request: HttpRequest | None) -> str:
    """The address a sign-in comes from: REMOTE_ADDR, or behind the proxy (P3DN_BEHIND_PROXY)
    the last X-Forwarded-For entry, the one the proxy itself added (earlier entries are the
    client's to invent)."""
    if request is None:
        return UNKNOWN_ADDRESS
    address = request.META.get("REMOTE_ADDR", "")
    if settings.P3DN_BEHIND_PROXY:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if hops[-1]:
            address = hops[-1]
    try:
        return str(ipaddress.ip_address(address))[:45]
    except ValueError:
        return UNKNOWN_ADDRESS


def lock_of(request: HttpRequest) -> SignInLock | None:
    """The lock that refused this request's sign-in, if one did."""
    return getattr(request, "_p3dn_sign_in_lock", None)


def _set_lock(request: HttpRequest | None, lock: SignInLock) -> None:
    if request is not None:
        request._p3dn_sign_in_lock = lock  # type: ignore[attr-defined]


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request)
        lock = queries.get_active_sign_in_lock(username=username, address=address)
        if lock is not None:
            _set_lock(request, lock)
            raise PermissionDenied  # authenticate() stops here and reports a failed sign-in
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lock = services.record_sign_in_failure(username=username, address=address)
            if lock is not None:
                _set_lock(request, lock)
        else:
            services.clear_sign_in_failures(username=username, address=address)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """The same throttle for ``aauthenticate`` (ModelBackend's own would skip it)."""
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )
