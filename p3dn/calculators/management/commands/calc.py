from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from p3dn.calculators.shapes import public_output
from p3dn.rules.errors import RuleInputError
from p3dn.rules.registry import RULES


class Command(BaseCommand):
    help = "Run a P3DN rule on JSON input (a file or - for standard input) and print JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule", nargs="?", help="rule name (see --list)")
        parser.add_argument("file", nargs="?", default="-", help="JSON input file, or - (stdin)")
        parser.add_argument("--list", action="store_true", help="list the rules and exit")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="add the explanation steps and unconfirmed defaults",
        )
        parser.add_argument(
            "--example",
            action="store_true",
            help="print the rule's example input instead of computing",
        )

    def handle(
        self,
        *args: Any,
        rule: str | None,
        file: str,
        list: bool,
        example: bool,
        explain: bool,
        **options: Any,
    ) -> None:
        if list or not rule:
            width = max(len(name) for name in RULES)
            for name, item in RULES.items():
                self.stdout.write(f"{name.ljust(width)}  {item.computation:6} {item.title_en}")
            return
        if rule not in RULES:
            raise CommandError(
                f"unknown rule {rule!r}; `p3dn calc --list` shows them", returncode=2
            )
        if example:
            self.stdout.write(json.dumps(RULES[rule].example_input, indent=2, ensure_ascii=False))
            return
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{file}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", returncode=2
            ) from None
        try:
            result = public_output(rule, RULES[rule].run(payload), explain=explain)
        except RuleInputError as exc:
            lines = "\n".join(f"  {e['field'] or '(input)'}: {e['message_en']}" for e in exc.errors)
            raise CommandError(f"invalid input for {rule}:\n{lines}", returncode=2) from None
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
