"""The rules against real public data from ../shared/data (the run stops when it is missing)."""

from __future__ import annotations

import json
import re

from conftest import SHARED_DATA as SHARED
from p3dn.rules.regions import parse_region_code
from p3dn.rules.registry import run

WILAYAH = SHARED / "wilayah" / "wilayah-2025.sql"
RUP = SHARED / "isb" / "kab-bandung-2025" / "rup-paket-penyedia-terumumkan.sample.json"


def test_every_kemendagri_2025_code_parses_and_kota_follows_the_name():
    rows = re.findall(r"\('([^']*)','((?:[^']|'')*)'\)", WILAYAH.read_text(encoding="utf-8"))
    assert len(rows) > 90000
    kab_kota = 0
    for kode, nama in rows:
        region = parse_region_code(kode)
        if region.level == "kabupaten_kota":
            kab_kota += 1
            assert (region.jenis_kabupaten_kota == "kota") == nama.startswith("Kota"), (kode, nama)
    assert kab_kota == 514  # 416 kabupaten + 98 kota


def test_sirup_packages_of_kab_bandung():
    rows = json.loads(RUP.read_text(encoding="utf-8"))
    paket = [
        {
            "kd_rup": str(r["kd_rup"]),
            "nama_paket": r["nama_paket"],
            "jenis_pengadaan": r["kd_jenis_pengadaan"],
            "pagu": r["pagu"],
            "status_ukm": r["status_ukm"],
            "alasan_non_ukm": r["alasan_non_ukm"],
        }
        for r in rows
    ]
    out = run("reserved_package", {"paket": paket})
    consultancy = sum(1 for r in rows if r["jenis_pengadaan"] == "Jasa Konsultansi")
    assert out["jumlah_dicadangkan"] == len(rows) - consultancy  # every other package <= Rp15 M
    assert out["jumlah_perlu_tindak_lanjut"] == 0  # all are marked UKM
