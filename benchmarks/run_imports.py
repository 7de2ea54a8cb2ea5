"""Import benchmark: p3dn against sqlite-utils and DuckDB on the same JSON-lines file, one run.

    .venv/bin/python benchmarks/run_imports.py --rows 200000            # + the 1M-row check
    .venv/bin/python benchmarks/run_imports.py --rows 20000 --big 0     # quick look

For each of ``--repeat`` rounds, on one generated RUP-PaketPenyedia-Terumumkan file:
(a) ``p3dn import`` into a fresh, migrated SQLite database; (b) the same file again (every row
unchanged); (c) ``sqlite-utils insert DB t FILE --nl --pk kd_rup`` into a fresh SQLite file;
(d) DuckDB's ``CREATE TABLE t AS SELECT * FROM read_json(FILE, format='newline_delimited')``
into a fresh DuckDB file. Each runs in its own process; its wall time (start to exit, so every
tool pays its own start-up) and peak RSS are measured, and the median over the rounds is
reported. Then, once, a ``--big``-row file is imported and re-imported for peak memory.

The table is printed and the results are written as JSON to benchmarks/results/ (named by
date, rows and commit). Absolute
figures on a shared 2-core machine are noise; the ratios within one run are the result.
Needs the tools of benchmarks/requirements.txt in the venv.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

# The import as a child process: Django set up, one import timed, the process's peak memory.
CHILD = """
import json, os, sys, time
import django
django.setup()
from pathlib import Path
from p3dn.imports.services import import_now
spent = [0.0, 0.0]  # wall and CPU seconds in the indicator rollups' refresh (in the import)
try:
    from p3dn.procurement import rollups
except ImportError:  # an older p3dn: the rollups in monitoring, or none yet
    try:
        from p3dn.procurement import rollups
    except ImportError:
        rollups = None
if rollups is not None:
    refresh = rollups.refresh_after_import
    def timed_refresh(*args, **kwargs):
        began, cpu = time.perf_counter(), time.process_time()
        try:
            return refresh(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - began
            spent[1] += time.process_time() - cpu
    rollups.refresh_after_import = timed_refresh
started = time.perf_counter()
run = import_now(actor=None, path=Path(sys.argv[1]))
seconds = time.perf_counter() - started
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"import_seconds": seconds, "rollup_seconds": spent[0],
    "rollup_cpu_seconds": spent[1],
    "status": run.status, "read": run.rows_read,
    "inserted": run.rows_inserted, "updated": run.rows_updated,
    "unchanged": run.rows_unchanged, "rejected": run.rows_rejected, "vmhwm_kb": hwm}))
"""

DUCKDB = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")  # stdout carries the row count only
con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format='newline_delimited')",
             [sys.argv[1]])
print(con.execute("SELECT count(*) FROM t").fetchone()[0])
"""


def measure(argv: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one process to its end: wall seconds, CPU seconds (user + system), peak RSS (from
    wait4) and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {stderr[-2000:]}")
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "stdout": stdout}


