"""Between a calculator page's form fields and the rule's JSON payload.

The form posts flat names: ``f-<field>`` for single fields and ``t-<table>-<row>-<column>`` for
table cells. ``read_form`` turns them into the payload the rule takes (percent typed as "60"
becomes "0.60"; "1.050.000.000" becomes "1050000000") and keeps what the user typed so the page
can show it again with an error under the very cell that is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from p3dn.calculators.pages import Field, Page, Table
from p3dn.lib.money import format_number, parse_number
from p3dn.rules.bmp import BMP_MENUS
from p3dn.rules.errors import FieldError
from p3dn.web.rule_errors import message_for

MAX_ROWS = 200


@dataclass
class Cell:
    name: str
    field: Field
    value: str
    errors: list[str] = dc_field(default_factory=list)


@dataclass
class FormState:
    """What the page shows: every cell with its text and errors, plus the errors of no cell."""

    fields: list[Cell]
    tables: list[tuple[Table, list[list[Cell]]]]
    errors: list[str] = dc_field(default_factory=list)
    payload: dict[str, Any] = dc_field(default_factory=dict)
    # payload path prefix (e.g. "bids[1]") → the row of the form it came from
    row_of: dict[str, list[Cell]] = dc_field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(c.errors for c in self.all_cells())

    def all_cells(self) -> list[Cell]:
        cells = list(self.fields)
        for _table, rows in self.tables:
            for row in rows:
                cells.extend(row)
        return cells


def choices_for(page: Page, column: Field) -> tuple[tuple[str, Any], ...]:
    if page.rule == "bmp" and column.key == "kode":
        return tuple(
            (f.code, f"{f.label_id} ({reg.replace('permenperin', '').replace('_', '/')})")
            for reg, menu in BMP_MENUS.items()
            for f in menu
        )
    return column.choices


# ------------------------------------------------------------------ values to text and back


def _display(value: Any, kind: str) -> str:
    """A payload value as the user would type it."""
    if value is None:
        return ""
    if kind == "bool":
        return "on" if value else ""
    if kind == "percent":
        return format_number(Decimal(str(value)) * 100, 2).rstrip("0").rstrip(",")
    if kind == "money":
        amount = Decimal(str(value))
        places = 0 if amount == amount.to_integral_value() else 2
        return format_number(amount, places)
    return str(value)


def _get(data: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        data = data.get(part) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _parse(cell: Cell) -> tuple[bool, Any]:
    """(present, value for the payload); records an Indonesian error on the cell if invalid."""
    text = cell.value.strip()
    kind = cell.field.kind
    if kind == "bool":
        return True, bool(text)
    if not text:
        if cell.field.required:
            cell.errors.append(_("Required."))
        return False, None
    if kind in ("money", "percent", "number"):
        try:
            number = parse_number(text)
        except ValueError:
            cell.errors.append(_("“%(text)s” is not a number.") % {"text": text})
            return False, None
        if number < 0:
            cell.errors.append(_("Must not be negative."))
            return False, None
        if kind == "percent":
            if number > cell.field.max_percent:
                cell.errors.append(_("At most %(max)s%%.") % {"max": cell.field.max_percent})
                return False, None
            return True, str(number / 100)
        return True, str(number)
    if kind == "date":
        try:
            return True, dt.date.fromisoformat(text).isoformat()
        except ValueError:
            cell.errors.append(_("“%(text)s” is not a date.") % {"text": text})
            return False, None
    if kind == "choice":
        return True, text
    return True, text


# ------------------------------------------------------------------ building the form state


def initial_state(page: Page, example: dict[str, Any]) -> FormState:
    """The page as first shown: the rule's worked example, plus a few empty rows."""
    fields = [Cell(f"f-{f.key}", f, _display(_get(example, f.key), f.kind)) for f in page.fields]
    tables = []
    for table in page.tables:
        rows = []
        for i, item in enumerate(example.get(table.key, [])):
            rows.append(
                [
                    Cell(
                        f"t-{table.key}-{i}-{c.key}",
                        c,
                        _display(item.get(c.key, True if c.key == "certified" else None), c.kind),
                    )
                    for c in table.columns
                ]
            )
        for i in range(len(rows), len(rows) + table.extra_rows):
            rows.append([Cell(f"t-{table.key}-{i}-{c.key}", c, "") for c in table.columns])
        tables.append((table, rows))
    return FormState(fields=fields, tables=tables)


def read_form(page: Page, data: QueryDict, *, add_row: str | None = None) -> FormState:
    """Parse a posted calculator form into cells and the rule's payload."""
    fields = [Cell(f"f-{f.key}", f, data.get(f"f-{f.key}", "")) for f in page.fields]
    state = FormState(fields=fields, tables=[])
    for cell in fields:
        present, value = _parse(cell)
        if present:
            _put(state.payload, cell.field.key, value)
    for table in page.tables:
        count = min(int(data.get(f"rows-{table.key}", "0") or 0), MAX_ROWS)
        if add_row == table.key:
            count += 1
        rows: list[list[Cell]] = []
        items: list[dict[str, Any]] = []
        for i in range(count):
            row = [
                Cell(f"t-{table.key}-{i}-{c.key}", c, data.get(f"t-{table.key}-{i}-{c.key}", ""))
                for c in table.columns
            ]
            rows.append(row)
            if not any(c.value.strip() for c in row if c.field.kind not in ("bool", "choice")):
                continue  # an empty row is no input
            item: dict[str, Any] = {}
            for cell in row:
                present, value = _parse(cell)
                if present and cell.field.kind != "country":
                    item[cell.field.key] = value
            _apply_country(row, item)
            state.row_of[f"{table.key}[{len(items)}]"] = row
            items.append(item)
        state.payload[table.key] = items
        state.tables.append((table, rows))
    return state


DOMESTIC_NAMES = {"indonesia", "ri", "id", "idn", "dalam negeri"}


def _apply_country(row: list[Cell], item: dict[str, Any]) -> None:
    """A country of origin sets the line's origin, or must agree with the one chosen."""
    country = next((c for c in row if c.field.kind == "country" and c.value.strip()), None)
    if country is None:
        return
    origin = "dalam_negeri" if country.value.strip().lower() in DOMESTIC_NAMES else "luar_negeri"
    if "asal" not in item and "kdn" not in item and "tkdn" not in item:
        item["asal"] = origin
    elif item.get("asal") not in (None, origin):
        country.errors.append(
            _("%(country)s does not match the origin chosen.") % {"country": country.value.strip()}
        )


def attach_rule_errors(state: FormState, errors: list[FieldError]) -> None:
    """Put each of the rule's errors under the cell its field path names."""
    by_name = {c.name: c for c in state.fields}
    for error in errors:
        path = error["field"]
        message = message_for(error)
        if f"f-{path}" in by_name:
            by_name[f"f-{path}"].errors.append(message)
            continue
        prefix, _dot, column = path.partition("].")
        row = state.row_of.get(prefix + "]") if column else state.row_of.get(path)
        target = next((c for c in row or [] if c.field.key == column), row[0] if row else None)
        if target is not None:
            target.errors.append(message)
        else:
            state.errors.append(f"{path}: {message}" if path else message)
