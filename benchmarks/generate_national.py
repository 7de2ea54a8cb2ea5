"""A synthetic national dataset written straight into a p3dn database, in the real shapes.

    .venv/bin/python benchmarks/generate_national.py --db /tmp/national.sqlite3 --scale 0.01
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/p3dn_bench \\
        .venv/bin/python benchmarks/generate_national.py --scale 1

Migrates a fresh database (an SQLite file is replaced; a PostgreSQL database must exist and be
empty: scripts/pg_database.py create p3dn_bench), takes the 552 real Pemda that migrate creates
and gives each 30 to 40 perangkat daerah (units) and, per dataset, two import runs (an earlier pull
and the current one). Then, for fiscal year 2025 at ``--scale 1``: 5.000.000 current RUP
packages (plus 3 % earlier, closed versions), 10.000.000 current realization rows (tender and
non-tender e-contracts, 10 % of tenders with an addendum version; pencatatan non-tender and
swakelola, 5 % "Paket Dibatalkan"; e-purchasing lines, 85 % completed, 5 % with an earlier
uncompleted version, 15 % v6 packages without product lines; Toko Daring orders, 10 % failed),
a budget structure per unit, and the e-Katalog products and providers that classify the lines
as PDN / UKM. Pemda sizes, units and amounts are skewed (log-normal), PDN / UKM flags have
realistic shares. The output depends only on ``--scale`` and ``--seed``.

Rows are written in bulk by the generator only: on SQLite ``executemany`` in one transaction
per table with the journal and fsync off while loading (then WAL again, as p3dn runs it), on
PostgreSQL ``COPY`` through psycopg with foreign-key triggers off for the session; the tables'
secondary indexes are dropped for the load and created again exactly as the migrations made
them. PostgreSQL is ANALYZEd at the end (autovacuum would do it); SQLite is left as p3dn leaves
it. The time of each step is printed.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import math
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

YEAR = 2025
EARLIER, CURRENT = dt.date(2025, 6, 30), dt.date(2025, 11, 20)
# current rows at --scale 1
RUP = 5_000_000
REALIZATION = {
    "tender": 500_000,  # + 10 % addendum versions = 550.000 rows
    "non_tender": 1_000_000,
    "pencatatan_non_tender": 2_500_000,
    "swakelola": 950_000,
    "e_purchasing": 4_500_000,
    "toko_daring": 500_000,
}
PRODUCTS, PROVIDERS = 100_000, 5_000
DATASETS = (
    "RUP-PaketPenyedia-Terumumkan",
    "RUP-StrukturAnggaranPD",
    "SPSE-TenderEkontrak-Kontrak",
    "SPSE-NonTenderEkontrak-Kontrak",
    "SPSE-PencatatanNonTender",
    "SPSE-PencatatanSwakelola",
    "Ecat-PaketEPurchasing",
    "Bela-TokoDaringRealisasi",
)
FACT_TABLES = (
    "procurement_ruppackage",
    "procurement_budgetstructure",
    "procurement_contract",
    "procurement_pencatatan",
    "procurement_epurchase",
    "procurement_tokodaringorder",
    "procurement_product",
    "procurement_provider",
)
_DINAS = (
    "DINAS KESEHATAN", "DINAS PENDIDIKAN", "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG",
    "DINAS PERHUBUNGAN", "DINAS SOSIAL", "DINAS LINGKUNGAN HIDUP", "DINAS PERTANIAN",
    "DINAS KOMUNIKASI DAN INFORMATIKA", "DINAS PERINDUSTRIAN DAN PERDAGANGAN",
    "BADAN PENDAPATAN DAERAH", "BADAN PERENCANAAN PEMBANGUNAN DAERAH", "SEKRETARIAT DAERAH",
    "SEKRETARIAT DPRD", "INSPEKTORAT", "RUMAH SAKIT UMUM DAERAH", "SATUAN POLISI PAMONG PRAJA",
    "BADAN KEPEGAWAIAN DAERAH", "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL", "KECAMATAN",
    "DINAS PERUMAHAN DAN KAWASAN PERMUKIMAN", "DINAS KOPERASI DAN UKM", "DINAS PARIWISATA",
)
_GOODS = (
    "Alat Tulis Kantor", "Bahan Cetak", "Makanan dan Minuman Rapat", "Obat-obatan",
    "Bahan Medis Habis Pakai", "Komputer Personal", "Laptop", "Printer", "Meja dan Kursi",
    "Pakaian Dinas", "Bahan Bakar Minyak", "Suku Cadang Kendaraan", "Benih Padi", "Pupuk",
    "Seragam Sekolah", "Buku Perpustakaan", "Alat Kesehatan", "Jaringan Internet",
    "Pemeliharaan Gedung Kantor", "Rehabilitasi Jalan", "Pembangunan Drainase",
    "Pengawasan Konstruksi Jembatan", "Jasa Kebersihan", "Jasa Keamanan", "Sewa Kendaraan",
)
_VERBS = ("Belanja", "Belanja Modal", "Belanja Pemeliharaan", "Pengadaan", "Belanja Jasa")
_METHODS = ((8, "Pengadaan Langsung", 60), (9, "E-Purchasing", 20), (13, "Tender", 8),
            (15, "Seleksi", 5), (14, "Penunjukan Langsung", 3), (16, "Dikecualikan", 4))
_KINDS = (("1", "Barang", 45), ("2", "Pekerjaan Konstruksi", 20), ("3", "Jasa Konsultansi", 15),
          ("4", "Jasa Lainnya", 20))
# realization leans to the end of the year
_MONTH_WEIGHTS = (2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 14, 13)
_PLAN_WEIGHTS = (14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 3, 2)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ------------------------------------------------------------------ the database


class Target:
    """Where rows go: SQLite (executemany) or PostgreSQL (COPY)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgres")
        if self.postgres:
            import psycopg

            self.pg = psycopg.connect(url, autocommit=True)
            self.pg.execute("SET session_replication_role = replica")  # no FK triggers
            self.pg.execute("SET maintenance_work_mem = '1GB'")
        else:
            self.lite = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000",
                           "temp_store=MEMORY", "foreign_keys=OFF"):
                self.lite.execute(f"PRAGMA {pragma}")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.postgres:
            return self.pg.execute(sql).fetchall()
        return self.lite.execute(sql).fetchall()

    def execute(self, sql: str) -> None:
        if self.postgres:
            self.pg.execute(sql)
        else:
            self.lite.execute(sql)

    def indexes(self, table: str) -> list[tuple[str, str]]:
        """The table's secondary indexes (name, CREATE statement) that can be dropped."""
        if self.postgres:
            return self.query(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = "
                f"'{table}' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)"
            )
        return self.query(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' "
            "AND sql IS NOT NULL"
        )

    def load(self, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
        count = 0
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            with (
                self.pg.transaction(),
                self.pg.cursor() as cur,
                cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        self.lite.execute("BEGIN")
        for chunk in _chunks(rows, 50_000):
            self.lite.executemany(sql, chunk)
            count += len(chunk)
        self.lite.execute("COMMIT")
        return count

    def datetime(self, moment: dt.datetime) -> str:
        """A UTC moment as Django stores it."""
        text = moment.strftime("%Y-%m-%d %H:%M:%S")
        return f"{text}+00" if self.postgres else text

    def finish(self) -> None:
        if self.postgres:
            for table in ("accounts_unit", "imports_importrun"):
                self.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            self.execute("SET session_replication_role = origin")
            self.execute("ANALYZE")
            self.pg.close()
        else:
            self.lite.execute("PRAGMA journal_mode=WAL")
            self.lite.close()


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def migrate(url: str) -> None:
    """A fresh, migrated p3dn database at ``url`` (with the 552 Pemda)."""
    if not url.startswith("postgres"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p3dn.settings")
    os.environ.setdefault("P3DN_DATA_DIR", tempfile.mkdtemp(prefix="p3dn-national-"))
    os.environ.setdefault("P3DN_SECRET_KEY", "benchmark-only-secret-key-not-used-for-anything")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    connection.close()


def columns_of(table: str) -> list[str]:
    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    return [f.column for f in model._meta.concrete_fields if not f.primary_key]


# ------------------------------------------------------------------ values


class Values:
    """Seeded pools and draws shared by the tables."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        r = rng
        self.names = [
            f"{r.choice(_VERBS)} {r.choice(_GOODS)} {r.choice(_DINAS).title()} "
            f"Tahun {YEAR} Paket {n}"
            for n in range(3000)
        ]
        self.rup_extra = [
            json.dumps({
                "uraian_pekerjaan": " ".join(r.choice(_GOODS).lower() for _ in range(8)),
                "spesifikasi_pekerjaan": " ".join(r.choice(_GOODS).lower() for _ in range(14)),
                "volume_pekerjaan": f"{r.randint(1, 40)} Paket",
                "lokasi": f"Kecamatan {r.randint(1, 40)}",
                "sumber_dana": r.choice(("APBD", "APBD", "APBD", "DAK", "BLUD")),
            }, ensure_ascii=False)
            for _ in range(2000)
        ]
        self.small_extra = [
            json.dumps({"nama_ppk": f"PPK {n}", "catatan": r.choice(_GOODS)}) for n in range(500)
        ]
        self.days = {
            weights: list(itertools.accumulate(
                weights[d.month - 1] for d in self._year_days()
            ))
            for weights in (_MONTH_WEIGHTS, _PLAN_WEIGHTS)
        }
        self.day_text = [d.isoformat() for d in self._year_days()]

    @staticmethod
    def _year_days() -> list[dt.date]:
        start = dt.date(YEAR, 1, 1)
        return [start + dt.timedelta(days=n) for n in range(365)]

    def day(self, weights: tuple[int, ...] = _MONTH_WEIGHTS) -> str:
        cum = self.days[weights]
        return self.day_text[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def amount(self, median: float, sigma: float, cents: float = 0.0) -> int | float:
        """A skewed rupiah amount (log-normal), whole thousands or with cents."""
        value = min(math.exp(self.rng.gauss(math.log(median), sigma)), 5e11)
        if cents and self.rng.random() < cents:
            return round(value, 2)
        return max(1000, int(value // 1000) * 1000)


def pick(rng: random.Random, cum: list[float], items: list[Any]) -> Any:
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def weighted(rng: random.Random, n: int, sigma: float) -> list[float]:
    return [math.exp(rng.gauss(0, sigma)) for _ in range(n)]


def spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split over the weights, exactly."""
    whole = sum(weights)
    counts = [int(total * w / whole) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


# ------------------------------------------------------------------ the dataset


class National:
    def __init__(self, target: Target, scale: float, seed: int) -> None:
        self.t = target
        self.scale = scale
        self.rng = random.Random(seed)
        self.v = Values(self.rng)
        self.counts: dict[str, int] = {}

    def n(self, full: int, floor: int = 1) -> int:
        return max(floor, round(full * self.scale))

    # --- reference rows

    def pemda(self) -> None:
        rows = self.t.query(
            "SELECT p.id, p.kd_klpd, r.level FROM accounts_pemda p "
            "JOIN regions_region r ON r.code = p.region_id ORDER BY p.id"
        )
        self.pemda_ids = [r[0] for r in rows]
        weights = weighted(self.rng, len(rows), 0.6)
        self.pemda_weights = [w * (1.8 if r[2] == "provinsi" else 1.0) for w, r in
                              zip(weights, rows, strict=True)]
        log(f"{len(rows)} Pemda")

    def units(self) -> None:
        rows = []
        self.units_of: dict[int, list[tuple[int, str]]] = {}
        self.unit_cum: dict[int, list[float]] = {}
        pk = 0
        for pemda_id in self.pemda_ids:
            units = []
            for j in range(self.rng.randint(30, 40)):
                pk += 1
                kd = str(100000 + pk)
                name = _DINAS[j % len(_DINAS)] + ("" if j < len(_DINAS) else f" {j}")
                rows.append((pk, pemda_id, kd, f"{pemda_id}.{j:02d}.0.00.0.00.01.0000", name,
                             None, 1))
                units.append((pk, kd))
            self.units_of[pemda_id] = units
            self.unit_cum[pemda_id] = list(itertools.accumulate(
                weighted(self.rng, len(units), 0.9)))
        self.counts["units"] = self.t.load(
            "accounts_unit",
            ["id", "pemda_id", "kd_satker", "kd_satker_str", "name", "parent_id", "is_active"],
            rows,
        )

    def runs(self) -> None:
        """Per Pemda and dataset an earlier and a current run; one each for products and
        providers."""
        columns = columns_of("imports_importrun")
        self.run_of: dict[tuple[int, str], tuple[int, int]] = {}
        rows = []
        pk = 0

        def run(dataset: str, pemda_id: int | None, day: dt.date) -> int:
            nonlocal pk
            pk += 1
            moment = self.t.datetime(dt.datetime.combine(day, dt.time(3, 0)))
            values = {
                "created_at": moment, "user_id": None, "actor_name": "benchmark",
                "file_name": f"{dataset}.json", "file_sha256": f"{pk:064x}", "file_size": 0,
                "stored_path": "", "requested_dataset": "", "requested_klpd": "",
                "requested_year": None, "apply_valid_rows": 0, "dry_run": 0,
                "dataset": dataset, "file_format": "json", "pemda_id": pemda_id, "tahun": YEAR,
                "data_as_of": day.isoformat(), "status": "applied", "message": "",
                "rows_read": 0, "rows_inserted": 0, "rows_updated": 0, "rows_unchanged": 0,
                "rows_rejected": 0, "rows_duplicate": 0, "started_at": moment,
                "finished_at": moment,
            }
            rows.append((pk, *(values[c] for c in columns)))
            return pk

        for pemda_id in self.pemda_ids:
            for dataset in DATASETS:
                self.run_of[(pemda_id, dataset)] = (
                    run(dataset, pemda_id, EARLIER), run(dataset, pemda_id, CURRENT))
        for dataset in ("Ecat-ProdukDetail", "Ecat-PenyediaDetail"):
            self.run_of[(0, dataset)] = (run(dataset, None, EARLIER), run(dataset, None, CURRENT))
        self.counts["import_runs"] = self.t.load("imports_importrun", ["id", *columns], rows)

    # --- facts

    def _per_pemda(self, total: int) -> Iterator[tuple[int, int]]:
        yield from zip(self.pemda_ids, spread(total, self.pemda_weights), strict=True)

    def _unit(self, pemda_id: int) -> tuple[int, str]:
        return pick(self.rng, self.unit_cum[pemda_id], self.units_of[pemda_id])

    def fact(self, table: str, dataset: str, make: Callable[..., Iterator[dict[str, Any]]],
             total: int, closed: float = 0.0) -> None:
        """Rows of ``table`` by Pemda; ``make(pemda_id, count)`` yields each current row's
        values, and a share ``closed`` of them also gets an earlier version, replaced."""
        columns = columns_of(table)
        r = self.rng

        def rows() -> Iterator[tuple[Any, ...]]:
            for pemda_id, count in self._per_pemda(total):
                earlier, current = self.run_of[(pemda_id, dataset)]
                for made in make(pemda_id, count):
                    values = {**made, "pemda_id": pemda_id, "tahun_anggaran": YEAR,
                              "row_hash": "0" * 32}
                    old = values.pop("_old", None)
                    if closed and r.random() < closed:
                        values["valid_from_id"] = current
                        yield tuple(values[c] for c in columns)
                        values.update(old or {}, valid_from_id=earlier, valid_to_id=current)
                        yield tuple(values[c] for c in columns)
                    else:
                        values["valid_from_id"] = earlier
                        yield tuple(values[c] for c in columns)

        started = time.perf_counter()
        self.counts[table] = self.counts.get(table, 0) + self.t.load(table, columns, rows())
        log(f"{table}: {self.counts[table]:,} rows in {time.perf_counter() - started:.0f} s")

    def _base(self, pemda_id: int, extra: str) -> dict[str, Any]:
        unit_id, kd = self._unit(pemda_id)
        return {"valid_to_id": None, "extra": extra, "kd_satker": kd, "unit_id": unit_id}

    def rup(self, pemda_id: int, count: int) -> Iterator[dict[str, Any]]:
        r, v = self.rng, self.v
        methods, kinds = list(_METHODS), list(_KINDS)
        method_cum = list(itertools.accumulate(m[2] for m in methods))
        kind_cum = list(itertools.accumulate(k[2] for k in kinds))
        for _ in range(count):
            self.kd_rup += 1
            method = pick(r, method_cum, methods)
            kind = pick(r, kind_cum, kinds)
            pagu = v.amount(40e6, 1.5)
            row = self._base(pemda_id, r.choice(v.rup_extra))
            self.pagu_of[row["unit_id"]] = self.pagu_of.get(row["unit_id"], 0) + pagu
            ukm = r.random() < 0.8
            row.update(
                kd_rup=self.kd_rup, nama_paket=r.choice(v.names), pagu=pagu,
                kd_metode_pengadaan=method[0], metode_pengadaan=method[1],
                kd_jenis_pengadaan=kind[0], jenis_pengadaan=kind[1],
                status_pdn="PDN" if r.random() < 0.85 else "Impor",
                status_ukm="UKM" if ukm else "Non UKM",
                alasan_non_ukm="" if ukm else "Tidak tersedia penyedia UKM",
                status_umumkan_rup="Terumumkan" if r.random() < 0.97 else "Draf",
                status_aktif_rup=int(r.random() < 0.98), status_delete_rup=int(r.random() < 0.01),
                status_dikecualikan=int(method[0] == 16), tipe_paket="Penyedia",
                tgl_awal_pemilihan=v.day(_PLAN_WEIGHTS), tgl_awal_kontrak=v.day(_PLAN_WEIGHTS),
                tgl_pengumuman_paket=v.day(_PLAN_WEIGHTS),
                _old={"pagu": v.amount(40e6, 1.5), "status_pdn": "PDN"},
            )
            yield row

    def budget(self, pemda_id: int, count: int) -> Iterator[dict[str, Any]]:
        del count
        r = self.rng
        for unit_id, kd in self.units_of[pemda_id]:
            # the procurement budget a little above what the unit's RUP packages plan
            pengadaan = int(self.pagu_of.get(unit_id, 0) * r.uniform(1.1, 1.6)) + 10**8
            operasi = pengadaan * r.uniform(1.0, 2.5) // 1000 * 1000
            modal = pengadaan * r.uniform(0.2, 0.8) // 1000 * 1000
            yield {
                "valid_to_id": None, "extra": "{}", "kd_satker": kd, "unit_id": unit_id,
                "belanja_operasi": operasi, "belanja_modal": modal, "belanja_btt": 0,
                "belanja_non_pengadaan": operasi + modal - pengadaan,
                "belanja_pengadaan": pengadaan, "total_belanja": operasi + modal,
            }

    def contracts(self, channel: str, median: float) -> Callable[..., Iterator[dict[str, Any]]]:
        def make(pemda_id: int, count: int) -> Iterator[dict[str, Any]]:
            r, v = self.rng, self.v
            for _ in range(count):
                self.kd_paket += 1
                nilai = v.amount(median, 1.1, cents=0.3)
                pdn_share = r.uniform(0.4, 1.0) if r.random() < 0.85 else 0.0
                row = self._base(pemda_id, r.choice(v.small_extra))
                ukm = r.random() < 0.6
                row.update(
                    channel=channel, kd_paket=self.kd_paket, versi_addendum=0,
                    no_kontrak=f"{self.kd_paket}/SPK/{YEAR}", tgl_kontrak=v.day(),
                    nama_paket=r.choice(v.names), nilai_kontrak=nilai,
                    nilai_pdn_kontrak=None if r.random() < 0.05 else round(nilai * pdn_share, 2),
                    nilai_umk_kontrak=nilai if ukm else 0,
                    kd_penyedia=r.randint(1, 900_000),
                    nama_penyedia=f"CV Penyedia {r.randint(1, 90_000)}",
                    bentuk_usaha_penyedia="CV" if ukm else "PT", status_kontrak="Selesai",
                    _old={"nilai_kontrak": v.amount(median, 1.1)},
                )
                yield row
                if channel == "tender" and r.random() < 0.1:  # an addendum: a second version
                    yield {**row, "versi_addendum": 1, "nilai_kontrak": round(nilai * 1.07, 2),
                           "_old": {"nilai_kontrak": nilai}}
        return make

    def pencatatan(self, channel: str, median: float) -> Callable[..., Iterator[dict[str, Any]]]:
        def make(pemda_id: int, count: int) -> Iterator[dict[str, Any]]:
            r, v = self.rng, self.v
            for _ in range(count):
                self.kd_pct += 1
                nilai = v.amount(median, 1.1, cents=0.2)
                status = r.random()
                row = self._base(pemda_id, r.choice(v.small_extra))
                row.update(
                    channel=channel, kd_pct=self.kd_pct, kd_rup=str(r.randint(1, self.kd_rup)),
                    nama_paket=r.choice(v.names), pagu=nilai,
                    total_realisasi=nilai,
                    nilai_pdn_pct=(
                        None if r.random() < 0.05 else round(nilai * r.uniform(0.5, 1), 2)
                    ),
                    nilai_umk_pct=nilai if r.random() < 0.7 else 0,
                    status_ket="Paket Dibatalkan" if status < 0.05 else (
                        "Paket Sedang Berjalan" if status < 0.3 else "Paket Selesai"),
                    tgl_mulai_paket=v.day(), tgl_selesai_paket=v.day(),
                    sumber_dana=r.choice(("APBD", "APBD", "DAK", "BLUD")),
                )
                yield row
        return make

    def epurchase(self, pemda_id: int, count: int) -> Iterator[dict[str, Any]]:
        r, v = self.rng, self.v
        made = 0
        while made < count:
            self.kd_paket_ep += 1
            unit_id, kd = self._unit(pemda_id)
            v6 = r.random() < 0.15
            completed = r.random() < 0.85
            day = v.day()
            lines = 1 if v6 else min(count - made, r.choice((1, 1, 2, 3, 4, 6)))
            used: set[str] = set()
            for line in range(lines):
                made += 1
                if v6:
                    produk, key = "", "-"
                elif r.random() < 0.05:
                    produk = key = f"X{self.kd_paket_ep}-{line}"  # a product p3dn does not know
                else:
                    produk = key = f"P{r.randint(1, self.products)}"
                    while key in used:
                        produk = key = f"P{r.randint(1, self.products)}"
                used.add(key)
                total = v.amount(8e6, 1.3, cents=0.3)
                yield {
                    "valid_to_id": None, "extra": r.choice(v.small_extra), "kd_satker": kd,
                    "unit_id": unit_id, "source": "v6" if v6 else "v5",
                    "kd_paket": f"EPS-{self.kd_paket_ep}", "line_key": key,
                    "kd_rup": r.randint(1, self.kd_rup), "nama_paket": r.choice(v.names),
                    "kd_produk": produk, "kd_penyedia": f"S{r.randint(1, self.providers)}",
                    "kuantitas": r.randint(1, 50), "harga_satuan": total, "ongkos_kirim": 0,
                    "total_harga": total,
                    "status": "paket_selesai" if completed else "paket_proses",
                    "completed": int(completed), "tanggal": day, "jenis_katalog": "Nasional",
                    "_old": {"completed": 0, "status": "paket_proses"},
                }

    def toko(self, pemda_id: int, count: int) -> Iterator[dict[str, Any]]:
        r, v = self.rng, self.v
        for _ in range(count):
            self.order += 1
            row = self._base(pemda_id, "{}")
            failed = r.random() < 0.1
            merchant = (f"CV Penyedia {r.randint(1, self.providers)}" if r.random() < 0.6
                        else f"Toko {r.randint(1, 50_000)}")
            moment = dt.datetime.fromisoformat(v.day()) + dt.timedelta(seconds=r.randint(0, 86399))
            row.update(
                order_id=f"TD-{self.order}", line_key="-", valuasi=v.amount(2e6, 1.1, cents=0.5),
                tanggal_transaksi=self.t.datetime(moment),
                marketplace=r.choice(("Tokopedia", "Blibli", "Shopee", "Bhinneka")),
                merchant_name=merchant, kategori=r.choice(_GOODS),
                status_verif="failed" if failed else "verified",
                status_konfirmasi_ppmse="gagal" if failed else "selesai", keterangan_ppmse="",
                failed=int(failed), verified=int(not failed),
            )
            yield row

    def catalogue(self) -> None:
        r = self.rng
        earlier = self.run_of[(0, "Ecat-ProdukDetail")][0]
        columns = columns_of("procurement_product")
        rows = []
        for n in range(1, self.products + 1):
            kind = r.random()
            tkdn = round(r.uniform(25, 80), 2) if kind < 0.45 else None
            values = {
                "row_hash": "0" * 32, "valid_from_id": earlier, "valid_to_id": None,
                "extra": "{}", "kd_produk": f"P{n}", "nama_produk": r.choice(_GOODS),
                "nama_manufaktur": f"PT Pabrik {r.randint(1, 3000)}",
                "jenis_produk": "lokal" if kind < 0.6 else ("impor" if kind < 0.9 else ""),
                "kbki_id": str(r.randint(10000, 99999)), "nomor_tkdn": "" if tkdn is None else
                f"TKDN-{n}", "tkdn_produk": tkdn, "nilai_bmp": None,
                "kd_penyedia": f"S{r.randint(1, self.providers)}",
            }
            rows.append(tuple(values[c] for c in columns))
        self.counts["procurement_product"] = self.t.load("procurement_product", columns, rows)
        earlier = self.run_of[(0, "Ecat-PenyediaDetail")][0]
        columns = columns_of("procurement_provider")
        rows = []
        for n in range(1, self.providers + 1):
            values = {
                "row_hash": "0" * 32, "valid_from_id": earlier, "valid_to_id": None,
                "extra": "{}", "kd_penyedia": f"S{n}", "nama_penyedia": f"CV Penyedia {n}",
                "npwp_penyedia": "", "kbli2020_penyedia": "",
                "penyedia_ukm": (r.random() < 0.75) if r.random() < 0.95 else None,
            }
            rows.append(tuple(values[c] for c in columns))
        self.counts["procurement_provider"] = self.t.load("procurement_provider", columns, rows)

    def build(self) -> None:
        self.kd_rup = self.kd_paket = self.kd_pct = self.kd_paket_ep = self.order = 0
        self.pagu_of: dict[int, int] = {}
        self.products, self.providers = self.n(PRODUCTS, 1000), self.n(PROVIDERS, 200)
        self.pemda()
        self.units()
        self.runs()
        self.catalogue()
        self.fact("procurement_ruppackage", DATASETS[0], self.rup, self.n(RUP), closed=0.03)
        self.fact("procurement_budgetstructure", DATASETS[1], self.budget, 0)
        self.fact("procurement_contract", DATASETS[2],
                  self.contracts("tender", 250e6), self.n(REALIZATION["tender"]), closed=0.02)
        self.fact("procurement_contract", DATASETS[3],
                  self.contracts("non_tender", 60e6), self.n(REALIZATION["non_tender"]),
                  closed=0.02)
        self.fact("procurement_pencatatan", DATASETS[4], self.pencatatan("non_tender", 8e6),
                  self.n(REALIZATION["pencatatan_non_tender"]))
        self.fact("procurement_pencatatan", DATASETS[5], self.pencatatan("swakelola", 15e6),
                  self.n(REALIZATION["swakelola"]))
        self.fact("procurement_epurchase", DATASETS[6], self.epurchase,
                  self.n(REALIZATION["e_purchasing"]), closed=0.05)
        self.fact("procurement_tokodaringorder", DATASETS[7], self.toko,
                  self.n(REALIZATION["toko_daring"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/p3dn-national.sqlite3"),
                        help="the SQLite file (replaced) when DATABASE_URL names no PostgreSQL")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = f"sqlite:///{args.db.resolve()}"
    started = time.perf_counter()
    migrate(url)
    log(f"migrated {url.split('@')[-1]} in {time.perf_counter() - started:.0f} s")
    target = Target(url)
    dropped: list[tuple[str, str]] = []
    for table in FACT_TABLES:
        for name, sql in target.indexes(table):
            target.execute(f'DROP INDEX "{name}"')
            dropped.append((name, sql))
    national = National(target, args.scale, args.seed)
    national.build()
    loaded = time.perf_counter()
    for _name, sql in dropped:
        target.execute(sql)
    log(f"{len(dropped)} indexes created again in {time.perf_counter() - loaded:.0f} s")
    target.finish()
    seconds = time.perf_counter() - started
    realization = sum(national.counts.get(t, 0) for t in FACT_TABLES[2:6])
    summary = {"url": url.split("@")[-1], "scale": args.scale, "seed": args.seed,
               "seconds": round(seconds, 1), "rows": national.counts,
               "realization_rows": realization}
    print(json.dumps(summary, indent=1))
    log(f"generated in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
