"""Streaming readers for the public data files of LKPP and Kemenperin.

`open_rows(path)` recognises the format from the content, not the name (JSON array, JSON lines,
a {"key": [...]} wrapper, CSV, Parquet, XLSX, an HTML table even when named .xls) and yields
`(row_number, dict)` without loading the file whole. What is no table of rows (an empty file, a
Cloudflare challenge page, an empty JSON array, a truncated one, binary data, …) raises
`UnreadableFile` with a one-line reason.

Row numbers are the file's own: JSON array: index + 1; JSON lines: line number; CSV and XLSX:
the spreadsheet row (header = row 1 when it is the first row); Parquet: record index + 1; HTML:
table row counted from the header as 1.

Values: JSON keeps its types with every non-integer number a Decimal; CSV and HTML give strings
(HTML cells whitespace-squashed); XLSX gives strings, Decimal numbers, ISO dates and None for
empty cells; Parquet gives pyarrow's Python values with floats as Decimal (NaN as None). No
float ever comes out.

Limits: every reader keeps to a `Limits` (rows per file, nesting depth, length of one value,
bytes of one row, columns, and for XLSX the inflated size and compression ratio of its parts);
a file over any limit is refused whole with UnreadableFile and a one-line reason, before the
part over the limit is held in memory. The defaults bound a reader's memory to some tens of MB
whatever the file.

A RowSource also has `encoding` (the codec used for CSV and HTML, else None) and
`fraction_done()` (share of the file read, for progress reports; None when unknown or closed).

This package is domain-free: no Django, nothing else from p3dn.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from ._core import DEFAULT_LIMITS, Limits, RawRow, Row, RowSource, UnreadableFile
from ._sniff import HEAD_SIZE, sniff

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "RawRow",
    "Row",
    "RowSource",
    "UnreadableFile",
    "open_rows",
    "sha256_of",
]


def open_rows(
    path: str | Path, *, encoding: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> RowSource:
    """Open a data file for reading its rows; use as a context manager.

    `encoding` forces the text encoding of CSV and HTML files (else UTF-8, with or without
    BOM, falling back to Windows-1252); JSON, Parquet and XLSX ignore it. `limits` bound what
    the file may hold (a file over one is refused, on opening or when the reading reaches it).
    Raises UnreadableFile when the file holds no table of rows, OSError when it can't be read.
    """
    path = Path(path)
    with path.open("rb") as file:
        head = file.read(HEAD_SIZE)
    kind = sniff(head, path)
    if kind in ("json-array", "json-object"):
        from ._json import open_json

        bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        return open_json(path, bom, array=kind == "json-array", limits=limits)
    if kind == "parquet":
        from ._binary import open_parquet

        return open_parquet(path, limits)
    if kind == "xlsx":
        from ._binary import open_xlsx

        return open_xlsx(path, limits)
    from ._text import open_csv, open_html

    if kind == "html":
        return open_html(path, head, encoding, limits)
    return open_csv(path, head, encoding, limits)


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as 64 hex digits, read in chunks."""
    with Path(path).open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
