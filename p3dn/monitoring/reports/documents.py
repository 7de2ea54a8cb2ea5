"""The Laporan Monev P3DN of a Pemda-year (PDF and Excel) and the national ranking workbook.

``build_report`` gathers everything the report shows from the functions the pages use — the
indicators (``compute``), the compliance flags, the charts, the open findings and the latest
Monev snapshot — so a number in the PDF is the number on the Dasbor for the same data date.
The PDF is a Django template drawn by WeasyPrint with local fonts only; the workbook is written
with openpyxl, money as numbers with their cents, ratios as fractions formatted as percent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from p3dn.accounts.models import Pemda
from p3dn.catalog.substitutes import queries as substitutes
from p3dn.catalog.substitutes.exports import report_sheet as substitute_sheet
from p3dn.lib.dates import format_date
from p3dn.lib.money import format_number, format_rupiah
from p3dn.lib.pdf import html_to_pdf
from p3dn.lib.xlsx import HEADER_FILL, append_title, new_workbook, workbook_to_bytes
from p3dn.monitoring import charts, compliance, queries, targets
from p3dn.monitoring.exports import UNIT_KEYS, channel_header, unit_header
from p3dn.monitoring.indicators import (
    APBD_MONEY_KEYS,
    APBD_RATIO_KEYS,
    MONEY_KEYS,
    RATIO_KEYS,
    PemdaYear,
)
from p3dn.monitoring.monev import queries as monev
from p3dn.monitoring.monev.models import Finding, Snapshot
from p3dn.monitoring.monev.queries import CLOSED, is_overdue
from p3dn.monitoring.targets import Trend, trend_for
from p3dn.procurement.queries import latest_refresh
from p3dn.procurement.sums import CHANNELS
from p3dn.quality.cached import sample_rup_notice

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
RATIO_FORMAT = "0.00%"
UNITS_IN_CHART = 25  # a longer list is cut to the lowest capaian in the chart (the table has all)


def channel_label(channel: str) -> str:
    return {
        "tender": _("Tender"),
        "non_tender": _("Non-tender"),
        "pencatatan_non_tender": _("Recorded non-tender"),
        "swakelola": _("Recorded swakelola"),
        "e_purchasing": "e-Purchasing",
        "toko_daring": "Toko Daring",
        "manual": _("Manual realization (with evidence)"),
    }[channel]


def _money(value: str | None) -> Decimal | None:
    """An indicator's decimal text as a Decimal (None stays None)."""
    return None if value is None else Decimal(value)


# ------------------------------------------------------------------ what the report holds


@dataclass
class ReportTarget:
    capaian: Decimal  # the year-end (Q4) capaian target
    umk_floor: Decimal
    path: list[Decimal]  # cumulative capaian targets at the end of Q1..Q4
    recorded: bool  # False: the defaults of p3dn.monitoring.targets
    definition: str = ""  # the capaian variant the Pemda reports
    umk_definition: str = ""
    reported_capaian: Decimal | None = None  # capaian under that variant
    reported_umk: Decimal | None = None


def target_for(pemda: Pemda, tahun: int, whole: dict[str, Any] | None = None) -> ReportTarget:
    """The Pemda-year's recorded target (Q4 capaian, UMK floor, quarterly path and reported
    definition), else the defaults (p3dn.monitoring.targets)."""
    target = targets.target_for(pemda, tahun)
    return ReportTarget(
        target.capaian_q4,
        target.umk_floor,
        target.path(),
        target.pk is not None,
        str(target.get_denominator_display()),
        str(target.get_umk_denominator_display()),
        targets.reported_capaian(target, whole) if whole else None,
        targets.reported_umk_share(target, whole) if whole else None,
    )


