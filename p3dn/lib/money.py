"""Rupiah and percentage formatting the Indonesian way (decimal comma, thousands dot).

Money is Decimal everywhere; rounding happens here, at presentation, half-up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_SCALES = (
    (Decimal(10) ** 12, "T"),  # triliun
    (Decimal(10) ** 9, "M"),  # miliar
    (Decimal(10) ** 6, "jt"),  # juta
)


def to_decimal(value: object) -> Decimal | None:
    """Decimal from an int, Decimal or numeric string; None for None or ''. Floats are refused."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def group_thousands(digits: str) -> str:
    """'15850000' -> '15.850.000'."""
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return ".".join(reversed(out))


def format_number(value: Decimal | int, places: int = 0) -> str:
    """Indonesian number: 1234567.891 with places=2 -> '1.234.567,89'."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, frac = f"{abs(rounded):f}".partition(".")
    text = group_thousands(whole)
    if places:
        text += "," + frac.ljust(places, "0")
    return sign + text


def format_rupiah(value: object) -> str:
    """'Rp 15.850.000.000.000', rounded half-up to the rupiah; '—' for a missing value."""
    amount = to_decimal(value)
    if amount is None:
        return "—"
    text = format_number(amount)
    if text.startswith("-"):
        return "-Rp " + text[1:]
    return "Rp " + text


def format_rupiah_short(value: object) -> str:
    """'Rp 15,85 T', 'Rp 1,2 M', 'Rp 350 jt': two decimals at most, trailing zeros dropped."""
    amount = to_decimal(value)
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    magnitude = abs(amount)
    for scale, suffix in _SCALES:
        if magnitude >= scale:
            scaled = (magnitude / scale).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            text = format_number(scaled, 2).rstrip("0").rstrip(",")
            return f"{sign}Rp {text} {suffix}"
    return sign + format_rupiah(magnitude)


def format_percent(fraction: object, places: int = 2) -> str:
    """A Decimal fraction as '71,84%' (0.71835 -> '71,84%'), half-up; '—' when missing."""
    value = to_decimal(fraction)
    if value is None:
        return "—"
    return format_number(value * 100, places) + "%"


def parse_number(text: str) -> Decimal:
    """A number as an Indonesian user types it: '1.050.000.000', '1.050.000,50', '60,5',
    'Rp 1.200.000' or plain '1050000000' / '0.60'. Raises ValueError naming the text.

    A comma is the decimal separator and dots then group thousands; without a comma, dots
    group thousands only when every group after the first has three digits ('1.050.000').
    """
    raw = text
    text = text.strip().replace("Rp", "").replace("rp", "").replace(" ", "").replace("\u00a0", "")
    negative = text.startswith("-")
    text = text.lstrip("-+")
    if "," in text:
        text = text.replace(".", "").replace(",", ".", 1)
    elif (
        text.count(".") >= 1
        and all(len(group) == 3 and group.isdigit() for group in text.split(".")[1:])
        and (text.count(".") > 1 or (len(text.split(".")[0]) <= 3 and text.split(".")[0] != "0"))
    ):
        text = text.replace(".", "")
    if not text or not all(c.isdigit() or c == "." for c in text) or text.count(".") > 1:
        raise ValueError(f"not a number: {raw!r}")
    value = Decimal(text)
    return -value if negative else value
