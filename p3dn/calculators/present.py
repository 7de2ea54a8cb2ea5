"""A rule's result as labelled, Indonesian-formatted text: one presentation for the page, the
PDF and the Excel file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from p3dn.calculators.pages import CODE_LABELS, Out, Page
from p3dn.lib.money import format_number, format_percent, format_rupiah
from p3dn.rules.params import Confidence, param_info


@dataclass
class Presented:
    scalars: list[tuple[str, str]]
    tables: list[tuple[str, list[str], list[list[str]]]]
    explanation: list[str]
    legal_basis: str
    unconfirmed: list[str]
    warnings: list[str]


def text(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "bool":
        return _("Yes") if value else _("No")
    if kind == "percent":
        return format_percent(Decimal(str(value)))
    if kind == "fraction_percent":
        return format_percent(Decimal(str(value)), 0)
    if kind == "money":
        return format_rupiah(Decimal(str(value)))
    if kind == "money2":
        return "Rp " + format_number(Decimal(str(value)), 2)
    if kind == "list":
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _cells(item: dict[str, Any], columns: tuple[Out, ...], labels: dict[Any, Any]) -> list[str]:
    return [
        str(labels[item[c.key]])
        if c.kind == "text" and isinstance(item.get(c.key), str) and item[c.key] in labels
        else text(item.get(c.key), c.kind)
        for c in columns
    ]


def _code_labels(page: Page) -> dict[Any, Any]:
    """Every code the page's choices name, with its label, plus the rules' own codes."""
    labels: dict[Any, Any] = dict(CODE_LABELS)
    for table in page.tables:
        for column in table.columns:
            labels.update(dict(column.choices))
    return labels


def _ranked(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with a rank are shown best first."""
    if items and all(isinstance(i.get("rank"), int) for i in items):
        return sorted(items, key=lambda i: i["rank"])
    return items


def present(page: Page, result: dict[str, Any]) -> Presented:
    labels = {f.key: dict(f.choices) for f in page.fields if f.choices}
    codes = _code_labels(page)
    scalars = [
        (
            str(o.label),
            str(labels[o.key].get(result[o.key], result[o.key]))
            if o.key in labels
            else text(result.get(o.key), o.kind),
        )
        for o in page.results
        if o.key in result
    ]
    tables = [
        (
            str(t.label),
            [str(c.label) for c in t.columns],
            [_cells(item, t.columns, codes) for item in _ranked(result.get(t.key) or [])],
        )
        for t in page.result_tables
        if result.get(t.key)
    ]
    return Presented(
        scalars=scalars,
        tables=tables,
        explanation=list(result.get("explanation") or []),
        legal_basis=str(result.get("legal_basis", "")),
        unconfirmed=[_unconfirmed(n) for n in result.get("unconfirmed") or []],
        warnings=[str(w) for w in result.get("warnings") or []],
    )


def _unconfirmed(name: str) -> str:
    """What an unconfirmed parameter or assumption is, in the active language, why it is not
    confirmed, and the regulation it comes from when that is a citation a reader can look up
    (the developers' notes behind a default stay in docs/calc.md)."""
    try:
        info = param_info(name)
    except (KeyError, ValueError):
        return name
    english = (translation.get_language() or "id").startswith("en")
    label = info.label_en if english else info.label_id
    why = _WHY[info.confidence]() if info.kind != "assumption" else _("an assumption")
    cited = citation(info.source)
    return f"{label}: {why} ({cited})" if cited else f"{label}: {why}"


_WHY = {
    Confidence.CONFIRMED: lambda: _("confirmed"),
    Confidence.SECONDARY: lambda: _("taken from a secondary source"),
    Confidence.CONFLICT: lambda: _("the sources differ; the default is used"),
    Confidence.NOT_FOUND: lambda: _("not found in the regulations read; the default is used"),
}
# A source that names a regulation: "Perpres 12/2021 Pasal 67 ayat (3)", "Permenperin 35/2025".
_REGULATION = re.compile(r"\b(Perpres|Permenperin|PP|UU|Inpres|Permendagri|Kepmenperin|Perlem)\b")
# Notes meant for developers, not citations.
_NOTE = re.compile(
    r"DOMAIN\.md|\bnot (found|read)\b|\breading\b|\bsummary\b|\bassumed\b|\bkept\b|https?:|\.com\b"
)


def citation(source: str) -> str:
    """The regulation a default comes from, fit for a public page, or ``""`` when the source is
    a working note (a DOMAIN.md section, "not found", a news site)."""
    if not _REGULATION.search(source) or _NOTE.search(source):
        return ""
    return source
