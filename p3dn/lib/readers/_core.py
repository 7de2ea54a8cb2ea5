"""What every reader shares: the refusal, the row source and the clean-up of header rows."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any

Row = tuple[int, dict[str, Any]]
# A row with the bytes it was read from (JSON lines: its line), or None where a format has no
# such span of bytes per row.
RawRow = tuple[int, dict[str, Any], bytes | None]

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"[+-]?(\d[\d.,]*|[.,]\d+)%?")
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?")


@dataclass(frozen=True)
class Limits:
    """What one file may hold. A file over any limit is refused whole (UnreadableFile) with a
    one-line reason, before its over-limit part is held in memory: so a reader's memory stays
    bounded whatever the file (the rows, the depth and the sizes below bound it together).

    rows: data rows per file. depth: levels of nesting, counted from the file's outermost
    bracket (JSON arrays and wrapper objects: the array is level 1, a row level 2; JSON lines
    and Parquet: the row is level 1). value_length: characters of one value. row_bytes: bytes
    of one row as written in the file (JSON, JSON lines; characters for CSV and HTML; a JSON
    array's row is measured to within 64 KB). columns: fields of one row (Excel's own limit).
    unzipped_bytes: what an XLSX workbook's parts inflate to, all together, declared and read.
    part_bytes: what a part decoded whole may take: a column of a Parquet row group as stored
    uncompressed, an XLSX shared-strings table as Python holds it (its strings and 64 bytes
    for each); other XLSX parts openpyxl reads whole get a 16th of it (the sheets are
    streamed).
    zip_ratio: inflated over compressed size of an XLSX part of more than 1 MB.
    """

    rows: int = 1_000_000
    depth: int = 16
    value_length: int = 1_048_576
    row_bytes: int = 4 * 1_048_576
    columns: int = 16_384
    unzipped_bytes: int = 1024 * 1_048_576
    part_bytes: int = 64 * 1_048_576
    zip_ratio: int = 200


DEFAULT_LIMITS = Limits()


def size_text(size: int) -> str:
    """A byte count for a reason: '4 MB' (of 1,048,576 bytes) from 1 MB on, else '512 bytes'."""
    if size >= 1_048_576:
        return f"{size / 1_048_576:,.0f} MB"
    return f"{size:,} bytes"


def too_many_rows(what: str, limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        f"{what} with more than {limits.rows:,} rows; split it into files of at most "
        f"{limits.rows:,} rows",
        "too_many_rows", what=what, rows=limits.rows,
    )


def too_deep(what: str, limits: Limits, line: int = 0, after: int = 0) -> UnreadableFile:
    """Nested too deep: on ``line`` of JSON lines, or after ``after`` rows of an array."""
    where = f" (line {line})" if line else f" (after row {after})" if after else ""
    return UnreadableFile(
        f"{what} nested more than {limits.depth} levels deep{where}",
        "too_deep", what=what, depth=limits.depth, line=line, after=after,
    )


def too_long(what: str, number: int, field: str, length: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        f"{what} whose row {number} has a value of {length:,} characters in "
        f"{shorten(field)!r}; at most {limits.value_length:,} are read",
        "too_long", what=what, row=number, field=shorten(field), length=length,
        limit=limits.value_length,
    )


def too_long_somewhere(what: str, number: int, limits: Limits) -> UnreadableFile:
    """As too_long, where the reader cannot tell the field (CSV, HTML)."""
    return UnreadableFile(
        f"{what} whose row {number} has a value of more than {limits.value_length:,} "
        "characters",
        "too_long_somewhere", what=what, row=number, limit=limits.value_length,
    )


def too_large(what: str, number: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        f"{what} whose row {number} is larger than {size_text(limits.row_bytes)}: "
        "a value or the row as a whole is too large",
        "too_large", what=what, row=number, size=size_text(limits.row_bytes),
    )


def too_wide(what: str, number: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        f"{what} whose row {number} has more than {limits.columns:,} columns",
        "too_wide", what=what, row=number, columns=limits.columns,
    )


def longest_value(value: Any, limit: int, depth: int = 0, field: str = "") -> tuple[str, int]:
    """(field, length) of the first string longer than ``limit`` in a row's values (nested
    ones included, named by their field), else ("", 0)."""
    if type(value) is str:
        return (field, len(value)) if len(value) > limit else ("", 0)
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = ((field, v) for v in value)
    else:
        return "", 0
    for name, item in items:
        found = longest_value(item, limit, depth + 1, field if depth else str(name))
        if found[1]:
            return found
    return "", 0


def deeper_than(value: Any, levels: int) -> bool:
    """Whether a value nests more than ``levels`` levels (a scalar is 0, a flat object 1);
    the walk stops at the limit, so it is cheap and safe whatever the value."""
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list | tuple):
        return False
    if levels <= 0:
        return True
    return any(deeper_than(item, levels - 1) for item in value)


class UnreadableFile(ValueError):
    """The file is not a table of rows; `reason` says in one English line what it is instead.

    `code` names the kind of refusal and `params` its values (numbers, a field's or a sheet's
    name, `what`: the English noun of the format, such as "a CSV file"), so that the
    application can say it in the user's language; "" when it has no code of its own."""

    def __init__(self, reason: str, code: str = "", **params: Any) -> None:
        reason = " ".join(reason.split())
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.params = params


