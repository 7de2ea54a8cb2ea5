"""Build the demo dataset shipped in p3dn/core/demo/ from the real public files in ../shared/data.

Run from the repository root: python3 scripts/build_demo.py
Only organisational fields are kept (codes and names of government units); no personal data.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "isb"
OUT = ROOT / "p3dn" / "core" / "demo" / "units.json"


def units_from(path: Path, active_only: bool) -> list[dict[str, str]]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    seen: dict[str, dict[str, str]] = {}
    for row in rows:
        if active_only and row.get("status_satker") not in (None, "Aktif"):
            continue
        code = str(row["kd_satker"])
        seen[code] = {
            "kd_satker": code,
            "kd_satker_str": row.get("kd_satker_str") or "",
            "name": row["nama_satker"].strip(),
        }
    return sorted(seen.values(), key=lambda u: (u["kd_satker_str"], u["name"]))


def main() -> None:
    data = {
        "sources": [
            "isb/kab-bandung-2025/RUP-MasterSatker.json (msaworks/DataprepsITKP @ 90c24c7)",
            "isb/prov-kalbar-2023/RUP-StrukturAnggaranPD.json"
            " (blogramadhan/bun-tarik-data @ 76acd90)",
        ],
        "pemda": [
            {
                "kd_klpd": "D107",
                "region": "32.04",
                "units": units_from(SHARED / "kab-bandung-2025" / "RUP-MasterSatker.json", True),
            },
            {
                "kd_klpd": "D197",
                "region": "61",
                "units": units_from(
                    SHARED / "prov-kalbar-2023" / "RUP-StrukturAnggaranPD.json", False
                ),
            },
        ],
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    for p in data["pemda"]:
        print(p["kd_klpd"], len(p["units"]), "units")
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
