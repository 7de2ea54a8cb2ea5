"""A file the readers refuse, said in the user's language.

``p3dn.lib.readers`` knows no Django: it raises ``UnreadableFile`` with an English ``reason``, a
``code`` naming the kind of refusal and its ``params``. Here each code has its sentence, marked
for translation (Indonesian in the .po file), so the run page, the CLI and the API say why a
file was refused in Indonesian. A refusal without a known code keeps its English reason.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p3dn.lib.readers import UnreadableFile

# The format nouns the readers put in ``what``.
_WHAT: dict[str, Promise] = {
    "a JSON array": gettext_lazy("a JSON array"),
    "a JSON object": gettext_lazy("a JSON object"),
    "JSON lines": gettext_lazy("a JSON lines file"),
    "a CSV file": gettext_lazy("a CSV file"),
    "an Excel sheet": gettext_lazy("an Excel sheet"),
    "an Excel workbook": gettext_lazy("an Excel workbook"),
    "an HTML table": gettext_lazy("an HTML table"),
    "a Parquet file": gettext_lazy("a Parquet file"),
}

_NOT_ROWS = gettext_lazy("%(thing)s, not a table of rows")

_MESSAGES: dict[str, Promise] = {
    "empty": gettext_lazy("an empty file"),
    "binary": gettext_lazy("binary data, not a table of rows"),
    "cloudflare_challenge": gettext_lazy(
        "an HTML page (Cloudflare's 'Just a moment…' check), not data: download the file again"
    ),
    "cloudflare_error": gettext_lazy("an HTML page (a Cloudflare error page), not data"),
    "html_page": gettext_lazy("an HTML page (%(title)s) without a table, not data"),
    "html_page_untitled": gettext_lazy("an HTML page without a table, not data"),
    "html_tag": gettext_lazy("an HTML file with a tag or comment larger than %(size)s"),
    "legacy_office": gettext_lazy(
        "an old Excel 97-2003 (.xls) file or an Office file with a password; save it as .xlsx "
        "or CSV without a password"
    ),
    "gzip": gettext_lazy("a gzip-compressed file; decompress it first"),
    "rar": gettext_lazy("a RAR archive; extract the table first"),
    "7z": gettext_lazy("a 7-Zip archive; extract the table first"),
    "zip": gettext_lazy("a ZIP archive, not a spreadsheet; extract the table first"),
    "damaged_zip": gettext_lazy("a damaged or truncated ZIP file"),
    "utf16_json": gettext_lazy("a JSON file encoded in UTF-16; save it as UTF-8"),
    "excel_xml": gettext_lazy("an Excel 2003 XML spreadsheet; save it as .xlsx or CSV"),
    "ods": gettext_lazy("an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV"),
    "encoding_unknown": gettext_lazy("text that is neither UTF-8 nor Windows-1252"),
    "encoding": gettext_lazy("text that is not valid %(codec)s"),
    "malformed_csv": gettext_lazy("a damaged CSV file (row %(row)s)"),
    "damaged": gettext_lazy("%(what)s that is damaged or truncated"),
    "damaged_after": gettext_lazy("a Parquet file damaged after row %(row)s"),
    "no_rows": gettext_lazy("%(what)s with no rows"),
    "excel_empty": gettext_lazy("an Excel workbook whose sheets are all empty"),
    "no_header": gettext_lazy("%(what)s without a header row: its first row is empty"),
    "header_values": gettext_lazy(
        "%(what)s without a header row: its first row holds values such as '%(value)s'"
    ),
    "row_width": gettext_lazy(
        "%(what)s whose row %(row)s has %(values)s values for %(columns)s header columns"
    ),
    "json_object": gettext_lazy(
        "a JSON object, not a list of rows: p3dn reads an array of rows, or an object whose "
        "only key holds one"
    ),
    "json_not_objects": gettext_lazy("a JSON array whose rows are not objects"),
    "json_row_not_object": gettext_lazy("a JSON file whose row %(row)s is not an object"),
    "json_truncated": gettext_lazy("a truncated JSON file: it ends after row %(rows)s"),
    "json_trailing": gettext_lazy("damaged JSON: text follows the end of the data"),
    "json_malformed": gettext_lazy("damaged JSON at row %(row)s"),
    "json_line_encoding": gettext_lazy("a JSON lines file whose line %(row)s is not UTF-8"),
    "too_many_rows": gettext_lazy(
        "%(what)s with more than %(rows)s rows; split it into files of at most %(rows)s rows"
    ),
    "too_deep": gettext_lazy("%(what)s nested more than %(depth)s levels deep"),
    "too_long": gettext_lazy(
        "%(what)s whose row %(row)s has a value of %(length)s characters in '%(field)s'; at "
        "most %(limit)s are read"
    ),
    "too_long_somewhere": gettext_lazy(
        "%(what)s whose row %(row)s has a value of more than %(limit)s characters"
    ),
    "too_large": gettext_lazy(
        "%(what)s whose row %(row)s is larger than %(size)s: a value or the row as a whole is "
        "too large"
    ),
    "too_wide": gettext_lazy("%(what)s whose row %(row)s has more than %(columns)s columns"),
    "too_many_digits": gettext_lazy("%(what)s holding a number of more than %(digits)s digits"),
    "parquet_column": gettext_lazy(
        "a Parquet file whose column '%(column)s' unpacks to %(size)s in row group %(group)s; "
        "at most %(limit)s: write it in smaller row groups"
    ),
    "unzipped": gettext_lazy("an Excel workbook that unpacks to more than %(limit)s"),
    "unzipped_declared": gettext_lazy(
        "an Excel workbook that unpacks to %(size)s; at most %(limit)s are read"
    ),
    "zip_ratio": gettext_lazy(
        "an Excel workbook whose part '%(part)s' is compressed %(ratio)s to 1 (at most "
        "%(limit)s to 1), as a decompression bomb is"
    ),
    "doctype": gettext_lazy(
        "an Excel workbook whose part '%(part)s' declares a document type, which Excel never "
        "writes"
    ),
    "excel_part": gettext_lazy(
        "an Excel workbook whose part '%(part)s' unpacks to %(size)s; at most %(limit)s"
    ),
    "shared_string": gettext_lazy(
        "an Excel workbook with a shared string of more than %(limit)s characters"
    ),
    "shared_strings": gettext_lazy(
        "an Excel workbook whose shared strings take more than %(limit)s to hold; save it as CSV"
    ),
}

_THINGS: dict[str, Promise] = {
    "pdf": gettext_lazy("a PDF document"),
    "png": gettext_lazy("an image (PNG)"),
    "jpeg": gettext_lazy("an image (JPEG)"),
    "sqlite": gettext_lazy("an SQLite database"),
    "xml": gettext_lazy("an XML document"),
    "sql": gettext_lazy("an SQL dump"),
    "word": gettext_lazy("a Word document"),
    "powerpoint": gettext_lazy("a PowerPoint presentation"),
}


_SIZE = re.compile(r"^([\d,]+) (MB|bytes)$")


def _shown(value: Any) -> Any:
    """A number or a size as Indonesian writes it (1.000.000, "1.024 MB"); anything else as it
    is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    size = _SIZE.match(value) if isinstance(value, str) else None
    if size:
        unit = "MB" if size[2] == "MB" else _("bytes")
        return f"{size[1].replace(',', '.')} {unit}"
    return value


def refusal_text(exc: UnreadableFile) -> str:
    """Why the file was refused, in the active language."""
    params = {name: _shown(value) for name, value in exc.params.items()}
    if "what" in params:
        what = _WHAT.get(str(params["what"]))
        params["what"] = str(what) if what is not None else _("the list of a JSON object")
    if exc.code in _THINGS:
        return str(_NOT_ROWS) % {"thing": _THINGS[exc.code]}
    if exc.code == "json_truncated" and not exc.params.get("rows"):
        return _("a truncated JSON file: it ends before its first row is complete")
    message = _MESSAGES.get(exc.code)
    if message is None:
        return exc.reason
    try:
        text = str(message) % params
    except (KeyError, TypeError, ValueError):  # pragma: no cover - a code and its params agree
        return exc.reason
    if exc.params.get("line"):
        text += _(" (line %(line)s)") % {"line": params["line"]}
    elif exc.params.get("after"):
        text += _(" (after row %(after)s)") % {"after": params["after"]}
    return text
