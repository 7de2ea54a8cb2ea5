"""Reads for the Pemda, unit, user and sign-in lock pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from p3dn.accounts import access
from p3dn.accounts.models import Pemda, SignInLock, Unit, User, sign_in_key


def list_pemda(*, user: User, filters: dict[str, Any]) -> QuerySet[Pemda]:
    qs = access.visible_pemda(user).annotate(
        unit_count=Count("units", filter=Q(units__is_active=True))
    )
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(kd_klpd__iexact=q) | Q(region__code__startswith=q))
    if level := filters.get("level"):
        qs = qs.filter(region__level=level)
    if filters.get("klpd") == "yes":
        qs = qs.filter(kd_klpd__isnull=False)
    elif filters.get("klpd") == "no":
        qs = qs.filter(kd_klpd__isnull=True)
    return qs.order_by("region_id")


def list_units(*, user: User, pemda: Pemda | None = None, q: str = "") -> QuerySet[Unit]:
    qs = access.visible_units(user)
    if pemda is not None:
        qs = qs.filter(pemda=pemda)
    if q.strip():
        qs = qs.filter(
            Q(name__icontains=q.strip())
            | Q(kd_satker=q.strip())
            | Q(kd_satker_str__startswith=q.strip())
        )
    return qs.annotate(user_count=Count("users")).order_by("pemda_id", "kd_satker_str", "name")


def list_users(*, user: User) -> QuerySet[User]:
    return access.visible_users(user).order_by("pemda_id", "role", "username")


def _active_locks() -> QuerySet[SignInLock]:
    return SignInLock.objects.filter(lifted_at__isnull=True, locked_until__gt=timezone.now())


def get_active_sign_in_lock(*, username: str, address: str) -> SignInLock | None:
    """The lock that refuses ``username`` at ``address`` now: the whole address's, else this
    username's at this address. A username locked elsewhere signs in here."""
    key = sign_in_key(username)
    return (
        _active_locks()
        .filter(address=address)
        .filter(Q(kind=SignInLock.Kind.ADDRESS) | Q(kind=SignInLock.Kind.ACCOUNT, username=key))
        .order_by("-kind", "-locked_until")  # "address" sorts after "account"
        .first()
    )


def list_sign_in_locks(*, user: User) -> QuerySet[SignInLock]:
    """The current locks ``user`` may see and lift, newest first."""
    visible = access.visible_sign_in_locks(user)
    return visible.filter(pk__in=_active_locks().values("pk")).order_by("-locked_at", "-id")
