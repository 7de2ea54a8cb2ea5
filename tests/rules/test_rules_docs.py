"""docs/calc.md cannot drift: it is generated from the registry, and every example it shows is
re-run here and compared with the output it documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

from p3dn.rules.calcdoc import render
from p3dn.rules.registry import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "calc.md"
SECTION = re.compile(r"^## `(?P<name>[a-z_0-9]+)`", re.M)
BLOCK = re.compile(r"```json\n(.*?)\n```", re.S)


def sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = list(SECTION.finditer(text))
    out = {}
    for match, following in zip(found, [*found[1:], None], strict=True):
        end = following.start() if following else text.index("\n## Errors")
        out[match["name"]] = text[match.end() : end]
    return out


def test_calc_md_is_the_generated_document():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/calc.md is out of date: run `python -m p3dn.rules.calcdoc`"
    )


def test_every_rule_is_documented_with_one_example():
    assert list(sections()) == list(RULES)


def test_every_documented_example_gives_the_documented_output():
    for name, body in sections().items():
        example, output = (json.loads(block) for block in BLOCK.findall(body))
        assert RULES[name].run(example) == output, name
