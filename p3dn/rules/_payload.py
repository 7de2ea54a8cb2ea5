"""Reading a JSON payload for a rule, collecting every problem with its field path (private).

Money and fractions come as decimal strings ("1050000000", "0.60") or integers; a float is
converted through ``str`` (0.6 -> "0.6"), never through binary. A reader method that finds a
problem records it and returns a harmless placeholder, so reading goes on and the caller gets
every error at once from ``Checker.finish()``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from p3dn.rules.errors import FieldError, RuleInputError, field_error
from p3dn.rules.params import DEFAULT_PARAMS, Params, param_info

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ZERO = Decimal(0)
ONE = Decimal(1)
# Larger numbers than any rupiah amount or count (10^18 is a million times the national
# budget) would overflow the 28 significant digits the rules compute with.
TOO_LARGE = Decimal(10) ** 18

# code -> (Indonesian, English); placeholders filled with str.format
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Wajib diisi.", "This field is required."),
    "invalid_type": ("Harus berupa {expected}.", "Must be {expected_en}."),
    "invalid_number": (
        "'{value}' bukan angka desimal yang sah; tulis dengan titik desimal tanpa pemisah ribuan "
        "(mis. 1050000000 atau 0.60).",
        "'{value}' is not a valid decimal number; use a decimal point and no thousands separators "
        "(e.g. 1050000000 or 0.60).",
    ),
    "negative": ("Tidak boleh negatif ({value}).", "Must not be negative ({value})."),
    "below_min": (
        "Tidak boleh kurang dari {limit} ({value}).",
        "Must not be less than {limit} ({value}).",
    ),
    "above_max": (
        "Tidak boleh lebih dari {limit} ({value}).",
        "Must not be more than {limit} ({value}).",
    ),
    "too_large": (
        "Angka terlalu besar: paling banyak 18 digit sebelum titik desimal.",
        "Number too large: at most 18 digits before the decimal point.",
    ),
    "fraction_above_one": (
        "Nilai {value} di atas 100%; isi sebagai pecahan (0.60 = 60%).",
        "Value {value} is above 100%; give it as a fraction (0.60 = 60%).",
    ),
    "invalid_choice": (
        "Nilai '{value}' tidak dikenal; pilihan: {choices}.",
        "Unknown value '{value}'; choose one of: {choices}.",
    ),
    "invalid_date": (
        "'{value}' bukan tanggal yang sah (format YYYY-MM-DD).",
        "'{value}' is not a valid date (format YYYY-MM-DD).",
    ),
    "unknown_field": ("Kolom tidak dikenal.", "Unknown field."),
    "empty_list": ("Daftar tidak boleh kosong.", "The list must not be empty."),
    "duplicate": (
        "Nama '{value}' dipakai lebih dari sekali.",
        "Name '{value}' is used more than once.",
    ),
}

_TYPE_NAMES = {
    "object": ("objek JSON", "a JSON object"),
    "list": ("daftar (array)", "a list (array)"),
    "number": ("angka atau teks angka desimal", "a number or a decimal string"),
    "integer": ("bilangan bulat", "an integer"),
    "boolean": ("true atau false", "true or false"),
    "text": ("teks", "text"),
    "date": ("teks tanggal YYYY-MM-DD", "a YYYY-MM-DD date string"),
}

_MISSING = object()


class Checker:
    """Collects errors from every reader of one payload."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self._objects: list[Obj] = []

    def add(self, field: str, code: str, **values: object) -> None:
        message_id, message_en = MESSAGES[code]
        self.errors.append(
            field_error(field, code, message_id.format(**values), message_en.format(**values))
        )

    def add_custom(self, field: str, code: str, message: str, message_en: str) -> None:
        self.errors.append(field_error(field, code, message, message_en))

    def add_type(self, field: str, expected: str) -> None:
        name_id, name_en = _TYPE_NAMES[expected]
        self.add(field, "invalid_type", expected=name_id, expected_en=name_en)

    def root(self, payload: object) -> Obj:
        if not isinstance(payload, Mapping):
            self.add_type("", "object")
            payload = {}
        return Obj(self, payload, "")

    def finish(self) -> None:
        """Report unknown fields of every object read, then raise if anything was wrong."""
        for obj in self._objects:
            obj.check_unknown()
        if self.errors:
            raise RuleInputError(self.errors)


