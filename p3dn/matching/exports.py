"""The event report in Excel and PDF: the event, its totals, the totals per unit and per
producer, and every interest with what followed it (the workbook written through p3dn.lib.xlsx:
no cell is a formula)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from p3dn.lib.dates import format_date
from p3dn.lib.money import format_percent
from p3dn.lib.pdf import html_to_pdf
from p3dn.lib.xlsx import Block, workbook_bytes
from p3dn.matching.models import Event
from p3dn.matching.present import SOURCE_LABELS, status_text
from p3dn.matching.queries import Report, Totals


def _rate(value: object) -> str:
    return "—" if value is None else format_percent(value)


def _totals_rows(rows: list[Totals]) -> list[list[object]]:
    return [[t.label or _("(no unit)"), t.interests, t.ketertarikan, t.commitments, t.komitmen,
             t.converted, t.converted_value, _rate(t.conversion_rate),
             _rate(t.conversion_value_rate)] for t in rows]


def event_workbook(event: Event, report: Report) -> bytes:
    header = [_("Name"), _("Interests"), _("Value of interest (Rp)"), _("Commitments"),
              _("Value committed (Rp)"), _("Realized by the producer"),
              _("Rupiah realized (Rp)"), _("Conversion rate"), _("Rupiah conversion")]
    info: list[list[object]] = [
        [_("Pemda"), event.pemda.name], [_("Kind"), event.get_kind_display()],
        [_("Date"), format_date(event.date)], [_("Place"), event.place],
        [_("Organizer"), event.organizer], [_("Budget year of the demand"), event.tahun],
    ]
    lines = []
    for link in report.links:
        i = link.interest
        followed = "; ".join(
            f"{SOURCE_LABELS.get(f.source, f.source)} {f.reference} {f.provider_name}".strip()
            for f in link.followed)
        possible = "; ".join(f"{SOURCE_LABELS.get(f.source, f.source)} {f.reference}"
                             for f in link.possible)
        lines.append([i.producer.name, i.product.name if i.product else "",
                      i.kd_rup or "", i.need.name if i.need else "", i.demand_name,
                      i.unit.name if i.unit else "", i.nilai_ketertarikan, i.nilai_komitmen,
                      format_date(i.committed_on) if i.committed_on else "",
                      status_text(link.status), followed, link.converted_value, possible])
    units: list[list[object]] = [
        [_("Unit"), u.name, u.kd_satker_str or u.kd_satker or "", "", "", "", ""]
        for u in event.units.order_by("name")
    ]
    guests: list[list[object]] = units + [
        [_("Producer"), p.name, p.nib, p.region.name if p.region else p.province_name,
         p.email, p.phone, p.address]
        for p in event.producers.select_related("region").order_by("name")
    ]
    blocks = [
        Block(_("Event"), info),
        Block(_("Guests"), guests, [_("Kind"), _("Name"), _("Code or NIB"), _("Region"),
                                    _("Email"), _("Telephone"), _("Address")]),
        Block(_("Totals"), [[_("All interests"), *_totals_rows([report.total])[0][1:]]],
              header),
        Block(_("Per unit"), _totals_rows(report.by_unit), header),
        Block(_("Per producer"), _totals_rows(report.by_producer), header),
        Block(_("Interests and what followed"), lines,
              [_("Producer"), _("Product"), _("RUP code"), _("Need"), _("Package or need"),
               _("Unit"), _("Value of interest (Rp)"), _("Value committed (Rp)"),
               _("Committed on"), _("Conversion"), _("What followed"),
               _("Rupiah realized (Rp)"), _("Possibly (non-tender, no RUP code)")]),
    ]
    return workbook_bytes(_("Business matching")[:31], str(event), blocks)


def event_pdf(event: Event, report: Report) -> bytes:
    """The same report as a PDF (WeasyPrint, local fonts only; p3dn.lib.pdf)."""
    total = Totals(report.total.key, _("All interests"), report.total.interests,
                   report.total.ketertarikan, report.total.commitments, report.total.komitmen,
                   report.total.converted, report.total.converted_value)
    html = render_to_string("matching/event_report.html", {
        "event": event,
        "blocks": [(_("Totals"), [total]), (_("Per unit"), report.by_unit),
                   (_("Per producer"), report.by_producer)],
        "links": [(link, status_text(link.status)) for link in report.links],
    })
    return html_to_pdf(html)
