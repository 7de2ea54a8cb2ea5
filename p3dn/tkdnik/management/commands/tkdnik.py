"""``p3dn tkdnik <sub>``: the TKDN-IK pipeline from the command line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from p3dn.accounts.access import get_pemda_by_klpd_for
from p3dn.tkdnik import services


class Command(BaseCommand):
    help = "The TKDN-IK pipeline: p3dn tkdnik match-certificates [--klpd D107] [--json]."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        match = sub.add_parser(
            "match-certificates",
            help="close the open candidates whose certificate the registry now holds (run "
            "after p3dn catalog sync; it runs on its own after it)",
        )
        match.add_argument("--klpd", help="only this Pemda's candidates (LKPP code, e.g. D107)")
        match.add_argument("--json", action="store_true", help="print the result as JSON")
        match.add_argument("--quiet", action="store_true", help="print nothing when none closed")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        pemda = None
        if options.get("klpd"):
            try:
                pemda = get_pemda_by_klpd_for(None, options["klpd"])
            except Http404:
                raise CommandError(f"no Pemda with LKPP code {options['klpd']}") from None
        closed = services.match_certificates(actor="cli", pemda=pemda)
        if options["json"]:
            self.stdout.write(json.dumps(
                {"closed": [{"candidate": c.pk, "certificate": c.certificate_id,
                             "decided_on": c.decided_on} for c in closed]},
                default=str, indent=2))
            return
        line = f"TKDN-IK: {len(closed)} candidates closed by a registry certificate"
        if not options["quiet"]:
            self.stdout.write(line)
        elif closed:  # after a sync: a report on stderr, like the other follow-ups
            self.stderr.write(line)
