"""The one error a rule raises for bad input: every problem found, each with its field path."""

from __future__ import annotations

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
