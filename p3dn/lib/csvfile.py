"""Writing CSV: the only CSV writer of p3dn, every field through ``p3dn.lib.cells.neutralise``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TextIO

from p3dn.lib.cells import neutralise


def write_csv(stream: TextIO, rows: Iterable[Sequence[object]]) -> None:
    """Write ``rows`` (the header first, if any) to ``stream``, formula-like text neutralised."""
    writer = csv.writer(stream)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """``rows`` as CSV text (comma-separated, CRLF line ends, quoted where needed)."""
    buffer = io.StringIO()
    write_csv(buffer, rows)
    return buffer.getvalue()
