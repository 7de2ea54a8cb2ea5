"""Indicator benchmark on the synthetic national dataset (benchmarks/generate_national.py).

    .venv/bin/python benchmarks/run_indicators.py --db /tmp/bench/national.sqlite3
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/p3dn_bench \\
        .venv/bin/python benchmarks/run_indicators.py

In one process, over the same database, for fiscal year 2025:
(a) ``compute(pemda, tahun)`` of a seeded sample of ``--sample`` Pemda, each ``--rounds`` times;
(b) the Dasbor page, ``GET /dasbor/pemda/<pk>/?tahun=2025`` through Django's test Client signed
    in as a national administrator (server time: request to response, template included);
(c) the national ranking, ``queries.summarise_ranking`` over the 552 Pemda.
Each first from the facts (the rollups set aside: deleted in a transaction rolled back at the
end, so p3dn runs the queries it ran before rollups), then from the rollups (built first with
``rollups.refresh_all()`` if the database has none, timed).
The two paths are checked to give identical JSON on the sample.

Then DuckDB answers the same three questions over the same data: the tables' columns that the
definitions read (every version, with valid_to), exported once to Parquet (money as integer
cents), one file per table, since DuckDB's sqlite/postgres extensions cannot be installed
offline here. DuckDB runs in-process on both cores, a view per file; its answers are checked
against p3dn's. p50/p95 in milliseconds and the ratios p3dn / DuckDB go to the screen and to
benchmarks/results/indicators-<date>-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
YEAR = 2025

# The columns the definitions read, per table; money as integer cents.
EXPORT = {
    "ruppackage": ("pemda_id, tahun_anggaran, unit_id, valid_to_id, {pagu}, status_pdn, "
                   "status_ukm, status_umumkan_rup, status_aktif_rup, status_delete_rup"),
    "budgetstructure": "pemda_id, tahun_anggaran, unit_id, valid_to_id, {belanja_pengadaan}",
    "contract": ("pemda_id, tahun_anggaran, unit_id, valid_to_id, channel, kd_paket, "
                 "versi_addendum, {nilai_kontrak}, {nilai_pdn_kontrak}, {nilai_umk_kontrak}"),
    "pencatatan": ("pemda_id, tahun_anggaran, unit_id, valid_to_id, channel, status_ket, "
                   "{total_realisasi}, {nilai_pdn_pct}, {nilai_umk_pct}"),
    "epurchase": ("pemda_id, tahun_anggaran, unit_id, valid_to_id, completed, kd_produk, "
                  "kd_penyedia, {total_harga}"),
    "tokodaringorder": ("pemda_id, tahun_anggaran, unit_id, valid_to_id, failed, merchant_name, "
                        "{valuasi}"),
    "product": "kd_produk, jenis_produk, tkdn_produk, valid_to_id",
    "provider": "kd_penyedia, nama_penyedia, penyedia_ukm, valid_to_id",
}

# The same definitions as p3dn/procurement/sums.py, over the Parquet views; {where} picks
# the Pemda-year(s), {group} the grouping column (pemda_id or unit_id).
DUCK_SQL = """
WITH
products AS (
  SELECT kd_produk, bool_or(jenis_produk IN ('lokal', 'local', 'pdn', 'PDN', 'Lokal')
                            OR tkdn_produk > 0) AS domestic
  FROM product WHERE valid_to_id IS NULL GROUP BY kd_produk),
ukm AS (SELECT DISTINCT kd_penyedia FROM provider WHERE valid_to_id IS NULL AND penyedia_ukm),
ukm_names AS (SELECT DISTINCT lower(nama_penyedia) AS name FROM provider
              WHERE valid_to_id IS NULL AND penyedia_ukm),
contracts AS (
  SELECT *, max(versi_addendum) OVER (PARTITION BY channel, kd_paket) AS top
  FROM contract WHERE valid_to_id IS NULL AND {where})
SELECT 'rup' AS source, {group} AS g, sum(pagu), sum(pagu) FILTER (status_pdn = 'PDN'),
       sum(pagu) FILTER (status_ukm = 'UKM'), 0
FROM ruppackage
WHERE valid_to_id IS NULL AND {where} AND status_umumkan_rup = 'Terumumkan'
  AND status_aktif_rup AND NOT coalesce(status_delete_rup, false)
GROUP BY g
UNION ALL
SELECT 'belanja', {group} AS g, sum(belanja_pengadaan), 0, 0, 0 FROM budgetstructure
WHERE valid_to_id IS NULL AND {where} GROUP BY g
UNION ALL
SELECT channel, {group} AS g, sum(nilai_kontrak), sum(coalesce(nilai_pdn_kontrak, 0)),
       sum(coalesce(nilai_umk_kontrak, 0)), 0
