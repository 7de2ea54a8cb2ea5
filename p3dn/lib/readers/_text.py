"""Text tables: CSV (delimiter sniffed) and HTML tables (parsed incrementally), with the
encoding found from the bytes: UTF-8 with or without BOM, else Windows-1252.

Limits: a CSV line is read up to the row limit and a record's lines are counted together; a
field over the value limit stops Python's csv module itself (its field_size_limit). HTML cell
text, a row's text and cells, the title and what the parser holds of an unfinished tag or
comment are counted as they arrive.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from ._core import (
    DEFAULT_LIMITS,
    Limits,
    Row,
    RowSource,
    UnreadableFile,
    file_progress,
    is_blank,
    looks_like_value,
    make_header,
    row_dict,
    shorten,
    size_text,
    squash,
    too_large,
    too_long_somewhere,
    too_many_rows,
    too_wide,
)
from ._sniff import HEAD_SIZE

_CHUNK = 1024 * 1024
_DELIMITERS = (",", ";", "\t")


def text_encoding(path: Path, head: bytes, encoding: str | None) -> str:
    """The codec to read the file with; 'utf-8-sig' and 'utf-16' drop the BOM themselves."""
    if encoding:
        name = codecs.lookup(encoding).name
        if name == "utf-8" and head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        return name
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        try:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _decode_error(codec: str, exc: UnicodeDecodeError, auto: bool) -> UnreadableFile:
    byte = f"byte 0x{exc.object[exc.start]:02X}" if exc.start < len(exc.object) else "a byte"
    if auto and codec == "cp1252":
        return UnreadableFile(
            f"text that is neither UTF-8 nor Windows-1252 ({byte})", "encoding_unknown"
        )
    shown = {"cp1252": "Windows-1252", "utf-8": "UTF-8", "utf-8-sig": "UTF-8"}.get(codec, codec)
    return UnreadableFile(f"text that is not valid {shown} ({byte})", "encoding", codec=shown)


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the first records most consistently into the most fields."""
    best, best_score = ",", (False, 0, 0.0)
    for delimiter in _DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
            records = [r for r in reader if any(r)][:50]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        same = sum(len(r) == width for r in records) / len(records)
        score = (width > 1 and same >= 0.9, width, same)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def open_csv(
    path: Path, head: bytes, encoding: str | None, limits: Limits = DEFAULT_LIMITS
) -> RowSource:
    codec = text_encoding(path, head, encoding)
    sample = head.decode(codec, errors="replace")
    if len(head) == HEAD_SIZE:
        sample = sample[: sample.rfind("\n") + 1] or sample
    hint = sample.lstrip("\ufeff")[:6].rstrip("\r\n")
    delimiter = hint[4:] if hint.startswith("sep=") and len(hint) == 5 else None
    file = path.open(encoding=codec, newline="")
    try:
        if delimiter:
            file.readline()  # Excel's "sep=;" line, which Excel itself does not show as a row
        else:
            delimiter = sniff_delimiter(sample)
        csv.field_size_limit(limits.value_length)  # the module's own, for every reader
        size = [0]  # characters of the record being read
        lines = _bounded_lines(file, limits, size)
        reader = csv.reader(lines, delimiter=delimiter)
        records = _csv_records(reader, codec, not encoding, size, limits)
        header = next((record for _, record in records if any(record)), None)
        if header is None:
            raise UnreadableFile("an empty file (blank lines only)", "empty")
        if len(header) > limits.columns:
            raise too_wide("a CSV file", 1, limits)
        columns = make_header(header, what="a CSV file")
        rows = _csv_rows(records, columns, limits)
        first = next(rows, None)
        if first is None:
            raise UnreadableFile(
                "a CSV file with a header but no rows", "no_rows", what="a CSV file"
            )
    except BaseException:
        file.close()
        raise
    return RowSource(
        "csv", columns, _chain(first, rows), [file.close], codec, file_progress(file.buffer)
    )


def _chain(first: Row, rest: Iterator[Row]) -> Iterator[Row]:
    yield first
    yield from rest


def _bounded_lines(file: IO[str], limits: Limits, size: list[int]) -> Iterator[str]:
    """The file's lines for the csv module, none read further than the row limit; size[0]
    adds up the characters of the record under way (reset by _csv_records)."""
    longest = limits.row_bytes
    readline = file.readline
    while line := readline(longest + 1):
        size[0] += len(line)
        if size[0] > longest:
            raise _Oversize
        yield line


class _Oversize(Exception):
    """A record longer than the row limit (turned into a refusal naming its row)."""


def _csv_records(
    reader: Any, codec: str, auto: bool, size: list[int], limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[int, list[str]]]:
    number = 0
    while True:
        size[0] = 0
        try:
            record = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise _decode_error(codec, exc, auto) from None
        except _Oversize:
            raise too_large("a CSV file", number + 1, limits) from None
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise too_long_somewhere("a CSV file", number + 1, limits) from None
            raise UnreadableFile(
                f"a malformed CSV file: {exc} (row {number + 1})", "malformed_csv", row=number + 1
            ) from None
        number += 1
        yield number, record


def _csv_rows(
    records: Iterator[tuple[int, list[str]]], columns: list[str], limits: Limits = DEFAULT_LIMITS
) -> Iterator[Row]:
    count = 0
    for number, record in records:
        if any(record) and (record[0].strip() or not all(is_blank(v) for v in record)):
            count += 1
            if count > limits.rows:
                raise too_many_rows("a CSV file", limits)
            yield number, row_dict(columns, record, number, "a CSV file")


