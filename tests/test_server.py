"""`p3dn serve` as production runs it: gunicorn's worker processes, one import worker beside them,
static files under hashed names cached for a year, and a clean stop on SIGTERM or Ctrl+C. Real
subprocesses on a migrated database of the kind under test (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SHARED_DATA as SHARED


@pytest.fixture(scope="module")
def served_db(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One migrated database for the module's servers (migrating takes seconds)."""
    base_env = {**os.environ, "P3DN_DATA_DIR": str(tmp_path_factory.mktemp("served"))}
    url = os.environ.get("DATABASE_URL", "")
    name = None
    if url.startswith("postgres"):
        import psycopg

        name = f"p3dn_sub_{uuid.uuid4().hex[:8]}"
        server = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base_env["DATABASE_URL"] = f"{server}/{name}"
    else:
        base_env["DATABASE_URL"] = f"sqlite:///{base_env['P3DN_DATA_DIR']}/served.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "p3dn", "migrate"],
        env=base_env, check=True, capture_output=True, timeout=300,
    )
    yield base_env
    if name:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], tmp_path: Path, *args: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Each server collects its static files into a data directory of its own.
        self.env = {**env, "P3DN_DATA_DIR": str(tmp_path)}
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.log = tmp_path / "serve.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "p3dn", "serve", "--port", str(self.port), *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own, as in a terminal
            )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"the server did not answer:\n{self.log.read_text()}")

    def get(self, path: str, **headers: str):
        request = urllib.request.Request(self.url + path, headers=headers)
        return urllib.request.urlopen(request, timeout=10)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout=60)


@pytest.fixture
def serve(served_db, tmp_path):
    started: list[Server] = []

    def start(*args: str) -> Server:
        server = Server(served_db, tmp_path / f"server{len(started)}", *args)
        started.append(server)
        server.wait_until_up()
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def _parents() -> dict[int, int]:
    """pid → parent pid of every process (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _tree(root: int) -> dict[int, str]:
    """The processes below ``root`` (all generations) with their command lines."""
    parents = _parents()
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = _command_line(pid)
                frontier.append(pid)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return condition()


def _import_workers(tree: dict[int, str]) -> list[int]:
    return [pid for pid, line in tree.items() if re.search(r"-m p3dn worker --loop", line)]


def _web_workers(tree: dict[int, str]) -> tuple[list[int], list[int]]:
    """(gunicorn masters, gunicorn workers) in the tree."""
    gunicorn = {pid for pid, line in tree.items() if "-m gunicorn" in line}
    parents = _parents()
    masters = [pid for pid in gunicorn if parents.get(pid) not in gunicorn]
    return masters, sorted(gunicorn - set(masters))


def _settled_tree(server: Server, web_workers: int, import_workers: int) -> dict[int, str]:
    """The server's processes once the expected ones have all started (gunicorn forks its
    workers one after the other, while the first may already answer)."""

    def tree() -> dict[int, str] | None:
        found = _tree(server.process.pid)
        masters, workers = _web_workers(found)
        ok = len(workers) == web_workers and len(_import_workers(found)) == import_workers
        return found if ok and len(masters) == 1 else None

    return _wait_for(tree) or _tree(server.process.pid)


def _run_python(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env={**env, "DJANGO_SETTINGS_MODULE": "p3dn.settings"},
        capture_output=True, text=True, timeout=120, check=True,
    )
    return result.stdout.strip()


def test_serve_runs_the_web_workers_asked_for_and_one_import_worker_that_does_the_queue(serve):
    server = serve("--workers", "3", "--threads", "2")
    tree = _settled_tree(server, 3, 1)
    masters, workers = _web_workers(tree)
    assert len(masters) == 1 and len(workers) == 3, tree
    assert len(_import_workers(tree)) == 1, tree

    # An import queued from elsewhere (as the web upload does) is done by that import worker.
    path = SHARED / "isb" / "prov-kalbar-2023" / "RUP-StrukturAnggaranPD.json"
    run_id = _run_python(
        server.env,
        "from pathlib import Path\nfrom p3dn.imports import services\n"
        f"print(services.queue_import(actor=None, path=Path({str(path)!r})).pk)",
    )
    status = ""
    for _ in range(150):
        status = _run_python(
            server.env,
            f"from p3dn.imports.models import ImportRun\n"
            f"print(ImportRun.objects.get(pk={run_id}).status)",
        )
        if status not in ("pending", "running"):
            break
        time.sleep(0.4)
    assert status == "applied"

    # Every web worker answers (several processes, one port).
    with server.get("/healthz") as response:
        assert response.status == 200
    assert server.stop() == 0


def test_a_dead_import_worker_is_started_again_and_sigterm_stops_every_process(serve):
    server = serve("--workers", "2")
    tree = _settled_tree(server, 2, 1)
    (first,) = _import_workers(tree)
    os.kill(first, signal.SIGKILL)
    restarted = _wait_for(
        lambda: [p for p in _import_workers(_tree(server.process.pid)) if p != first]
    )
    assert len(restarted) == 1
    everything = set(_tree(server.process.pid))
    assert server.stop(signal.SIGTERM) == 0
    assert not [pid for pid in everything if _alive(pid)]


def test_ctrl_c_stops_the_server_and_its_workers(serve):
    server = serve("--workers", "2")
    everything = set(_settled_tree(server, 2, 1))
    assert len(everything) >= 4  # gunicorn master, two web workers, the import worker
    # Ctrl+C in a terminal sends SIGINT to the whole foreground process group.
    os.killpg(server.process.pid, signal.SIGINT)
    assert server.process.wait(timeout=60) == 0
    assert _wait_for(lambda: not [pid for pid in everything if _alive(pid)], 10)


def test_no_worker_serves_without_an_import_worker(serve):
    server = serve("--workers", "1", "--no-worker")
    tree = _settled_tree(server, 1, 0)
    assert _import_workers(tree) == []
    assert len(_web_workers(tree)[1]) == 1
    assert server.stop() == 0


def test_static_files_carry_a_hash_and_are_cached_for_a_year_while_pages_are_not(serve):
    server = serve("--workers", "1", "--no-worker")
    with server.get("/akun/masuk/") as response:
        page = response.read().decode()
        page_cache = response.headers.get("Cache-Control", "")
    assert "immutable" not in page_cache
    assert not re.search(r"max-age=[1-9]", page_cache)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    names = {Path(a).name for a in assets}
    for plain in ("p3dn.css", "charts.css", "p3dn.js", "htmx-2.0.11.min.js", "favicon.svg"):
        stem, ext = plain.rsplit(".", 1)
        assert any(re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.{ext}", n) for n in names), (
            plain, names,
        )
    for asset in assets:
        with server.get(asset, **{"Accept-Encoding": "gzip"}) as response:
            cache = response.headers["Cache-Control"]
            assert "immutable" in cache and "public" in cache, asset
            assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600
            if asset.endswith((".js", ".css")):
                assert response.headers.get("Content-Encoding") == "gzip", asset
    assert server.stop() == 0
