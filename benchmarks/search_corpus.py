"""Generate N realistic registry items for the search benchmarks, reproducibly from a seed.

    .venv/bin/python benchmarks/search_corpus.py --items 1000000 --seed 12 \
        --out /tmp/p3dn-search-1000000.jsonl

Each line is one JSON object: id, name, spec, type, brand, producer, category, province,
kbli, kbki, hs, tkdn (decimal string or null), bmp, price (whole rupiah), umk (bool),
valid_until (ISO date or null). The vocabulary comes from the real items of ../shared/data
(the corpus of the judged query set, tests/catalog_corpus.py) with synthetic variation:

- a real item is the template of each new one, drawn with Zipf-like weights (a few kinds of
  goods are very common, most are rare), so token frequencies follow a long-tailed law;
- model codes are replaced by fresh ones (letters + digits), sizes and capacities are drawn
  anew, a colour, material or extra word from the real vocabulary is added at times, and one
  item in six gets a made-up word (Indonesian syllables) or a made-up brand: the long tail of
  distinct tokens that a national registry has;
- producers are drawn from the real ones and from some 60.000 made-up companies, provinces
  with weights skewed to Java, TKDN 0-100 % (one in ten without), BMP 0-15 %, prices
  log-normal from Rp 5.000 to some Rp 5 billion, one item in three from a UMK, certificate
  expiry between 2024 and 2031.

The same --items and --seed give the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import sys
import time
from itertools import accumulate
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from catalog_corpus import load_corpus  # noqa: E402

PROVINCES = [
    ("Jawa Barat", 18), ("Jawa Timur", 16), ("Jawa Tengah", 14), ("DKI Jakarta", 12),
    ("Banten", 8), ("Sumatera Utara", 5), ("Sulawesi Selatan", 4), ("Kalimantan Barat", 3),
    ("Riau", 3), ("Sumatera Barat", 2), ("Sumatera Selatan", 2), ("Lampung", 2),
    ("Kepulauan Riau", 2), ("DI Yogyakarta", 2), ("Bali", 2), ("Kalimantan Timur", 2),
    ("Kalimantan Selatan", 1), ("Kalimantan Tengah", 1), ("Kalimantan Utara", 1), ("Aceh", 1),
    ("Jambi", 1), ("Bengkulu", 1), ("Kepulauan Bangka Belitung", 1), ("Nusa Tenggara Barat", 1),
    ("Nusa Tenggara Timur", 1), ("Sulawesi Utara", 1), ("Sulawesi Tengah", 1),
    ("Sulawesi Tenggara", 1), ("Sulawesi Barat", 1), ("Gorontalo", 1), ("Maluku", 1),
    ("Maluku Utara", 1), ("Papua", 1), ("Papua Barat", 1), ("Papua Selatan", 1),
    ("Papua Tengah", 1), ("Papua Pegunungan", 1), ("Papua Barat Daya", 1),
]
SYLLABLES = [
    "ka", "ra", "tu", "ma", "ni", "sa", "la", "pa", "da", "ga", "ba", "ja", "na", "ta", "wa",
    "ya", "ku", "ri", "mu", "su", "lu", "pu", "bu", "ju", "nu", "ke", "re", "te", "me", "ne",
    "se", "le", "pe", "de", "ge", "be", "je", "ko", "ro", "to", "mo", "no", "so", "lo", "po",
    "do", "go", "bo", "jo", "kan", "ran", "tan", "man", "nan", "san", "lan", "pan", "dang",
    "gang", "bang", "jang", "ing", "ung", "ong", "ar", "ur", "ir",
]
UNITS = ("mm", "cm", "m", "inch", "kg", "gram", "liter", "ml", "watt", "volt", "PK", "GB",
         "TB", "lembar", "pcs", "meter", "ton", "kVA", "HP")
COLOURS = ("Hitam", "Putih", "Merah", "Biru", "Hijau", "Kuning", "Abu-abu", "Silver", "Coklat",
           "Black", "White", "Grey")
LEGAL = ("PT", "PT", "PT", "CV", "CV", "UD", "Koperasi", "KSU", "Toko")
_CODE = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9\-/]{3,}$")


def zipf_weights(count: int, s: float = 1.07) -> list[float]:
    return list(accumulate(1 / (rank ** s) for rank in range(1, count + 1)))


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def model_code(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(rng.randint(1, 3)))
    digits = str(rng.randint(10, 99999))
    tail = rng.choice(["", "", "-" + str(rng.randint(1, 99)), rng.choice("ABCDEFGHKLMNPX")])
    return letters + digits + tail


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        real = load_corpus()
        self.rng.shuffle(real)
        self.templates = real
        self.template_weights = zipf_weights(len(real), 0.9)
        words: dict[str, int] = {}
        specs: list[str] = []
        for item in real:
            for word in re.findall(r"[A-Za-z][A-Za-z\-]{2,}", f"{item.name} {item.spec}"):
                words[word] = words.get(word, 0) + 1
            specs += [p.strip() for p in re.split(r";|,\s", item.spec) if len(p.strip()) > 3]
        self.words = sorted(words, key=lambda w: (-words[w], w))
        self.word_weights = zipf_weights(len(self.words))
        self.specs = sorted(set(specs)) or ["-"]
        self.spec_weights = zipf_weights(len(self.specs))
        brands = sorted({item.brand for item in real if item.brand})
        self.brands = brands + [pseudo_word(self.rng).upper() for _ in range(20000)]
        self.brand_weights = zipf_weights(len(self.brands))
        producers = sorted({item.producer for item in real if item.producer})
        made_up = [f"{self.rng.choice(LEGAL)} {pseudo_word(self.rng)} "
                   f"{pseudo_word(self.rng)}" for _ in range(60000)]
        self.producers = producers + made_up
        self.producer_weights = zipf_weights(len(self.producers), 0.8)
        self.province_weights = list(accumulate(w for _, w in PROVINCES))
        self.kbli = sorted({c for item in real for c in item.codes.split() if len(c) == 5})
        self.hs = sorted({c for item in real for c in item.codes.split() if len(c) == 8})
        self.kbki = sorted({c for item in real for c in item.codes.split()
                            if len(c) not in (5, 8)}) or ["0"]

    def item(self, number: int) -> dict[str, object]:
        rng = self.rng
        template = rng.choices(self.templates, cum_weights=self.template_weights)[0]
        words = []
        for word in template.name.split():
            words.append(model_code(rng) if _CODE.match(word) and rng.random() < 0.8 else word)
        if rng.random() < 0.35:
            words.insert(rng.randint(0, len(words)),
                         rng.choices(self.words, cum_weights=self.word_weights)[0])
        if rng.random() < 0.3:
            words.append(f"{rng.choice([1, 2, 3, 5, 10, 12, 20, 25, 50, 100, 250, 500])}"
                         f" {rng.choice(UNITS)}")
        if rng.random() < 0.15:
            words.append(rng.choice(COLOURS))
        if rng.random() < 0.17:
            words.insert(rng.randint(0, len(words)), pseudo_word(rng))
        if rng.random() < 0.5:
            words.append(model_code(rng))
        spec_parts = [rng.choices(self.specs, cum_weights=self.spec_weights)[0]
                      for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.5:
            spec_parts.append(f"Ukuran {rng.randint(1, 2000)}{rng.choice(['', ',5'])} "
                              f"{rng.choice(UNITS)}")
        brand = template.brand if rng.random() < 0.5 else rng.choices(
            self.brands, cum_weights=self.brand_weights)[0]
        producer = template.producer if rng.random() < 0.2 else rng.choices(
            self.producers, cum_weights=self.producer_weights)[0]
        province = rng.choices(PROVINCES, cum_weights=self.province_weights)[0][0]
        tkdn = None if rng.random() < 0.1 else f"{rng.uniform(0, 100):.2f}"
        bmp = f"{rng.uniform(0, 15):.2f}" if tkdn and rng.random() < 0.6 else None
        price = int(min(5e9, max(5000, math.exp(rng.gauss(13.5, 2.2)))) // 100 * 100)
        valid = None if tkdn is None else (
            dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 8 * 365))).isoformat()
        return {
            "id": number,
            "name": " ".join(words),
            "spec": "; ".join(spec_parts),
            "type": template.type,
            "brand": brand,
            "producer": producer,
            "category": template.category,
            "province": province,
            "kbli": rng.choice(self.kbli) if self.kbli else "",
            "kbki": rng.choice(self.kbki),
            "hs": rng.choice(self.hs) if self.hs else "",
            "tkdn": tkdn,
            "bmp": bmp,
            "price": price,
            "umk": rng.random() < 0.33,
            "valid_until": valid,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    start = time.perf_counter()
    generator = Generator(args.seed)
    with args.out.open("wb") as out:
        for number in range(1, args.items + 1):
            out.write(orjson.dumps(generator.item(number)) + b"\n")
    took = time.perf_counter() - start
    size = args.out.stat().st_size / 1e6
    print(f"{args.items} items, {size:.0f} MB, in {took:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
