"""Dates the Indonesian way: '5 Mei 2023'. English when the active language is English."""

from __future__ import annotations

import datetime as dt

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value: dt.date | None, language: str = "id") -> str:
    """'5 Mei 2023' (id) or '5 May 2023' (en); '—' for None. Datetimes use their own date."""
    if value is None:
        return "—"
    months = MONTHS_EN if language.startswith("en") else MONTHS_ID
    return f"{value.day} {months[value.month - 1]} {value.year}"


def format_datetime(value: dt.datetime | None, language: str = "id") -> str:
    """'5 Mei 2023 14.05' (id uses a dot between hours and minutes) or '5 May 2023 14:05'."""
    if value is None:
        return "—"
    sep = ":" if language.startswith("en") else "."
    return f"{format_date(value, language)} {value.hour:02d}{sep}{value.minute:02d}"
