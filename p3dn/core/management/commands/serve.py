from __future__ import annotations

import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "Serve p3dn with the waitress WSGI server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not process queued imports in this process (run "
            "`p3dn worker --loop` separately instead)",
        )

    def handle(
        self, *args: Any, host: str, port: int, threads: int, no_worker: bool, **options: Any
    ) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database is not up to date: run `p3dn migrate` first")
        from waitress import serve

        from p3dn.wsgi import application

        if not no_worker:
            threading.Thread(target=_work_forever, name="p3dn-import-worker", daemon=True).start()
        self.stdout.write(f"p3dn serving on http://{host}:{port}/  (Ctrl+C stops)")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="p3dn")


def _work_forever() -> None:
    """Process queued imports (and after each applied one sync the product registry) and take
    due Monev snapshots beside the web server (small installs need one process only)."""
    from django.db import close_old_connections

    from p3dn.core import worker
    from p3dn.imports import services

    idle = worker.Idle()
    while True:
        close_old_connections()
        run = services.next_pending()
        if run is None:
            idle()
            time.sleep(2)
            continue
        worker.process(run)