class RowSource:
    """Rows of one file, read once, front to back.

    `format` is "json", "jsonl", "csv", "parquet", "xlsx" or "html"; `columns` the field names
    of the header (for JSON: the keys of the first object); `encoding` the text encoding used
    for CSV and HTML (None for the other formats). Iterating yields (row_number, dict);
    `with_raw()` instead yields (row_number, dict, raw) where `raw` is the row's own bytes
    (JSON lines: its line, as read) or None; `fraction_done()` tells roughly how much of the
    file has been read (None if unknown).
    """

    def __init__(
        self,
        fmt: str,
        columns: list[str],
        rows: Iterator[Row],
        closers: list[Callable[[], object]],
        encoding: str | None = None,
        progress: Callable[[], float] | None = None,
        raw_rows: Iterator[RawRow] | None = None,
    ) -> None:
        self.format = fmt
        self.columns = columns
        self.encoding = encoding
        self._rows = rows
        self._raw_rows = raw_rows  # the same rows with their bytes; `rows` is built from them
        self._closers = closers
        self._progress = progress
        self._started = False

    def fraction_done(self) -> float | None:
        """Between 0 and 1: the share of the file read so far (read-ahead included)."""
        if self._progress is None:
            return None
        try:
            return max(0.0, min(1.0, self._progress()))
        except (OSError, ValueError):  # closed file
            return None

    def __iter__(self) -> Iterator[Row]:
        if self._started:
            raise RuntimeError("a RowSource can be iterated only once")
        self._started = True
        return self._rows

    def with_raw(self) -> Iterator[RawRow]:
        """The rows as (row_number, dict, raw bytes or None); instead of iterating."""
        if self._raw_rows is None:
            return ((number, row, None) for number, row in self)
        if self._started:
            raise RuntimeError("a RowSource can be iterated only once")
        self._started = True
        return self._raw_rows

    def close(self) -> None:
        self._progress = None
        closers, self._closers = self._closers, []
        for close in reversed(closers):
            close()

    def __enter__(self) -> RowSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<RowSource {self.format} {len(self.columns)} columns>"


def file_progress(file: Any) -> Callable[[], float]:
    """The share of a binary file's bytes read so far (its position over its size)."""
    size = max(1, os.fstat(file.fileno()).st_size)
    return lambda: file.tell() / size


def squash(text: str) -> str:
    """Runs of whitespace (line breaks, tabs, no-break spaces) become one space; ends stripped."""
    return _SPACE.sub(" ", text).strip()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def looks_like_value(text: str) -> bool:
    """A header cell that reads as a number or a date means the first row is data."""
    return bool(_NUMBER.fullmatch(text) or _DATE.fullmatch(text))


def make_header(cells: list[Any], *, what: str | None = None) -> list[str]:
    """Field names from a header row: whitespace squashed, trailing empty cells dropped, other
    empty ones named column_N (N counted from 1), repeated names suffixed _2, _3, …

    With `what` (e.g. "a CSV file"), a row whose cells read as numbers or dates is refused as
    having no header.
    """
    names = ["" if cell is None else squash(str(cell)) for cell in cells]
    while names and not names[-1]:
        names.pop()
    if what is not None:
        if not names:
            raise UnreadableFile(
                f"{what} without a header row: its first row is empty", "no_header", what=what
            )
        for name in names:
            if looks_like_value(name):
                raise UnreadableFile(
                    f"{what} without a header row: its first row holds values such as "
                    f"{shorten(name)!r}",
                    "header_values", what=what, value=shorten(name),
                )
    header: list[str] = []
    seen: set[str] = set()
    for index, name in enumerate(names, 1):
        name = name or f"column_{index}"
        unique, suffix = name, 1
        while unique in seen:
            suffix += 1
            unique = f"{name}_{suffix}"
        seen.add(unique)
        header.append(unique)
    return header


def row_dict(columns: list[str], values: list[Any], number: int, what: str) -> dict[str, Any]:
    """Pair a row's values with the header. Missing trailing values are None; surplus values
    must be empty, since a filled one means the row is out of line with the header."""
    width = len(columns)
    if len(values) == width:
        return dict(zip(columns, values, strict=True))
    if len(values) > width:
        if not all(is_blank(v) for v in values[width:]):
            raise UnreadableFile(
                f"{what} whose row {number} has {len(values)} values for {width} header "
                f"column{'' if width == 1 else 's'}",
                "row_width", what=what, row=number, values=len(values), columns=width,
            )
        return dict(zip(columns, values[:width], strict=True))
    row = dict(zip(columns, values, strict=False))
    for name in columns[len(values) :]:
        row[name] = None
    return row


def float_to_decimal(value: float) -> Decimal | None:
    """A float as the Decimal of its shortest repr; NaN (a missing value) becomes None."""
    if value != value:
        return None
    return Decimal(str(value))


def shorten(text: str, limit: int = 60) -> str:
    text = squash(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind_of(value: object) -> str:
    """'a string', 'a number', … for messages about JSON values."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def kinds_of(value: object) -> str:
    """Plural of kind_of: 'strings', 'numbers', …"""
    return {
        "an object": "objects",
        "an array": "arrays",
        "a string": "strings",
        "a boolean": "booleans",
        "null": "nulls",
    }.get(kind_of(value), "numbers")
