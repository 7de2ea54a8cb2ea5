"""JSON arrays of objects (streamed with ijson), {"key": [...]} wrappers and JSON lines.

Numbers are never floats: integers stay int, every other number is a Decimal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar

import ijson
import orjson

from ._core import (
    RawRow,
    Row,
    RowSource,
    UnreadableFile,
    file_progress,
    kind_of,
    kinds_of,
    shorten,
)

T = TypeVar("T")

_LINE_LIMIT = 16 * 1024 * 1024  # a first line longer than this is not taken for JSON lines


def _load_backend() -> Any:
    try:
        return ijson.get_backend("yajl2_c")
    except ImportError:  # pragma: no cover - the wheel ships the C backend
        return ijson


BACKEND = _load_backend()


def open_json(path: Path, bom: int, *, array: bool) -> RowSource:
    """A JSON array, or a JSON document starting with '{': JSON lines or a wrapper object."""
    file = path.open("rb")
    progress = file_progress(file)
    try:
        file.seek(bom)
        if array:
            rows = _array_rows(BACKEND.items(file, "item"))
            fmt = "json"
        elif _is_json_lines(file, path):
            file.seek(bom)
            lines = _lines_rows(file)
            first_line = next(lines)
            raw = _chain(first_line, lines)
            return RowSource(
                "jsonl", list(first_line[1]), _without_raw(raw), [file.close],
                progress=progress, raw_rows=raw,
            )
        else:
            file.seek(bom)
            rows, fmt = _wrapped_rows(file), "json"
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


def _array_rows(items: Iterable[Any], key: str | None = None) -> Iterator[Row]:
    """Rows of an ijson item stream: the top-level array, or the list under `key` of a
    wrapper object."""
    number = 0
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            break
        except ijson.JSONError as exc:
            raise _json_error(exc, number, key) from None
        number += 1
        if type(item) is not dict:
            if key is not None and number == 1:
                raise UnreadableFile(
                    f"{_OBJECT} ({shorten(key)!r} holds a list of {kinds_of(item)})"
                )
            if number == 1:
                raise UnreadableFile(f"a JSON array of {kinds_of(item)}, not of objects")
            where = "a JSON array whose" if key is None else f"a JSON object whose {key!r} list's"
            raise UnreadableFile(f"{where} row {number} is {kind_of(item)}, not an object")
        yield number, item
    if number == 0:
        raise UnreadableFile(
            "a JSON array with no rows"
            if key is None
            else f"a JSON object whose {shorten(key)!r} list is empty"
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
        return UnreadableFile(f"a truncated {noun}: the file ends {where}")
    if "trailing garbage" in reason:
        return UnreadableFile(f"malformed JSON: text follows the end of the {noun}{near}")
    if key is None:
        where = f"row {rows_read + 1} of a JSON array"
    elif key:
        where = f"row {rows_read + 1} of the {shorten(key)!r} list"
    else:
        where = "a JSON object"
    return UnreadableFile(f"malformed JSON in {where}: {reason}{near}")


def _wrapped_rows(file: IO[bytes]) -> Iterator[Row]:
    """A JSON object read only if it has exactly one key, holding a list of objects."""
    events = BACKEND.parse(file)
    refusal = _OBJECT
    try:
        start = next(events)
        opening = next(events)
        if opening[1] == "end_map":
            raise UnreadableFile(f"{refusal} (the object is empty)")
        key = opening[2]
        value = next(events)
    except ijson.JSONError as exc:
        raise _json_error(exc, 0, "") from None
    except StopIteration:  # pragma: no cover - ijson raises on incomplete input first
        raise UnreadableFile("a JSON object that is truncated") from None
    if value[1] != "start_array":
        shown = {"start_map": "an object", "string": "a string", "number": "a number"}
        what = shown.get(value[1], "a " + str(value[1]))
        raise UnreadableFile(f"{refusal} (its first key {shorten(key)!r} holds {what})")

    def watched() -> Iterator[tuple[str, str, Any]]:
        yield start
        yield opening
        yield value
        for event in events:
            if event[0] == "" and event[1] == "map_key":
                raise UnreadableFile(
                    f"{refusal} (it has more keys than {shorten(key)!r}, "
                    f"such as {shorten(event[2])!r})"
                )
            yield event

    yield from _array_rows(BACKEND.items(watched(), f"{key}.item"), key)


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
        except ValueError:
            # A line closed by '}' that is no JSON is taken for a broken first JSON line, to
            # be reported with its column; a pretty-printed object's first line is only '{'.
            return first.rstrip().endswith(b"}")
    for line in file:
        if line.strip():
            return True
    return path.suffix.lower() in (".jsonl", ".ndjson")


def _lines_rows(file: IO[bytes]) -> Iterator[RawRow]:
    """Each row with its line. orjson while the rows hold no decimal number; from the first
    one on (rows of one file look alike) the standard library's parser, which keeps decimals
    exact."""
    label = "JSON lines"
    fast = True
    for number, line in enumerate(file, 1):
        if not line or line.isspace():  # as `not line.strip()`, without copying the line
            continue
        if fast:
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError:
                row = _slow_loads(line, number)
            else:
                if _has_float(row):
                    fast = False
                    row = _slow_loads(line, number)
        else:
            row = _slow_loads(line, number)
        if type(row) is not dict:
            raise UnreadableFile(f"{label} whose line {number} is {kind_of(row)}, not an object")
        yield number, row, line


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _slow_loads(line: bytes, number: int) -> Any:
    """The standard library's parser: exact Decimals, integers of any size, and a precise
    position when the line is not JSON."""
    try:
        return json.loads(line, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"malformed JSON on line {number}, column {exc.colno}: {exc.msg}"
        ) from None
    except UnicodeDecodeError:
        raise UnreadableFile(f"JSON lines whose line {number} is not valid UTF-8") from None
    except ValueError as exc:
        raise UnreadableFile(f"malformed JSON on line {number}: {exc}") from None


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
