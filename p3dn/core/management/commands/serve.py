"""`p3dn serve`: gunicorn's worker processes answer the web, one import worker runs beside them.

This process only supervises: it collects the static files, starts gunicorn (whose master forks
the web workers) and `p3dn worker --loop` as two children in process groups of their own,
restarts the import worker if it dies, and on SIGTERM or Ctrl+C stops both and waits for them.
The import worker is thus one process whatever the number of web workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

# How long the children may take to finish what they are doing once asked to stop.
STOP_GRACE_SECONDS = 35.0
# The import worker is restarted after this pause, doubled while it keeps dying, at most this.
RESTART_PAUSE = (1.0, 60.0)


def cpu_count() -> int:
    """The processors this process may run on (a container's limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """Two worker processes per processor plus one, gunicorn's rule: a page is mostly Python
    (one core per process at most), and while some workers wait on the database or the network
    the others compute. Measured in docs/benchmarks.md, "Server under load"."""
    return 2 * cpu_count() + 1


class Command(BaseCommand):
    help = (
        "Serve p3dn with gunicorn (several worker processes) and run the import worker beside "
        "it; SIGTERM or Ctrl+C stops both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="web worker processes (default: 2 × processors + 1, here %(default)s)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="threads per web worker (default 1: each worker answers one request at a "
            "time, the others wait in the queue of the port and go to the first worker free)",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=120,
            help="seconds a web worker may stay unresponsive before it is restarted (default 120)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not run the import worker beside the server (run "
            "`p3dn worker --loop` separately instead)",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        timeout: int,
        no_worker: bool,
        **options: Any,
    ) -> None:
        if workers < 1 or threads < 1 or timeout < 1:
            raise CommandError("--workers, --threads and --timeout must be at least 1")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database is not up to date: run `p3dn migrate` first")
        # The pages name the static files by a hash of their content (cached for a year): the
        # manifest of those names is written here, quickly when nothing changed.
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()  # this process only supervises from now on

        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        children = [
            Child(
                "web server",
                [
                    sys.executable, "-m", "gunicorn", "-c", "python:p3dn.core.gunicorn_conf",
                    "--bind", bind, "--workers", str(workers), "--threads", str(threads),
                    "--timeout", str(timeout),
                ],
                restart=False,
            )
        ]
        if not no_worker:
            children.append(
                Child("import worker", [sys.executable, "-m", "p3dn", "worker", "--loop"])
            )
        shown = "[" + host + "]" if ":" in host else host
        self.stdout.write(
            f"p3dn serving on http://{shown}:{port}/  ({workers} worker processes × {threads} "
            f"threads{'' if no_worker else ', import worker beside them'}; Ctrl+C stops)"
        )
        self.stdout.flush()
        code = supervise(children, log=self.stderr.write)
        if code:
            raise CommandError(f"the web server stopped with exit code {code}", returncode=code)


@dataclass
class Child:
    name: str
    argv: list[str]
    restart: bool = True  # start again when it dies (else its death stops everything)
    process: subprocess.Popen[bytes] | None = None
    pause: float = RESTART_PAUSE[0]
    restart_at: float | None = None
    started_at: float = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            self.argv,
            process_group=0,  # Ctrl+C reaches only the supervisor, which stops us in order
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.started_at = time.monotonic()
        self.restart_at = None


def supervise(children: list[Child], log: Any = print) -> int:
    """Run the children until the web server exits or a stop signal arrives; then stop them all.
    Returns the web server's exit code when it stopped by itself, else 0."""
    signals: list[int] = []

    def on_signal(number: int, _frame: Any) -> None:
        signals.append(number)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for child in children:
            child.start()
        while not signals:
            now = time.monotonic()
            for child in children:
                assert child.process is not None
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        child.start()
                    continue
                returned = child.process.poll()
                if returned is None:
                    continue
                if not child.restart:
                    log(f"p3dn: the {child.name} stopped (exit code {returned}); stopping")
                    return returned or 1
                # A child that ran a good while died of something passing: start it again soon.
                if now - child.started_at > 10 * RESTART_PAUSE[1]:
                    child.pause = RESTART_PAUSE[0]
                log(
                    f"p3dn: the {child.name} stopped (exit code {returned}); "
                    f"starting it again in {child.pause:.0f} s"
                )
                child.restart_at = now + child.pause
                child.pause = min(child.pause * 2, RESTART_PAUSE[1])
            time.sleep(0.2)
        return 0
    finally:
        _stop(children, signals)
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stop(children: list[Child], signals: list[int]) -> None:
    """SIGTERM to every child still running, then wait; a second Ctrl+C (or the grace running
    out) kills them."""
    running = [
        c.process for c in children if c.process is not None and c.process.poll() is None
    ]
    for process in running:
        process.send_signal(signal.SIGTERM)
    asked = len(signals)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while any(p.poll() is None for p in running):
        if time.monotonic() > deadline or len(signals) > asked:
            for process in running:
                if process.poll() is None:
                    process.kill()
            for process in running:
                process.wait()
            return
        time.sleep(0.1)


def _die_with_parent() -> None:
    """In the child before it runs: ask Linux to send SIGTERM when the supervisor dies, even of
    SIGKILL, so that no server is left behind holding the port."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
