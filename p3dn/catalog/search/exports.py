"""The Excel export of a search: a header sheet recording the query, the filters, when it
was made and the data's as-of date, then the results in their order (p3dn.lib.xlsx: every
text cell neutralised)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.lib.money import format_number
from p3dn.lib.xlsx import (
    append_facts,
    append_header,
    append_title,
    new_workbook,
    workbook_to_bytes,
)

from .models import SearchState
from .queries import Page

HUNDRED = 100


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def search_workbook(page: Page, *, filters: Sequence[tuple[str, str]], state: SearchState,
                    made_at: dt.datetime, url_of: dict[int, str]) -> bytes:
    """``filters``: the filters in use as (label, value) the way the page shows them."""
    book = new_workbook()
    head = book.active
    assert head is not None
    head.title = _("Search")[:31]
    append_title(head, _("Search of the domestic product registry"))
    rows: list[tuple[str, object]] = [
        (_("Query"), page.query),
        *filters,
        (_("Made at"), _local(made_at)),
        (_("Data as of (last registry sync)"), _local(state.data_as_of)),
        (_("Search index built at"), _local(state.refreshed_at)),
        (_("Matching items"), page.total if page.total_exact
         else _("more than %(n)s") % {"n": format_number(page.total)}),
        (_("Items in this file"), len(page.results)),
    ]
    if not filters:
        rows.insert(1, (_("Filters"), _("none")))
    if page.total > len(page.results):
        rows.append((_("Note"), _("Only the best-ranked items are listed.")))
    append_facts(head, rows)
    head.column_dimensions["A"].width = 34
    head.column_dimensions["B"].width = 70

    sheet = book.create_sheet(_("Results")[:31])
    header = [_("Rank"), _("Product"), _("Producer"), _("Specification"), _("Brand"),
              _("Type"), _("TKDN (%)"), _("TKDN + BMP (%)"), _("Certificate valid until"),
              _("Certificates"), _("Lowest price (Rp)"), _("Highest price (Rp)"),
              _("Province"), "UMK", "IKM", _("Source"), _("Link")]
    append_header(sheet, header)
    for rank, result in enumerate(page.results, start=1):
        product = result.product
        producer = product.producer
        sheet.append([
            rank, product.name, producer.name, product.specification, product.brand,
            product.tipe,
            product.tkdn * HUNDRED if product.tkdn is not None else None,
            product.tkdn_bmp * HUNDRED if product.tkdn_bmp is not None else None,
            product.valid_until, product.certificate_count, product.price_min,
            product.price_max, producer.province.name if producer.province else "",
            _yes_no(producer.umk), _yes_no(producer.ikm), result.sumber,
            url_of.get(product.pk, ""),
        ])
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", (6, 40, 34, 50, 16, 16, 9, 12, 14, 10, 16,
                                                   16, 20, 6, 6, 20, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_to_bytes(book)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")
