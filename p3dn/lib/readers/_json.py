"""JSON arrays of objects (streamed with ijson), {"key": [...]} wrappers and JSON lines.

Numbers are never floats: integers stay int, every other number is a Decimal.

Limits (see Limits): ijson's C parser is given the file through `_Guarded`, which looks at
each chunk before the parser does. The parser's prefixed events keep the path of every open
level, so their memory grows with the square of the nesting (a 200 KB file of 100,000 '['
took 20 GB), and it crashes the process on an integer of more than 4,300 digits (Python's
limit on converting digits to int, which its C code does not check): both are refused from
the bytes first. A JSON-lines row is a line, read with a bounded readline.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar

import ijson
import orjson

from ._core import (
    DEFAULT_LIMITS,
    Limits,
    RawRow,
    Row,
    RowSource,
    UnreadableFile,
    deeper_than,
    file_progress,
    kind_of,
    kinds_of,
    longest_value,
    shorten,
    too_deep,
    too_large,
    too_long,
    too_many_rows,
)

T = TypeVar("T")

_LINE_LIMIT = 16 * 1024 * 1024  # a first line longer than this is not taken for JSON lines
_CHUNK = 64 * 1024  # what ijson reads at a time


def _load_backend() -> Any:
    try:
        return ijson.get_backend("yajl2_c")
    except ImportError:  # pragma: no cover - the wheel ships the C backend
        return ijson


BACKEND = _load_backend()


def open_json(
    path: Path, bom: int, *, array: bool, limits: Limits = DEFAULT_LIMITS
) -> RowSource:
    """A JSON array, or a JSON document starting with '{': JSON lines or a wrapper object."""
    file = path.open("rb")
    progress = file_progress(file)
    try:
        file.seek(bom)
        if array:
            guarded = _Guarded(file, limits, "a JSON array")
            rows = _array_rows(BACKEND.items(guarded, "item", buf_size=_CHUNK), guarded)
            fmt = "json"
        elif _is_json_lines(file, path):
            file.seek(bom)
            lines = _lines_rows(file, limits)
            first_line = next(lines)
            raw = _chain(first_line, lines)
            return RowSource(
                "jsonl", list(first_line[1]), _without_raw(raw), [file.close],
                progress=progress, raw_rows=raw,
            )
        else:
            file.seek(bom)
            guarded = _Guarded(file, limits, "a JSON object")
            rows, fmt = _wrapped_rows(guarded), "json"
        first = next(rows)
    except BaseException:
        file.close()
        raise
    columns = list(first[1])
    return RowSource(fmt, columns, _chain(first, rows), [file.close], progress=progress)


def _chain(first: T, rest: Iterator[T]) -> Iterator[T]:
    yield first
    yield from rest


def _without_raw(rows: Iterator[RawRow]) -> Iterator[Row]:
    for number, row, _line in rows:
        yield number, row


def _array_rows(
    items: Iterable[Any], guarded: _Guarded, key: str | None = None
) -> Iterator[Row]:
    """Rows of an ijson item stream: the top-level array, or the list under `key` of a
    wrapper object. Each row marks where the file stood when it was read: the next row's
    bytes are counted from there, and a row of more bytes than the longest value allowed
    (counted to within one chunk) has its values measured."""
    number = 0
    iterator = iter(items)
    limits = guarded.limits
    mark = 0
    what = "a JSON array" if key is None else f"a JSON object whose {shorten(key)!r} list"
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            break
        except ijson.JSONError as exc:
            raise _json_error(exc, number, key) from None
        number += 1
        if number > limits.rows:
            raise too_many_rows(what, limits)
        position = guarded.position
        if position - mark + _CHUNK > limits.value_length:
            field, length = longest_value(item, limits.value_length)
            if length:
                raise too_long(what, number, field, length, limits)
        guarded.mark = mark = position
        guarded.rows = number
        if type(item) is not dict:
            if key is not None and number == 1:
                raise UnreadableFile(
                    f"{_OBJECT} ({shorten(key)!r} holds a list of {kinds_of(item)})",
                    "json_object", key=shorten(key),
                )
            if number == 1:
                raise UnreadableFile(
                    f"a JSON array of {kinds_of(item)}, not of objects", "json_not_objects"
                )
            where = "a JSON array whose" if key is None else f"a JSON object whose {key!r} list's"
            raise UnreadableFile(
                f"{where} row {number} is {kind_of(item)}, not an object",
                "json_row_not_object", row=number,
            )
        yield number, item
    if number == 0:
        raise UnreadableFile(
            "a JSON array with no rows"
            if key is None
            else f"a JSON object whose {shorten(key)!r} list is empty",
            "no_rows", what=what,
        )


_OBJECT = "a JSON object, not an array of rows"


def _json_error(exc: Exception, rows_read: int, key: str | None) -> UnreadableFile:
    """A refusal from an ijson error; `key` is None for a top-level array, the wrapper's key
    inside a wrapper object, "" before the wrapper's list is reached."""
    message = exc.args[0] if exc.args else str(exc)
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    lines = str(message).splitlines() or ["unknown error"]
    reason = lines[0].removeprefix("parse error: ").removeprefix("lexical error: ").rstrip(".")
    near = f" near {shorten(lines[1], 50)!r}" if len(lines) > 1 and lines[1].strip() else ""
    noun = "JSON array" if key is None else "JSON object"
    if "premature EOF" in reason:
        where = f"after row {rows_read}" if rows_read else "before its first row is complete"
        return UnreadableFile(
            f"a truncated {noun}: the file ends {where}", "json_truncated", rows=rows_read
        )
    if "trailing garbage" in reason:
        return UnreadableFile(
            f"malformed JSON: text follows the end of the {noun}{near}", "json_trailing"
        )
    if key is None:
        where = f"row {rows_read + 1} of a JSON array"
    elif key:
        where = f"row {rows_read + 1} of the {shorten(key)!r} list"
    else:
        where = "a JSON object"
    return UnreadableFile(
        f"malformed JSON in {where}: {reason}{near}", "json_malformed", row=rows_read + 1
    )


