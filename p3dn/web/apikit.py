"""What every router of the JSON API shares: the one error shape, the error codes an endpoint
declares, and parameter types with their bounds (so a bad value is a 422, never a 500).

Kept low (apps import it; it imports no app): ``p3dn/api.py`` turns exceptions into
``ErrorOut`` answers; each router declares the codes it can return with ``errors(...)``.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import SerializerFunctionWrapHandler, StringConstraints, model_serializer

from p3dn.web.params import YEAR_MAX, YEAR_MIN

# Database ids are 64-bit integers.
ID_MAX = 2**63 - 1
MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1

# Every error status the API answers, as the API description lists them.
ERROR_CODES = {
    400: "the request cannot be read: a malformed body, or a NUL character in the URL",
    401: "no valid bearer token and no signed-in session",
    403: "the caller may not do this, or a session request that writes lacks its CSRF token",
    404: "not found, or not visible to the caller",
    409: "conflicts with the current state, e.g. an import of this Pemda-year is running",
    422: (
        "a parameter or field has the wrong type or lies outside its documented range (e.g. "
        "`limit` above 1000, a `year` outside 2000–2100); `fields` names each with its messages"
    ),
}


class FieldProblem(Schema):
    """One problem of a calculator payload (the same as `p3dn calc` prints)."""

    field: str
    code: str
    message: str
    message_en: str


class ErrorOut(Schema):
    """Every error answer of the API: `error` always; `fields` (messages per parameter or
    field) with a 422; `errors` (each problem with its code) with a calculator's 422."""

    error: str
    fields: dict[str, list[str]] | None = None
    errors: list[FieldProblem] | None = None

    @model_serializer(mode="wrap")
    def _without_empty_members(self, handler: SerializerFunctionWrapHandler):
        """``Status(409, {"error": ...})`` answers ``{"error": ...}``, not ``"fields": null``.
        (No return annotation: with one, pydantic would document the schema as that type.)"""
        return {k: v for k, v in handler(self).items() if v is not None}


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error answers an endpoint declares: ``response={200: X, **errors(401, 404)}``."""
    unknown = set(codes) - set(ERROR_CODES)
    if unknown:
        raise ValueError(f"undocumented error codes {sorted(unknown)}")
    return dict.fromkeys(sorted(codes), ErrorOut)


# What endpoints behind a login can answer besides their success.
READ = (400, 401, 404, 422)
WRITE = (400, 401, 403, 404, 422)
PUBLIC = (400, 422)


class ApiError(HttpError):
    """An error answer with extra members of ``ErrorOut`` (e.g. a calculator's ``errors``)."""

    def __init__(self, status_code: int, message: str, **extra: Any) -> None:
        super().__init__(status_code, message)
        self.extra = extra


NO_NUL = r"^[^\x00]*$"


def _no_nul(max_length: int) -> Any:
    return StringConstraints(max_length=max_length, pattern=NO_NUL)


# Text parameters and fields: bounded, and without NUL (PostgreSQL cannot store one).
ShortText = Annotated[str, _no_nul(100)]
Text = Annotated[str, _no_nul(1000)]
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]


class Pagination(LimitOffsetPagination):
    """``limit`` from 1 to 1000 (default 100), ``offset`` from 0 to 2**31 - 1; else a 422."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


F = TypeVar("F", bound=Callable[..., Any])


def paginated(func: F) -> F:
    """``@paginate(Pagination)``. Ninja reads a paginated view's annotations in its own module,
    where the string annotations of ``from __future__ import annotations`` (``ShortText``,
    ``Id``) mean nothing; they are resolved here first."""
    func.__annotations__ = typing.get_type_hints(func, include_extras=True)
    return typing.cast(F, paginate(Pagination)(func))