FROM contracts WHERE versi_addendum = top GROUP BY channel, g
UNION ALL
SELECT CASE channel WHEN 'non_tender' THEN 'pencatatan_non_tender' ELSE 'swakelola' END,
       {group} AS g, sum(total_realisasi), sum(coalesce(nilai_pdn_pct, 0)),
       sum(coalesce(nilai_umk_pct, 0)), 0
FROM pencatatan WHERE valid_to_id IS NULL AND {where} AND status_ket <> 'Paket Dibatalkan'
GROUP BY channel, g
UNION ALL
SELECT 'e_purchasing', {group} AS g, sum(total_harga),
       coalesce(sum(total_harga) FILTER (p.domestic), 0),
       coalesce(sum(total_harga) FILTER (u.kd_penyedia IS NOT NULL), 0),
       coalesce(sum(total_harga) FILTER (p.kd_produk IS NULL), 0)
FROM epurchase e LEFT JOIN products p USING (kd_produk) LEFT JOIN ukm u USING (kd_penyedia)
WHERE e.valid_to_id IS NULL AND {where} AND e.completed GROUP BY g
UNION ALL
SELECT 'toko_daring', {group} AS g, sum(valuasi), 0,
       coalesce(sum(valuasi) FILTER (n.name IS NOT NULL), 0), sum(valuasi)
FROM tokodaringorder t LEFT JOIN ukm_names n ON n.name = lower(t.merchant_name)
WHERE t.valid_to_id IS NULL AND {where} AND NOT t.failed GROUP BY g
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentiles(seconds: list[float]) -> dict[str, Any]:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]
    return {"runs": len(ms), "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(p95, 2),
            "min_ms": round(ms[0], 2), "max_ms": round(ms[-1], 2)}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p3dn.settings")
    os.environ.setdefault("P3DN_DATA_DIR", tempfile.mkdtemp(prefix="p3dn-bench-"))
    os.environ.setdefault("P3DN_SECRET_KEY", "benchmark-only-secret-key-not-used-for-anything")
    os.environ.setdefault("P3DN_DEBUG", "False")
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


# ------------------------------------------------------------------ p3dn


def p3dn_phase(sample: list[Any], rounds: int, ranking_runs: int, client: Any) -> dict[str, Any]:
    from p3dn.accounts.models import Pemda
    from p3dn.monitoring.indicators import compute
    from p3dn.monitoring.queries import summarise_ranking

    out: dict[str, Any] = {}
    times = []
    for _ in range(rounds):
        for pemda in sample:
            times.append(timed(lambda p=pemda: compute(pemda=p, tahun=YEAR))[0])
    out["compute"] = percentiles(times)
    log(f"  compute: {out['compute']}")
    times = []
    for _ in range(rounds):
        for pemda in sample:
            seconds, response = timed(
                lambda p=pemda: client.get(f"/dasbor/pemda/{p.pk}/?tahun={YEAR}")
            )
            if response.status_code != 200:
                raise RuntimeError(f"Dasbor answered {response.status_code}")
            times.append(seconds)
    out["dasbor"] = percentiles(times)
    log(f"  dasbor: {out['dasbor']}")
    times = []
    for _ in range(ranking_runs):
        seconds, ranking = timed(
            lambda: summarise_ranking(pemda_scope=Pemda.objects.all(), tahun=YEAR)
        )
        times.append(seconds)
    if times:
        out["ranking"] = percentiles(times)
        out["ranked"] = len(ranking["by_capaian"])
        log(f"  ranking: {out['ranking']} ({out['ranked']} Pemda ranked)")
    return out


def p3dn_answers(sample: list[Any]) -> tuple[dict[int, Any], dict[int, Any]]:
    """The whole-year JSON of each sampled Pemda and the ranking's figures of every Pemda."""
    from p3dn.accounts.models import Pemda
    from p3dn.monitoring.indicators import compute
    from p3dn.monitoring.queries import summarise_ranking

    whole = {p.pk: compute(pemda=p, tahun=YEAR, by="satker") for p in sample}
    ranking = summarise_ranking(pemda_scope=Pemda.objects.all(), tahun=YEAR)
    return whole, {r["pemda"].pk: r for r in ranking["by_capaian"]}


# ------------------------------------------------------------------ DuckDB


