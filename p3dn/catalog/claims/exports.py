"""The findings as an Excel workbook: a header sheet (what, when, as of which date, under which
rule and tolerance, with which filters, for whom) and the findings, one row each, with their
evidence. Written through p3dn.lib.xlsx (formula-like text stays text)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.styles import Font

from p3dn.accounts.models import User
from p3dn.catalog.claims.models import Finding, VerificationRun
from p3dn.lib import dates, money
from p3dn.lib.xlsx import new_workbook, workbook_to_bytes


def _pct(value: Decimal | str | None) -> str:
    return "" if value is None else money.format_percent(Decimal(value))


def _points(value: Decimal | None) -> Decimal | str:
    """A fraction as a number of percent (0.4521 -> 45.21), for a numeric cell."""
    return "" if value is None else value * 100


def _certificates(evidence: Iterable[dict[str, Any]]) -> str:
    parts = []
    for cert in evidence:
        value = "999,99" if cert.get("not_applicable") else _pct(cert.get("tkdn"))
        parts.append(
            f"{cert.get('number') or _('no number')} · TKDN {value} · {cert.get('holder')} · "
            f"{_('valid until')} {cert.get('valid_until') or '—'} · {cert.get('status_label')}"
        )
    return "\n".join(parts)


def header(*, run: VerificationRun | None, user: User, filters: list[tuple[str, str]],
           total: int) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [_("TKDN claim verification")],
        [_("Downloaded"), dates.format_datetime(timezone.localtime(), "id")],
        [_("Downloaded by"), user.get_username()],
    ]
    if run is not None:
        rows += [
            [_("Verified on"), dates.format_datetime(timezone.localtime(run.finished_at), "id")],
            [_("Certificate validity as of"), dates.format_date(run.as_of, "id")],
            [_("Legal basis"), run.legal_basis],
            [_("Tolerance"), _("%(pp)s percentage point of TKDN")
             % {"pp": money.format_number(run.tolerance * 100, 2)}],
        ]
    rows.append([_("Filters"), "; ".join(f"{k}: {v}" for k, v in filters) or _("none")])
    rows.append([_("Findings"), total])
    return rows


COLUMNS = (
    gettext_noop("Outcome"),
    gettext_noop("Claim from"),
    gettext_noop("Product"),
    gettext_noop("Producer"),
    gettext_noop("Province of the producer"),
    gettext_noop("e-Katalog product code"),
    gettext_noop("Source file"),
    gettext_noop("Claimed certificate number"),
    gettext_noop("Claimed TKDN (%)"),
    gettext_noop("Claimed holder"),
    gettext_noop("Manufacturer"),
    gettext_noop("Certificate compared"),
    gettext_noop("Certified TKDN (%)"),
    gettext_noop("Difference (percentage points)"),
    gettext_noop("Certificate holder"),
    gettext_noop("Valid until"),
    gettext_noop("All certificates compared"),
    gettext_noop("Bought by"),
)


def workbook(*, findings: QuerySet[Finding], run: VerificationRun | None, user: User,
             filters: list[tuple[str, str]]) -> bytes:
    book = new_workbook()
    info = book.active
    assert info is not None
    info.title = _("About")[:31]
    rows = list(findings.select_related("import_run", "certificate__holder")
                .prefetch_related("purchases__pemda"))
    for row in header(run=run, user=user, filters=filters, total=len(rows)):
        info.append(row)
    info.cell(row=1, column=1).font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 100
    sheet = book.create_sheet(_("Findings")[:31])
    sheet.append([_(c) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for f in rows:
        cert = f.certificate
        visible = [p for p in f.purchases.all() if user.is_national or p.pemda_id == user.pemda_id]
        sheet.append([
            f.get_outcome_display(),
            f.get_source_display(),
            f.product.name,
            f.producer.name,
            f.producer_province.name if f.producer_province else "",
            f.kd_produk,
            f.import_run.file_name if f.import_run else "",
            f.claimed_number,
            _points(f.claimed_tkdn),
            f.claimed_holder,
            f.manufacturer,
            (cert.number or _("no number")) if cert else "",
            (Decimal("999.99") if cert.not_applicable else _points(cert.tkdn)) if cert else "",
            _points(f.difference),
            cert.holder.name if cert else "",
            dates.format_date(cert.valid_until, "id") if cert and cert.valid_until else "",
            _certificates(f.evidence),
            "; ".join(f"{p.pemda.name} ({money.format_rupiah(p.total)})" for p in visible),
        ])
    return workbook_to_bytes(book)
