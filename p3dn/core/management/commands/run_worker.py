from __future__ import annotations

import contextlib
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from p3dn.imports import services
from p3dn.monitoring import monev


class Command(BaseCommand):
    help = "Process queued imports (once, or forever with --loop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep waiting for new imports")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls")

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        monev_due = monev.Every(monev.DUE_CHECK_SECONDS)
        while not self.stopping:
            run = services.next_pending()
            if run is not None:
                with contextlib.suppress(services.ImportBusy):  # recorded on the run
                    services.run_import(run, progress=services.progress_writer(run))
                self.stdout.write(f"run {run.pk} {run.file_name}: {run.status}")
                continue
            if monev_due():  # scheduled Monev snapshots, checked at most once an hour
                monev.take_due_snapshots_safely()
            if not loop:
                break
            time.sleep(interval)

    def _stop(self, *args: Any) -> None:
        self.stopping = True
