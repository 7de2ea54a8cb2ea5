"""``p3dn catalog substitutes QUERY [--format json|table]`` (p3dn/cli.py routes it here): the
domestic alternatives of a text; ``p3dn catalog substitutes --scan --klpd D197 --tahun 2023``:
scan a Pemda-year's non-PDN packages and realization and store the result."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from p3dn.accounts.access import get_pemda_by_klpd_for
from p3dn.catalog.substitutes import finder, queries, services


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= finder.PER_TEXT:
        raise ValueError(text)
    return int(text)


_limit.__name__ = f"a number from 1 to {finder.PER_TEXT}"


def _year(text: str) -> int:
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValueError(text)
    return int(text)


_year.__name__ = "a fiscal year from 2000 to 2100"


class Command(BaseCommand):
    help = ("Domestic alternatives of imported goods: p3dn catalog substitutes QUERY "
            "[--limit N] [--format json|table]; p3dn catalog substitutes --scan --klpd D197 "
            "--tahun 2023 stores the alternatives of a Pemda-year's non-PDN spending.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="?", help="what is bought from abroad, e.g. \"pompa\"")
        parser.add_argument("--limit", type=_limit, default=20,
                            help=f"alternatives to print (1 to {finder.PER_TEXT}, default 20)")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--scan", action="store_true",
                            help="scan a Pemda-year (with --klpd and --tahun)")
        parser.add_argument("--klpd", help="the Pemda's LKPP code, e.g. D197")
        parser.add_argument("--tahun", type=_year, help="the fiscal year")

    def handle(self, *args: Any, query: str | None, limit: int, format: str, scan: bool,
               klpd: str | None, tahun: int | None, **options: Any) -> None:
        if scan:
            self._scan(klpd, tahun, format)
            return
        if not query or not query.strip() or "\x00" in query or len(query) > 200:
            raise CommandError("give what to look for (up to 200 characters), e.g. "
                               "p3dn catalog substitutes \"pompa air\", or --scan")
        found = queries.alternatives_of(query.strip())
        answer = queries.found_record(query.strip(), found, limit)
        if format == "json":
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        tier = answer["tingkat_pembelian"]
        self.stdout.write(f"{answer['total']} domestic alternatives"
                          + (f"; tier {tier['tingkat']}: {tier['keterangan']}" if tier else ""))
        for n, row in enumerate(answer["results"], start=1):
            tkdn = f"{float(row['tkdn']) * 100:.2f}%" if row["tkdn"] else "-"
            price = f"Rp {row['harga']} ({row['wilayah_harga'] or '-'})" if row["harga"] else "-"
            self.stdout.write(f"{n:>3}. {row['produk'][:50]:<50} {row['perusahaan'][:30]:<30} "
                              f"TKDN {tkdn:>8}  {price}")

    def _scan(self, klpd: str | None, tahun: int | None, format: str) -> None:
        if not klpd or tahun is None:
            raise CommandError("--scan needs --klpd (e.g. D197) and --tahun (e.g. 2023)")
        try:
            pemda = get_pemda_by_klpd_for(None, klpd)
        except Http404:
            raise CommandError(f"no Pemda has the KLPD code {klpd!r}") from None
        done = services.scan(pemda=pemda, tahun=tahun, user="cli")
        whole = queries.totals(done)
        answer = {
            "klpd": pemda.kd_klpd, "tahun": tahun, "baris": done.rows,
            "baris_ada_alternatif": done.rows_with_alternatives,
            "potensi_pdn_rencana": str(whole.potensi_rencana),
            "potensi_pdn_realisasi": str(whole.potensi_realisasi),
            "detik": done.seconds,
        }
        if format == "json":
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"scanned {pemda.name} {tahun}: {done.rows} non-PDN rows, "
            f"{done.rows_with_alternatives} with a domestic alternative; potensi PDN "
            f"Rp {whole.potensi_rencana} (RUP), Rp {whole.potensi_realisasi} (realization); "
            f"{done.seconds} s")
