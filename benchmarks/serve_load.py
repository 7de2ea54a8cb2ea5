"""`p3dn serve` under load: signed-in clients alternating the Dasbor and the indicators API.

    .venv/bin/python benchmarks/serve_load.py                      # this checkout's server
    .venv/bin/python benchmarks/serve_load.py --checkout /tmp/main --label before
    .venv/bin/python benchmarks/serve_load.py --serve-args "--workers 5 --threads 1"

For one checkout of p3dn (its own code on PYTHONPATH, this venv's packages): ``p3dn demo`` loads
the real demo data (Kab. Bandung 2025, Prov. Kalimantan Barat 2023) into a fresh SQLite file
in a throwaway P3DN_DATA_DIR, then ``p3dn serve`` starts in production mode (P3DN_DEBUG=False)
on a free port of 127.0.0.1. ``--clients`` clients each sign in as tim.kalbar (a session of its
own, through the login form and its CSRF token) and then, without pause, alternate
``GET /dasbor/pemda/<Kalbar>/?tahun=2023`` (the Dasbor page of a Pemda-year with data, charts
included) and ``GET /api/v1/indicators?klpd=D197&year=2023`` for ``--seconds`` seconds, after
``--warmup`` seconds that are not counted. Static files are not fetched (a browser keeps them).

The clients are one asyncio process with plain HTTP/1.1 keep-alive connections, light enough
beside the server on the same 2 cores; its CPU seconds are reported. Reported: requests per
second, latency p50/p95/p99/max per kind and overall, errors (any answer but 200, or a broken
connection), the server's CPU seconds (every process of the ``p3dn serve`` tree, from /proc),
the server's memory at the end (PSS of its processes, shared pages counted once), the load
average at the start and the end, the machine and the commit. Results go to the
screen and to benchmarks/results/serve-load-<date>-<label>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
USER, PASSWORD = "tim.kalbar", "p3dn-demo-2025"
TICKS = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ the server


def _env(checkout: Path, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P3DN_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(checkout),
        P3DN_DATA_DIR=str(data_dir),
        P3DN_DEBUG="False",
        P3DN_SECRET_KEY=secrets.token_urlsafe(50),
        P3DN_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{data_dir}/p3dn.sqlite3",
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                found.append(pid)
                frontier.append(pid)
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """user + system CPU seconds of these processes (alive ones; their reaped children too)."""
    total = 0
    for pid in pids:
        try:
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / TICKS


def _pss_mb(pids: list[int]) -> float:
    """Proportional set size of these processes together (shared pages counted once)."""
    total = 0
    for pid in pids:
        try:
            text = (Path("/proc") / str(pid) / "smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
        total += int(match.group(1)) if match else 0
    return round(total / 1024, 1)


# ------------------------------------------------------------------ the clients


class Client:
    """One signed-in session on one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                 "Accept-Encoding: identity"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = (await self.reader.readuntil(b"\r\n")).decode("latin-1").strip()
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if chunked:
            data = bytearray()
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
            payload = bytes(data)
        elif length is not None:
            payload = await self.reader.readexactly(length)
        else:
            payload = await self.reader.read()
            close = True
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def sign_in(self) -> None:
        status, page = await self.request("GET", "/akun/masuk/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, status
        form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": USER,
                          "password": PASSWORD}).encode()
        status, _ = await self.request(
            "POST", "/akun/masuk/", form,
            {"Content-Type": "application/x-www-form-urlencoded",
             "Referer": f"http://127.0.0.1:{self.port}/akun/masuk/"},
        )
        assert status == 302 and "sessionid" in self.cookies, f"sign-in answered {status}"


async def _load(port: int, paths: dict[str, str], clients: int, warmup: float,
                seconds: float, cpu: Any) -> dict[str, Any]:
    """Sign the clients in, then load; ``cpu()`` is sampled when the measured window opens and
    when it closes (the sign-ins' password hashing is not counted)."""
    sessions = [Client(port) for _ in range(clients)]
    await asyncio.gather(*(c.sign_in() for c in sessions))
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    samples: dict[str, list[float]] = {kind: [] for kind in paths}
    errors: dict[str, int] = {kind: 0 for kind in paths}
    error_kinds: dict[str, int] = {}

    async def run(client: Client, first: int) -> None:
        kinds = list(paths)
        turn = first
        while time.monotonic() < stop_at:
            kind = kinds[turn % len(kinds)]
            turn += 1
            began = time.monotonic()
            try:
                status, _ = await client.request("GET", paths[kind])
                failed = status != 200
                what = f"HTTP {status}"
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                client.close()
                failed, what = True, type(exc).__name__
            ended = time.monotonic()
            if began >= measure_from and ended <= stop_at:
                samples[kind].append(ended - began)
                if failed:
                    errors[kind] += 1
                    error_kinds[what] = error_kinds.get(what, 0) + 1

    async def window() -> tuple[Any, Any, float]:
        await asyncio.sleep(max(measure_from - time.monotonic(), 0))
        opened, wall = cpu(), time.monotonic()
        await asyncio.sleep(max(stop_at - time.monotonic(), 0))
        return opened, cpu(), time.monotonic() - wall

    *_, (opened, closed, wall) = await asyncio.gather(
        *(run(c, i) for i, c in enumerate(sessions)), window()
    )
    for c in sessions:
        c.close()
    return {"samples": samples, "errors": errors, "error_kinds": error_kinds,
            "cpu": (opened, closed), "wall": wall}


