"""Build the demo dataset shipped in p3dn/core/demo/ from the real public files in ../shared/data.

Run from the repository root: python3 scripts/build_demo.py  (needs the project venv: pyarrow)

- units.json: the perangkat daerah of Kab. Bandung (RUP-MasterSatker 2025) and Prov. Kalimantan
  Barat (RUP-StrukturAnggaranPD 2023), codes and names only;
- files/: the LKPP files the demo imports (JSON gzipped, Parquet as it is), with every field
  that names or reaches a person removed, as the import engine would drop them anyway.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

import django
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p3dn.settings")
os.environ.setdefault("P3DN_DEBUG", "True")
django.setup()
from p3dn.imports.datasets.base import is_personal  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "isb"
DEMO = ROOT / "p3dn" / "core" / "demo"
BANDUNG = [
    "RUP-MasterSatker.json", "RUP-StrukturAnggaranPD.json",
    "rup-paket-penyedia-terumumkan.sample.json", "rup-paket-swakelola-terumumkan.sample.json",
    "rup-paket-anggaran-penyedia.sample.json", "SPSE-TenderEkontrak-2Kontrak.json",
    "SPSE-NonTenderEkontrak-2Kontrak.json", "SPSE-NonTenderEkontrak-4BAPBAST.json",
    "SPSE-TenderSelesaiNilai.json", "SPSE-PencatatanNonTender.json",
    "SPSE-PencatatanNonTenderRealisasi.json", "SPSE-PencatatanSwakelola.json",
    "SPSE-PencatatanSwakelolaRealisasi.json", "Ecat-PaketEPurchasingV6.json",
    "Bela-TokoDaringRealisasi.json", "Ecat-ProdukDetail.json", "Ecat-PenyediaDetail.json",
]
KALBAR = [
    "RUP-StrukturAnggaranPD.json", "RUP-PaketPenyedia-Terumumkan.parquet",
    "RUP-PaketSwakelola-Terumumkan.parquet", "RUP-PaketAnggaranPenyedia.parquet",
    "SPSE-TenderEkontrak-Kontrak.json", "SPSE-NonTenderEkontrak-Kontrak.json",
    "SPSE-TenderSelesaiNilai.json", "SPSE-PencatatanNonTender.json",
    "SPSE-PencatatanSwakelola.json",
]


def units_from(path: Path, active_only: bool) -> list[dict[str, str]]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    seen: dict[str, dict[str, str]] = {}
    for row in rows:
        if active_only and row.get("status_satker") not in (None, "Aktif"):
            continue
        code = str(row["kd_satker"])
        seen[code] = {"kd_satker": code, "kd_satker_str": row.get("kd_satker_str") or "",
                      "name": row["nama_satker"].strip()}
    return sorted(seen.values(), key=lambda u: (u["kd_satker_str"], u["name"]))


def copy_file(source: Path, target_dir: Path, prefix: str) -> str:
    name = f"{prefix}-{source.name}"
    if source.suffix == ".parquet":
        table = pq.read_table(source)
        keep = [c for c in table.column_names if not is_personal(c)]
        pq.write_table(table.select(keep), target_dir / name, compression="zstd")
        return name
    rows = json.loads(source.read_text(encoding="utf-8"))
    clean = [{k: v for k, v in row.items() if not is_personal(k)} for row in rows]
    name += ".gz"
    with gzip.open(target_dir / name, "wt", encoding="utf-8", compresslevel=9) as out:
        json.dump(clean, out, ensure_ascii=False, separators=(",", ":"))
    return name


def main() -> None:
    files_dir = DEMO / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    for old in files_dir.iterdir():
        old.unlink()
    files = [copy_file(SHARED / "kab-bandung-2025" / f, files_dir, "bandung") for f in BANDUNG]
    files += [copy_file(SHARED / "prov-kalbar-2023" / f, files_dir, "kalbar") for f in KALBAR]
    data = {
        "sources": [
            "isb/kab-bandung-2025 (msaworks/DataprepsITKP @ 90c24c7)",
            "isb/prov-kalbar-2023 (blogramadhan/bun-tarik-data @ 76acd90)",
        ],
        "pemda": [
            {"kd_klpd": "D107", "region": "32.04",
             "units": units_from(SHARED / "kab-bandung-2025" / "RUP-MasterSatker.json", True)},
            {"kd_klpd": "D197", "region": "61",
             "units": units_from(SHARED / "prov-kalbar-2023" / "RUP-StrukturAnggaranPD.json",
                                 False)},
        ],
        "files": files,
    }
    (DEMO / "units.json").write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n",
                                     encoding="utf-8")
    total = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    print(f"{len(files)} files, {total:,} bytes in {DEMO}")


if __name__ == "__main__":
    main()
