"""The Excel export of a Pemda's TKDN-IK candidates: every step with its date, the
self-assessment, the pre-check findings and the decision (written through p3dn.lib.xlsx, so no
cell is ever a formula)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from p3dn.accounts.models import Pemda
from p3dn.lib.dates import format_date, format_datetime
from p3dn.lib.money import format_percent
from p3dn.lib.xlsx import append_header, append_title, new_workbook, workbook_to_bytes
from p3dn.tkdnik.models import Candidate
from p3dn.tkdnik.queries import PrecheckOutcome


def _day(value: dt.date | None) -> str:
    return format_date(value) if value else ""


def candidates_workbook(pemda: Pemda, candidates: Iterable[Candidate],
                        outcome: PrecheckOutcome) -> bytes:
    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("TKDN-IK candidates")[:31]
    append_title(sheet, _("TKDN-IK candidates of %(pemda)s") % {"pemda": pemda.name})
    sheet.append([_("Exported"), format_datetime(timezone.localtime())])
    sheet.append([_("Pre-checked"), outcome.prechecked, _("decided"), outcome.decided,
                  _("rejected"), outcome.rejected,
                  format_percent(outcome.share) if outcome.share is not None
                  else _("no decision yet")])
    sheet.append([])
    header = [_("No."), _("Status"), _("Kecamatan"), _("Producer"), "NIB", _("Product"),
              _("Specification"), _("Brand"), "KBLI", _("Registered"), _("Self-assessed"),
              "TKDN-IK", _("Pre-checked"), _("Pre-check findings"),
              _("Reason for submitting despite findings"), _("Submitted"), _("Decided"),
              _("Certificate"), _("Closed by a Kemenperin import"), _("Rejection cause"),
              _("Rejection reason")]
    append_header(sheet, header)
    for c in candidates:
        sheet.append([
            c.pk, c.get_status_display(), c.kecamatan.name, c.producer.name, c.producer.nib,
            c.product_name, c.specification, c.brand, c.product_kbli, _day(c.registered_on),
            _day(c.assessed_on), format_percent(c.tkdn_ik) if c.tkdn_ik is not None else "",
            _day(c.prechecked_on), " ".join(f["message"] for f in c.findings),
            c.override_reason, _day(c.submitted_on), _day(c.decided_on),
            str(c.certificate) if c.certificate_id else "",
            _("Yes") if c.closed_by_import else "",
            c.get_rejection_cause_display() if c.rejection_cause else "", c.rejection_note,
        ])
    return workbook_to_bytes(book)