def _percentiles(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"requests": 0}
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "requests": len(ordered),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
    }


# ------------------------------------------------------------------ one run


def run(args: argparse.Namespace) -> dict[str, Any]:
    checkout = Path(args.checkout).resolve()
    data_dir = Path(tempfile.mkdtemp(prefix="p3dn-serve-load-"))
    env = _env(checkout, data_dir)
    python = sys.executable
    print(f"loading the demo data into {data_dir} …", flush=True)
    subprocess.run([python, "-m", "p3dn", "demo"], env=env, cwd=checkout, check=True,
                   stdout=subprocess.DEVNULL, timeout=900)
    kalbar = subprocess.run(
        [python, "-c", "import django; django.setup()\nfrom p3dn.accounts.models import Pemda\n"
         "print(Pemda.objects.get(region_id='61').pk)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "p3dn.settings"}, cwd=checkout, check=True,
        capture_output=True, text=True,
    ).stdout.strip()
    paths = {
        "dasbor": f"/dasbor/pemda/{kalbar}/?tahun=2023",
        "indicators_api": "/api/v1/indicators?klpd=D197&year=2023",
    }
    port = _free_port()
    serve_args = shlex.split(args.serve_args)
    log = (data_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [python, "-m", "p3dn", "serve", "--host", "127.0.0.1", "--port", str(port), *serve_args],
        env=env, cwd=checkout, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"no server: see {data_dir / 'serve.log'}") from None
                time.sleep(0.2)
        time.sleep(1.0)  # let every worker finish booting
        load_start = os.getloadavg()

        def cpu() -> tuple[float, float]:
            mine = resource.getrusage(resource.RUSAGE_SELF)
            return _cpu_seconds(_tree(server.pid)), mine.ru_utime + mine.ru_stime

        result = asyncio.run(
            _load(port, paths, args.clients, args.warmup, args.seconds, cpu)
        )
        (server_0, client_0), (server_1, client_1) = result["cpu"]
        load_end = os.getloadavg()
        processes = len(_tree(server.pid))
        memory = _pss_mb(_tree(server.pid))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    samples = result["samples"]
    everything = [v for values in samples.values() for v in values]
    commit = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    cpu_model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor())
    report = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "label": args.label,
        "checkout": str(checkout),
        "commit": commit or args.commit,
        "serve_args": args.serve_args,
        "server_processes": processes,
        "server_memory_pss_mb": memory,
        "machine": {"cores": os.cpu_count(), "cpu": cpu_model, "python": platform.python_version(),
                    "memory_gib": round(os.sysconf("SC_PAGE_SIZE")
                                        * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in load_end],
        "clients": args.clients,
        "warmup_seconds": args.warmup,
        "seconds": args.seconds,
        "paths": paths,
        "throughput_rps": round(len(everything) / args.seconds, 1),
        "dasbor_pages_per_second": round(len(samples["dasbor"]) / args.seconds, 1),
        "latency": {"all": _percentiles(everything),
                    **{kind: _percentiles(values) for kind, values in samples.items()}},
        "errors": sum(result["errors"].values()),
        "errors_by_kind": result["errors"],
        "error_kinds": result["error_kinds"],
        "server_cpu_seconds": round(server_1 - server_0, 1),
        "server_cpu_per_request_ms": round(
            (server_1 - server_0) / max(len(everything), 1) * 1000, 1),
        "client_cpu_seconds": round(client_1 - client_0, 1),
        "wall_seconds": round(result["wall"], 1),
    }
    shutil.rmtree(data_dir, ignore_errors=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkout", default=str(ROOT),
                        help="the p3dn source tree whose server runs (default: this one)")
    parser.add_argument("--label", default="after")
    parser.add_argument("--commit", default="", help="the commit, if --checkout is no git tree")
    parser.add_argument("--serve-args", default="", help="extra options for `p3dn serve`")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--output", default="", help="JSON file (default benchmarks/results/…)")
    args = parser.parse_args()
    report = run(args)
    print(json.dumps(report, indent=1))
    target = Path(args.output) if args.output else (
        HERE / "results" / f"serve-load-{dt.date.today().isoformat()}-{args.label}.json")
    target.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    lat = report["latency"]
    print(f"\n{args.label}: {report['throughput_rps']} req/s, p50/p95/p99 "
          f"{lat['all']['p50_ms']}/{lat['all']['p95_ms']}/{lat['all']['p99_ms']} ms, "
          f"errors {report['errors']}, server CPU {report['server_cpu_seconds']} s, "
          f"load {report['load_average_start']} → {target}")


if __name__ == "__main__":
    main()
