"""Writing simple report workbooks: blocks of rows with a bold title and header rows."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="DCE3EC")


@dataclass
class Block:
    """A titled block: an optional header row, then rows of values."""

    title: str
    rows: Sequence[Sequence[object]]
    header: Sequence[str] = field(default_factory=tuple)


def workbook_bytes(sheet_title: str, heading: str, blocks: Iterable[Block]) -> bytes:
    """One sheet: the heading, then each block separated by an empty row."""
    book = Workbook()
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
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