class _TableParser(HTMLParser):
    """Collects the rows of the first HTML table that has any, as lists of squashed cell texts.

    Cells of nested tables are folded into the enclosing cell's text; a colspan adds empty
    cells; <br> and block tags inside a cell separate words.
    """

    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "hr"})

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        super().__init__(convert_charrefs=True)
        self.limits = limits
        self._cell_size = 0  # characters of the cell under way
        self._row_size = 0  # characters of the row under way
        self.rows: deque[tuple[int, list[str], bool]] = deque()
        self.done = False
        self.title = ""
        self._in_title = False
        self._depth = 0
        self._count = 0  # rows seen in the current table
        self._row: list[str] | None = None
        self._row_th = True
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "title" and self._depth == 0:
            self._in_title = True
        elif tag == "table":
            self._depth += 1
        elif self._depth != 1:
            if tag in self._BREAKS and self._cell is not None:
                self._cell.append(" ")
        elif tag == "tr":
            self._end_row()
            self._row, self._row_th = [], True
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row, self._row_th = [], True
            self._cell = []
            self._cell_size = 0
            self._row_th = self._row_th and tag == "th"
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.strip().isdigit() else 1
        elif tag in self._BREAKS and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag == "title":
            self._in_title = False
        elif tag == "table":
            if self._depth == 1:
                self._end_row()
                if self._count:
                    self.done = True
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1:
            if tag in ("td", "th"):
                self._end_cell()
            elif tag == "tr":
                self._end_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
            self._cell_size += len(data)
            self._row_size += len(data)
            if self._cell_size > self.limits.value_length:
                raise too_long_somewhere("an HTML table", self._count + 1, self.limits)
            if self._row_size > self.limits.row_bytes:
                raise too_large("an HTML table", self._count + 1, self.limits)
        elif self._in_title and len(self.title) < 1000:
            self.title += data[:1000]

    def close(self) -> None:
        super().close()
        self._end_row()
        self.done = True

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(squash("".join(self._cell)))
            self._row.extend([""] * (min(self._span, 1000) - 1))
            if len(self._row) > self.limits.columns:
                raise too_wide("an HTML table", self._count + 1, self.limits)
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self._count += 1
            self.rows.append((self._count, self._row, self._row_th))
        self._row = None
        self._row_size = 0


def _table_rows(
    file: IO[str], parser: _TableParser, codec: str, auto: bool
) -> Iterator[tuple[int, list[str], bool]]:
    while True:
        while parser.rows:
            yield parser.rows.popleft()
        if parser.done:
            return
        try:
            chunk = file.read(_CHUNK)
        except UnicodeDecodeError as exc:
            raise _decode_error(codec, exc, auto) from None
        if chunk:
            parser.feed(chunk)
            # an unfinished tag, comment or declaration stays in the parser until it ends
            if len(parser.rawdata) > parser.limits.row_bytes:
                raise UnreadableFile(
                    "an HTML file with a tag or comment larger than "
                    f"{size_text(parser.limits.row_bytes)}",
                    "html_tag", size=size_text(parser.limits.row_bytes),
                )
        else:
            parser.close()


def open_html(
    path: Path, head: bytes, encoding: str | None, limits: Limits = DEFAULT_LIMITS
) -> RowSource:
    codec = text_encoding(path, head, encoding)
    file = path.open(encoding=codec, newline="")
    try:
        parser = _TableParser(limits)
        table = _table_rows(file, parser, codec, not encoding)
        found = next((row for row in table if any(row[1])), None)
        if found is None:
            raise _no_table(head, parser.title)
        start, cells, all_th = found
        columns = make_header(cells, what=None if all_th else "an HTML table")
        rows = _html_rows(table, columns, start, limits)
        first = next(rows, None)
        if first is None:
            raise UnreadableFile(
                "an HTML table with a header but no rows", "no_rows", what="an HTML table"
            )
    except BaseException:
        file.close()
        raise
    return RowSource(
        "html", columns, _chain(first, rows), [file.close], codec, file_progress(file.buffer)
    )


def _html_rows(
    table: Iterator[tuple[int, list[str], bool]],
    columns: list[str],
    start: int,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Row]:
    count = 0
    for index, cells, _th in table:
        if any(cells):
            number = index - start + 1
            count += 1
            if count > limits.rows:
                raise too_many_rows("an HTML table", limits)
            yield number, row_dict(columns, cells, number, "an HTML table")


def _no_table(head: bytes, title: str) -> UnreadableFile:
    lowered = head.lower()
    if b"just a moment" in lowered or b"challenge-platform" in lowered or b"cf_chl" in lowered:
        return UnreadableFile(
            "an HTML page (Cloudflare 'Just a moment…' challenge), not data", "cloudflare_challenge"
        )
    if b"cloudflare" in lowered:
        return UnreadableFile("an HTML page (Cloudflare error page), not data", "cloudflare_error")
    title = squash(title)
    if title and not looks_like_value(title):
        return UnreadableFile(
            f"an HTML page ({shorten(title)!r}) without a table, not data",
            "html_page", title=shorten(title),
        )
    return UnreadableFile("an HTML page without a table, not data", "html_page_untitled")
