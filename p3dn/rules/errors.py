"""The one error a rule raises for bad input: every problem found, each with its field path."""

from __future__ import annotations

from collections.abc import Iterable, Sized
from decimal import Decimal
from typing import TypedDict


class FieldError(TypedDict):
    """One problem in a payload; ``field`` is a path such as ``bids[2].tkdn``."""

    field: str
    code: str
    message: str
    message_en: str


class RuleInputError(ValueError):
    """Invalid input to a rule. ``errors`` lists every problem found, never just the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        summary = "; ".join(f"{e['field']}: {e['message_en']}" for e in errors)
        super().__init__(summary or "invalid input")


def field_error(field: str, code: str, message: str, message_en: str) -> FieldError:
    return {"field": field, "code": code, "message": message, "message_en": message_en}


class Problems:
    """Collects the problems a rule function finds in its typed input, then raises them all."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, code: str, message: str, message_en: str) -> None:
        self.errors.append(field_error(field, code, message, message_en))

    def extend(self, errors: list[FieldError]) -> None:
        self.errors.extend(errors)

    def fraction(self, field: str, value: Decimal | None, what: str = "TKDN") -> None:
        """A share or percentage given as a fraction must lie in [0, 1]."""
        if value is not None and not 0 <= value <= 1:
            self.add(
                field,
                "out_of_range",
                f"{what} harus antara 0 dan 1.",
                f"{what} must be between 0 and 1.",
            )

    def negative(self, field: str, value: Decimal | None) -> None:
        if value is not None and value < 0:
            self.add(field, "negative", "Nilai tidak boleh negatif.", "Value must not be negative.")

    def empty(self, field: str, items: Sized) -> None:
        if not items:
            self.add(
                field, "empty_list", "Daftar tidak boleh kosong.", "The list must not be empty."
            )

    def zero_total(self, field: str, total: Decimal) -> None:
        """A total used as a denominator must not be zero (checked only when all else is valid)."""
        if not self.errors and total == 0:
            self.add(
                field,
                "zero_total",
                "Jumlah nol: tidak dapat dihitung.",
                "The total is zero: nothing can be computed.",
            )

    def choice(self, field: str, value: str, choices: Iterable[str]) -> None:
        options = tuple(choices)
        if value not in options:
            names = ", ".join(options)
            self.add(
                field,
                "invalid_choice",
                f"Nilai '{value}' tidak dikenal; pilihan: {names}.",
                f"Unknown value '{value}'; choose one of: {names}.",
            )

    def duplicates(self, list_field: str, names: Iterable[str], key: str = "name") -> None:
        """Report every repeat of a name in a list (``bids[2].name``)."""
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name and name in seen:
                self.add(
                    f"{list_field}[{i}].{key}",
                    "duplicate",
                    f"Nama '{name}' dipakai lebih dari sekali.",
                    f"Name '{name}' is used more than once.",
                )
            seen.add(name)

    def raise_if_any(self) -> None:
        if self.errors:
            raise RuleInputError(self.errors)
