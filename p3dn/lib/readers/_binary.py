"""Parquet (record batches through pyarrow) and XLSX (openpyxl in read-only mode).

Limits: a Parquet file's row count, nesting and column sizes are read from its metadata before
any row is decoded (pyarrow decodes a column of a row group ahead of the batches asked for, so
a column of huge values takes its whole size in memory at once); the longest string of each
batch is measured by pyarrow. An XLSX workbook is a ZIP archive: its declared sizes and
compression ratios are checked, then every XML part is inflated once and looked through (as a
stream, never whole) before openpyxl opens it: no document type declaration, no text or tag
longer than ten times the longest value, the shared strings small enough to hold, and in the
sheets the rows and the cells of each row counted.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from ._core import (
    DEFAULT_LIMITS,
    Limits,
    Row,
    RowSource,
    UnreadableFile,
    file_progress,
    float_to_decimal,
    is_blank,
    make_header,
    row_dict,
    shorten,
    size_text,
    too_deep,
    too_long,
    too_long_somewhere,
    too_many_rows,
    too_wide,
)

_BATCH = 8192
_MB = 1_048_576


def open_parquet(path: Path, limits: Limits = DEFAULT_LIMITS) -> RowSource:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFile(
            f"a damaged or truncated Parquet file ({exc})", "damaged", what="a Parquet file"
        ) from None
    try:
        metadata = parquet.metadata
        if metadata.num_rows == 0:
            raise UnreadableFile("a Parquet file with no rows", "no_rows", what="a Parquet file")
        if metadata.num_rows > limits.rows:
            raise too_many_rows("a Parquet file", limits)
        schema = parquet.schema_arrow
        if len(schema.names) > limits.columns:
            raise too_wide("a Parquet file", 1, limits)
        if 1 + max((_levels(field.type) for field in schema), default=0) > limits.depth:
            raise too_deep("a Parquet file", limits)
        measured = _check_row_groups(metadata, limits)
        columns = make_header(list(schema.names))
        converters = [_converter(field.type) for field in schema]
        lengths = [_length_of(field.type) if name in measured else None
                   for name, field in zip(schema.names, schema, strict=True)]
    except BaseException:
        parquet.close()
        raise
    total = metadata.num_rows
    done = [0]
    rows = _parquet_rows(
        parquet.iter_batches(batch_size=_BATCH), columns, converters, lengths, done, limits
    )
    return RowSource("parquet", columns, rows, [parquet.close], progress=lambda: done[0] / total)


def _levels(kind: Any) -> int:
    """Levels of nesting of a pyarrow type: 0 for a plain value, 1 for a list of them, …"""
    if kind.num_fields == 0:
        return 0
    return 1 + max(_levels(kind.field(i).type) for i in range(kind.num_fields))


def _check_row_groups(metadata: Any, limits: Limits) -> set[str]:
    """Refuses a column of a row group over `part_bytes` unpacked; returns the top-level
    columns whose values may be longer than `value_length` (their stored size allows it)."""
    measured = set()
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(row_group.num_columns):
            chunk = row_group.column(index)
            size = chunk.total_uncompressed_size
            name = chunk.path_in_schema.split(".")[0]
            if size > limits.part_bytes:
                raise UnreadableFile(
                    f"a Parquet file whose column {shorten(name)!r} unpacks to "
                    f"{size_text(size)} in row group {group + 1}; at most "
                    f"{size_text(limits.part_bytes)}: write it in smaller row groups",
                    "parquet_column", column=shorten(name), size=size_text(size),
                    group=group + 1, limit=size_text(limits.part_bytes),
                )
            if size > limits.value_length:
                measured.add(name)
    return measured


def _length_of(kind: Any) -> Callable[[Any], Any] | None:
    """The pyarrow function giving the length of each value of a text or binary column (in
    characters, or bytes for binary), None for other columns."""
    import pyarrow.compute as pc
    import pyarrow.types as t

    if t.is_string(kind) or t.is_large_string(kind):
        return pc.utf8_length
    if t.is_binary(kind) or t.is_large_binary(kind):
        return pc.binary_length
    return None


def _parquet_rows(
    batches: Iterator[Any],
    columns: list[str],
    converters: list[Callable[[Any], Any] | None],
    lengths: list[Callable[[Any], Any] | None],
    done: list[int],
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Row]:
    """Rows batch by batch; done[0] counts the rows decoded so far."""
    import pyarrow as pa
    import pyarrow.compute as pc

    number = 0
    try:
        for batch in batches:
            done[0] += batch.num_rows
            values = []
            for name, column, convert, length in zip(
                columns, batch.columns, converters, lengths, strict=True
            ):
                if length is not None:
                    sizes = length(column)
                    longest = pc.max(sizes).as_py()
                    if longest is not None and longest > limits.value_length:
                        at = pc.indices_nonzero(pc.greater(sizes, limits.value_length))[0]
                        raise too_long(
                            "a Parquet file", number + at.as_py() + 1, name, longest, limits
                        )
                items = column.to_pylist()
                values.append(items if convert is None else [convert(v) for v in items])
            for record in zip(*values, strict=True):
                number += 1
                yield number, dict(zip(columns, record, strict=True))
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFile(
            f"a damaged Parquet file after row {number} ({exc})", "damaged_after", row=number
        ) from None


def _converter(kind: Any) -> Callable[[Any], Any] | None:
    """How to turn one pyarrow value of type `kind` into the reader's: floats (also inside
    lists and structs) become Decimal; everything else stays as pyarrow gives it."""
    import pyarrow.types as t

    if t.is_floating(kind):
        return _float
    if _has_floats(kind):
        return _deep
    return None


def _has_floats(kind: Any) -> bool:
    import pyarrow.types as t

    if t.is_floating(kind):
        return True
    return any(_has_floats(kind.field(i).type) for i in range(kind.num_fields))


def _float(value: Any) -> Any:
    return None if value is None else float_to_decimal(value)


def _deep(value: Any) -> Any:
    if type(value) is float:
        return float_to_decimal(value)
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    if isinstance(value, tuple):  # map entries
        return tuple(_deep(v) for v in value)
    return value


def open_xlsx(path: Path, limits: Limits = DEFAULT_LIMITS) -> RowSource:
    """The first sheet that has any content; the header is its first non-empty row."""
    from openpyxl import load_workbook

    check_workbook(path, limits)
    file = path.open("rb")  # a file, not the path: openpyxl would refuse a name not .xlsx
    progress = file_progress(file)  # the sheet is most of the archive: a fair estimate
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        file.close()
        raise UnreadableFile(
            f"a damaged Excel workbook ({type(exc).__name__}: {exc})",
            "damaged", what="an Excel workbook",
        ) from None
    try:
        for sheet in book.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a wrong <dimension> would cut rows off
            numbered = enumerate(sheet.iter_rows(values_only=True), 1)
            header = next((v for _, v in numbered if not all(is_blank(c) for c in v)), None)
            if header is None:
                continue
            columns = make_header(list(header), what="an Excel sheet")
            rows = _xlsx_rows(numbered, columns, limits)
            first = next(rows, None)
            if first is None:
                raise UnreadableFile(
                    "an Excel sheet with a header but no rows", "no_rows", what="an Excel sheet"
                )
            return RowSource(
                "xlsx", columns, _chain(first, rows), [file.close, book.close], None, progress
            )
        raise UnreadableFile("an Excel workbook whose sheets are all empty", "excel_empty")
    except BaseException:
        book.close()
        file.close()
        raise


def _chain(first: Row, rest: Iterator[Row]) -> Iterator[Row]:
    yield first
    yield from rest


def _xlsx_rows(
    numbered: Iterator[tuple[int, tuple[Any, ...]]],
    columns: list[str],
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Row]:
    count = 0
    longest = limits.value_length
    for number, cells in numbered:
        values = [_cell(v) for v in cells]
        if any(v is not None for v in values):
            count += 1
            if count > limits.rows:
                raise too_many_rows("an Excel sheet", limits)
            for index, value in enumerate(values):
                if type(value) is str and len(value) > longest:
                    name = columns[index] if index < len(columns) else f"column_{index + 1}"
                    raise too_long("an Excel sheet", number, name, len(value), limits)
            yield number, row_dict(columns, values, number, "an Excel sheet")


def _cell(value: Any) -> Any:
    """Empty cells None, numbers Decimal, dates ISO text (a date alone when at midnight)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value or None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return float_to_decimal(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------ XLSX before openpyxl

_CHUNK = _MB
_ROOT = re.compile(rb"<(?![?!])((?:[\w.-]+:)?)([\w.-]+)")
# Parts openpyxl does not open in read-only mode: no limit of their own but the workbook's.
_NOT_READ = frozenset({
    b"calcChain", b"comments", b"pivotCacheDefinition", b"pivotCacheRecords",
    b"pivotTableDefinition", b"table", b"queryTable", b"connections", b"volTypes",
})
_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_count_tags = operator.methodcaller("count", b"<")


def check_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuses an XLSX whose parts would inflate beyond the limits, before openpyxl opens it.
    Declared sizes first (zipfile never inflates a part beyond its declared size: a part that
    holds more fails its CRC check and is refused as damaged), then each XML part is read."""
    what = "an Excel workbook"
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            declared = sum(part.file_size for part in parts)
            if declared > limits.unzipped_bytes:
                raise UnreadableFile(
                    f"{what} that unpacks to {size_text(declared)}; at most "
                    f"{size_text(limits.unzipped_bytes)} are read",
                    "unzipped_declared", size=size_text(declared),
                    limit=size_text(limits.unzipped_bytes),
                )
            for part in parts:
                ratio = part.file_size // max(1, part.compress_size)
                if part.file_size > _MB and ratio > limits.zip_ratio:
                    raise UnreadableFile(
                        f"{what} whose part {shorten(part.filename)!r} is compressed "
                        f"{ratio:,} to 1 (at most {limits.zip_ratio:,} to 1), as a "
                        "decompression bomb is",
                        "zip_ratio", part=shorten(part.filename), ratio=ratio,
                        limit=limits.zip_ratio,
                    )
            read = 0
            for part in parts:
                name = part.filename.lower()
                if name.endswith((".xml", ".rels")):
                    read += _check_part(archive, part, limits)
                    if read > limits.unzipped_bytes:  # pragma: no cover - declared sizes hold
                        raise UnreadableFile(
                            f"{what} that unpacks to more than "
                            f"{size_text(limits.unzipped_bytes)}",
                            "unzipped", limit=size_text(limits.unzipped_bytes),
                        )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise UnreadableFile(
            f"a damaged Excel workbook ({type(exc).__name__}: {exc})",
            "damaged", what="an Excel workbook",
        ) from None


def _check_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: Limits) -> int:
    """Reads one XML part as a stream; returns its size."""
    with archive.open(part) as stream:
        head = stream.read(_CHUNK)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise UnreadableFile(
                f"an Excel workbook whose part {shorten(part.filename)!r} declares a document "
                "type, which Excel never writes",
                "doctype", part=shorten(part.filename),
            )
        root = _ROOT.search(head)
        prefix, kind = (root.group(1), root.group(2)) if root else (b"", b"")
        if kind == b"worksheet":
            return _SheetScan(limits, prefix).run(head, stream)
        if kind == b"sst":
            return _check_strings(head, stream, limits)
        if kind not in _NOT_READ and part.file_size > limits.part_bytes // 16:
            raise UnreadableFile(
                f"an Excel workbook whose part {shorten(part.filename)!r} unpacks to "
                f"{size_text(part.file_size)}; at most {size_text(limits.part_bytes // 16)}",
                "excel_part", part=shorten(part.filename), size=size_text(part.file_size),
                limit=size_text(limits.part_bytes // 16),
            )
        return part.file_size


def _gaps(limits: Limits) -> int:
    """The longest stretch between two '<' an XML part may have: a value of the longest
    length written as character references, and its tag."""
    return 10 * limits.value_length + 1024


def _check_strings(head: bytes, stream: Any, limits: Limits) -> int:
    """The shared strings, which openpyxl holds whole: their text and 64 bytes a string."""
    size = strings = 0
    gap, longest = 0, _gaps(limits)
    refusal = UnreadableFile(
        f"an Excel workbook with a shared string of more than {limits.value_length:,} "
        "characters",
        "shared_string", limit=limits.value_length,
    )
    chunk = head
    while chunk:
        gap = _gap(chunk, gap, longest, refusal)
        size += len(chunk)
        strings += chunk.count(b"<si")
        if size + 64 * strings > limits.part_bytes:
            raise UnreadableFile(
                "an Excel workbook whose shared strings take more than "
                f"{size_text(limits.part_bytes)} to hold; save it as CSV",
                "shared_strings", limit=size_text(limits.part_bytes),
            )
        chunk = stream.read(_CHUNK)
    return size


def _gap(chunk: bytes, gap: int, longest: int, refusal: UnreadableFile) -> int:
    """The run of bytes without '<' at the chunk's end, given the one before it; raises
    `refusal` for a run longer than `longest` (within a chunk a run is shorter than it)."""
    first = chunk.find(b"<")
    if first < 0:
        gap += len(chunk)
        if gap > longest:
            raise refusal
        return gap
    if gap + first > longest:
        raise refusal
    return len(chunk) - chunk.rfind(b"<") - 1


class _SheetScan:
    """A sheet's XML, chunk by chunk: rows counted (by their '<row' tags), the cells of each
    row counted (by their tags, and exactly where a row has more tags than columns allowed),
    and the runs of text between tags measured."""

    def __init__(self, limits: Limits, prefix: bytes = b"") -> None:
        self.limits = limits
        self.row = b"<" + prefix + b"row"  # the tag that starts a row, as this part writes it
        self.rows = 0
        self.gap = 0
        self.tags = 0  # tags of the row under way at the end of the chunks read
        self.cells = 0  # its cells

    def run(self, head: bytes, stream: Any) -> int:
        size = 0
        chunk = head
        held = b""  # a tag cut by the chunk's end, counted with the next chunk
        longest = _gaps(self.limits)
        while chunk:
            refusal = too_long_somewhere("an Excel sheet", max(1, self.rows), self.limits)
            self.gap = _gap(chunk, self.gap, longest, refusal)
            size += len(chunk)
            chunk, held = held + chunk, b""
            cut = chunk.rfind(b"<", len(chunk) - len(self.row) - 2)
            if cut > 0:
                chunk, held = chunk[:cut], chunk[cut:]
            self._rows(chunk)
            chunk = stream.read(_CHUNK)
        if held:
            self._rows(held)
        return size

    def _rows(self, chunk: bytes) -> None:
        limits = self.limits
        columns = limits.columns
        pieces = chunk.split(self.row)  # the first continues the row under way
        first_row = self.rows  # the number of the row pieces[0] belongs to
        self.rows += len(pieces) - 1
        if self.rows > limits.rows + 1:  # the header row besides
            raise too_many_rows("an Excel sheet", limits)
        tags = list(map(_count_tags, pieces))
        if self.tags + tags[0] > columns and self.cells + _cells(pieces[0]) > columns:
            raise too_wide("an Excel sheet", first_row, limits)
        if max(tags[1:-1], default=0) > columns:
            for index in range(1, len(pieces) - 1):
                if tags[index] > columns and _cells(pieces[index]) > columns:
                    raise too_wide("an Excel sheet", first_row + index, limits)
        # the row under way at the end: its cells counted exactly (a part of one row)
        if len(pieces) == 1:
            self.tags += tags[0]
            self.cells += _cells(pieces[0])
        else:
            self.tags, self.cells = tags[-1], _cells(pieces[-1])
        if self.cells > columns:
            raise too_wide("an Excel sheet", self.rows, limits)


def _cells(piece: bytes) -> int:
    return len(_CELL.findall(piece)) if b"<" in piece else 0
