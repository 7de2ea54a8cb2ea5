"""Synthetic Kemenperin TKDN exports in the real shape, for the registry benchmark.

    .venv/bin/python benchmarks/generate_tkdn.py --rows 50000 --out /tmp/tkdn-2026.xls

The shape is that of ``shared/data/tkdn/kemenperin-export-sample.xls``: an HTML table named
.xls with the title line, the 12 columns in their order (Kode HS, KBLI, Kelompok Barang, Nama
Perusahaan, Alamat, Provinsi, Produk, Spesifikasi, Tipe, Merk, Nilai TKDN (%), Tanggal
Kadaluarsa Sertifikat) and its quirks: about 5 % exact duplicate rows, 999.99 ("not
applicable") in about 2 % of rows, TKDN now and then written as an Excel time ("37.01.00"),
Merk '', '-' or space-padded, Tipe empty, addresses ending "…, Kota Bekasi, Jawa Barat, 17151"
with real kabupaten/kota names, and one company spelled several ways ("PT X", "PT. X",
"P.T. X", upper case, "… Tbk"). About 12 items per company, 1 to 2 certificates per item.
Seeded: the same arguments give the same file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Kode HS", "KBLI", "Kelompok Barang", "Nama Perusahaan", "Alamat", "Provinsi",
          "Produk", "Spesifikasi", "Tipe", "Merk", "Nilai TKDN (%)",
          "Tanggal Kadaluarsa Sertifikat"]
GROUPS = ["Bahan dan Peralatan Kesehatan", "Peralatan Telekomunikasi", "Alat Transport",
          "Logam dan Barang Logam", "Elektronika dan Telematika", "Mesin dan Peralatan",
          "Bahan Bangunan", "Alat Listrik", "Kimia", "Tekstil dan Produk Tekstil"]
PRODUCTS = ["Telepon Seluler", "Tablet", "Laptop", "Pompa Air Sentrifugal", "Katup Gerbang",
            "Kursi Roda", "Tempat Tidur Pasien", "Lampu Jalan LED", "Panel Surya",
            "Modul Surya Monokristal", "Kabel Listrik NYY", "Pipa Baja Seamless",
            "Pagar Pengaman Jalan (Guard Rail)", "Tabung Baja LPG", "Ubin Keramik",
            "Semen Portland", "Sepeda Motor Listrik", "Kendaraan Listrik Roda Empat",
            "Transformator Distribusi", "Mortuary Refrigerator / Freezer", "Meja Sekolah",
            "Seragam Dinas", "Genteng Metal", "Baja Ringan", "Televisi LED", "Pendingin Ruangan",
            "Casing Pipe, Non-Heat Treatment", "Line Pipe, Heat Treatment", "Pompa Submersible",
            "Inkubator Bayi"]
SPECS = ["Kapasitas {n} L, 220 V/50 Hz", "Diameter {n} mm, tebal {m},{k} mm",
         "Daya {n} W, IP{k}{m}", "FDD-LTE B1/3/5/8; TDD-LTE B40; RAM {k} GB, ROM {n} GB",
         "Rangka baja, roda {k} inci, beban {n} kg", "API 5L Gr. B, {n} inch, R{k}",
         "Ukuran {n} x {n} cm, tebal {k} mm", "Tegangan {n} kV, {m} fasa"]
WORDS = ["Bumi", "Indah", "Putra", "Karya", "Maju", "Jaya", "Abadi", "Sejahtera", "Mandiri",
         "Nusantara", "Teknik", "Industri", "Mulia", "Sentosa", "Perkasa", "Cahaya", "Sinar",
         "Mitra", "Utama", "Prima", "Global", "Energi", "Medika", "Logam", "Baja", "Elektrik",
         "Sarana", "Bangun", "Teknologi", "Indonesia", "Makmur", "Tunggal", "Agung", "Lestari"]
BRANDS = ["-", "", " ", " -", "INDOSUN", "TechnoBend", "bipMED", "SUNWORLD", "LUNALIFE",
          "ADVAN", "SPINDO", "DJAYA VALVE", "Esora", "DELTAMAX"]


def _places() -> list[tuple[str, str]]:
    """(kabupaten/kota name, province name) from the shipped region list."""
    rows = list(csv.DictReader(
        (ROOT / "p3dn" / "regions" / "data" / "wilayah.csv").open(encoding="utf-8")))
    provinces = {r["code"]: r["name"] for r in rows if r["level"] == "provinsi"}
    return [(r["name"], provinces[r["parent"]]) for r in rows
            if r["level"] in ("kabupaten", "kota")]


def _spellings(rng: random.Random, name: str, form: str) -> list[str]:
    base = f"{form} {name}"
    out = [base]
    if rng.random() < 0.3:
        out.append(rng.choice([f"{form}. {name}", f"P.T. {name}" if form == "PT" else base,
                               base.upper(), f"{base} Tbk" if form == "PT" else base]))
    return out


def rows(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    places = _places()
    companies = []
    for number in range(max(1, count // 14)):
        name = " ".join(rng.sample(WORDS, 3)) + (f" {number}" if rng.random() < 0.5 else "")
        form = rng.choices(["PT", "CV", "UD", "Koperasi"], weights=[85, 10, 3, 2])[0]
        kab, province = rng.choice(places)
        address = (f"Jl. {rng.choice(WORDS)} {rng.choice(WORDS)} No. {rng.randint(1, 300)}, "
                   f"Kel. {rng.choice(WORDS)}, Kec. {rng.choice(WORDS)}, {kab}, {province}, "
                   f"{rng.randint(10000, 99999)}"
                   + (f", Fax. 021{rng.randint(1000000, 9999999)}" if rng.random() < 0.4 else ""))
        companies.append((_spellings(rng, name, form), address, province,
                          str(rng.randint(10000, 33999)), rng.choice(GROUPS)))
    out: list[list[str]] = []
    while len(out) < count:
        spellings, address, province, kbli, group = rng.choice(companies)
        product = rng.choice(PRODUCTS)
        spec = rng.choice(SPECS).format(n=rng.randint(1, 500), m=rng.randint(1, 9),
                                        k=rng.randint(1, 9))
        brand = rng.choice(BRANDS)
        for _ in range(rng.choice([1, 1, 1, 2])):  # an item with one or two certificates
            roll = rng.random()
            if roll < 0.02:
                value = "999.99"
            elif roll < 0.03:
                value = f"{rng.randint(25, 90)}.{rng.randint(0, 99):02d}.00"  # an Excel time
            else:
                value = f"{rng.randint(2500, 9000) / 100:.2f}"
            expiry = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 5 * 365))
            row = [str(rng.randint(10000000, 99999999)), kbli, group, rng.choice(spellings),
                   address, province, product, spec, "", brand, value, expiry.isoformat()]
            out.append(row)
            if rng.random() < 0.05 and len(out) < count:  # an exact duplicate row
                out.append(list(row))
    return out[:count]


def write(path: Path, data: list[list[str]], title: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<center><font size=3><b>{title}</b><br/>Yang Masih Berlaku</font></center>'
                  '<br><br>\n<div class="box ">\n<div class="box-body table-responsive '
                  'no-padding">\n<table class="table table-hover">\n<tr bgcolor="#f6f6f6">\n')
        out.write("".join(f"<th><b>{h}</b></th>\n" for h in HEADER) + "</tr>\n")
        for row in data:
            cells = [f'<td align="left">{html.escape(row[0])}</td>'] + [
                f"<td>{html.escape(v)}</td>" for v in row[1:]]
            out.write("<tr>" + "".join(cells) + "</tr>\n")
        out.write("</table></div></div>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--title", default="Daftar TKDN LVI Terbit Tahun 2026")
    args = parser.parse_args()
    write(args.out, rows(args.rows, args.seed), args.title)


if __name__ == "__main__":
    main()
