"""Parquet (record batches through pyarrow) and XLSX (openpyxl in read-only mode)."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from ._core import (
    Row,
    RowSource,
    UnreadableFile,
    file_progress,
    float_to_decimal,
    is_blank,
    make_header,
    row_dict,
)

_BATCH = 8192


def open_parquet(path: Path) -> RowSource:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFile(f"a damaged or truncated Parquet file ({exc})") from None
    try:
        if parquet.metadata.num_rows == 0:
            raise UnreadableFile("a Parquet file with no rows")
        schema = parquet.schema_arrow
        columns = make_header(list(schema.names))
        converters = [_converter(field.type) for field in schema]
    except BaseException:
        parquet.close()
        raise
    total = parquet.metadata.num_rows
    done = [0]
    rows = _parquet_rows(parquet.iter_batches(batch_size=_BATCH), columns, converters, done)
    return RowSource("parquet", columns, rows, [parquet.close], progress=lambda: done[0] / total)


def _parquet_rows(
    batches: Iterator[Any],
    columns: list[str],
    converters: list[Callable[[Any], Any] | None],
    done: list[int],
) -> Iterator[Row]:
    """Rows batch by batch; done[0] counts the rows decoded so far."""
    import pyarrow as pa

    number = 0
    try:
        for batch in batches:
            done[0] += batch.num_rows
            values = []
            for column, convert in zip(batch.columns, converters, strict=True):
                items = column.to_pylist()
                values.append(items if convert is None else [convert(v) for v in items])
            for record in zip(*values, strict=True):
                number += 1
                yield number, dict(zip(columns, record, strict=True))
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFile(f"a damaged Parquet file after row {number} ({exc})") from None


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


def open_xlsx(path: Path) -> RowSource:
    """The first sheet that has any content; the header is its first non-empty row."""
    from openpyxl import load_workbook

    file = path.open("rb")  # a file, not the path: openpyxl would refuse a name not .xlsx
    progress = file_progress(file)  # the sheet is most of the archive: a fair estimate
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        file.close()
        raise UnreadableFile(f"a damaged Excel workbook ({type(exc).__name__}: {exc})") from None
    try:
        for sheet in book.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a wrong <dimension> would cut rows off
            numbered = enumerate(sheet.iter_rows(values_only=True), 1)
            header = next((v for _, v in numbered if not all(is_blank(c) for c in v)), None)
            if header is None:
                continue
            columns = make_header(list(header), what="an Excel sheet")
            rows = _xlsx_rows(numbered, columns)
            first = next(rows, None)
            if first is None:
                raise UnreadableFile("an Excel sheet with a header but no rows")
            return RowSource(
                "xlsx", columns, _chain(first, rows), [file.close, book.close], None, progress
            )
        raise UnreadableFile("an Excel workbook whose sheets are all empty")
    except BaseException:
        book.close()
        file.close()
        raise


def _chain(first: Row, rest: Iterator[Row]) -> Iterator[Row]:
    yield first
    yield from rest


def _xlsx_rows(
    numbered: Iterator[tuple[int, tuple[Any, ...]]], columns: list[str]
) -> Iterator[Row]:
    for number, cells in numbered:
        values = [_cell(v) for v in cells]
        if any(v is not None for v in values):
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
