from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from p3dn.accounts.access import get_pemda_by_klpd_for
from p3dn.accounts.models import Pemda
from p3dn.monitoring.monev import queries, services
from p3dn.monitoring.monev.models import Snapshot


class Command(BaseCommand):
    help = "Monev snapshots: take one now, take the scheduled ones that are due, or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        snap = sub.add_parser("snapshot", help="take a snapshot of a Pemda-year now")
        snap.add_argument("--klpd", required=True, help="LKPP code of the Pemda, e.g. D197")
        snap.add_argument("--year", type=int, required=True, help="fiscal year")
        snap.add_argument(
            "--as-of", dest="as_of", default=None, help="on the data as it stood on YYYY-MM-DD"
        )
        snap.add_argument("--note", default="", help="a note stored with the snapshot")
        snap.add_argument("--json", action="store_true", help="print the stored figures as JSON")
        due = sub.add_parser("due", help="take the scheduled snapshots that are due")
        due.add_argument("--today", default=None, help="act as if today were YYYY-MM-DD")
        lst = sub.add_parser("list", help="list the snapshots of a Pemda")
        lst.add_argument("--klpd", required=True, help="LKPP code of the Pemda, e.g. D197")
        lst.add_argument("--year", type=int, default=None, help="fiscal year")
        lst.add_argument("--json", action="store_true", help="print JSON lines")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "snapshot":
            self._snapshot(**options)
        elif action == "due":
            taken = services.take_due_snapshots(_day(options["today"], "--today"))
            for snapshot in taken:
                self.stdout.write(_line(snapshot))
            self.stdout.write(f"{len(taken)} scheduled snapshot(s) taken")
        else:
            pemda = _pemda(options["klpd"])
            qs = queries.list_snapshots(Snapshot.objects.all(), pemda=pemda, tahun=options["year"])
            for snapshot in qs.select_related("pemda"):
                if options["json"]:
                    self.stdout.write(json.dumps(_summary(snapshot), ensure_ascii=False))
                else:
                    self.stdout.write(_line(snapshot))

    def _snapshot(
        self, *, klpd: str, year: int, as_of: str | None, note: str, json: bool, **_: Any
    ) -> None:
        snapshot = services.take_snapshot(
            pemda=_pemda(klpd),
            tahun=year,
            kind=Snapshot.Kind.ON_DEMAND,
            data_as_of=_day(as_of, "--as-of"),
            catatan=note,
        )
        if json:
            out = {**_summary(snapshot), "figures": snapshot.figures}
            self.stdout.write(_json(out))
        else:
            self.stdout.write(_line(snapshot))


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _pemda(klpd: str) -> Pemda:
    try:
        return get_pemda_by_klpd_for(None, klpd)
    except Http404:
        raise CommandError(f"no Pemda has the LKPP code {klpd!r}", returncode=2) from None


def _day(text: str | None, option: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise CommandError(f"{option} must be YYYY-MM-DD, not {text!r}", returncode=2) from None


def _summary(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "id": snapshot.pk,
        "klpd": snapshot.pemda.kd_klpd,
        "tahun": snapshot.tahun,
        "kind": snapshot.kind,
        "taken_at": snapshot.taken_at.isoformat(),
        "data_as_of": snapshot.data_as_of.isoformat(),
        "realisasi_pdn": snapshot.figures.get("realisasi_pdn"),
        "capaian_pdn": snapshot.figures.get("capaian_pdn"),
    }


def _line(snapshot: Snapshot) -> str:
    s = _summary(snapshot)
    return (
        f"#{s['id']} {s['klpd']} {s['tahun']} {s['kind']} taken {s['taken_at']} "
        f"data as of {s['data_as_of']}: realisasi_pdn {s['realisasi_pdn']}, "
        f"capaian_pdn {s['capaian_pdn']}"
    )
