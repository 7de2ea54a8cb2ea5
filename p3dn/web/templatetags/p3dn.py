"""Template filters for Indonesian money, percentages and dates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from p3dn.lib import dates, money

register = template.Library()


@register.filter
def rupiah(value: object) -> str:
    """{{ amount|rupiah }} → 'Rp 15.850.000.000.000'."""
    return money.format_rupiah(value)


@register.filter
def rupiah_short(value: object) -> str:
    """{{ amount|rupiah_short }} → 'Rp 15,85 T'."""
    return money.format_rupiah_short(value)


@register.filter
def percent(value: object, places: int = 2) -> str:
    """{{ fraction|percent }} → '71,84%'."""
    return money.format_percent(value, int(places))


@register.filter
def number(value: object, places: int = 0) -> str:
    """{{ n|number }} → '1.234'."""
    amount = money.to_decimal(value)
    return "—" if amount is None else money.format_number(amount, int(places))


@register.filter
def tanggal(value: dt.date | dt.datetime | None) -> str:
    """{{ d|tanggal }} → '5 Mei 2023' (or '5 May 2023' in English)."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dates.format_date(value, translation.get_language() or "id")


@register.filter
def waktu(value: dt.datetime | None) -> str:
    """{{ t|waktu }} → '5 Mei 2023 14.05' in Asia/Jakarta time."""
    if value is not None and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dates.format_datetime(value, translation.get_language() or "id")


@register.filter
def get(mapping: dict, key: str) -> object:
    """{{ mapping|get:key }}: a dictionary lookup with a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
