"""How a dataset is declared: its recognising fields, its columns with their cleaners, its model.

A cleaner takes the raw value of a file's field and returns the model's value or raises
``CleanError`` with the reason; the engine records the row, field and value with that reason.
Cleaners never round: a value that does not fit exactly (an amount with more than two
decimals, a percentage with more decimals than its fraction keeps) is refused, and a value
too large to compute with is refused before any arithmetic on it. Whether a clean value fits
its database column (length, range) the engine checks against the model field.
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
from p3dn.rules.common import SET_SEPARATOR, code_set, jenis_set, value_set


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


def several(value: Any) -> str:
    """A ';'-separated field (a non-tender's several kd_rup): each value once, as first
    written, without the spaces and empty values around the separators."""
    return SET_SEPARATOR.join(value_set(text(value)))


def set_of(value: Any) -> str:
    """A ';'-separated field whose order means nothing ("APBDP;APBD" and "APBD;APBDP" are the
    same sources of funds): each value once, in alphabetical order."""
    return SET_SEPARATOR.join(sorted(value_set(text(value))))


def jenis_names(value: Any) -> str:
    """SiRUP ``jenis_pengadaan``, one type or a consolidated package's several: the set of
    types ("Barang;Barang" is "Barang")."""
    return jenis_set(text(value))


def jenis_codes(value: Any) -> str:
    """SiRUP ``kd_jenis_pengadaan``, one code or several: the set of codes ("3;3;4" is "3;4")."""
    return code_set(text(value))


# Beyond these no column holds a whole number (64-bit integers): refused before int() is
# asked to expand an exponent such as 1e999999999.
_LOWEST, _HIGHEST = -(2**63), 2**63 - 1


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
    if not number.is_finite() or number != number.to_integral_value():
        raise CleanError(_("not a whole number"))
    if not _LOWEST <= number <= _HIGHEST:
        raise CleanError(_("out of range for a whole number"))
    return int(number)


def required_integer(value: Any) -> int:
    number = integer(value)
    if number is None:
        raise CleanError(_("missing"))
    return number


def decimals(number: Decimal) -> int:
    """How many decimals a number has, trailing zeros not counted: 1234.500 has 1, 1E+3 0."""
    _sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0 or not number:
        return 0
    zeros = len(digits) - len(bytes(digits).rstrip(b"\0"))  # trailing zero digits
    return max(0, -exponent - zeros)


def exact(number: Decimal, places: int) -> Decimal:
    """``number`` with exactly ``places`` decimals, when it has no more than that (never
    rounded); a number too large for the quantum is returned as it is, for the column's range
    check to refuse."""
    if number.adjusted() + places >= _PRECISION:  # quantize cannot hold it (and needs not)
        if decimals(number) > places:
            raise CleanError(_rounded(places))
        return number
    quantized = number.quantize(_QUANTA[places])
    if quantized != number:
        raise CleanError(_rounded(places))
    return quantized


def _rounded(places: int) -> str:
    return _("more than %(places)s decimals: the value would have to be rounded") % {
        "places": places}


_PRECISION = 28  # digits of the default decimal context: quantize cannot go beyond them
_CENT = Decimal("0.01")
_WHOLE = 10**26  # whole amounts below it can be written with two decimals
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(5)}


def _amount(value: Any) -> Decimal:
    """A number from a file: an int, a Decimal or a plain numeric string, finite."""
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
    return amount


def money(value: Any) -> Decimal | None:
    """Rupiah: an integer, a Decimal or a plain numeric string; never negative, and an exact
    amount: at most two decimals (1234.5 and 1234.50 are the same amount; 1234.5678 is no
    rupiah amount and is refused, not rounded)."""
    if type(value) is int:  # most amounts: whole Rupiah, as Decimal(str(value)) reads them
        if value < 0:
            raise CleanError(_("negative amount"))
        return Decimal(value).quantize(_CENT) if value < _WHOLE else Decimal(value)
    if _blank(value):
        return None
    amount = _amount(value)
    if amount < 0:
        raise CleanError(_("negative amount"))
    return exact(amount, 2)


def signed_money(value: Any) -> Decimal:
    """An amount that may be negative (a correction line of a budget)."""
    if _blank(value):
        raise CleanError(_("missing"))
    return exact(_amount(value), 2)


def quantity(value: Any) -> Decimal | None:
    """A quantity (units, kilograms, …): never negative, at most four decimals, as its column
    keeps. Whole and two-decimal quantities are written with two decimals, as they were when
    quantities were cleaned as amounts, so the facts stored then keep their content hash."""
    if _blank(value):
        return None
    number = Decimal(value) if type(value) is int else _amount(value)
    if number < 0:
        raise CleanError(_("negative quantity"))
    try:
        return exact(number, 2)
    except CleanError:
        return exact(number, 4)


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


_DATE_TYPES = (str, int, Decimal)  # tuples: isinstance is quicker with them than with unions
_NUMBER_TYPES = (int, Decimal)
_PERCENT_TYPES = (str, int, float, Decimal)
# Dates outside these years are no procurement dates (and year 1 cannot even be moved to UTC).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _parse_moment(value: Any) -> dt.datetime | None:
    if _blank(value):
        return None
    moment = _moment(value)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise CleanError(
            _("a date outside the years %(first)s to %(last)s")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return moment


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, _DATE_TYPES):
        raise CleanError(_("not a date"))
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
    if isinstance(value, _NUMBER_TYPES):  # 1 and 0 (a spreadsheet's numbers are Decimals)
        if value in (0, 1):
            return value == 1
        raise CleanError(_("not yes/no"))
    if not isinstance(value, str):
        raise CleanError(_("not yes/no"))
    word = value.strip().lower()
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
    """A TKDN/BMP percentage ('56.79', '56,79%', 43.12) as a fraction; None when absent.
    Percentages have at most two decimals (as Kemenperin publishes them), which the fraction
    keeps exactly in four; 56.795 is refused, not rounded."""
    if _blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, _PERCENT_TYPES):
        raise CleanError(_("not a percentage"))
    return fraction_of_percent(str(value).strip().rstrip("%").strip().replace(",", "."))


def fraction_of_percent(raw: str) -> Decimal:
    """'56.79' → Decimal('0.5679'): between 0 and 100, at most two decimals."""
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CleanError(_("not a percentage")) from None
    if not number.is_finite():
        raise CleanError(_("not a percentage"))
    if number < 0 or number > 100:
        raise CleanError(_("a percentage must be between 0 and 100"))
    if number.quantize(_QUANTA[2]) != number:
        raise CleanError(
            _("a percentage with more than two decimals: it would have to be rounded")
        )
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
    # Global datasets only: record each fact the file lists unchanged (procurement.Sighting),
    # so that a fact seen again in a later file can be traced to that file too.
    record_sightings: bool = False
    # Fields kept out of ``extra`` (beside personal ones) because they repeat the scope.
    drop: frozenset[str] = frozenset({"nama_klpd", "jenis_klpd", "nama_satker", "kd_satker_str"})

    @property
    def used_sources(self) -> frozenset[str]:
        return frozenset(s for c in self.columns for s in c.sources)
