"""The search corpus of the judged query set, built from the real files in ../shared/data.

One item per producer + product + specification + brand (+ type), deduplicated on their
normalised text (p3dn.lib.search.text: case, punctuation, "PT." / "PT" do not split an item);
an item keeps every TKDN value it was certified with, and ranks on the highest one (999,99 =
not applicable is no value). Sources:

- tkdn/kemenperin-export-sample.xls (HTML table named .xls; read with p3dn.lib.readers):
  Produk, Spesifikasi, Tipe, Merk ('-' = none), Nama Perusahaan, Kelompok Barang, Kode HS, KBLI;
- tkdn/scrape-kelompok-8.json: jenis_produk, spesifikasi, tipe, merk, perusahaan,
  "Kelompok Barang", nilai_tkdn ("56.79%"); the 2 partial records (no product) are skipped;
- ekatalog/kalbar-kabupaten-2022/{BKY,KKR,KKU}-prodkatalog2022.parquet: nama_produk,
  nama_manufaktur (the brand), nama_penyedia (the provider, as producer), nama_komoditas without
  its kabupaten (the category), kbki_id, tkdn_produk; these files carry no specification.

CONSTRUCTED items, marked `constructed=True`, are added to test what the real files do not
show: a "Non Steril" / "Steril" pair of gloves (the real files already hold the Heat Treatment /
Non-Heat Treatment pipes, "Meja Kerja Tanpa Laci" and "Semangka Non Biji").

An item's key is the first 10 hex digits of the SHA-1 of its deduplication key, so the judged
query set can name items that stay the same whatever the order of the files.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow.parquet as pq

from conftest import SHARED_DATA as DATA
from p3dn.lib.readers import open_rows
from p3dn.lib.search import analyze_item, tokenize
from p3dn.lib.search.ranking import AnalyzedItem

KEMENPERIN = DATA / "tkdn" / "kemenperin-export-sample.xls"
SCRAPE = DATA / "tkdn" / "scrape-kelompok-8.json"
EKATALOG = [
    DATA / "ekatalog" / "kalbar-kabupaten-2022" / f"{code}-prodkatalog2022.parquet"
    for code in ("BKY", "KKR", "KKU")
]
NOT_APPLICABLE = Decimal("999.99")
_REGION = re.compile(r"\s*(Pemerintah\s*Daerah\s*)?Kabupaten\s.*$", re.IGNORECASE)


@dataclass
class CorpusItem:
    key: str
    source: str
    name: str
    spec: str = ""
    type: str = ""
    brand: str = ""
    producer: str = ""
    category: str = ""
    codes: str = ""
    tkdn_values: list[Decimal] = field(default_factory=list)
    rows: int = 0
    constructed: bool = False

    @property
    def tkdn(self) -> Decimal | None:
        values = [v for v in self.tkdn_values if v != NOT_APPLICABLE]
        return max(values) if values else None

    def fields(self) -> dict[str, str]:
        return {
            "name": self.name, "spec": self.spec, "type": self.type, "brand": self.brand,
            "producer": self.producer, "category": self.category, "codes": self.codes,
        }

    def label(self) -> str:
        """One line a person can check a judgement against."""
        parts = [self.name, self.spec[:60], self.type, self.brand, self.producer]
        return " — ".join(p for p in parts if p)


def _clean_brand(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value in {"-", "--"} else value


def _tkdn(value: object) -> Decimal | None:
    if value is None:
        return None
    text = str(value).strip().rstrip("%").strip()
    return Decimal(text) if text else None


def _dedupe_key(producer: str, name: str, spec: str, brand: str, kind: str) -> str:
    return "\x1f".join(" ".join(tokenize(v)) for v in (producer, name, spec, brand, kind))


def _rows() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    with open_rows(KEMENPERIN) as source:
        for _, row in source:
            out.append({
                "source": "kemenperin", "name": row["Produk"], "spec": row["Spesifikasi"],
                "type": row["Tipe"], "brand": _clean_brand(row["Merk"]),
                "producer": row["Nama Perusahaan"], "category": row["Kelompok Barang"],
                "codes": f"{row['Kode HS']} {row['KBLI']}", "tkdn": _tkdn(row["Nilai TKDN (%)"]),
            })
    for row in json.loads(SCRAPE.read_text(encoding="utf-8")):
        if not row.get("jenis_produk"):
            continue
        out.append({
            "source": "scrape-kelompok-8", "name": row["jenis_produk"],
            "spec": row.get("spesifikasi") or "", "type": row.get("tipe") or "",
            "brand": _clean_brand(row.get("merk")), "producer": row["perusahaan"],
            "category": row["Kelompok Barang"], "codes": "", "tkdn": _tkdn(row["nilai_tkdn"]),
        })
    for path in EKATALOG:
        for row in pq.read_table(path).to_pylist():
            out.append({
                "source": "ekatalog", "name": row["nama_produk"], "spec": "", "type": "",
                "brand": _clean_brand(row["nama_manufaktur"]),
                "producer": row["nama_penyedia"] or "",
                "category": _REGION.sub("", row["nama_komoditas"] or ""),
                "codes": str(row["kbki_id"] or ""), "tkdn": _tkdn(row["tkdn_produk"]),
            })
    out += [
        {"source": "constructed", "name": "Sarung Tangan Pemeriksaan Non Steril",
         "spec": "Lateks, ukuran M, isi 100", "type": "", "brand": "Contoh",
         "producer": "PT Contoh Medika (constructed)", "category": "Bahan dan Peralatan Kesehatan",
         "codes": "", "tkdn": Decimal("45.00")},
        {"source": "constructed", "name": "Sarung Tangan Bedah Steril",
         "spec": "Lateks, ukuran 7, sepasang", "type": "", "brand": "Contoh",
         "producer": "PT Contoh Medika (constructed)", "category": "Bahan dan Peralatan Kesehatan",
         "codes": "", "tkdn": Decimal("43.00")},
    ]
    return out


def load_corpus() -> list[CorpusItem]:
    """The deduplicated items of all sources, in first-seen order."""
    items: dict[str, CorpusItem] = {}
    for row in _rows():
        text = {k: str(row[k] or "").strip() for k in
                ("name", "spec", "type", "brand", "producer", "category", "codes")}
        dedupe = _dedupe_key(text["producer"], text["name"], text["spec"], text["brand"],
                             text["type"])
        key = hashlib.sha1(dedupe.encode("utf-8")).hexdigest()[:10]
        item = items.get(key)
        if item is None:
            item = items[key] = CorpusItem(key=key, source=str(row["source"]), **text,
                                           constructed=row["source"] == "constructed")
        item.rows += 1
        if row["tkdn"] is not None:
            item.tkdn_values.append(row["tkdn"])  # type: ignore[arg-type]
    return list(items.values())


def analysed(items: list[CorpusItem], **kwargs: object) -> list[AnalyzedItem]:
    """The items analysed for p3dn.lib.search (kwargs go to analyze_item)."""
    return [
        analyze_item(item.key, item.fields(), tkdn=item.tkdn, **kwargs)  # type: ignore[arg-type]
        for item in items
    ]