@dataclass
class Report:
    pemda: Pemda
    tahun: int
    as_of: dt.date | None
    data_as_of: dt.date | None  # the day the data stood (as_of, else the newest import)
    generated_at: dt.datetime
    indicators: dict[str, Any]
    target: ReportTarget
    capaian_light: str
    umk_light: str
    units: list[dict[str, Any]]
    channels: list[dict[str, Any]]
    trend: Trend
    flags: list[compliance.Flag]
    flag_summary: dict[str, Any]
    findings: list[dict[str, Any]]  # open findings: unit, temuan, tindak_lanjut, owner, ...
    snapshot: Snapshot | None
    deltas: monev.Deltas | None
    charts: dict[str, SafeString]
    sample_notice: dict[str, str] | None = None  # the RUP is only a sample (quality.cached)
    substitutes: dict[str, Any] | None = None  # the potensi PDN of the last scan
    headline: dict[str, Any] = field(default_factory=dict)  # queries.headline_capaian
    performance: dict[str, Any] = field(default_factory=dict)  # the PK indicator (C20)

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """The data-quality warnings of the year as objects (old string warnings read too)."""
        return queries.readable_warnings(self.indicators.get("warnings"))

    @property
    def snapshot_units(self) -> list[dict[str, str]]:
        """The ten units whose PDN realization moved most since the snapshot before the
        latest, with the change as signed text."""
        if not self.deltas:
            return []
        moved = [c for c in self.deltas.units if c.changed]
        moved.sort(key=lambda c: -abs(c.money.get("realisasi_pdn", Decimal(0))))
        return [
            {
                "name": c.name or c.key,
                "status": c.status,
                "realisasi_pdn": signed_rupiah(c.money["realisasi_pdn"]),
                "capaian_pdn": points(c.ratios["capaian_pdn"]),
            }
            for c in moved[:10]
        ]

    @property
    def snapshot_lines(self) -> list[dict[str, str]]:
        """The whole Pemda-year's change since the previous snapshot, as signed text."""
        whole = self.deltas.whole if self.deltas else None
        if whole is None:
            return []
        return [
            {"label": _("PDN commitment"), "value": signed_rupiah(whole.money["komitmen_pdn"])},
            {"label": _("PDN realization"), "value": signed_rupiah(whole.money["realisasi_pdn"])},
            {
                "label": _("Total realization, all channels"),
                "value": signed_rupiah(whole.money["realisasi_total"]),
            },
            {"label": "Capaian PDN", "value": points(whole.ratios["capaian_pdn"])},
        ]


def signed_rupiah(value: Decimal) -> str:
    """A change of money: '+Rp 1.500.000', '-Rp 20.000', 'Rp 0'."""
    return ("+" if value > 0 else "") + format_rupiah(value)


