"""The one way a view hands out a file: ``attachment``. Spreadsheets and CSV given to it are
written by ``p3dn.lib.xlsx`` and ``p3dn.lib.csvfile`` (docs/downloads.md);
tests/test_safe_downloads.py lists every view that calls it and downloads each with hostile data.
"""

from __future__ import annotations

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"


def attachment(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    """A response the browser saves as ``filename`` instead of showing it."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
