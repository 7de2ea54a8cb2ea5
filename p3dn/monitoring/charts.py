"""Charts of the Dasbor and the Monev report as server-rendered SVG (pygal).

Each function takes plain data (labels, Decimals) and returns SVG markup that is safe to embed
(``mark_safe`` / ``|safe``): the text comes from pygal's XML writer, which escapes it. The same
SVG is served on the web page and drawn by WeasyPrint inside the PDF, so it carries no script,
no font or style sheet from elsewhere and no URL except its XML namespaces. It scales to the
width of its container (viewBox, ``width: 100%``); values are written out on the bars in the
Indonesian way (``Rp 1,2 M``, ``71,84%``) because without JavaScript there are no tooltips.

A web page embeds a chart through ``for_page``, without pygal's ``<style>`` and style
attributes, which the pages' Content-Security-Policy forbids; the same rules come from the static
file ``p3dn/static/p3dn/charts.css`` instead, written by ``stylesheet()``.
"""

from __future__ import annotations

import functools
import html
import re
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from pygal.style import Style

# pygal puts a legacy import hook for its map plugins on sys.meta_path; p3dn draws no maps, and
# the hook (it has no find_spec) makes every later import warn, so take it off again.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

from p3dn.lib.dates import MONTHS_ID  # noqa: E402
from p3dn.lib.money import format_percent, format_rupiah_short  # noqa: E402
from p3dn.monitoring.queries import IMPOSSIBLE_CAPAIAN, light  # noqa: E402

# The colours of p3dn/static/p3dn/p3dn.css.
INK = "#1b2430"
MUTED = "#5b6675"
LINE = "#d9dee5"
BRAND = "#1d3557"
BRAND_2 = "#274b7a"
ACCENT = "#c8102e"
OK = "#1f7a3d"
WARN = "#a86400"
BAD = "#b3261e"

FONT = '"Noto Sans", "DejaVu Sans", "Segoe UI", Roboto, system-ui, sans-serif'
WIDTH = 720  # the viewBox width; embed in a container of at most ~960px


def _style(colours: Sequence[str], major_guide: str = INK) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle=MUTED,
        font_family=FONT,
        label_font_size=14,
        major_label_font_size=14,
        value_font_size=13,
        value_label_font_size=13,
        title_font_size=17,
        legend_font_size=14,
        no_data_font_size=20,
        guide_stroke_color=LINE,
        major_guide_stroke_color=major_guide,
        major_guide_stroke_dasharray="6,4",
        opacity="1",
        opacity_hover="1",
        colors=tuple(colours),
        value_colors=(INK,),
    )


NAME_LENGTH = 34  # longer perangkat daerah names are cut with an ellipsis


def _short(name: str) -> str:
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1].rstrip() + "…"


def _config(colours: Sequence[str], major_guide: str = INK, **options: Any) -> dict[str, Any]:
    return {
        "style": _style(colours, major_guide),
        "js": [],  # no script: the SVG must also work offline and inside the PDF
        "disable_xml_declaration": True,
        "width": WIDTH,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "truncate_legend": -1,
        "truncate_label": -1,  # names are shortened here (_short), months are short already
        "no_data_text": _("No data"),
        "margin": 12,
        "margin_bottom": 24,
        "spacing": 12,
        "print_zeroes": True,
        **options,
    }


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)  # pygal always writes its config script
_JS_DATA = re.compile(r'<desc class="(?!label")[^"]*"(?: />|>[^<]*</desc>)')
_VALUE_DESC = re.compile(r'<desc class="value">([^<]*)</desc>')
_GUIDE_TITLE = re.compile(r"</text><title>[^<]*</title>")  # an axis label's meaningless tooltip
_CHART_ID = re.compile(r'id="(chart-[0-9a-f-]{36})"')
_VALUE_ANCHOR = re.compile(r'<text text-anchor="middle"([^>]*class="value")')


def _finish(
    chart: Any, name: str, title: str, *, bars: bool = False, links: bool = False
) -> SafeString:
    """The SVG without pygal's comments (they carry its web address) and script, with an
    accessible name and a fluid width."""
    svg: str = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", svg)
    svg = _SCRIPT.sub("", svg)
    svg = _VALUE_DESC.sub(r"<title>\1</title>", svg)  # the browser's own tooltip instead
    svg = _JS_DATA.sub("", svg)  # the rest is what pygal's tooltip script would read
    svg = _GUIDE_TITLE.sub("</text>", svg)
    if bars:  # printed values start just after the end of their bar, not across it
        svg = _VALUE_ANCHOR.sub(r'<text text-anchor="start"\1', svg)
    match = _CHART_ID.search(svg)
    if match:  # the legend's ids must be unique on a page that shows several charts
        svg = svg.replace('id="activate-serie-', f'id="{match.group(1)}-serie-')
    svg = svg.replace(
        'class="pygal-chart"',
        f'class="pygal-chart p3dn-chart p3dn-chart-{name}"'
        + ("" if links else ' role="img"')  # a chart with links must keep them reachable
        + f' aria-label="{escape(title)}" style="width:100%;height:auto;max-width:100%"',
        1,
    )
    return mark_safe(svg)  # noqa: S308 - pygal escapes every text it writes


