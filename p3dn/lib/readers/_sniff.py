"""Telling a file's format from its first bytes, whatever its name says."""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from ._core import UnreadableFile

HEAD_SIZE = 64 * 1024

# Formats that are recognised only to be refused, by their magic bytes.
_REFUSED_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "a legacy Excel 97-2003 (.xls) or password-protected Office file; "
        "save it as .xlsx or CSV without a password",
        "legacy_office",
    ),
    (b"%PDF", "a PDF document, not a table of rows", "pdf"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first", "gzip"),
    (b"Rar!", "a RAR archive; extract the table first", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract the table first", "7z"),
    (b"\x89PNG", "an image (PNG), not a table of rows", "png"),
    (b"\xff\xd8\xff", "an image (JPEG), not a table of rows", "jpeg"),
    (b"SQLite format 3\x00", "an SQLite database, not a table of rows", "sqlite"),
)
_SQL = re.compile(r"\s*(--|/\*|#|(create|insert|drop|set|use|lock)\s)", re.IGNORECASE)
_SQL_BODY = re.compile(r"\b(create\s+table|insert\s+into)\b", re.IGNORECASE)
_CONTROL = bytes(range(32)).translate(None, b"\t\n\r\f\v\x1a")


def sniff(head: bytes, path: Path) -> str:
    """The reader for a file starting with `head`: "json-array", "json-object", "parquet",
    "xlsx", "html" or "csv". Raises UnreadableFile for what is none of those."""
    if not head.strip():
        raise UnreadableFile("an empty file", "empty")
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path)
    for magic, reason, code in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise UnreadableFile(reason, code)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
        if text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{"):
            raise UnreadableFile("a JSON file encoded in UTF-16; save it as UTF-8", "utf16_json")
        return "html" if text.lstrip("\ufeff \t\r\n").startswith("<") else "csv"
    if b"\x00" in head or sum(head.count(c) for c in _CONTROL) > len(head) // 100 + 1:
        raise UnreadableFile("binary data, not a table of rows", "binary")
    body = head.removeprefix(codecs.BOM_UTF8).lstrip()
    first = body[:1]
    if first == b"[":
        return "json-array"
    if first == b"{":
        return "json-object"
    if first == b"<":
        lowered = body[:4096].lower()
        if lowered.startswith(b"<?xml") and b"<html" not in lowered and b"<table" not in lowered:
            if b"urn:schemas-microsoft-com:office:spreadsheet" in body.lower():
                raise UnreadableFile(
                    "an Excel 2003 XML spreadsheet; save it as .xlsx or CSV", "excel_xml"
                )
            raise UnreadableFile("an XML document, not a table of rows", "xml")
        return "html"
    text = body.decode("utf-8", errors="replace")
    if _SQL.match(text) and _SQL_BODY.search(text):
        raise UnreadableFile("an SQL dump, not a table of rows", "sql")
    return "csv"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(f"a damaged or truncated ZIP file ({exc})", "damaged_zip") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if b"opendocument.spreadsheet" in mimetype:
        raise UnreadableFile(
            "an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV", "ods"
        )
    if "word/document.xml" in names:
        raise UnreadableFile("a Word document, not a table of rows", "word")
    if "ppt/presentation.xml" in names:
        raise UnreadableFile("a PowerPoint presentation, not a table of rows", "powerpoint")
    raise UnreadableFile("a ZIP archive, not a spreadsheet; extract the table first", "zip")