def parse_decimal(raw: object) -> Decimal | None:
    """A finite Decimal from an int, a float (through str) or a decimal string; else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw)) if math.isfinite(raw) else None
    if isinstance(raw, str):
        text = raw.strip()
        if not _NUMBER.match(text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid text
            return None
    return None


class Obj:
    """One JSON object of the payload at ``path``; remembers which keys were read."""

    def __init__(self, checker: Checker, data: Mapping[str, Any], path: str) -> None:
        self.checker = checker
        self.data = data
        self.path = path
        self._read: set[str] = set()
        checker._objects.append(self)

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        self._read.add(key)
        return self.data.get(key) is not None

    def _raw(self, key: str, required: bool) -> object:
        self._read.add(key)
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.checker.add(self.at(key), "required")
            return _MISSING
        return value

    def check_unknown(self) -> None:
        for key in self.data:
            if key not in self._read:
                self.checker.add(self.at(key), "unknown_field")

    # numbers -------------------------------------------------------------
    def opt_decimal(
        self,
        key: str,
        *,
        required: bool = False,
        minimum: Decimal | None = ZERO,
        maximum: Decimal | None = None,
        fraction: bool = False,
    ) -> Decimal | None:
        raw = self._raw(key, required)
        if raw is _MISSING:
            return None
        value = parse_decimal(raw)
        if value is None:
            if isinstance(raw, (str, float)):
                self.checker.add(self.at(key), "invalid_number", value=raw)
            else:
                self.checker.add_type(self.at(key), "number")
            return None
        if abs(value) >= TOO_LARGE:
            self.checker.add(self.at(key), "too_large")
            return None
        shown = format(value, "f")
        if minimum is not None and value < minimum:
            if minimum == ZERO:
                self.checker.add(self.at(key), "negative", value=shown)
            else:
                self.checker.add(self.at(key), "below_min", value=shown, limit=format(minimum, "f"))
            return None
        if fraction and value > ONE:
            self.checker.add(self.at(key), "fraction_above_one", value=shown)
            return None
        if maximum is not None and value > maximum:
            self.checker.add(self.at(key), "above_max", value=shown, limit=format(maximum, "f"))
            return None
        return value

    def decimal(self, key: str, *, default: Decimal | None = None, **limits: Any) -> Decimal:
        """A required decimal (``default`` when absent); 0 stands in after an error."""
        value = self.opt_decimal(key, required=default is None, **limits)
        if value is None:
            return default if default is not None and not self.has_error(key) else ZERO
        return value

    def money(self, key: str, *, default: Decimal | None = None) -> Decimal:
        return self.decimal(key, default=default)

    def fraction(
        self, key: str, *, default: Decimal | None = None, maximum: Decimal | None = None
    ) -> Decimal:
        return self.decimal(key, default=default, fraction=True, maximum=maximum)

    def opt_fraction(self, key: str, *, maximum: Decimal | None = None) -> Decimal | None:
        return self.opt_decimal(key, fraction=True, maximum=maximum)

    def has_error(self, key: str) -> bool:
        field = self.at(key)
        return any(e["field"] == field for e in self.checker.errors)

    def opt_integer(
        self, key: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        raw = self._raw(key, False)
        if raw is _MISSING:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int):
            if isinstance(raw, str) and raw.strip().isdigit():
                raw = int(raw.strip())
            else:
                self.checker.add_type(self.at(key), "integer")
                return None
        if minimum is not None and raw < minimum:
            self.checker.add(self.at(key), "below_min", value=raw, limit=minimum)
            return None
        if maximum is not None and raw > maximum:
            self.checker.add(self.at(key), "above_max", value=raw, limit=maximum)
            return None
        return raw

    # other scalars -------------------------------------------------------
    def boolean(self, key: str, *, default: bool) -> bool:
        raw = self._raw(key, False)
        if raw is _MISSING:
            return default
        if not isinstance(raw, bool):
            self.checker.add_type(self.at(key), "boolean")
            return default
        return raw

    def opt_text(self, key: str, *, required: bool = False) -> str | None:
        raw = self._raw(key, required)
        if raw is _MISSING:
            return None
        if isinstance(raw, bool) or not isinstance(raw, (str, int)):
            self.checker.add_type(self.at(key), "text")
            return None
        return str(raw).strip()

    def text(self, key: str) -> str:
        return self.opt_text(key, required=True) or ""

    def opt_choice(
        self, key: str, choices: tuple[str, ...], *, required: bool = False
    ) -> str | None:
        value = self.opt_text(key, required=required)
        if value is None:
            return None
        if value not in choices:
            self.checker.add(
                self.at(key), "invalid_choice", value=value, choices=", ".join(choices)
            )
            return None
        return value

    def choice(self, key: str, choices: tuple[str, ...], *, default: str | None = None) -> str:
        value = self.opt_choice(key, choices, required=default is None)
        if value is None:
            return default if default is not None else choices[0]
        return value

    def opt_date(self, key: str, *, required: bool = False) -> date | None:
        raw = self._raw(key, required)
        if raw is _MISSING:
            return None
        if not isinstance(raw, str):
            self.checker.add_type(self.at(key), "date")
            return None
        text = raw.strip()
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.checker.add(self.at(key), "invalid_date", value=raw)
            return None

    def date(self, key: str) -> date:
        return self.opt_date(key, required=True) or date(1970, 1, 1)

    # structure -----------------------------------------------------------
    def objects(self, key: str, *, required: bool = True) -> list[Obj]:
        raw = self._raw(key, required)
        if raw is _MISSING:
            return []
        if not isinstance(raw, list):
            self.checker.add_type(self.at(key), "list")
            return []
        if not raw and required:
            self.checker.add(self.at(key), "empty_list")
        out: list[Obj] = []
        for i, item in enumerate(raw):
            path = f"{self.at(key)}[{i}]"
            if not isinstance(item, Mapping):
                self.checker.add_type(path, "object")
                continue
            out.append(Obj(self.checker, item, path))
        return out

    def obj(self, key: str, *, required: bool = True) -> Obj:
        raw = self._raw(key, required)
        if raw is _MISSING:
            return Obj(self.checker, {}, self.at(key))
        if not isinstance(raw, Mapping):
            self.checker.add_type(self.at(key), "object")
            return Obj(self.checker, {}, self.at(key))
        return Obj(self.checker, raw, self.at(key))

    def params(self, key: str = "params") -> Params:
        """Optional overrides of ``Params`` defaults, each validated like any other field."""
        raw = self._raw(key, False)
        if raw is _MISSING:
            return DEFAULT_PARAMS
        if not isinstance(raw, Mapping):
            self.checker.add_type(self.at(key), "object")
            return DEFAULT_PARAMS
        sub = Obj(self.checker, raw, self.at(key))
        names = {f.name for f in dataclasses.fields(Params)}
        overrides: dict[str, Any] = {}
        for name in raw:
            if name not in names:
                continue  # reported as unknown by finish()
            info = param_info(name)
            value: object
            if info.kind == "decimal" or info.kind == "decimal_or_none":
                value = sub.opt_decimal(name)
            elif info.kind == "int":
                value = sub.opt_integer(name, minimum=0)
            elif info.kind == "choice":
                value = sub.opt_choice(name, info.choices)
            else:
                value = sub.opt_text(name)
            if value is not None or info.kind == "decimal_or_none":
                overrides[name] = value
        return dataclasses.replace(DEFAULT_PARAMS, **overrides)
