"""``p3dn catalog search QUERY [--limit N] [--format json|table]`` (p3dn/cli.py routes it here)
and ``p3dn catalog search --refresh [--full]``: search the registry, or bring its search index
up to date (only the products changed since the last refresh, or ``--full`` all of them)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from p3dn.catalog.search import queries, services


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= queries.MAX_RESULTS:
        raise ValueError(text)
    return int(text)


_limit.__name__ = f"a number from 1 to {queries.MAX_RESULTS}"


class Command(BaseCommand):
    help = ("Search the domestic product registry: p3dn catalog search QUERY [--limit N] "
            "[--format json|table]; p3dn catalog search --refresh brings the search index up to "
            "date (--full: rebuilds it whole).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="?", help="what to look for, e.g. \"pompa air\"")
        parser.add_argument("--limit", type=_limit, default=20,
                            help=f"results to print (1 to {queries.MAX_RESULTS}, default 20)")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--refresh", action="store_true",
                            help="bring the search index up to the registry first (only "
                            "the products changed since the last refresh)")
        parser.add_argument("--full", action="store_true",
                            help="with --refresh: rebuild the whole index")
        parser.add_argument("--if-stale", action="store_true",
                            help="with --refresh: only when the registry changed since the "
                            "last build")

    def handle(self, *args: Any, query: str | None, limit: int, format: str,
               refresh: bool, if_stale: bool, full: bool, **options: Any) -> None:
        if refresh:
            if full or not if_stale or services.index_is_stale():
                done = services.refresh_index(actor="cli", full=full)
                # on stderr: the search's JSON (or `catalog sync --json`) stays clean
                how = "rebuilt" if done.full else \
                    f"{done.analysed} analysed, {done.removed} removed"
                print(f"search index: {done.items} items ({how}), {done.tokens} words, "
                      f"{done.seconds} s", file=sys.stderr)
            if not query:
                return
        if not query or not query.strip() or "\x00" in query or len(query) > 200:
            raise CommandError("give what to look for (up to 200 characters), e.g. "
                               "p3dn catalog search \"pompa air\"")
        page = queries.search(query, limit=limit)
        records = [queries.record(r) for r in page.results]
        if format == "json":
            # total_exact false: more than total match (the count stops at the threshold of
            # a broad query); after the fields of issue 12
            self.stdout.write(json.dumps({"query": query, "total": page.total,
                                          "results": records,
                                          "total_exact": page.total_exact},
                                         ensure_ascii=False, indent=2))
            return
        self._table(page.total, page.total_exact, records)

    def _table(self, total: int, exact: bool, records: list[dict[str, Any]]) -> None:
        found = f"{total}" if exact else f"more than {total}"
        self.stdout.write(f"{found} products found; the first {len(records)}:")
        columns = [("produk", 40), ("perusahaan", 30), ("merk", 14), ("nilai_tkdn", 10),
                   ("berlaku_sampai", 14), ("sumber", 20)]
        self.stdout.write("  ".join(name.ljust(width) for name, width in columns).rstrip())
        for record in records:
            cells = []
            for name, width in columns:
                text = " ".join(str(record[name] if record[name] is not None else "-").split())
                cells.append((text[: width - 1] + "…" if len(text) > width else text)
                             .ljust(width))
            self.stdout.write("  ".join(cells).rstrip())