_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'(<[^<>]*?) style="[^"]*"')


def for_page(svg: str) -> SafeString:
    """The chart as a web page embeds it: no inline style, classes only (see ``stylesheet``)."""
    svg = _STYLE_BLOCK.sub("", svg).replace("<defs></defs>", "")
    return mark_safe(_STYLE_ATTRIBUTE.sub(r"\1", svg))  # noqa: S308 - removes markup only


STYLESHEET_HEADER = """\
/* The charts' styles on web pages, as pygal writes them into each chart, under the chart's class
   instead of its id. Generated by scripts/export_chart_css.py from p3dn/monitoring/charts.py:
   do not edit (a test checks that it matches). */
.p3dn-chart{width:100%;height:auto;max-width:100%}
.p3dn-chart .tooltip{display:none}
"""


def stylesheet() -> str:
    """The CSS of p3dn/static/p3dn/charts.css: the style block pygal writes into each kind of
    chart, its rules moved from the chart's id to the chart's class."""
    one = Decimal("0.5")
    samples = {
        "channels": channel_chart([("-", one, one, one)], ["/"]),
        "trend": trend_chart(["2023-01", "2023-02"], [one, None], [None, one]),
        "units": units_chart([("-", one)], one),
    }
    parts = [STYLESHEET_HEADER]
    for name, svg in samples.items():
        match = _CHART_ID.search(svg)
        assert match is not None
        for css in _STYLE_BLOCK.findall(svg):
            rules = html.unescape(css).replace(f"#{match.group(1)}", f".p3dn-chart-{name}")
            parts.append("\n".join(line.strip() for line in rules.strip().splitlines()) + "\n")
    return "".join(parts)


Chart = TypeVar("Chart", bound=Callable[..., SafeString])


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _remembered(draw: Chart) -> Chart:
    """A chart is a pure function of its data and the active language, and drawing it is most
    of a Dasbor page's time: each process keeps the last charts it drew (a busy Pemda-year's
    Dasbor is asked for again and again with the same numbers)."""

    @functools.lru_cache(maxsize=64)
    def cached(language: str, args: tuple[Any, ...], options: tuple[Any, ...]) -> SafeString:
        return draw(*args, **dict(options))

    @functools.wraps(draw)
    def wrapper(*args: Any, **options: Any) -> SafeString:
        return cached(get_language(), _frozen(args), tuple(sorted(options.items())))

    return wrapper  # type: ignore[return-value]


def _rupiah(value: Decimal) -> Any:
    return lambda _value: format_rupiah_short(value)


# ------------------------------------------------------------------ realization by channel


@_remembered
def channel_chart(
    rows: Sequence[tuple[str, Decimal, Decimal, Decimal]],
    links: Sequence[str | None] | None = None,
    *,
    title: str | None = None,
) -> SafeString:
    """Grouped horizontal bars per channel: realized value, of it PDN, of it UMK. With
    ``links`` (one URL per row), every bar of a row links to it (drill-down)."""
    title = title or _("Realization by channel")
    largest = max([Decimal(0), *(max(r[1:]) for r in rows)])
    chart = pygal.HorizontalBar(
        **_config(
            (BRAND, OK, ACCENT),
            title=title,
            height=max(260, 110 + 92 * len(rows)),
            range=(0, float(largest) * 1.3 or 1.0),  # room for the printed values
            print_values=True,
            print_values_position="top",
            show_legend=True,
            value_formatter=lambda v: format_rupiah_short(Decimal(str(v))),
            margin_left=24,
            show_x_labels=False,  # the values are printed on the bars
            x_labels_major_count=0,
        )
    )
    ordered = list(reversed(range(len(rows))))  # pygal draws the first label at the bottom
    chart.x_labels = [rows[i][0] for i in ordered]
    for position, series in ((1, _("Value")), (2, "PDN"), (3, "UMK")):
        values = []
        for i in ordered:
            amount: Decimal = rows[i][position]  # type: ignore[assignment]
            value: dict[str, Any] = {
                "value": float(amount),
                "formatter": _rupiah(amount),
                "label": f"{rows[i][0]} — {series}",
            }
            link = links[i] if links else None
            if link:
                value["xlink"] = {"href": link, "target": "_top"}
            values.append(value)
        chart.add(series, values)
    return _finish(chart, "channels", title, bars=True, links=bool(links))


# ------------------------------------------------------------------ capaian through the year


def month_label(month: str) -> str:
    """'2023-04' → 'Apr 2023' (Indonesian short month)."""
    year, number = month.split("-")
    return f"{MONTHS_ID[int(number) - 1][:3]} {year}"


# Steps a percent axis may take, as fractions (10% … 10.000%): the smallest that keeps the
# axis within MOST_TICKS labels is used, so labels never run into each other.
_STEPS = tuple(Decimal(m) * Decimal(10) ** e for e in range(-1, 3) for m in ("1", "2", "2.5", "5"))
MOST_TICKS = 8


