"""Synthetic RUP-PaketPenyedia-Terumumkan rows as JSON lines, in the shape of SiRUP's real rows.

Every field of the real file (shared/data/isb/kab-bandung-2025/rup-paket-penyedia-terumumkan
.sample.json) is there, in the same order and with the same types: one KLPD (D107, Kab.
Bandung), fiscal year 2025, a few hundred perangkat daerah, distinct ``kd_rup``, PDN/UKM mixes,
dates and the long free-text fields that make a real row about 1.6 KB. The output depends only
on ``--rows`` and ``--seed``.

    python benchmarks/generate.py --rows 200000 --out /tmp/rup-200k.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SATKER_COUNT = 300
YEAR = 2025

_DINAS = (
    "DINAS KESEHATAN", "DINAS PENDIDIKAN", "DINAS PEKERJAAN UMUM DAN TATA RUANG",
    "DINAS PERHUBUNGAN", "DINAS KETENAGAKERJAAN", "BADAN PENDAPATAN DAERAH",
    "DINAS SOSIAL", "DINAS PERUMAHAN DAN KAWASAN PERMUKIMAN", "DINAS LINGKUNGAN HIDUP",
    "DINAS KOMUNIKASI DAN INFORMATIKA", "DINAS PERTANIAN", "DINAS KEBUDAYAAN DAN PARIWISATA",
    "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA", "SEKRETARIAT DAERAH",
    "SEKRETARIAT DPRD", "INSPEKTORAT", "KECAMATAN", "PUSKESMAS", "RUMAH SAKIT UMUM DAERAH",
    "SATUAN POLISI PAMONG PRAJA",
)
_PLACES = (
    "BALEENDAH", "BANJARAN", "CICALENGKA", "CILEUNYI", "CIMAUNG", "CIPARAY", "DAYEUHKOLOT",
    "MAJALAYA", "MARGAHAYU", "PANGALENGAN", "RANCAEKEK", "SOREANG", "KATAPANG", "BOJONGSOANG",
)
# (kd_metode_pengadaan, metode_pengadaan, weight)
_METHODS = (
    (8, "Pengadaan Langsung", 60), (9, "E-Purchasing", 20), (15, "Seleksi", 5),
    (13, "Tender", 8), (14, "Penunjukan Langsung", 3), (16, "Dikecualikan", 2),
    (17, "Tender Cepat", 2),
)
_KINDS = (("1", "Barang", 45), ("2", "Pekerjaan Konstruksi", 20), ("3", "Jasa Konsultansi", 15),
          ("4", "Jasa Lainnya", 20))
_GOODS = (
    "Alat Tulis Kantor", "Bahan Cetak", "Makanan dan Minuman Rapat", "Obat-obatan",
    "Bahan Medis Habis Pakai", "Komputer Personal", "Laptop", "Printer", "Meja dan Kursi Kerja",
    "Pakaian Dinas Harian", "Bahan Bakar Minyak", "Suku Cadang Kendaraan", "Benih Padi",
    "Pupuk Organik", "Seragam Sekolah", "Buku Bacaan Perpustakaan", "Alat Kesehatan",
    "Jaringan Internet", "Perangkat Lunak", "Sewa Gedung", "Jasa Kebersihan", "Jasa Keamanan",
    "Pemeliharaan Gedung Kantor", "Rehabilitasi Jalan Desa", "Pembangunan Drainase",
    "Perencanaan Rehabilitasi Pembangunan Gedung", "Pengawasan Konstruksi Jembatan",
    "Event Organizer", "Publikasi dan Dokumentasi", "Pelatihan Barista", "Tarian Tradisional",
)
_VERBS = ("Belanja", "Belanja Jasa", "Belanja Modal", "Belanja Pemeliharaan", "Pengadaan")
_UNITS = ("Paket", "Kegiatan", "Lembar", "Orang / Kali", "Unit", "Bulan", "Buah", "Meter", "Set")
_WORDS = (
    "kegiatan", "pelaksanaan", "penyediaan", "pemeliharaan", "rutin", "kantor", "dinas", "daerah",
    "program", "pelayanan", "masyarakat", "peningkatan", "kapasitas", "sarana", "prasarana",
    "termasuk", "biaya", "pengiriman", "pemasangan", "sesuai", "spesifikasi", "teknis",
    "standar", "nasional", "Indonesia", "selama", "tahun", "anggaran", "berikut", "perlengkapan",
    "pendukung", "lainnya", "bagi", "peserta", "narasumber", "instruktur", "dan", "untuk",
    "dengan", "pada", "di", "lingkungan", "Pemerintah", "Kabupaten", "Bandung", "produk",
    "dalam", "negeri", "usaha", "kecil", "menengah", "koperasi", "lokal",
)
_NON_UKM = (
    "Nilai paket di atas Rp15 miliar",
    "Tidak ada usaha kecil yang mampu menyediakan barang dengan spesifikasi teknis tersebut",
    "Pekerjaan membutuhkan kualifikasi usaha non kecil sesuai ketentuan",
)


def _weighted(rng: random.Random, options: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    return rng.choices(options, weights=[o[-1] for o in options])[0]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    words[0] = words[0].capitalize()
    return " ".join(words)


def _satkers(rng: random.Random) -> list[tuple[int, str, str]]:
    units = []
    for index in range(SATKER_COUNT):
        name = _DINAS[index % len(_DINAS)]
        if index >= len(_DINAS):
            name = f"{name} {_PLACES[index % len(_PLACES)]} {index // len(_DINAS)}"
        code = (f"{rng.randint(1, 7)}.{rng.randint(1, 20):02d}.{rng.randint(0, 3)}."
                f"{rng.randint(0, 32):02d}.{rng.randint(0, 1)}.00.{index % 100:02d}.0000")
        units.append((152000 + index * 3, code, name))
    return units


def _day(rng: random.Random, start: dt.date, span: int) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, span))


def rows(count: int, seed: int = 2025) -> Iterator[dict[str, Any]]:
    """``count`` rows in the real field order; the same ``seed`` gives the same rows."""
    rng = random.Random(seed)
    satkers = _satkers(rng)
    year_start = dt.date(YEAR, 1, 1)
    kd_rup = 53_600_000
    for _ in range(count):
        kd_rup += rng.randint(1, 5)
        kd_satker, satker_str, satker_name = rng.choice(satkers)
        method_code, method, _w = _weighted(rng, _METHODS)
        kind_code, kind, _w = _weighted(rng, _KINDS)
        goods = rng.choice(_GOODS)
        package = f"{rng.choice(_VERBS)} {goods} {rng.choice(_PLACES).title()}"
        if rng.random() < 0.5:
            package += f" ({_sentence(rng, 2, 6)})"
        pagu = int(10 ** rng.uniform(6, 10.5)) // 100 * 100
        non_ukm = rng.random() < 0.2
        start_selection = _day(rng, year_start - dt.timedelta(days=31), 200)
        start_contract = start_selection + dt.timedelta(days=rng.randint(0, 45))
        end_contract = start_contract + dt.timedelta(days=rng.randint(30, 300))
        created = start_selection - dt.timedelta(days=rng.randint(1, 40))
        announced = dt.datetime.combine(
            created + dt.timedelta(days=rng.randint(0, 20)), dt.time()
        ) + dt.timedelta(seconds=rng.randint(7 * 3600, 23 * 3600))
        specification = ". ".join(_sentence(rng, 4, 12) for _ in range(rng.randint(1, 3)))
        yield {
            "tahun_anggaran": YEAR,
            "kd_klpd": "D107",
            "nama_klpd": "Kab. Bandung",
            "jenis_klpd": "KABUPATEN",
            "kd_satker": kd_satker,
            "kd_satker_str": satker_str,
            "nama_satker": satker_name,
            "kd_rup": kd_rup,
            "nama_paket": package,
            "pagu": pagu,
            "kd_metode_pengadaan": method_code,
            "metode_pengadaan": method,
            "kd_jenis_pengadaan": kind_code,
            "jenis_pengadaan": kind,
            "status_pradipa": "PraDIPA" if rng.random() < 0.15 else "Non-PraDIPA",
            "status_pdn": "PDN" if rng.random() < 0.85 else "Non PDN",
            "status_ukm": "Non UKM" if non_ukm else "UKM",
            "alasan_non_ukm": rng.choice(_NON_UKM) if non_ukm else None,
            "status_konsolidasi": "Konsolidasi" if rng.random() < 0.05 else "Non-Konsolidasi",
            "tipe_paket": "Penyedia",
            "kd_rup_swakelola": None,
            "kd_rup_lokal": None,
            "volume_pekerjaan": f"{rng.randint(1, 6000)} {rng.choice(_UNITS)}",
            "urarian_pekerjaan": f"{package}. {_sentence(rng, 2, 10)}",
            "spesifikasi_pekerjaan": specification,
            "tgl_awal_pemilihan": start_selection.isoformat(),
            "tgl_akhir_pemilihan": (start_selection + dt.timedelta(days=30)).isoformat(),
            "tgl_awal_kontrak": start_contract.isoformat(),
            "tgl_akhir_kontrak": end_contract.isoformat(),
            "tgl_awal_pemanfaatan": start_contract.isoformat(),
            "tgl_akhir_pemanfaatan": end_contract.isoformat(),
            "tgl_buat_paket": created.isoformat(),
            "tgl_pengumuman_paket": announced.isoformat(sep=" "),
            "status_aktif_rup": rng.random() < 0.97,
            "status_delete_rup": rng.random() < 0.01,
            "status_umumkan_rup": "Terumumkan",
            "status_dikecualikan": method_code == 16,
            "alasan_dikecualikan": _sentence(rng, 5, 12) if method_code == 16 else None,
            "tahun_pertama": None,
            "kode_rup_tahun_pertama": None,
            "nomor_kontrak": None,
            "spp_aspek_ekonomi": rng.random() < 0.3,
            "spp_aspek_sosial": rng.random() < 0.1,
            "spp_aspek_lingkungan": rng.random() < 0.1,
            "_event_date": "2025-10-03",
        }


def write(path: Path, count: int, seed: int = 2025) -> int:
    """Write ``count`` rows to ``path`` (one JSON object a line); returns the bytes written."""
    size = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows(count, seed):
            line = json.dumps(row, ensure_ascii=False) + "\n"
            size += len(line.encode())
            out.write(line)
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, required=True, help="the .jsonl file to write")
    args = parser.parse_args(argv)
    size = write(args.out, args.rows, args.seed)
    print(f"{args.out}: {args.rows:,} rows, {size / 1e6:.1f} MB, "
          f"{size / max(1, args.rows):,.0f} bytes a row", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