def points(value: Decimal | None) -> str:
    """A change of a ratio in percentage points: 0.0123 → '+1,23 poin'; None → '—'."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{format_number(value * 100, 2)} {_('points')}"


def build_report(*, pemda: Pemda, tahun: int, as_of: dt.date | None = None) -> Report:
    year = PemdaYear(pemda=pemda, tahun=tahun, as_of=as_of)
    whole = year.whole
    target = target_for(pemda, tahun, whole)
    units = year.units
    key = queries.capaian_key(targets.target_for(pemda, tahun))
    for row in units:
        row["light"] = queries.light(row[key], target.capaian)
        row["umk_light"] = queries.light(row["porsi_umk_rencana"], target.umk_floor)
    queries.sort_units(units, "capaian_pdn")
    channels = [{"key": c, "label": channel_label(c), **whole["realisasi"][c]} for c in CHANNELS]
    refresh = latest_refresh(pemda=pemda)
    data_as_of = as_of or (refresh.data_as_of if refresh else None)
    monthly = year.months
    trend = trend_for(
        monthly,
        Decimal(whole["komitmen_pdn_apbd" if key == "capaian_pdn_apbd" else "komitmen_pdn"]),
        tahun,
        data_as_of or timezone.localdate(),
        target.path,
    )
    found = compliance.flags(pemda=pemda, tahun=tahun, as_of=as_of)
    findings = [
        {
            "unit": f.unit.name if f.unit else "",
            "temuan": f.temuan,
            "tindak_lanjut": f.tindak_lanjut,
            "owner": f.penanggung_jawab or (f.owner.display_name if f.owner else ""),
            "due_date": f.due_date,
            "overdue": is_overdue(f),
            "status": f.get_status_display(),
        }
        for f in Finding.objects.filter(pemda=pemda, tahun=tahun)
        .exclude(status__in=CLOSED)
        .select_related("unit", "owner")
        .order_by("unit__name", "due_date", "pk")
    ]
    snapshots = Snapshot.objects.filter(pemda=pemda, tahun=tahun)
    if as_of:
        snapshots = snapshots.filter(data_as_of__lte=as_of)
    snapshot = snapshots.order_by("-taken_at", "-pk").first()
    charted = [r for r in units if r["capaian_pdn"] is not None][:UNITS_IN_CHART]
    charted.reverse()  # highest on top
    report_charts = {
        "channels": charts.channel_chart(
            [
                (c["label"], Decimal(c["nilai"]), Decimal(c["pdn"]), Decimal(c["umk"]))
                for c in channels
            ]
        ),
        "trend": charts.trend_chart(
            trend.months, trend.capaian, trend.target, incomplete=queries.year_incomplete(whole)
        ),
        "units": charts.units_chart(
            [
                (r["nama_satker"] or r["kd_satker"] or "—", _money(r["capaian_pdn"]))
                for r in charted
            ],
            target.capaian,
        ),
    }
    return Report(
        pemda=pemda,
        tahun=tahun,
        as_of=as_of,
        data_as_of=data_as_of,
        generated_at=timezone.localtime(),
        indicators=whole,
        target=target,
        capaian_light=(
            "incomplete"
            if key == "capaian_pdn" and queries.year_incomplete(whole)
            else queries.light(whole[key], target.capaian)
        ),
        headline=queries.headline_capaian(targets.target_for(pemda, tahun), whole),
        performance=whole["indikator_pk"],
        umk_light=queries.light(whole["porsi_umk_rencana"], target.umk_floor),
        units=units,
        channels=channels,
        trend=trend,
        flags=found,
        flag_summary=compliance.summarise_flags(found, pemda),
        findings=findings,
        snapshot=snapshot,
        deltas=monev.deltas(snapshot) if snapshot else None,
        charts=report_charts,
        sample_notice=sample_rup_notice(pemda=pemda, tahun=tahun),
        substitutes=substitutes.dashboard_card(pemda=pemda, tahun=tahun),
    )


# ------------------------------------------------------------------ PDF


def report_html(report: Report) -> str:
    """The report as the HTML WeasyPrint draws (print CSS inside, no external resource)."""
    return render_to_string(
        "monitoring/report/report.html",
        {"r": report, "i": report.indicators, "charted": UNITS_IN_CHART},
    )


def report_pdf(report: Report) -> bytes:
    return html_to_pdf(report_html(report))


def report_filename(report: Report, extension: str) -> str:
    day = report.as_of.isoformat() if report.as_of else "terkini"
    code = report.pemda.kd_klpd or report.pemda.region_id
    return f"laporan-monev-p3dn-{code}-{report.tahun}-{day}.{extension}"


# ------------------------------------------------------------------ Excel


def _write(
    sheet: Worksheet,
    rows: Sequence[Sequence[Any]],
    header: Sequence[str] = (),
    *,
    title: str = "",
    formats: dict[int, str] | None = None,
    first: bool = False,
) -> None:
    """Append a block to ``sheet`` (after an empty row unless it is the ``first``), with an
    optional bold title and header row; ``formats`` sets number formats by column."""
    if not first:
        sheet.append([])
    if title:
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
    if header:
        sheet.append(list(header))
        for col in range(1, len(header) + 1):
            cell = sheet.cell(sheet.max_row, col)
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(list(row))
        for col, fmt in (formats or {}).items():
            sheet.cell(sheet.max_row, col).number_format = fmt


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, col).column_letter].width = width


def _write_classification(sheet: Worksheet, report: Report) -> None:
    """How each channel is classified as PDN: exact, estimated (with its PDN and UMK) and
    unknown value, the method and why part is unknown."""
    header = (
        _("Channel"),
        _("Exact"),
        _("Estimated"),
        _("PDN estimate"),
        _("UMK estimate"),
        _("Not yet classified"),
        _("Method"),
        _("Why unknown"),
    )
    rows = []
    for c in report.channels:
        k = c.get("klasifikasi")
        if not k:
            continue
        rows.append(
            (
                c["label"],
                *(_money(k[key]) for key in CLASSIFICATION_KEYS),
                k["metode"],
                k["alasan"] or "",
            )
        )
    _write(
        sheet,
        rows,
        header,
        title=_("Classification as PDN (the estimate is not included in PDN)"),
        formats={c: MONEY_FORMAT for c in range(2, 7)},
    )


CLASSIFICATION_KEYS = ("pasti", "estimasi", "pdn_estimasi", "umk_estimasi", "belum_terklasifikasi")


def report_xlsx(report: Report) -> bytes:
    i = report.indicators
    book = new_workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")
    append_title(summary, _("Laporan Monev P3DN"))
    m, r = {2: MONEY_FORMAT}, {2: RATIO_FORMAT}
    _write(
        summary,
        [
            ("Pemda", report.pemda.name),
            (_("KLPD code"), report.pemda.kd_klpd),
            (_("Fiscal year"), report.tahun),
            (_("Data as of"), format_date(report.data_as_of) if report.data_as_of else "—"),
            (_("Generated"), report.generated_at.strftime("%Y-%m-%d %H:%M")),
            *(
                [(_("Data quality"), f"{notice['title']} {notice['message']}")]
                if (notice := report.sample_notice)
                else []
            ),
        ],
    )
    _write(
        summary,
        [
            (key, _money(i[key]))
            for key in (*MONEY_KEYS, *APBD_MONEY_KEYS)
        ]
        + [("tkdn_pdn_umkk", _money(report.performance.get("nilai_terhitung")))],
        [_("Indicator"), _("Value")],
        title=_("Indicators"),
        formats=m,
    )
    _write(
        summary,
        [
            (key, _money(i[key]))
            for key in RATIO_KEYS
        ]
        + [(key, _money(i[key])) for key in APBD_RATIO_KEYS]
        + [
            ("indikator_pk", _money(report.performance.get("indikator"))),
            ("target_indikator_pk", _money(report.performance.get("target"))),
            ("target_capaian", report.target.capaian),
            ("batas_umk", report.target.umk_floor),
        ],
        title=_("Ratios and targets"),
        formats=r,
    )
    _widths(summary, (28, 24))

    channels = book.create_sheet(_("Channels"))
    _write(
        channels,
        [
            (
                c["label"],
                _money(c["nilai"]),
                _money(c["pdn"]),
                _money(c["umk"]),
                _money(c.get("belum_terklasifikasi")),
            )
            for c in report.channels
        ]
        + [
            (
                _("Total"),
                _money(i["realisasi_total"]),
                _money(i["realisasi_pdn"]),
                _money(i["realisasi_umk"]),
                None,
            )
        ],
        channel_header(),
        formats={c: MONEY_FORMAT for c in range(2, 6)},
        first=True,
    )
    _widths(channels, (26, 22, 22, 22, 22))
    _write_classification(channels, report)

    units = book.create_sheet(_("Perangkat daerah"))
    _write(
        units,
        [
            (
                *(u[key] for key in UNIT_KEYS[:3]),
                *(_money(u[key]) for key in UNIT_KEYS[3:]),
                u["light"],
            )
            for u in report.units
        ],
        [*unit_header(), _("Traffic light")],
        formats={
            **{c: MONEY_FORMAT for c in range(4, 10)},
            **{c: RATIO_FORMAT for c in range(10, 13)},
            13: MONEY_FORMAT,  # the APBD PDN commitment
            14: RATIO_FORMAT,  # capaian against it
        },
        first=True,
    )
    _widths(units, (12, 24, 44, *([20] * 6), 13, 13, 13, 20, 13, 10))

    flags_sheet = book.create_sheet(_("Compliance"))
    _write(
        flags_sheet,
        [
            (
                row["code"],
                row["title"],
                row["severity"],
                row["count"],
                row["nilai"],
                row["legal_basis"],
            )
            for row in report.flag_summary["rules"]
        ],
        [_("Rule"), _("Description"), _("Severity"), _("Flags"), _("Value"), _("Legal basis")],
        formats={5: MONEY_FORMAT},
        first=True,
    )
    _write(
        flags_sheet,
        [(u["kd_satker"], u["name"], u["count"]) for u in report.flag_summary["units"]],
        [_("Satker code"), _("Unit"), _("Flags")],
        title=_("Per unit"),
    )
    _widths(flags_sheet, (22, 60, 10, 10, 20, 50))

    findings = book.create_sheet(_("Findings"))
    _write(
        findings,
        [
            (
                f["unit"] or "—",
                f["temuan"],
                f["tindak_lanjut"],
                f["owner"],
                f["due_date"],
                f["status"],
            )
            for f in report.findings
        ],
        [_("Unit"), _("Finding"), _("Follow-up action"), _("Owner"), _("Due date"), _("Status")],
        formats={5: "yyyy-mm-dd"},
        first=True,
    )
    _widths(findings, (36, 50, 50, 24, 12, 14))

    monev_sheet = book.create_sheet("Monev")
    if report.snapshot and report.deltas and report.deltas.whole:
        whole = report.deltas.whole
        _write(
            monev_sheet,
            [
                (_("Latest snapshot"), format_date(report.snapshot.data_as_of)),
                (
                    _("Previous snapshot"),
                    format_date(report.deltas.previous.data_as_of)
                    if report.deltas.previous
                    else "—",
                ),
            ],
            first=True,
        )
        _write(
            monev_sheet,
            [(key, value) for key, value in whole.money.items()]
            + [(key, value) for key, value in whole.ratios.items()],
            [_("Indicator"), _("Change")],
            title=_("Change since the previous snapshot"),
        )
    elif report.snapshot:
        _write(
            monev_sheet,
            [
                (_("Latest snapshot"), format_date(report.snapshot.data_as_of)),
                (_("No earlier snapshot to compare with."),),
            ],
            first=True,
        )
    else:
        _write(monev_sheet, [(_("No Monev snapshot has been taken for this year."),)], first=True)
    _widths(monev_sheet, (34, 24))
    if report.substitutes is not None:
        substitute_sheet(book, report.substitutes)

    return workbook_to_bytes(book)


# ------------------------------------------------------------------ the national ranking


def ranking_xlsx(*, pemda_scope: Any, tahun: int) -> bytes:
    """The ranking of a year as a workbook: by capaian, by rupiah, the awards per level and the
    Pemda without data or without a Tim P3DN."""
    ranking = queries.summarise_ranking(pemda_scope=pemda_scope, tahun=tahun)
    header = [
        "#",
        _("Kemendagri code"),
        "KLPD",
        "Pemda",
        _("Level"),
        _("PDN commitment"),
        _("PDN realization"),
        _("UMK realization"),
        _("Realization"),
        "Capaian PDN",
        "Komposisi PDN",
        _("Data"),
    ]

    def rows(ranked: Sequence[dict[str, Any]]) -> list[list[Any]]:
        return [
            [
                n,
                r["pemda"].region_id,
                r["pemda"].kd_klpd,
                r["pemda"].name,
                r["level"],
                _money(r["komitmen_pdn"]),
                _money(r["realisasi_pdn"]),
                _money(r["realisasi_umk"]),
                _money(r["realisasi_total"]),
                None if r["incomplete"] else _money(r["capaian_pdn"]),  # never an achievement
                _money(r["komposisi_pdn"]),
                _("data incomplete") if r["incomplete"] else "",
            ]
            for n, r in enumerate(ranked, start=1)
        ]

    formats = {**{c: MONEY_FORMAT for c in range(6, 10)}, 10: RATIO_FORMAT, 11: RATIO_FORMAT}
    book = new_workbook()
    first = book.active
    assert first is not None
    first.title = _("By capaian")
    _write(first, rows(ranking["by_capaian"]), header, formats=formats, first=True)
    by_rupiah = book.create_sheet(_("By rupiah"))
    _write(by_rupiah, rows(ranking["by_rupiah"]), header, formats=formats, first=True)
    for sheet in (first, by_rupiah):
        _widths(sheet, (5, 12, 8, 36, 11, 20, 20, 20, 20, 12, 12, 18))
    awards = book.create_sheet(_("Awards"))
    _write(
        awards,
        [
            [
                a["level"],
                a["pdn"]["pemda"].name,
                _money(a["pdn"]["realisasi_pdn"]),
                a["umk"]["pemda"].name,
                _money(a["umk"]["realisasi_umk"]),
            ]
            for a in ranking["awards"]
        ],
        [
            _("Level"),
            _("Highest PDN spending"),
            _("PDN realization"),
            _("Largest UMK transactions"),
            _("UMK realization"),
        ],
        formats={3: MONEY_FORMAT, 5: MONEY_FORMAT},
        first=True,
    )
    _widths(awards, (12, 36, 20, 36, 20))
    for title, pemdas in (
        (_("Without data"), ranking["without_data"]),
        (_("Without Tim P3DN"), ranking["without_tim"]),
    ):
        sheet = book.create_sheet(title[:31])
        _write(
            sheet,
            [[p.region_id, p.kd_klpd, p.name, p.has_tim_p3dn] for p in pemdas],
            [_("Kemendagri code"), "KLPD", "Pemda", "Tim P3DN"],
            first=True,
        )
        _widths(sheet, (14, 8, 40, 10))
    return workbook_to_bytes(book)
