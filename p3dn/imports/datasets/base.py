"""How a dataset is declared: its recognising fields, its columns with their cleaners, its model.

A cleaner takes the raw value of a file's field and returns the model's value or raises
``CleanError`` with the reason; the engine records the row, field and value with that reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.procurement.models import Fact


class CleanError(ValueError):
    """A value that cannot be taken; the message is the reason shown to the user."""


# Fields that name or reach a person: never stored (DOMAIN.md decisions; data/README.md).
PERSONAL_FIELDS = frozenset(
    {
        "nip_ppk",
        "nama_ppk",
        "username_ppk",
        "no_sk_ppk",
        "no_rek_bank",
        "nama_rek_bank",
        "nama_pemilik_rek_bank",
        "wakil_sah_penyedia",
        "jabatan_wakil_penyedia",
        "nama_pemesan",
        "telepon",
        "nama_pokja",
        "nama_lengkap",
        "email_user_pokja",
        "no_telp_user_pokja",
        "jabatan_ppk",
        "jabatan_penandatangan_sk",
        "nama_pelaksana",
        "npwp_pelaksana",
    }
)


def is_personal(name: str) -> bool:
    return name in PERSONAL_FIELDS or "nip" in name.split("_") or name.startswith("nip")


# ------------------------------------------------------------------ cleaners


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", "-", "null", "None"))


def text(value: Any) -> str:
    if _blank(value):
        return ""
    return " ".join(str(value).split())


def integer(value: Any) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CleanError(_("a whole number was expected"))
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CleanError(_("not a whole number")) from None
    if number != number.to_integral_value():
        raise CleanError(_("not a whole number"))
    return int(number)


def required_integer(value: Any) -> int:
    number = integer(value)
    if number is None:
        raise CleanError(_("missing"))
    return number


def money(value: Any) -> Decimal | None:
    """Rupiah: an integer, a Decimal or a plain numeric string; never negative."""
    if type(value) is int:  # most amounts: whole Rupiah, as Decimal(str(value)) reads them
        if value < 0:
            raise CleanError(_("negative amount"))
        return Decimal(value).quantize(_CENT)
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CleanError(_("an amount was expected"))
    if isinstance(value, float):  # readers never give floats; refuse rather than lose cents
        value = str(value)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise CleanError(_("not an amount")) from None
    if not amount.is_finite():
        raise CleanError(_("not an amount"))
    if amount < 0:
        raise CleanError(_("negative amount"))
    return amount.quantize(_CENT)


_CENT = Decimal("0.01")


def signed_money(value: Any) -> Decimal:
    """An amount that may be negative (a correction line of a budget)."""
    if _blank(value):
        raise CleanError(_("missing"))
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise CleanError(_("not an amount")) from None
    if not amount.is_finite():
        raise CleanError(_("not an amount"))
    return amount.quantize(Decimal("0.01"))


def ukm_flag(value: Any) -> bool | None:
    """UKM status of a provider: yes, no, or not known ('Belum Terdefinisi')."""
    word = text(value).lower()
    if word in ("", "belum terdefinisi", "tidak diketahui"):
        return None
    if word in ("ukm", "umk", "usaha kecil", "usahakecil"):
        return True
    if word in ("non ukm", "non-ukm", "nonukm", "bukan ukm"):
        return False
    return boolean(value)


def required_money(value: Any) -> Decimal:
    amount = money(value)
    if amount is None:
        raise CleanError(_("missing"))
    return amount


def zero_money(value: Any) -> Decimal:
    amount = money(value)
    return Decimal("0.00") if amount is None else amount


_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y", "%d/%m/%Y")


def _parse_moment(value: Any) -> dt.datetime | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    raw = str(value).strip().replace("Z", "+00:00")
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw[:19], fmt)
        except ValueError:
            continue
    raise CleanError(_("not a date"))


def datetime_value(value: Any) -> dt.datetime | None:
    """A moment; LKPP's times without a zone are Western Indonesia time (Asia/Jakarta)."""
    moment = _parse_moment(value)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zoneinfo.ZoneInfo("Asia/Jakarta"))
    return moment


def date_value(value: Any) -> dt.date | None:
    moment = _parse_moment(value)
    return moment.date() if moment else None


_TRUE = {"true", "1", "ya", "yes", "y", "t"}
_FALSE = {"false", "0", "tidak", "no", "n", "f"}


def boolean(value: Any) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CleanError(_("not yes/no"))


def flag(default: bool) -> Callable[[Any], bool]:
    def clean(value: Any) -> bool:
        result = boolean(value)
        return default if result is None else result

    return clean


def percent_fraction(value: Any) -> Decimal | None:
    """A TKDN/BMP percentage ('56.79', '56,79%', 43.12) as a fraction; None when absent."""
    if _blank(value):
        return None
    raw = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CleanError(_("not a percentage")) from None
    if number < 0 or number > 100:
        raise CleanError(_("a percentage must be between 0 and 100"))
    return (number / 100).quantize(Decimal("0.0001"))


def key_hash(*parts: Any) -> str:
    """A short stable key from several identifying values."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


# ------------------------------------------------------------------ declarations


@dataclass(frozen=True)
class Column:
    target: str
    sources: tuple[str, ...]
    clean: Callable[[Any], Any] = text
    required: bool = False


def col(
    target: str, *sources: str, clean: Callable[[Any], Any] = text, required: bool = False
) -> Column:
    """A column read from the first of ``sources`` present (default: the target's name)."""
    return Column(target, sources or (target,), clean, required)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    model: type[Fact] | None
    signature: frozenset[str]
    columns: tuple[Column, ...]
    scope: str = "pemda"  # "pemda": rows of one KLPD and year; "global": catalogue data
    klpd_sources: tuple[str, ...] = ("kd_klpd",)
    year_sources: tuple[str, ...] = ("tahun_anggaran",)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    derive: Callable[[dict[str, Any], Mapping[str, Any]], None] | None = None
    # Checks across fields and the database: (field, reason) for each problem found.
    check: Callable[[dict[str, Any], int | None], list[tuple[str, str]]] | None = None
    # Word in the file name that tells this dataset from another with the same fields.
    name_hint: str = ""
    # A row whose fields here are all empty carries no data (e.g. a unit without a budget).
    empty_unless: tuple[str, ...] = ()
    # Fields kept out of ``extra`` (beside personal ones) because they repeat the scope.
    drop: frozenset[str] = frozenset({"nama_klpd", "jenis_klpd", "nama_satker", "kd_satker_str"})

    @property
    def used_sources(self) -> frozenset[str]:
        return frozenset(s for c in self.columns for s in c.sources)
