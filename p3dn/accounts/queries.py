"""Reads for the Pemda, unit and user pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from p3dn.accounts import access
from p3dn.accounts.models import Pemda, Unit, User


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
