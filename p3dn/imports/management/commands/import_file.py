from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from p3dn.imports import datasets, services
from p3dn.imports.engine import Progress
from p3dn.imports.models import ImportRun

OK = {ImportRun.Status.APPLIED, ImportRun.Status.CHECKED}


def run_json(run: ImportRun) -> dict[str, Any]:
    """The documented JSON shape of one run."""
    return {
        "file": run.file_name,
        "dataset": run.dataset,
        "status": run.status,
        "message": run.message,
        "read": run.rows_read,
        "inserted": run.rows_inserted,
        "updated": run.rows_updated,
        "closed": run.rows_closed,
        "unchanged": run.rows_unchanged,
        "rejected": run.rows_rejected,
        "errors": [
            {"row": e.row_number, "field": e.field, "value": e.value, "reason": e.reason}
            for e in (run.row_errors.all() if run.pk else ())
        ],
    }


class Command(BaseCommand):
    help = "Import LKPP / Kemenperin data files (JSON, JSON lines, CSV, Parquet, XLSX, HTML table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dataset", default="", help="force the dataset (ISB service name)")
        parser.add_argument("--klpd", default="", help="the Pemda's LKPP code, e.g. D107")
        parser.add_argument("--year", type=int, default=None, help="fiscal year (tahun anggaran)")
        parser.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        parser.add_argument(
            "--apply-valid-rows",
            action="store_true",
            help="apply the valid rows even when some rows are rejected",
        )
        closing = parser.add_mutually_exclusive_group()
        closing.add_argument(
            "--confirm-close",
            action="store_true",
            help="close the current facts the file no longer lists even when they are many "
            "(the file is a full extract)",
        )
        closing.add_argument(
            "--no-close",
            action="store_true",
            help="apply the file without closing any fact it does not list (a partial file)",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(
        self,
        *args: Any,
        files: list[str],
        dataset: str,
        klpd: str,
        year: int | None,
        dry_run: bool,
        apply_valid_rows: bool,
        confirm_close: bool,
        no_close: bool,
        json: bool,
        **options: Any,
    ) -> None:
        if klpd and not (len(klpd.strip()) <= 10 and klpd.strip().isalnum()):
            raise CommandError("--klpd is an LKPP code of at most 10 letters and digits, e.g. "
                               "D107", returncode=2)
        if dataset:
            try:
                datasets.by_name(dataset)
            except datasets.UnknownDataset as exc:
                raise CommandError(
                    f"{exc}; known: {', '.join(datasets.DATASETS)}", returncode=2
                ) from None
        paths = [Path(f) for f in files]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}", returncode=2)
        closing = ImportRun.Closing.AUTO
        if confirm_close or no_close:
            closing = ImportRun.Closing.CONFIRMED if confirm_close else ImportRun.Closing.NONE
        show_progress = not json and sys.stderr.isatty()
        runs = []
        for path in paths:
            try:
                run = services.import_now(
                    actor=None,
                    path=path,
                    dataset=dataset,
                    klpd=klpd,
                    year=year,
                    dry_run=dry_run,
                    apply_valid_rows=apply_valid_rows,
                    closing=closing,
                    progress=self._progress(path.name) if show_progress else None,
                )
            except services.ImportBusy as exc:  # recorded on its run, if it has one
                run = exc.run or ImportRun(
                    file_name=path.name, status=ImportRun.Status.BUSY, message=str(exc)
                )
            runs.append(run)
            if show_progress:
                sys.stderr.write("\r\033[K")
        if json:
            self.stdout.write(_dumps({"runs": [run_json(r) for r in runs]}))
        else:
            self._table(runs)
        if any(r.status not in OK or r.rows_rejected for r in runs):
            sys.exit(1)

    def _progress(self, name: str) -> Any:
        def show(p: Progress) -> None:
            rate = p.rows / p.seconds if p.seconds else 0
            eta = ""
            if p.fraction:
                remaining = p.seconds * (1 - p.fraction) / p.fraction
                eta = f" · ETA {time.strftime('%M:%S', time.gmtime(remaining))}"
            sys.stderr.write(f"\r\033[K{name}: {p.rows:,} rows · {rate:,.0f} rows/s{eta}")
            sys.stderr.flush()

        return show

    def _table(self, runs: list[ImportRun]) -> None:
        head = (
            "file", "dataset", "status", "read", "inserted", "updated", "closed", "unchanged",
            "rejected",
        )
        rows = [
            (
                r.file_name,
                r.dataset or "?",
                r.status,
                r.rows_read,
                r.rows_inserted,
                r.rows_updated,
                r.rows_closed,
                r.rows_unchanged,
                r.rows_rejected,
            )
            for r in runs
        ]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
        for line in (head, *rows):
            self.stdout.write("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)))
        for run in runs:
            if run.message:
                self.stdout.write(f"{run.file_name}: {run.message}")
            if run.status == ImportRun.Status.NEEDS_CONFIRMATION:
                self.stdout.write(
                    "  run it again with --confirm-close to close them, or with --no-close to "
                    "apply it without closing anything"
                )
            if not run.pk:
                continue
            for err in run.row_errors.all()[:20]:
                self.stdout.write(f"  row {err.row_number} {err.field}={err.value!r}: {err.reason}")
            extra = run.row_errors.count() - 20
            if extra > 0:
                self.stdout.write(f"  … {extra} more errors (see the run in the web app)")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
