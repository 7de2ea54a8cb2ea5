"""A calculation as an Excel workbook or a PDF: inputs, result, explanation, legal basis."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.calculators.forms import FormState
from p3dn.calculators.pages import Page
from p3dn.calculators.present import Presented
from p3dn.lib.dates import format_datetime
from p3dn.lib.pdf import html_to_pdf
from p3dn.lib.xlsx import Block, workbook_bytes


def _now() -> dt.datetime:
    return timezone.localtime()


def to_xlsx(page: Page, state: FormState, result: Presented) -> bytes:
    blocks = [Block(_("Input"), [(str(c.field.label), c.value) for c in state.fields])]
    for table, rows in state.tables:
        typed = [[c.value for c in row] for row in rows if any(c.value for c in row)]
        blocks.append(Block(str(table.label), typed, [str(c.label) for c in table.columns]))
    blocks.append(Block(_("Result"), result.scalars))
    if result.warnings:
        blocks.append(Block(_("Check before deciding"), [(w,) for w in result.warnings]))
    for title, header, values in result.tables:
        blocks.append(Block(title, values, header))
    blocks.append(Block(_("How it was computed"), [(line,) for line in result.explanation]))
    blocks.append(Block(_("Legal basis"), [(result.legal_basis,)]))
    if result.unconfirmed:
        blocks.append(Block(_("Unconfirmed defaults used"), [(u,) for u in result.unconfirmed]))
    blocks.append(Block(_("Computed"), [(format_datetime(_now()),)]))
    return workbook_bytes(str(page.title), f"p3dn — {page.title}", blocks)


def to_pdf(page: Page, state: FormState, result: Presented) -> bytes:
    html = render_to_string(
        "calculators/print.html", {"page": page, "state": state, "result": result, "now": _now()}
    )
    return html_to_pdf(html)
