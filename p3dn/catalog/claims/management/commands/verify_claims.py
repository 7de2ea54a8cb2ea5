"""``p3dn catalog verify``: check every TKDN claim against the registry and replace the stored
findings (the worker does it after each registry sync; ``p3dn catalog sync`` too)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from p3dn.catalog.claims.services import verify_claims


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of wants a date like 2026-05-27, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Verify the TKDN claims of e-Katalog listings and hand-entered certificates against "
        "the registry: p3dn catalog verify [--as-of YYYY-MM-DD] [--json]."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", type=str, default=None,
                            help="the date certificate validity is judged on (default today)")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _day(options["as_of"]) if options["as_of"] else None
        run = verify_claims(as_of=as_of, actor="cli")
        if options["quiet"]:
            return
        if options["json"]:
            self.stdout.write(json.dumps(
                {"as_of": run.as_of.isoformat(), "claims": run.claims,
                 "rule": run.rule_version, "tolerance": str(run.tolerance),
                 "outcomes": run.counts}, indent=2))
            return
        counts = ", ".join(f"{k} {v}" for k, v in run.counts.items())
        self.stdout.write(f"verified {run.claims} TKDN claims as of {run.as_of}: {counts}")
