from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from p3dn.core import worker
from p3dn.imports import services


class Command(BaseCommand):
    help = (
        "Process queued imports (once, or forever with --loop); after each applied import "
        "the product registry takes in the new data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep waiting for new imports")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls")

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        idle = worker.Idle()
        while not self.stopping:
            run = services.next_pending()
            if run is not None:
                worker.process(run)
                self.stdout.write(f"run {run.pk} {run.file_name}: {run.status}")
                continue
            idle()
            if not loop:
                break
            time.sleep(interval)

    def _stop(self, *args: Any) -> None:
        self.stopping = True
