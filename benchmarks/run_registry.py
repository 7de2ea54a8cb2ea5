"""Registry benchmark: a full Kemenperin export year imported and synced into the registry.

    .venv/bin/python benchmarks/run_registry.py --rows 50000
    .venv/bin/python benchmarks/run_registry.py --rows 50000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/p3dn_registry_bench

On one generated export of ``--rows`` rows (benchmarks/generate_tkdn.py) and a second "year"
sharing 30 % of its rows, in one child process on a fresh migrated database: (1) ``p3dn
import`` of year 1, (2) ``sync_registry()``, (3) a second sync (nothing new), (4) the import
of year 2, (5) its incremental sync (new certificates, and a source more for each shared
one), (6) a full sync (everything read again, nothing changes). Each step's wall and CPU
seconds are measured inside the process; the process's peak RSS at the end. The target
(issue 12): import + sync of a full year under a minute. Results go to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_tkdn  # noqa: E402
from run_imports import PYTHON, ROOT, Workspace, machine, measure  # noqa: E402

CHILD = """
import json, sys, time
import django
django.setup()
from pathlib import Path
from p3dn.imports.services import import_now
from p3dn.catalog.sync import sync_registry, registry_counts
from p3dn.catalog.models import CertificateSource
out = {}
def timed(name, call):
    began, cpu = time.perf_counter(), time.process_time()
    value = call()
    out[name] = {"seconds": round(time.perf_counter() - began, 2),
                 "cpu_seconds": round(time.process_time() - cpu, 2)}
    return value
first = timed("import_year_1", lambda: import_now(actor=None, path=Path(sys.argv[1])))
out["import_year_1"].update(status=first.status, read=first.rows_read,
                            inserted=first.rows_inserted, duplicate=first.rows_duplicate)
result = timed("sync_year_1", sync_registry)
out["sync_year_1"].update(facts=result.facts_read, counts=registry_counts())
again = timed("sync_again", sync_registry)
out["sync_again"].update(facts=again.facts_read, changed=again.changed)
second = timed("import_year_2", lambda: import_now(actor=None, path=Path(sys.argv[2])))
out["import_year_2"].update(status=second.status, inserted=second.rows_inserted,
                            unchanged=second.rows_unchanged)
result = timed("sync_year_2", sync_registry)
out["sync_year_2"].update(facts=result.facts_read, sources_added=result.sources_added,
                          counts=registry_counts())
full = timed("sync_full", lambda: sync_registry(full=True))
out["sync_full"].update(facts=full.facts_read, changed=full.changed)
out["sources"] = CertificateSource.objects.count()
with open("/proc/self/status") as status:
    out["vmhwm_mb"] = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) // 1024
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--database-url", default="",
                        help="an empty PostgreSQL database to use instead of a fresh SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="p3dn-registry-") as tmp:
        folder = Path(tmp)
        year_1 = generate_tkdn.rows(args.rows, args.seed)
        shared = int(args.rows * 0.3)
        year_2 = year_1[:shared] + generate_tkdn.rows(args.rows - shared, args.seed + 1)
        first, second = folder / "tkdn-2025.xls", folder / "tkdn-2026.xls"
        generate_tkdn.write(first, year_1, "Daftar TKDN LVI Terbit Tahun 2025")
        generate_tkdn.write(second, year_2, "Daftar TKDN LVI Terbit Tahun 2026")
        work = Workspace(folder)
        if args.database_url:
            env = {**work.env, "DATABASE_URL": args.database_url,
                   "P3DN_DATA_DIR": str(folder / "data")}
            (folder / "data").mkdir()
            measure([PYTHON, "-m", "p3dn", "migrate"], env)
        else:
            work.migrate()
            env = work._env(work.fresh_p3dn("registry"))
        process = measure([PYTHON, "-c", CHILD, str(first), str(second)], env)
        steps: dict[str, Any] = json.loads(process.pop("stdout").strip().splitlines()[-1])
    engine = "postgresql" if args.database_url else "sqlite"
    year = steps["import_year_1"]["seconds"] + steps["sync_year_1"]["seconds"]
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "rows": args.rows,
        "engine": engine,
        "machine": machine(),
        "process": process,
        "steps": steps,
        "import_and_sync_seconds": round(year, 2),
        "import_and_sync_cpu_seconds": round(
            steps["import_year_1"]["cpu_seconds"] + steps["sync_year_1"]["cpu_seconds"], 2),
    }
    name = f"registry-{dt.date.today()}-{args.rows}-{engine}-{report['machine']['commit']}.json"
    (ROOT / "benchmarks" / "results" / name).write_text(json.dumps(report, indent=2) + "\n")
    for step, values in steps.items():
        print(step, values)
    print(f"import + sync of one year ({args.rows} rows, {engine}): {year:.1f} s wall, "
          f"{report['import_and_sync_cpu_seconds']} s CPU; results in benchmarks/results/{name}")


if __name__ == "__main__":
    main()