def export_parquet(folder: Path) -> dict[str, Any]:
    """The columns the definitions read, every version, one Parquet file per table."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.db import connection

    folder.mkdir(parents=True, exist_ok=True)
    done = folder / "done.json"
    if done.exists():
        return json.loads(done.read_text())
    postgres = connection.vendor == "postgresql"
    money = {
        name: (f"({name} * 100)::bigint AS {name}" if postgres
               else f"CAST(ROUND({name} * 100) AS INTEGER) AS {name}")
        for name in ("pagu", "belanja_pengadaan", "nilai_kontrak", "nilai_pdn_kontrak",
                     "nilai_umk_kontrak", "total_realisasi", "nilai_pdn_pct", "nilai_umk_pct",
                     "total_harga", "valuasi")
    }
    booleans = {"status_aktif_rup", "status_delete_rup", "completed", "failed", "penyedia_ukm"}
    started = time.perf_counter()
    rows_written: dict[str, int] = {}
    for table, columns in EXPORT.items():
        select = columns.format(**money)
        names = [c.strip().split(" AS ")[-1].split()[-1] for c in select.split(", ")]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {select} FROM procurement_{table} ORDER BY id")
            writer = None
            count = 0
            while batch := cursor.fetchmany(200_000):
                data = {n: [r[i] for r in batch] for i, n in enumerate(names)}
                for n in booleans & set(names):
                    data[n] = [None if v is None else bool(v) for v in data[n]]
                if "tkdn_produk" in data:
                    data["tkdn_produk"] = [None if v is None else float(v)
                                           for v in data["tkdn_produk"]]
                record = pa.RecordBatch.from_pydict(data)
                if writer is None:
                    writer = pq.ParquetWriter(folder / f"{table}.parquet", record.schema)
                writer.write_batch(record)
                count += len(batch)
            if writer is not None:
                writer.close()
        rows_written[table] = count
        log(f"  exported {table}: {count:,} rows")
    info = {"seconds": round(time.perf_counter() - started, 1), "rows": rows_written,
            "bytes": sum(p.stat().st_size for p in folder.glob("*.parquet"))}
    done.write_text(json.dumps(info))
    return info


def duck_connect(folder: Path) -> Any:
    import duckdb

    con = duckdb.connect()
    for table in EXPORT:
        path = folder / f"{table}.parquet"
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    return con


def duck_query(con: Any, where: str, group: str) -> list[tuple[Any, ...]]:
    return con.execute(DUCK_SQL.format(where=where, group=group)).fetchall()


def duck_phase(con: Any, sample: list[Any], rounds: int, ranking_runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, groups in (("compute", ("pemda_id",)), ("dasbor", ("pemda_id", "unit_id"))):
        times = []
        for _ in range(rounds):
            for pemda in sample:
                where = f"pemda_id = {pemda.pk} AND tahun_anggaran = {YEAR}"
                times.append(sum(timed(lambda g=g, w=where: duck_query(con, w, g))[0]
                                 for g in groups))
        out[name] = percentiles(times)
        log(f"  duckdb {name}: {out[name]}")
    times = [timed(lambda: duck_query(con, f"tahun_anggaran = {YEAR}", "pemda_id"))[0]
             for _ in range(ranking_runs)]
    out["ranking"] = percentiles(times)
    log(f"  duckdb ranking: {out['ranking']}")
    return out


def compare(con: Any, whole: dict[int, Any], ranked: dict[int, Any]) -> dict[str, Any]:
    """Whether DuckDB's sums are p3dn's, to the cent: the sample's and the ranking's."""
    def figures(rows: list[tuple[Any, ...]]) -> dict[Any, dict[str, list[Decimal]]]:
        out: dict[Any, dict[str, list[Decimal]]] = {}
        for source, group, *values in rows:
            out.setdefault(group, {})[source] = [Decimal(int(v or 0)) / 100 for v in values]
        return out

    def of(result: dict[str, Any]) -> dict[str, list[Decimal]]:
        r = result["realisasi"]
        found = {"rup": [Decimal(result[k]) for k in ("pagu_penyedia", "komitmen_pdn",
                                                       "komitmen_umk")] + [Decimal(0)],
                 "belanja": [Decimal(result["belanja_pengadaan"])] + [Decimal(0)] * 3}
        for channel, money in r.items():
            found[channel] = [Decimal(money[k]) for k in ("nilai", "pdn", "umk")] + [
                Decimal(money.get("belum_terklasifikasi", "0"))]
        return found

    checked = differing = 0
    duck_all = figures(duck_query(con, f"tahun_anggaran = {YEAR}", "pemda_id"))
    for pk, result in ranked.items():
        mine = of(result)
        for source, values in duck_all.get(pk, {}).items():
            checked += 1
            differing += mine[source] != values
    return {"figures_checked": checked, "differing": differing,
            "pemda_checked": len(ranked), "sample_checked": len(whole)}


# ------------------------------------------------------------------ the run


def machine() -> dict[str, Any]:
    import django
    import duckdb
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite"
                       else "SHOW server_version")
        db_version = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "django": django.get_version(), "database": f"{connection.vendor} {db_version}",
            "duckdb": duckdb.__version__, "commit": commit}


def dataset_size() -> dict[str, int]:
    from p3dn.accounts.models import Pemda, Unit
    from p3dn.procurement import models as m

    current = {name: model.objects.filter(valid_to__isnull=True).count() for name, model in (
        ("rup", m.RupPackage), ("contract", m.Contract), ("pencatatan", m.Pencatatan),
        ("epurchase", m.EPurchase), ("toko_daring", m.TokoDaringOrder),
        ("budget", m.BudgetStructure), ("product", m.Product), ("provider", m.Provider))}
    current["realization"] = sum(current[k] for k in ("contract", "pencatatan", "epurchase",
                                                      "toko_daring"))
    current["pemda"], current["units"] = Pemda.objects.count(), Unit.objects.count()
    return current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench/national.sqlite3"))
    parser.add_argument("--sample", type=int, default=30, help="Pemda-years sampled")
    parser.add_argument("--rounds", type=int, default=2, help="timings per sampled Pemda")
    parser.add_argument("--ranking-runs", type=int, default=30)
    parser.add_argument("--fact-rounds", type=int, default=1,
                        help="timings per sampled Pemda from the facts (slow at full scale)")
    parser.add_argument("--fact-ranking-runs", type=int, default=1,
                        help="the ranking from the facts costs 552 computes: few runs (or 0)")
    parser.add_argument("--skip-facts", action="store_true")
    parser.add_argument("--parquet", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = f"sqlite:///{args.db.resolve()}"
    setup(url)

    from django.db import transaction
    from django.test import Client

    from p3dn.accounts import services
    from p3dn.accounts.models import Pemda, User
    from p3dn.monitoring.indicators import compute
    from p3dn.procurement import rollups
    from p3dn.procurement.models import IndicatorRollup

    result: dict[str, Any] = {"date": dt.date.today().isoformat(), "machine": machine(),
                              "year": YEAR, "dataset": dataset_size()}
    log(f"dataset: {result['dataset']}")
    rng = random.Random(args.seed)
    sample = rng.sample(list(Pemda.objects.order_by("pk")), args.sample)
    admin = User.objects.filter(username="bench.admin").first() or services.create_user(
        actor=None, username="bench.admin", password="bench-password-not-secret-9",
        role=User.Role.ADMIN, first_name="Bench")
    client = Client()
    client.force_login(admin)

    if not args.skip_facts:
        log("p3dn from the facts")
        with transaction.atomic():  # the rollups set aside, and back at the end
            IndicatorRollup.objects.all().delete()
            result["facts"] = p3dn_phase(sample, args.fact_rounds, args.fact_ranking_runs,
                                         client)
            facts_json = {p.pk: compute(pemda=p, tahun=YEAR, by="satker") for p in sample}
            transaction.set_rollback(True)
    if not IndicatorRollup.objects.exists():
        log("building the rollups")
        seconds, count = timed(rollups.refresh_all)
        result["rollup_build"] = {"seconds": round(seconds, 1), "rows": count}
        log(f"  {count:,} rollup rows in {seconds:.0f} s")
    result["rollup_rows"] = IndicatorRollup.objects.count()
    log("p3dn from the rollups")
    result["rollups"] = p3dn_phase(sample, args.rounds, args.ranking_runs, client)
    whole, ranked = p3dn_answers(sample)
    if not args.skip_facts:
        result["rollups_equal_facts"] = all(whole[pk] == facts_json[pk] for pk in whole)
        log(f"  rollups give the facts' JSON on the sample: {result['rollups_equal_facts']}")

    vendor = result["machine"]["database"].split()[0]
    folder = args.parquet or Path(tempfile.gettempdir()) / f"p3dn-parquet-{vendor}"
    log(f"DuckDB over Parquet in {folder}")
    result["parquet"] = export_parquet(folder)
    con = duck_connect(folder)
    duck_query(con, f"pemda_id = {sample[0].pk} AND tahun_anggaran = {YEAR}", "pemda_id")  # warm
    result["duckdb"] = duck_phase(con, sample, args.rounds, args.ranking_runs)
    result["duckdb_agrees"] = compare(con, whole, ranked)
    log(f"  DuckDB agrees: {result['duckdb_agrees']}")

    ratios: dict[str, Any] = {}
    for question in ("compute", "dasbor", "ranking"):
        duck = result["duckdb"][question]
        for phase in ("facts", "rollups"):
            if question in result.get(phase, {}):
                mine = result[phase][question]
                ratios[f"{phase}_{question}_p50"] = round(mine["p50_ms"] / duck["p50_ms"], 2)
                ratios[f"{phase}_{question}_p95"] = round(mine["p95_ms"] / duck["p95_ms"], 2)
    result["ratio_p3dn_over_duckdb"] = ratios
    log(f"ratios p3dn / DuckDB: {ratios}")
    out = HERE / "results" / f"indicators-{result['date']}-{vendor}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1, default=str) + "\n")
    log(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
