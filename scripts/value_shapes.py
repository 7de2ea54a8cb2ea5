"""Report the value shapes of the real data files that an import must read right.

    .venv/bin/python scripts/value_shapes.py [DATA_DIR]     # default: ../shared/data

Reads every data file under DATA_DIR (JSON, Parquet, XLSX, CSV, the HTML-table export; what
p3dn's readers refuse is named with their reason) and prints, per file, each shape found:

- ``multi``: a coded or short field written ';'-separated (several kd_rup, "APBD;APBDP",
  "3;3;4"), with how many rows repeat a value inside one field;
- ``sentinel``: 999.99 / 999,99 in a percentage field (Kemenperin's "not applicable");
- ``excel-time``: a percentage that Excel turned into a time ("37.01.00");
- ``percent-text``: a percentage written as text with its sign ("56.79%");
- ``date``: a date format other than ISO (YYYY-MM-DD with or without a time);
- ``blank-number``: '' or '-' in a field that otherwise holds numbers;
- ``mixed-types``: a field holding numbers in some rows and text in others;
- ``json-text``: a JSON object or list written as a string;
- ``duplicates``: rows that are exact copies of an earlier row.

The findings and how p3dn handles each are in docs/imports.md ("Value shapes in the real
files"); tests/test_value_shapes.py has one test per shape. Uses no database.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from p3dn.lib.readers import UnreadableFile, open_rows

# A ';'-separated value is a set of codes or names when each part is short and not prose.
_PART = re.compile(r"^[\w .,/()&'-]{1,40}$")
_PROSE = re.compile(r"<|\n|:")
_EXCEL_TIME = re.compile(r"^\d{1,3}\.\d{2}\.\d{2}$")
_PERCENT_TEXT = re.compile(r"^\s*\d+([.,]\d+)?\s*%\s*$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}( .*)?$")
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
_SENTINELS = ("999.99", "999,99")


@dataclass
class Shapes:
    rows: int = 0
    duplicates: int = 0
    multi: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    found: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    kinds: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


def _kind(value: Any) -> str:
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | Decimal | float):
        return "number"
    if isinstance(value, str):
        return "number-text" if _NUMBER.match(value.strip()) else "text"
    return type(value).__name__


def _look(shapes: Shapes, name: str, value: Any) -> None:
    shapes.kinds[name][_kind(value)] += 1
    if isinstance(value, int | Decimal) and str(value) in _SENTINELS and "tkdn" in name.lower():
        shapes.found[("sentinel", name)].append(str(value))
    if not isinstance(value, str):
        return
    text = value.strip()
    if ";" in text and not _PROSE.search(text):
        parts = [p.strip() for p in text.split(";") if p.strip()]
        if parts and all(_PART.match(p) for p in parts):
            shapes.multi[name].append(text)
    if text in _SENTINELS or text.rstrip("%").strip() in _SENTINELS:
        shapes.found[("sentinel", name)].append(text)
    elif _EXCEL_TIME.match(text):
        shapes.found[("excel-time", name)].append(text)
    elif _PERCENT_TEXT.match(text):
        shapes.found[("percent-text", name)].append(text)
    if _DATE_LIKE.match(text) and not _ISO.match(text) and not _EXCEL_TIME.match(text):
        shapes.found[("date", name)].append(text)
    if text[:1] in "{[" and text[-1:] in "}]":
        try:
            json.loads(text)
        except ValueError:
            return
        shapes.found[("json-text", name)].append(text[:60])


def scan(path: Path) -> Shapes | str:
    shapes = Shapes()
    seen: set[str] = set()
    try:
        with open_rows(path) as rows:
            for _number, row in rows:
                shapes.rows += 1
                fingerprint = repr(sorted(row.items()))
                if fingerprint in seen:
                    shapes.duplicates += 1
                seen.add(fingerprint)
                for name, value in row.items():
                    _look(shapes, name, value)
    except UnreadableFile as exc:
        return f"refused: {exc.reason}"
    return shapes


def report(path: Path, shapes: Shapes) -> list[str]:
    lines = []
    for name, values in sorted(shapes.multi.items()):
        repeated = sum(1 for v in values if len(set(p.strip() for p in v.split(";"))) < len(
            [p for p in v.split(";") if p.strip()]))
        lines.append(f"  multi        {name}: {len(values)} rows ({repeated} repeat a value), "
                     f"e.g. {Counter(values).most_common(1)[0][0]!r}")
    for (shape, name), values in sorted(shapes.found.items()):
        lines.append(f"  {shape:<12} {name}: {len(values)} rows, e.g. {values[0]!r}")
    for name, kinds in sorted(shapes.kinds.items()):
        numeric = kinds["number"] + kinds["number-text"]
        if numeric and kinds["blank"] and numeric >= kinds["text"] * 4:
            lines.append(f"  blank-number {name}: {kinds['blank']} blank of {sum(kinds.values())}")
        if kinds["number"] and kinds["text"] + kinds["number-text"]:
            lines.append(f"  mixed-types  {name}: {dict(kinds)}")
    if shapes.duplicates:
        lines.append(f"  duplicates   {shapes.duplicates} of {shapes.rows} rows")
    return lines


def main(argv: list[str]) -> int:
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    root = Path(argv[1]) if len(argv) > 1 else default
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.name.lower().startswith("readme") or path.suffix == ".sql":
            continue
        shapes = scan(path)
        name = path.relative_to(root)
        if isinstance(shapes, str):
            print(f"{name}: {shapes}")
            continue
        lines = report(path, shapes)
        print(f"{name}: {shapes.rows} rows" + ("" if lines else ", no shape of note"))
        print("\n".join(lines)) if lines else None
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