def axis_ticks(top: Decimal, most: int = MOST_TICKS) -> list[Decimal]:
    """0, step, 2·step … up to the first tick at or above ``top``, at most ``most`` + 1 ticks."""
    top = max(top, Decimal("0.1"))
    step = next((s for s in _STEPS if top / s <= most), _STEPS[-1])
    count = int((top / step).to_integral_value(rounding="ROUND_CEILING"))
    return [step * i for i in range(count + 1)]


@_remembered
def trend_chart(
    months: Sequence[str],
    cumulative_capaian: Sequence[Decimal | None],
    target_path: Sequence[Decimal | None],
    *,
    title: str | None = None,
    capaian_label: str | None = None,
    target_label: str | None = None,
    incomplete: bool = False,
) -> SafeString:
    """The cumulative capaian PDN month by month against the target path (given at quarter
    ends, None elsewhere), on a percent axis.

    An impossible capaian is never drawn: a month above 100% (``IMPOSSIBLE_CAPAIAN``), or every
    month when the year is ``incomplete`` (its RUP only a sample), is left out of the line, and
    the title says why in words ("data belum lengkap"); the axis then stays at 0-100%."""
    title = title or _("Cumulative capaian PDN against the target")
    drawn = [
        None if v is None or incomplete or v > IMPOSSIBLE_CAPAIAN else v for v in cumulative_capaian
    ]
    left_out = sum(
        1 for v, d in zip(cumulative_capaian, drawn, strict=True) if v is not None and d is None
    )
    if left_out:
        title = "\n".join(
            (
                title,
                ngettext(
                    "Data incomplete: %(n)s month not drawn.",
                    "Data incomplete: %(n)s months not drawn.",
                    left_out,
                )
                % {"n": left_out},
            )
        )
    cumulative_capaian = drawn
    known = [v for v in (*cumulative_capaian, *target_path) if v is not None]
    ticks = axis_ticks(max([Decimal(1), *known]))
    chart = pygal.Line(
        **_config(
            (BRAND, ACCENT),
            LINE,
            title=title,
            height=420,
            range=(0, float(ticks[-1])),
            y_labels=[float(t) for t in ticks],
            value_formatter=lambda v: format_percent(Decimal(str(v)), 0),
            x_label_rotation=0,
            show_minor_x_labels=len(months) <= 6,
            x_labels_major_every=3 if len(months) > 6 else None,
            dots_size=4,
            stroke_style={"width": 3},
            print_values=False,
        )
    )
    chart.x_labels = [month_label(m) for m in months]
    capaian_values = [
        None if v is None else {"value": float(v), "formatter": lambda _v, v=v: format_percent(v)}
        for v in cumulative_capaian
    ]
    chart.add(capaian_label or _("Cumulative capaian"), capaian_values)
    target_values = [
        None
        if v is None
        else {"value": float(v), "formatter": lambda _v, v=v: format_percent(v, 0)}
        for v in target_path
    ]
    chart.add(
        target_label or _("Target"),
        target_values,
        stroke_style={"width": 2, "dasharray": "8,5"},
        print_values=True,
    )
    return _finish(chart, "trend", title)


# ------------------------------------------------------------------ perangkat daerah


@_remembered
def units_chart(
    rows: Sequence[tuple[str, Decimal | None]],
    target: Decimal,
    *,
    title: str | None = None,
) -> SafeString:
    """Horizontal bars of the capaian PDN per perangkat daerah in the given order (first on
    top), coloured by traffic light, with the target as a dashed reference line."""
    title = title or _("Capaian PDN per perangkat daerah")
    known = [v for _name, v in rows if v is not None]
    top = max([Decimal(1), target, *known])
    guides = sorted({*axis_ticks(top), target})
    series = (
        ("green", _("At or above the target")),
        ("amber", _("Within 10 points of the target")),
        ("red", _("More than 10 points below")),
    )
    chart = pygal.HorizontalStackedBar(
        **_config(
            (OK, WARN, BAD, INK),
            title=title,
            height=max(260, 170 + 30 * len(rows)),
            range=(0, float(top) * 1.2),  # room for the printed values
            y_labels=[{"value": float(g), "label": format_percent(g, 0)} for g in guides],
            y_labels_major=[float(target)],
            show_minor_y_labels=True,
            value_formatter=lambda v: "",  # each bar prints its own value, empty places nothing
            margin_left=24,
            print_values=True,
            print_values_position="top",
            legend_at_bottom_columns=1,  # the legend starts where the plot does: little room
        )
    )
    ordered = list(reversed(rows))
    chart.x_labels = [_short(name) for name, _value in ordered]
    for colour, label in series:
        values: list[dict[str, Any] | None] = []
        for _name, value in ordered:
            if value is not None and light(str(value), target) == colour:
                values.append(
                    {"value": float(value), "formatter": lambda _v, v=value: format_percent(v)}
                )
            else:
                values.append(None)
        chart.add(label, values)
    chart.add(_("Target %(target)s (dashed line)") % {"target": format_percent(target, 0)}, [])
    return _finish(chart, "units", title, bars=True)