def _wrapped_rows(file: _Guarded) -> Iterator[Row]:
    """A JSON object read only if it has exactly one key, holding a list of objects."""
    events = BACKEND.parse(file, buf_size=_CHUNK)
    refusal = _OBJECT
    try:
        start = next(events)
        opening = next(events)
        if opening[1] == "end_map":
            raise UnreadableFile(f"{refusal} (the object is empty)", "json_object", key="")
        key = opening[2]
        value = next(events)
    except ijson.JSONError as exc:
        raise _json_error(exc, 0, "") from None
    except StopIteration:  # pragma: no cover - ijson raises on incomplete input first
        raise UnreadableFile("a JSON object that is truncated", "json_truncated", rows=0) from None
    if value[1] != "start_array":
        shown = {"start_map": "an object", "string": "a string", "number": "a number"}
        what = shown.get(value[1], "a " + str(value[1]))
        raise UnreadableFile(
            f"{refusal} (its first key {shorten(key)!r} holds {what})",
            "json_object", key=shorten(key),
        )

    def watched() -> Iterator[tuple[str, str, Any]]:
        yield start
        yield opening
        yield value
        for event in events:
            if event[0] == "" and event[1] == "map_key":
                raise UnreadableFile(
                    f"{refusal} (it has more keys than {shorten(key)!r}, "
                    f"such as {shorten(event[2])!r})",
                    "json_object", key=shorten(key),
                )
            yield event

    yield from _array_rows(BACKEND.items(watched(), f"{key}.item"), file, key)


def _is_json_lines(file: IO[bytes], path: Path) -> bool:
    """JSON lines when the first line is a whole object and another line follows (or the file
    is named .jsonl/.ndjson); otherwise the '{' opens a single JSON object."""
    first = file.readline(_LINE_LIMIT)
    if len(first) >= _LINE_LIMIT and not first.endswith(b"\n"):
        return False
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        try:
            json.loads(first)  # integers over 64 bits, which orjson refuses
        except RecursionError:  # nested too deep for either: the reader refuses it later
            return False
        except ValueError:
            # A line closed by '}' that is no JSON is taken for a broken first JSON line, to
            # be reported with its column; a pretty-printed object's first line is only '{'.
            return first.rstrip().endswith(b"}")
    for piece in iter(functools.partial(file.readline, _CHUNK), b""):  # never a whole line
        if piece.strip():
            return True
    return path.suffix.lower() in (".jsonl", ".ndjson")


