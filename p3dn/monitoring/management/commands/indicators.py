from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from p3dn.accounts.access import get_pemda_by_klpd_for
from p3dn.lib.csvfile import write_csv
from p3dn.monitoring.indicators import PemdaYear
from p3dn.procurement.sums import CHANNELS, Filters


class Command(BaseCommand):
    help = "Print the P3DN indicators of a Pemda and fiscal year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--klpd", required=True, help="LKPP code of the Pemda, e.g. D197")
        parser.add_argument("--year", type=int, required=True, help="fiscal year")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="compute on the data as it stood on YYYY-MM-DD",
        )
        parser.add_argument("--by", choices=["satker", "channel", "month"], default=None)
        parser.add_argument("--format", choices=["json", "csv", "table"], default="json")
        parser.add_argument(
            "--channel",
            action="append",
            choices=CHANNELS,
            default=[],
            help="only this realization channel (repeatable)",
        )
        parser.add_argument("--jenis", default="", help="only RUP packages of this jenis_pengadaan")
        parser.add_argument("--metode", default="", help="only RUP packages of this method")
        parser.add_argument("--sumber-dana", dest="sumber_dana", default="", help="source of funds")

    def handle(
        self,
        *args: Any,
        klpd: str,
        year: int,
        as_of: str | None,
        by: str | None,
        format: str,
        channel: list[str],
        jenis: str,
        metode: str,
        sumber_dana: str,
        **options: Any,
    ) -> None:
        try:
            pemda = get_pemda_by_klpd_for(None, klpd)
        except Http404:
            raise CommandError(f"no Pemda has the LKPP code {klpd!r}", returncode=2) from None
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of must be YYYY-MM-DD, not {as_of!r}", returncode=2) from None
        filters = Filters(tuple(channel), jenis.strip(), metode.strip(), sumber_dana.strip())
        result = PemdaYear(pemda=pemda, tahun=year, as_of=day, filters=filters).json(by)
        if format == "json":
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        elif format == "csv":
            self._csv(result)
        else:
            self._table(result)

    def _flat_rows(self, result: dict[str, Any]) -> list[dict[str, Any]]:
        rows = result.get("rows") or [result]
        flat = []
        for row in rows:
            item = {
                k: v
                for k, v in row.items()
                if k not in ("realisasi", "warnings", "rows", "filters", "indikator_pk")
            }
            for part, value in (row.get("indikator_pk") or {}).items():
                if part == "alasan":
                    value = " ".join(reason["message"] for reason in value)
                if part != "definisi":
                    item[f"indikator_pk_{part}"] = value
            for channel in CHANNELS:
                for part, value in (row.get("realisasi") or {}).get(channel, {}).items():
                    item[f"{channel}_{part}"] = value
            flat.append(item)
        return flat

    def _csv(self, result: dict[str, Any]) -> None:
        rows = self._flat_rows(result)
        fields = list(rows[0])
        write_csv(sys.stdout, [fields, *([row.get(f, "") for f in fields] for row in rows)])

    def _table(self, result: dict[str, Any]) -> None:
        self.stdout.write(
            f"{result['pemda']} ({result['klpd']}) {result['tahun']}"
            + (f" as of {result['as_of']}" if result["as_of"] else "")
        )
        sources = result.get("rows") or [result]
        for row, source in zip(self._flat_rows(result), sources, strict=True):
            label = row.get("kd_satker") or row.get("bulan") or row.get("channel") or "total"
            self.stdout.write(f"-- {label} {row.get('nama_satker', '')}".rstrip())
            for key, value in row.items():
                if key not in (
                    "kd_satker",
                    "bulan",
                    "channel",
                    "nama_satker",
                    "klpd",
                    "pemda",
                    "tahun",
                    "as_of",
                ):
                    self.stdout.write(f"   {key:38} {value}")
            if source is not result:  # the whole year's warnings follow the rows
                for warning in source.get("warnings") or []:
                    self.stdout.write(f"   {warning_line(warning)}")
        for warning in result["warnings"]:
            self.stdout.write(warning_line(warning))


def warning_line(warning: dict[str, Any]) -> str:
    """One warning of the JSON as a line: its code, its sentence, its rows and rupiah."""
    rows = f"{warning['count']} rows, Rp {warning['nilai']}" if warning.get("count") else ""
    return f"warning {warning['code']}: {warning['message']}" + (f" ({rows})" if rows else "")