class Workspace:
    """Fresh databases for each measurement, in one temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "migrated.sqlite3"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "p3dn.settings",
            "P3DN_SECRET_KEY": "benchmark-only-secret-key-not-used-for-anything",
            "P3DN_DEBUG": "False",
        }
        self.env.pop("DATABASE_URL", None)

    def _env(self, database: Path) -> dict[str, str]:
        data = database.parent / "data"
        data.mkdir(exist_ok=True)
        return {**self.env, "P3DN_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{database}"}

    def migrate(self) -> None:
        """Migrate once; each p3dn measurement starts from a copy of this database."""
        measure([PYTHON, "-m", "p3dn", "migrate"], self._env(self.template))
        with sqlite3.connect(self.template) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def fresh_p3dn(self, name: str) -> Path:
        target = self.folder / name / "bench.sqlite3"
        if target.parent.exists():
            shutil.rmtree(target.parent)
        target.parent.mkdir(parents=True)
        shutil.copyfile(self.template, target)
        return target

    def p3dn_import(self, database: Path, source: Path) -> dict[str, Any]:
        result = measure([PYTHON, "-c", CHILD, str(source)], self._env(database))
        result.update(json.loads(result.pop("stdout").strip().splitlines()[-1]))
        if result["status"] != "applied":
            raise RuntimeError(f"p3dn import ended {result['status']}: {result}")
        return result

    def sqlite_utils(self, source: Path) -> dict[str, Any]:
        target = self.folder / "sqlite-utils.db"
        for path in self.folder.glob("sqlite-utils.db*"):
            path.unlink()
        result = measure(
            [str(BIN / "sqlite-utils"), "insert", str(target), "t", str(source), "--nl",
             "--pk", "kd_rup"]
        )
        result.pop("stdout")
        return result

    def duckdb(self, source: Path) -> dict[str, Any]:
        target = self.folder / "bench.duckdb"
        for path in self.folder.glob("bench.duckdb*"):
            path.unlink()
        result = measure([PYTHON, "-c", DUCKDB, str(source), str(target)])
        result["rows"] = int(result.pop("stdout").split()[-1])
        return result


def machine() -> dict[str, Any]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    versions: dict[str, str | None] = {}
    for tool in ("duckdb", "sqlite-utils", "orjson", "django"):
        try:
            versions[tool] = metadata.version(tool)
        except metadata.PackageNotFoundError:
            versions[tool] = None
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "versions": versions,
        "commit": commit,
    }


def median(results: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the compared file")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument("--big", type=int, default=1_000_000,
                        help="rows of the memory and re-import check (0: skip it)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where files and databases go (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)

    folder = Path(args.workdir or tempfile.mkdtemp(prefix="p3dn-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    work = Workspace(folder)
    try:
        return _run(args, work)
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)


def _run(args: argparse.Namespace, work: Workspace) -> int:
    source = work.folder / f"rup-{args.rows}.jsonl"
    size = generate.write(source, args.rows)
    print(f"file: {args.rows:,} rows, {size / 1e6:.1f} MB ({size / args.rows:,.0f} B a row)",
          file=sys.stderr)
    load_start = list(os.getloadavg())  # 1, 5 and 15 minutes: how busy the machine was
    work.migrate()
    rounds: dict[str, list[dict[str, Any]]] = {"p3dn": [], "p3dn_again": [], "sqlite_utils": [],
                                               "duckdb": []}
    for number in range(1, args.repeat + 1):
        database = work.fresh_p3dn("p3dn")
        rounds["p3dn"].append(work.p3dn_import(database, source))
        rounds["p3dn_again"].append(work.p3dn_import(database, source))
        rounds["sqlite_utils"].append(work.sqlite_utils(source))
        rounds["duckdb"].append(work.duckdb(source))
        print(f"round {number}: " + ", ".join(
            f"{name} {results[-1]['seconds']:.1f} s" for name, results in rounds.items()),
            file=sys.stderr)
    first, again = rounds["p3dn"][0], rounds["p3dn_again"][0]
    assert first["inserted"] == args.rows and again["unchanged"] == args.rows, (first, again)

    rates = {name: args.rows / median(results, "seconds") for name, results in rounds.items()}
    cpu_rates = {name: args.rows / median(results, "cpu_seconds")
                 for name, results in rounds.items()}
    summary: dict[str, Any] = {
        "rows": args.rows,
        "file_bytes": size,
        "repeat": args.repeat,
        "rows_per_second": {k: round(v) for k, v in rates.items()},
        "p3dn_import_only_rows_per_second": {
            "first": round(args.rows / median(rounds["p3dn"], "import_seconds")),
            "again": round(args.rows / median(rounds["p3dn_again"], "import_seconds")),
        },
        "p3dn_rollup_refresh_seconds": {
            "first": round(median(rounds["p3dn"], "rollup_seconds"), 2),
            "again": round(median(rounds["p3dn_again"], "rollup_seconds"), 2),
        },
        "ratios": {
            "p3dn_over_sqlite_utils": round(rates["p3dn"] / rates["sqlite_utils"], 2),
            "reimport_speedup": round(rates["p3dn_again"] / rates["p3dn"], 2),
            "duckdb_over_p3dn": round(rates["duckdb"] / rates["p3dn"], 2),
        },
        # rows per CPU second (user + system) of each process: less swayed by what else
        # the machine runs than wall time
        "rows_per_cpu_second": {k: round(v) for k, v in cpu_rates.items()},
        "cpu_ratios": {
            "p3dn_over_sqlite_utils": round(cpu_rates["p3dn"] / cpu_rates["sqlite_utils"], 2),
            "reimport_speedup": round(cpu_rates["p3dn_again"] / cpu_rates["p3dn"], 2),
        },
        "peak_rss_mb": {name: round(median(r, "peak_rss_mb")) for name, r in rounds.items()},
    }
    big = _big(args.big, work) if args.big else None
    report = {
        "date": dt.date.today().isoformat(),
        "load_average": {"start": load_start, "end": list(os.getloadavg())},
        "command": "python benchmarks/run_imports.py " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "compared": summary,
        "big": big,
        "rounds": rounds,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    # the commit in the name keeps earlier runs of the same day
    target = args.out / f"imports-{report['date']}-{args.rows}-{report['machine']['commit']}.json"
    target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(summary, big))
    print(f"\nresults: {target}")
    return 0


def _big(rows: int, work: Workspace) -> dict[str, Any]:
    source = work.folder / f"rup-{rows}.jsonl"
    size = generate.write(source, rows)
    database = work.fresh_p3dn("big")
    first = work.p3dn_import(database, source)
    again = work.p3dn_import(database, source)
    source.unlink()
    return {
        "rows": rows,
        "file_bytes": size,
        "first": first,
        "again": again,
        "rows_per_second": {"first": round(rows / first["seconds"]),
                            "again": round(rows / again["seconds"])},
        "reimport_speedup": round(first["seconds"] / again["seconds"], 2),
        "peak_rss_mb": {"first": round(first["peak_rss_mb"]), "again": round(again["peak_rss_mb"])},
    }


def table(summary: dict[str, Any], big: dict[str, Any] | None) -> str:
    rates, rss = summary["rows_per_second"], summary["peak_rss_mb"]
    names = {
        "p3dn": "p3dn import (first)",
        "p3dn_again": "p3dn import (unchanged file again)",
        "sqlite_utils": "sqlite-utils insert --nl --pk kd_rup",
        "duckdb": "DuckDB read_json (ceiling)",
    }
    lines = [
        f"{summary['rows']:,} rows, median of {summary['repeat']}",
        f"{'':38} {'rows/s':>9} {'peak MB':>8}",
        *(f"{label:38} {rates[key]:>9,} {rss[key]:>8,}" for key, label in names.items()),
        "",
        f"p3dn / sqlite-utils        {summary['ratios']['p3dn_over_sqlite_utils']:.2f}x",
        f"re-import speed-up         {summary['ratios']['reimport_speedup']:.2f}x",
        f"DuckDB / p3dn              {summary['ratios']['duckdb_over_p3dn']:.2f}x",
        f"by CPU time: p3dn / sqlite-utils {summary['cpu_ratios']['p3dn_over_sqlite_utils']:.2f}x,"
        f" re-import {summary['cpu_ratios']['reimport_speedup']:.2f}x",
    ]
    if big:
        lines += [
            "",
            f"{big['rows']:,} rows ({big['file_bytes'] / 1e9:.2f} GB): first "
            f"{big['rows_per_second']['first']:,} rows/s, peak {big['peak_rss_mb']['first']} MB;"
            f" again {big['rows_per_second']['again']:,} rows/s, peak "
            f"{big['peak_rss_mb']['again']} MB; re-import speed-up {big['reimport_speedup']}x",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
