"""The Excel templates users fill for data LKPP does not publish."""

from __future__ import annotations

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from p3dn.accounts.models import Pemda, Unit
from p3dn.imports.datasets.manual import TEMPLATES
from p3dn.lib.xlsx import new_workbook, workbook_to_bytes

HEADER = PatternFill("solid", fgColor="DCE3EC")


def template_workbook(kind: str, *, pemda: Pemda | None, year: int) -> bytes:
    """The template of ``kind`` with one example row, or one row per unit of ``pemda`` for the
    commitment template, and a sheet explaining each column."""
    dataset, columns = TEMPLATES[kind]
    book = new_workbook()
    data = book.active
    assert data is not None
    data.title = "Data"
    data.append([name for name, _help, _example in columns])
    for index, (name, help_text, _example) in enumerate(columns, start=1):
        cell = data.cell(row=1, column=index)
        cell.font, cell.fill, cell.comment = Font(bold=True), HEADER, Comment(help_text, "p3dn")
        data.column_dimensions[cell.column_letter].width = max(14, len(name) + 4)
    units = list(Unit.objects.filter(pemda=pemda, is_active=True).exclude(kd_satker=None)
                 .order_by("kd_satker_str", "name")) if pemda and kind == "komitmen" else []
    if units:
        for unit in units:
            data.append([year, pemda.kd_klpd if pemda else "", unit.kd_satker, unit.name, None,
                         None, ""])
    else:
        row = [example for _name, _help, example in columns]
        if pemda and pemda.kd_klpd:
            row[1] = pemda.kd_klpd
        data.append(row)
    guide = book.create_sheet("Petunjuk")
    guide.append(["Kolom", "Isi"])
    for name, help_text, _example in columns:
        guide.append([name, help_text])
    guide.append([])
    guide.append(["Dataset", dataset.name])
    guide.append(["Catatan", "Satu baris satu data. Baris yang salah ditolak dengan nomor baris, "
                  "kolom dan alasannya; berkas diterapkan utuh atau tidak sama sekali."])
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 18, 90
    return workbook_to_bytes(book)