def _lines_rows(file: IO[bytes], limits: Limits = DEFAULT_LIMITS) -> Iterator[RawRow]:
    """Each row with its line. orjson while the rows hold no decimal number; from the first
    one on (rows of one file look alike) the standard library's parser, which keeps decimals
    exact. A line is read up to the row limit, never whole whatever its length."""
    label = "JSON lines"
    fast = True
    count = 0
    longest = limits.row_bytes
    lines = iter(functools.partial(file.readline, longest + 2), b"")
    for number, line in enumerate(lines, 1):
        if len(line) > longest and len(line.rstrip(b"\r\n")) > longest:
            raise too_large(label, number, limits)
        if line.isspace():  # as `not line.strip()`, without copying the line
            continue
        count += 1
        if count > limits.rows:
            raise too_many_rows(label, limits)
        kinds = None  # the types of the row's values, when the fast path had them
        if fast:
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError:
                row = _slow_loads(line, number, limits)
            else:
                if type(row) is dict:
                    kinds = set(map(type, row.values()))  # one pass in C
                    if float in kinds or (
                        (dict in kinds or list in kinds) and _has_float(row)
                    ):
                        fast, kinds = False, None
                        row = _slow_loads(line, number, limits)
        else:
            row = _slow_loads(line, number, limits)
        if type(row) is not dict:
            raise UnreadableFile(
                f"{label} whose line {number} is {kind_of(row)}, not an object",
                "json_row_not_object", row=number,
            )
        if kinds is not None:
            nested = dict in kinds or list in kinds
        else:
            nested = not _FLAT.issuperset(map(type, row.values()))
        if nested and deeper_than(row, limits.depth):
            raise too_deep(label, limits, line=number)
        if len(line) > limits.value_length:
            field, length = longest_value(row, limits.value_length)
            if length:
                raise too_long(label, number, field, length, limits)
        yield number, row, line


