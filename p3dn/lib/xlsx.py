"""Writing workbooks: the only workbook writer of p3dn, and simple report workbooks (blocks of
rows with a bold title and header rows).

Every workbook p3dn writes is a ``SafeWorkbook`` (``new_workbook``): when it is saved, every text
cell goes through ``p3dn.lib.cells.neutralise``, so no cell is stored as a formula and
formula-like text keeps its leading quote, also when a user saves the sheet again as CSV.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from p3dn.lib.cells import neutralise

HEADER_FILL = PatternFill("solid", fgColor="DCE3EC")


class SafeWorkbook(Workbook):
    """An openpyxl workbook that neutralises formula-like text in every cell when saved."""

    def save(self, filename: str | IO[bytes]) -> None:
        neutralise_cells(self)
        super().save(filename)


def new_workbook() -> SafeWorkbook:
    return SafeWorkbook()


def neutralise_cells(book: Any) -> None:
    """Store every text cell of ``book`` as ``neutralise`` gives it: as text, never a formula
    (openpyxl makes a formula of any text starting with '=')."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = neutralise(cell.value)


def workbook_to_bytes(book: SafeWorkbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class Block:
    """A titled block: an optional header row, then rows of values."""

    title: str
    rows: Sequence[Sequence[object]]
    header: Sequence[str] = field(default_factory=tuple)


def workbook_bytes(sheet_title: str, heading: str, blocks: Iterable[Block]) -> bytes:
    """One sheet: the heading, then each block separated by an empty row."""
    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title[:31]
    sheet.append([heading])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    widths: dict[int, int] = {}
    for block in blocks:
        sheet.append([])
        sheet.append([block.title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        if block.header:
            sheet.append(list(block.header))
            for col in range(1, len(block.header) + 1):
                cell = sheet.cell(row=sheet.max_row, column=col)
                cell.font, cell.fill = Font(bold=True), HEADER_FILL
        for row in block.rows:
            sheet.append(list(row))
            for col, value in enumerate(row, start=1):
                widths[col] = max(widths.get(col, 8), min(len(str(value)), 80))
                sheet.cell(row=sheet.max_row, column=col).alignment = Alignment(
                    wrap_text=True, vertical="top"
                )
    for col, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = width + 2
    return workbook_to_bytes(book)


def append_title(sheet: Any, title: str) -> None:
    """The sheet's heading, in large bold type, on a row of its own."""
    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=14)


def append_header(sheet: Any, header: Sequence[object]) -> None:
    """A table's header row: bold on a grey fill."""
    sheet.append(list(header))
    for col in range(1, len(header) + 1):
        cell = sheet.cell(row=sheet.max_row, column=col)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL


def append_facts(sheet: Any, facts: Iterable[tuple[object, object]]) -> None:
    """Label and value rows (what a file holds, when, on which data), the labels in bold."""
    for label, value in facts:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
