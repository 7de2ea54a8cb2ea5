"""The Excel export of a Pemda's katalog lokal: every entry with its status, decision and the
result of each check (written through p3dn.lib.xlsx, so no cell is ever a formula)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda
from p3dn.catalog.listings import checks
from p3dn.catalog.listings.models import Listing
from p3dn.catalog.listings.queries import Progress
from p3dn.lib.dates import format_datetime
from p3dn.lib.money import format_percent
from p3dn.lib.xlsx import append_header, append_title, new_workbook, workbook_to_bytes


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else (_("Yes") if value else _("No"))


def listings_workbook(pemda: Pemda, listings: Iterable[Listing], progress: Progress) -> bytes:
    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Katalog lokal")[:31]
    append_title(sheet, _("Katalog lokal of %(pemda)s") % {"pemda": pemda.name})
    sheet.append([_("Exported"), format_datetime(timezone.localtime())])
    sheet.append([_("UMK producers approved"), progress.umk_producers,
                  _("target"), progress.umk_target, format_percent(progress.share)])
    sheet.append([_("Producers approved"), progress.producers, _("Products approved"),
                  progress.products, _("Awaiting review"), progress.pending])
    sheet.append([])
    header = [_("No."), _("Status"), _("Proposed through"), _("Producer"),
              _("Registry producer no."), "NIB", "NPWP", "UMK", _("Product"),
              _("Registry product no."), "KBLI",
              *(checks.label(code) for code in checks.CODES), _("Check details"),
              _("Reason"), _("Reason for approving despite failed checks"), _("Proposed"),
              _("Decided"), _("Decided by")]
    append_header(sheet, header)
    for listing in listings:
        by_code = {c["code"]: c for c in listing.checks}
        typed = listing.proposal.get("producer") or {}
        producer = listing.producer
        product = listing.product
        sheet.append([
            listing.pk, listing.get_status_display(), listing.get_source_display(),
            listing.producer_name, producer.pk if producer else None,
            producer.nib if producer else typed.get("nib", ""),
            producer.npwp if producer else typed.get("npwp", ""),
            _yes_no(producer.umk) if producer else "—",
            listing.product_name, product.pk if product else None,
            product.kbli if product else (listing.proposal.get("product") or {}).get("kbli", ""),
            *(checks.status_label(by_code[code]["status"]) if code in by_code else "—"
              for code in checks.CODES),
            " ".join(checks.explain(c) for c in listing.checks),
            listing.reason, listing.override_reason,
            format_datetime(timezone.localtime(listing.created_at)),
            format_datetime(timezone.localtime(listing.decided_at)) if listing.decided_at else "",
            listing.decided_by.get_username() if listing.decided_by else "",
        ])
    return workbook_to_bytes(book)