# The types of a row's values that are no containers (nothing to look into for nesting).
_FLAT = frozenset({str, int, float, bool, type(None), Decimal})


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _slow_loads(line: bytes, number: int, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The standard library's parser: exact Decimals, integers of up to 4,300 digits, and a
    precise position when the line is not JSON."""
    try:
        return json.loads(line, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise too_deep("JSON lines", limits, line=number) from None
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"malformed JSON on line {number}, column {exc.colno}: {exc.msg}",
            "json_malformed", row=number,
        ) from None
    except UnicodeDecodeError:
        raise UnreadableFile(
            f"JSON lines whose line {number} is not valid UTF-8", "json_line_encoding", row=number
        ) from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            raise UnreadableFile(
                f"JSON lines whose line {number} holds a number of more than "
                f"{_max_digits():,} digits",
                "too_many_digits", what="JSON lines", digits=_max_digits(), line=number,
            ) from None
        raise UnreadableFile(
            f"malformed JSON on line {number}: {exc}", "json_malformed", row=number
        ) from None


_CONTAINERS = (dict, list)


def _has_float(value: Any) -> bool:
    if type(value) is dict:
        value = value.values()
    elif type(value) is not list:
        return type(value) is float
    kinds = set(map(type, value))  # one pass in C; nested containers are looked into
    if float in kinds:
        return True
    if dict in kinds or list in kinds:
        return any(type(item) in _CONTAINERS and _has_float(item) for item in value)
    return False


# ------------------------------------------------------------------ the guard before ijson

_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')  # deleted: all but these
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\x00\x00")
_DELTA = (-1, 1)
_NOT_DIGIT = re.compile(rb"[^0-9]")
_DIGITS = b"0123456789"


def _max_digits() -> int:
    """The longest integer ijson may meet: Python's limit on converting digits to int."""
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    return min(limit or 4300, 4300)


class _Guarded:
    """A JSON file as ijson reads it, chunk by chunk, each chunk looked at before ijson sees
    it: the nesting depth (brackets outside strings), integers too long for Python, and the
    bytes of the row under way (from `mark`, set by the row loop, on). `position` is the
    bytes handed out so far; `rows` the rows read."""

    def __init__(self, file: IO[bytes], limits: Limits, what: str) -> None:
        self._file = file
        self.limits = limits
        self.what = what
        self.position = 0
        self.mark = 0
        self.rows = 0
        self._depth = 0
        self._inside = False  # within a string at the end of the chunks scanned so far
        self._escapes = b""  # trailing backslashes held back for the next chunk
        self._digits = 0  # digits at the end of the chunks scanned so far
        self._max_digits = _max_digits()

    def read(self, size: int = -1) -> bytes:
        # ijson asks for more only once it has given every row the bytes so far complete:
        # what was read since the last row belongs to the row under way.
        if self.position - self.mark > self.limits.row_bytes:
            raise too_large(self.what, self.rows + 1, self.limits)
        data = self._file.read(size)
        if data:
            self._scan(data)
            self.position += len(data)
        return data

    def _scan(self, data: bytes) -> None:
        self._check_digits(data)
        if self._escapes:
            data = self._escapes + data
            self._escapes = b""
        if data.endswith(b"\\"):
            kept = data.rstrip(b"\\")
            self._escapes = data[len(kept) :]
            data = kept
        # an escaped quote, or an escaped backslash before a quote (one byte is found
        # faster than two: most chunks have no backslash at all)
        if b"\\" in data and b'\\"' in data:
            data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
        marks = data.translate(None, _STRUCTURE)  # brackets and quotes, in order
        if b'"' in marks:
            marks = marks.replace(b'""', b"")  # a pair holds no bracket: the parity stays
        if self._inside or b'"' in marks:
            parts = marks.split(b'"')
            outside = parts[1::2] if self._inside else parts[0::2]
            if len(parts) % 2 == 0:
                self._inside = not self._inside
            marks = b"".join(outside)
        if not marks:
            return
        closing = marks.count(b"]") + marks.count(b"}")
        opening = len(marks) - closing
        levels = self.limits.depth
        if self._depth + opening > levels and (
            max(itertools.accumulate(map(_DELTA.__getitem__, marks.translate(_STEPS)),
                                     initial=self._depth)) > levels
        ):
            raise too_deep(self.what, self.limits, after=self.rows)
        self._depth += opening - closing

    def _check_digits(self, data: bytes) -> None:
        """Refuses a run of more digits than Python converts to int. Any such run holds a
        byte at a multiple of the limit, so only those bytes are looked around."""
        limit = self._max_digits
        run = self._digits
        if run:
            lead = len(data) - len(data.lstrip(_DIGITS))
            if run + lead > limit:
                raise self._too_many_digits()
        for index in range(limit, len(data), limit):
            if 48 <= data[index] <= 57:
                before = data[index - limit : index]
                start = index - (len(before) - len(before.rstrip(_DIGITS)))
                found = _NOT_DIGIT.search(data, index, index + limit + 1)
                end = found.start() if found else min(len(data), index + limit + 1)
                if end - start + (run if start == 0 else 0) > limit:
                    raise self._too_many_digits()
        tail = len(data) - len(data.rstrip(_DIGITS))
        self._digits = run + tail if tail == len(data) else tail

    def _too_many_digits(self) -> UnreadableFile:
        return UnreadableFile(
            f"{self.what} holding a number of more than {self._max_digits:,} digits"
            f"{self._where()}",
            "too_many_digits", what=self.what, digits=self._max_digits, after=self.rows,
        )

    def _where(self) -> str:
        """Where a chunk's problem is: after the rows read so far (the chunk is looked at
        before any row ending in it is read)."""
        return f" (after row {self.rows})" if self.rows else ""
