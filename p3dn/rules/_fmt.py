"""Rounding and Indonesian number text for results and explanations (private to rules).

Computations keep full Decimal precision; rounding happens only here, half-up:
percentages to 2 decimals (fractions to 4), money to the rupiah.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from p3dn.lib.dates import format_date
from p3dn.lib.money import format_number, group_thousands

MINUS = "\u2212"
TIMES = "\u00d7"
LE = "\u2264"
GE = "\u2265"
ARROW = "\u2192"

HUNDRED = Decimal(100)
_Q4 = Decimal("0.0001")



def round_fraction(value: Decimal) -> Decimal:
    """A fraction rounded so that its percentage has 2 decimals (0.666666… → 0.6667)."""
    return value.quantize(_Q4, rounding=ROUND_HALF_UP)


def round_money(value: Decimal, places: int = 0) -> Decimal:
    """Money rounded half-up to the rupiah (or to ``places`` decimals)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def frac_out(value: Decimal) -> str:
    """JSON text of a computed fraction: 4 decimals (= percent to 2 decimals)."""
    return format(round_fraction(value), "f")


def money_out(value: Decimal, places: int = 0) -> str:
    """JSON text of computed money: to the rupiah unless ``places`` says otherwise."""
    return format(round_money(value, places), "f")


def plain_out(value: Decimal) -> str:
    """JSON text of an input value, unrounded and without exponent ("1E+9" → "1000000000")."""
    return format(value, "f")


def number(value: Decimal, places: int = 0) -> str:
    """Indonesian number text: thousands dot, decimal comma (1234567.5 → "1.234.567,50")."""
    return format_number(value, places)


def qty(value: Decimal) -> str:
    """A quantity or input number in Indonesian text, keeping its own decimals (2.5 → "2,5")."""
    text = format(value.normalize() if value == value.to_integral_value() else value, "f")
    integer, _, decimals = text.partition(".")
    sign = "-" if integer.startswith("-") else ""
    return sign + group_thousands(integer.lstrip("-")) + ("," + decimals if decimals else "")


def pct(fraction: Decimal) -> str:
    """A fraction as Indonesian percentage text, 2 decimals (0.666666… → "66,67%")."""
    return number(fraction * HUNDRED, 2) + "%"


def rp(value: Decimal, places: int = 0) -> str:
    """Rupiah text ("Rp 1.050.000.000"; with places=2 "Rp 963.302.752,29")."""
    return "Rp " + number(value, places)


def tanggal(value: date) -> str:
    """An Indonesian date ("30 April 2025")."""
    return format_date(value)
