"""``p3dn catalog <sub>``: the registry of domestic producers, products and certificates."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from p3dn.catalog.sync import registry_counts, sync_registry


class Command(BaseCommand):
    help = "The domestic product registry: p3dn catalog sync [--full] [--json]."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser(
            "sync",
            help="take the imported TKDN lists and e-Katalog products and providers into the "
            "registry (only what was imported since the last sync)",
        )
        sync.add_argument(
            "--full", action="store_true",
            help="read every imported fact again (after an upgrade of the matching rules)",
        )
        sync.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "sync":
            result = sync_registry(full=options["full"], actor="cli")
            counts = {**result.as_dict(), "registry": registry_counts()}
            if options["json"]:
                self.stdout.write(json.dumps(counts, ensure_ascii=False, indent=2))
                return
            if not result.facts_read:
                self.stdout.write("registry up to date: nothing imported since the last sync")
            else:
                self.stdout.write(
                    f"read {result.facts_read} facts in {result.seconds} s: "
                    f"{result.producers_created} producers, {result.products_created} products, "
                    f"{result.certificates_created} certificates created; "
                    f"{result.producers_updated} producers, {result.products_updated} products, "
                    f"{result.certificates_updated} certificates updated; "
                    f"{result.sources_added} sources added"
                )
            total = counts["registry"]
            self.stdout.write(
                f"registry: {total['producers']} producers, {total['products']} products, "
                f"{total['certificates']} certificates"
            )
