#!/usr/bin/env python3
"""Regenerate the shipped region reference data in p3dn/regions/data/.

Run from the repository root:  python3 scripts/build_regions.py
Reads (never writes) ../shared/data/ and writes only p3dn/regions/data/:

  wilayah.csv          Kemendagri provinces, kabupaten/kota and kecamatan (no desa/kelurahan)
  external_codes.csv   other systems' codes mapped to Kemendagri codes
  decree.json          the decree the codes follow, for display
  SOURCES.md           provenance, licence, counts, unmatched source rows

Standard library only (Python 3.11). The Parquet files are read with a small reader below
(Thrift compact footer, Snappy, PLAIN / RLE_DICTIONARY byte-array columns), enough for the
string columns we need.

Matching never guesses: a source row is mapped only when its normalised name identifies exactly
one Kemendagri region; every alias used is listed in ALIASES with its reason; rows that cannot be
matched, or that compete for a region already taken by a better match, are printed and recorded
in SOURCES.md instead of being written to the CSV.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import io
import json
import re
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "p3dn" / "regions" / "data"

SQL_PATH = "wilayah/wilayah-2025.sql"
ISB = "isb/kab-bandung-2025"
MASTER_FILES = {
    "sirup_provinsi": f"{ISB}/RUP-MasterProvinsi.json",
    "sirup_kabkota": f"{ISB}/RUP-MasterKabKota.json",
    "ecat_provinsi": f"{ISB}/Ecat-MasterProvinsi.json",
    "ecat_kabupaten": f"{ISB}/Ecat-MasterKabKota.json",
}
SYSTEM_ORDER = [
    "sirup_provinsi",
    "sirup_kabkota",
    "ecat_provinsi",
    "ecat_kabupaten",
    "klpd",
    "lpse",
]

# Counts the decree states (DOMAIN.md 4.5: 38 provinces, 514 kab/kota = 416 kabupaten + 98 kota).
EXPECT = {"provinsi": 38, "kabupaten": 416, "kota": 98}
SIZE_LIMIT = 1_000_000  # bytes; above this wilayah.csv is shipped gzipped

# Spot checks stated in the brief / DOMAIN.md / the shared README. The build fails if any breaks.
SPOT_CHECKS = {
    ("sirup_provinsi", "12"): "32",
    ("sirup_kabkota", "14773"): "32.04",
    ("klpd", "D107"): "32.04",
    ("klpd", "D197"): "61",
    ("klpd", "D202"): "61.12",
    ("klpd", "D206"): "61.07",
    ("klpd", "D207"): "61.11",
    ("lpse", "97"): "61",
}

# ---------------------------------------------------------------------------------------------
# Aliases: (level, normalised source key) -> normalised key of the current Kemendagri name.
# Applied only inside the province the source row belongs to (kab/kota) and only when the plain
# normalised name finds nothing. kind: "variant" = same region, other spelling or short form;
# "former" = the region's former name (same region, renamed). A former-name row loses to a row
# that carries the current name in the same system (the older row is then reported unmatched).
# ---------------------------------------------------------------------------------------------
ALIASES: dict[tuple[str, str], tuple[str, str, str]] = {
    # provinces
    ("provinsi", "nad"): ("aceh", "former", "NAD = Nanggroe Aceh Darussalam, former name of Aceh"),
    ("provinsi", "ntb"): ("nusatenggarabarat", "variant", "abbreviation of Nusa Tenggara Barat"),
    ("provinsi", "bangkabelitung"): (
        "kepulauanbangkabelitung",
        "variant",
        "short form of Kepulauan Bangka Belitung",
    ),
    # kabupaten / kota: spelling variants and short forms
    ("kota", "padangsidempuan"): ("padangsidimpuan", "variant", "spelling Sidempuan/Sidimpuan"),
    ("kabupaten", "dongala"): ("donggala", "variant", "misspelling of Donggala"),
    ("kabupaten", "bolaangmengondow"): (
        "bolaangmongondow",
        "variant",
        "misspelling of Bolaang Mongondow",
    ),
    ("kabupaten", "terenggalek"): ("trenggalek", "variant", "misspelling of Trenggalek"),
    ("kabupaten", "penajempaserutara"): (
        "penajampaserutara",
        "variant",
        "misspelling of Penajam Paser Utara",
    ),
    ("kabupaten", "meranti"): ("kepulauanmeranti", "variant", "short form of Kepulauan Meranti"),
    ("kabupaten", "selayar"): ("kepulauanselayar", "variant", "short form of Kepulauan Selayar"),
    ("kabupaten", "taliabu"): ("pulautaliabu", "variant", "short form of Pulau Taliabu"),
    # former names (same region, renamed)
    ("kabupaten", "tobasamosir"): ("toba", "former", "former name of Kab. Toba"),
    ("kabupaten", "malukutenggarabarat"): (
        "kepulauantanimbar",
        "former",
        "former name of Kab. Kepulauan Tanimbar",
    ),
    ("kabupaten", "mamujuutara"): ("pasangkayu", "former", "former name of Kab. Pasangkayu"),
    ("kabupaten", "kendari"): (
        "konawe",
        "former",
        "Kab. Kendari is the former name of Kab. Konawe",
    ),
    ("kabupaten", "sangihetalaud"): (
        "kepulauansangihe",
        "former",
        "Kab. Sangihe Talaud: the parent regency, now Kab. Kepulauan Sangihe, "
        "after Kepulauan Talaud was split off",
    ),
}
# Kab/kota of a pre-2022 Papua province may appear under the old province in older masters.
PAPUA_SPLITS = {"91": ("93", "94", "95"), "92": ("96",)}

# Plain-language notes printed next to the computed reason for rows that end up unmatched.
NOTES = {
    ("sirup_kabkota", "14686"): "probably the old Kab. Sawahlunto/Sijunjung (now Kab. Sijunjung, "
    "which SiRUP lists separately as 268938) - not mapped",
}

MIT_TEXT = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE."""

LEVEL_OF_JENIS = {"PROVINSI": "provinsi", "KABUPATEN": "kabupaten", "KOTA": "kota"}


# =============================================================================================
# Name normalisation
# =============================================================================================
_TYPE_SUFFIX = re.compile(r"\s*\((kab\.?|kabupaten|kota)\)\s*$")
_TYPE_PREFIX = re.compile(r"(provinsi|prov\.|kabupaten|kab\.|kab|kota)\s+")
_DROP_PREFIX = ("lpse ", "pemerintah daerah ", "pemerintah ", "pemda ")
_TOKEN_MAP = {
    "kep.": "kepulauan",
    "kep": "kepulauan",
    "adm.": "",
    "adm": "",
    "administrasi": "",
    "dan": "",
}
_FIRST_TOKEN_MAP = {"dki": "daerah khusus ibukota", "di": "daerah istimewa"}


def name_key(text: str) -> str:
    """Case-, space- and punctuation-insensitive key of a bare region name."""
    toks = text.lower().replace("&", " ").split()
    if toks and toks[0] in _FIRST_TOKEN_MAP:
        toks[0] = _FIRST_TOKEN_MAP[toks[0]]
    toks = [_TOKEN_MAP.get(t, t) for t in toks]
    return re.sub(r"[^a-z0-9]", "", "".join(toks))


def parse_name(raw: str) -> tuple[str | None, str]:
    """Split a source name into (level or None, key).

    'Aceh Barat (Kab.)' -> ('kabupaten', 'acehbarat');
    'Kota Jakarta Utara' -> ('kota', 'jakartautara').
    """
    low = " ".join(raw.split()).lower()
    level = None
    m = _TYPE_SUFFIX.search(low)
    if m:
        level = "kota" if m.group(1) == "kota" else "kabupaten"
        low = low[: m.start()]
    for pre in _DROP_PREFIX:
        if low.startswith(pre):
            low = low[len(pre) :]
    if level is None:
        m = _TYPE_PREFIX.match(low)
        if m:
            level = {"provinsi": "provinsi", "prov.": "provinsi", "kota": "kota"}.get(
                m.group(1), "kabupaten"
            )
            low = low[m.end() :]
    return level, name_key(low)


# =============================================================================================
# Kemendagri codes from the SQL dump
# =============================================================================================
_SQL_ROW = re.compile(r"\('((?:[^'\\]|''|\\.)*)'\s*,\s*'((?:[^'\\]|''|\\.)*)'\)")


def _sql_unescape(s: str) -> str:
    s = s.replace("''", "'")
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": ""}.get(m.group(1), m.group(1)), s
    )


def read_wilayah(sql_file: Path) -> tuple[list[dict], dict]:
    text = sql_file.read_text(encoding="utf-8")
    header = text[: text.find("*/") + 2] if "*/" in text else ""
    tuples = _SQL_ROW.findall(text)
    tuple_lines = sum(1 for line in text.splitlines() if line.lstrip().startswith("('"))
    assert len(tuples) == tuple_lines, (
        f"SQL parse: {len(tuples)} tuples vs {tuple_lines} tuple lines"
    )
    counts: collections.Counter[int] = collections.Counter()
    regions, seen, stripped = [], set(), []
    for code, name in tuples:
        code, name = code.strip(), _sql_unescape(name)
        if not re.fullmatch(r"\d\d(\.\d\d(\.\d\d(\.\d{4})?)?)?", code):
            raise SystemExit(f"unexpected kode {code!r}")
        parts = code.split(".")
        counts[len(parts)] += 1
        if len(parts) == 4:
            continue  # desa / kelurahan: not shipped
        if code in seen:
            raise SystemExit(f"duplicate kode {code}")
        seen.add(code)
        clean = " ".join(name.split())
        if clean != name:
            stripped.append((code, name))
        if len(parts) == 1:
            level = "provinsi"
        elif len(parts) == 2:
            level = "kota" if int(parts[1]) >= 71 else "kabupaten"
        else:
            level = "kecamatan"
        regions.append(
            {
                "code": code,
                "name": clean,
                "level": level,
                "parent": ".".join(parts[:-1]) if len(parts) > 1 else "",
            }
        )
    regions.sort(key=lambda r: r["code"])
    info = {
        "header": header,
        "tuples": len(tuples),
        "desa_kelurahan": counts[4],
        "stripped": stripped,
    }
    return regions, info


# =============================================================================================
# Minimal Parquet reader (stdlib): byte-array columns, PLAIN or dictionary encoded, Snappy/none
# =============================================================================================
class _Thrift:
    """Thrift compact protocol, decoded into {field_id: value} dicts."""

    def __init__(self, buf: bytes, pos: int = 0):
        self.b, self.p = buf, pos

    def _byte(self) -> int:
        v = self.b[self.p]
        self.p += 1
        return v

    def varint(self) -> int:
        shift = result = 0
        while True:
            byte = self._byte()
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, t: int):
        if t in (1, 2):
            return t == 1
        if t == 3:
            v = self._byte()
            return v - 256 if v > 127 else v
        if t in (4, 5, 6):
            return self.zigzag()
        if t == 7:
            d = struct.unpack_from("<d", self.b, self.p)[0]
            self.p += 8
            return d
        if t == 8:
            n = self.varint()
            raw = self.b[self.p : self.p + n]
            self.p += n
            return raw
        if t in (9, 10):
            head = self._byte()
            size, et = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            if et in (1, 2):  # booleans inside collections are one byte each
                return [self._byte() == 1 for _ in range(size)]
            return [self.value(et) for _ in range(size)]
        if t == 11:
            size = self.varint()
            if not size:
                return {}
            kv = self._byte()
            return {self.value(kv >> 4): self.value(kv & 0x0F) for _ in range(size)}
        if t == 12:
            return self.struct()
        raise ValueError(f"thrift type {t}")

    def struct(self) -> dict:
        out: dict[int, Any] = {}
        last = 0
        while True:
            head = self._byte()
            if head == 0:
                return out
            delta, t = head >> 4, head & 0x0F
            fid = last + delta if delta else self.zigzag()
            out[fid] = self.value(t)
            last = fid


def _uvarint(b: bytes, p: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        byte = b[p]
        p += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, p
        shift += 7


def snappy_decompress(b: bytes) -> bytes:
    n, p = _uvarint(b, 0)
    out = bytearray()
    while p < len(b):
        tag = b[p]
        p += 1
        kind = tag & 3
        if kind == 0:
            ln = tag >> 2
            if ln >= 60:
                nb = ln - 59
                ln = int.from_bytes(b[p : p + nb], "little")
                p += nb
            ln += 1
            out += b[p : p + ln]
            p += ln
            continue
        if kind == 1:
            ln = ((tag >> 2) & 7) + 4
            off = ((tag >> 5) << 8) | b[p]
            p += 1
        elif kind == 2:
            ln = (tag >> 2) + 1
            off = int.from_bytes(b[p : p + 2], "little")
            p += 2
        else:
            ln = (tag >> 2) + 1
            off = int.from_bytes(b[p : p + 4], "little")
            p += 4
        start = len(out) - off
        if off >= ln:
            out += out[start : start + ln]
        else:
            for i in range(ln):
                out.append(out[start + i])
    if len(out) != n:
        raise ValueError("snappy: length mismatch")
    return bytes(out)


def _rle_hybrid(b: bytes, bit_width: int, count: int) -> list[int]:
    vals: list[int] = []
    p = 0
    width = (bit_width + 7) // 8
    mask = (1 << bit_width) - 1
    while len(vals) < count and p < len(b):
        head, p = _uvarint(b, p)
        if head & 1:
            groups = head >> 1
            nbytes = groups * bit_width
            chunk = int.from_bytes(b[p : p + nbytes], "little")
            p += nbytes
            vals.extend((chunk >> (i * bit_width)) & mask for i in range(groups * 8))
        else:
            v = int.from_bytes(b[p : p + width], "little")
            p += width
            vals.extend([v] * (head >> 1))
    return vals[:count]


def _plain_byte_arrays(b: bytes, count: int) -> list[bytes]:
    out, p = [], 0
    for _ in range(count):
        n = int.from_bytes(b[p : p + 4], "little")
        out.append(b[p + 4 : p + 4 + n])
        p += 4 + n
    return out


def read_parquet_columns(path: Path, wanted: set[str]) -> list[dict]:
    """Rows (as dicts) of the wanted top-level string columns that exist in the file."""
    data = path.read_bytes()
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise ValueError(f"{path}: not a parquet file")
    flen = struct.unpack_from("<i", data, len(data) - 8)[0]
    meta = _Thrift(data, len(data) - 8 - flen).struct()
    schema = meta[2]
    max_def = {}
    for el in schema[1:]:
        if el.get(5):
            raise ValueError(f"{path}: nested schema not supported")
        max_def[el[4].decode()] = 1 if el.get(3, 0) == 1 else 0
    columns: dict[str, list] = {}
    for rg in meta.get(4, []):
        for chunk in rg[1]:
            cm = chunk[3]
            name = b".".join(cm[3]).decode()
            if name not in wanted:
                continue
            if cm[1] != 6:
                raise ValueError(f"{path}:{name}: only BYTE_ARRAY columns are supported")
            codec = cm[4]
            if codec not in (0, 1):
                raise ValueError(f"{path}:{name}: codec {codec} not supported")
            pos = cm.get(11) or cm[9]
            if cm.get(9) and cm.get(11) and cm[9] < cm[11]:
                pos = cm[9]
            total, got = cm[5], 0
            dictionary: list[bytes] | None = None
            vals: list[str | None] = []
            while got < total:
                th = _Thrift(data, pos)
                ph = th.struct()
                body = data[th.p : th.p + ph[3]]
                pos = th.p + ph[3]
                ptype = ph[1]
                if ptype == 2:  # dictionary page
                    raw = snappy_decompress(body) if codec == 1 else body
                    dictionary = _plain_byte_arrays(raw, ph[7][1])
                    continue
                if ptype == 0:  # data page v1
                    raw = snappy_decompress(body) if codec == 1 else body
                    h = ph[5]
                    n, enc = h[1], h[2]
                    p = 0
                    if max_def[name]:
                        ln = int.from_bytes(raw[:4], "little")
                        defs = _rle_hybrid(raw[4 : 4 + ln], 1, n)
                        p = 4 + ln
                    else:
                        defs = [1] * n
                    payload = raw[p:]
                elif ptype == 3:  # data page v2
                    h = ph[8]
                    n, enc, dlen, rlen = h[1], h[4], h[5], h[6]
                    levels = body[: dlen + rlen]
                    rest = body[dlen + rlen :]
                    if codec == 1 and h.get(7, True):
                        rest = snappy_decompress(rest)
                    defs = (
                        _rle_hybrid(levels[rlen : rlen + dlen], 1, n) if max_def[name] else [1] * n
                    )
                    payload = rest
                else:
                    continue  # index pages
                present = sum(1 for d in defs if d)
                if enc in (2, 8):  # PLAIN_DICTIONARY / RLE_DICTIONARY
                    if dictionary is None:
                        raise ValueError(f"{path}:{name}: dictionary page missing")
                    idx = _rle_hybrid(payload[1:], payload[0], present) if present else []
                    it: Iterator[bytes] = iter([dictionary[i] for i in idx])
                elif enc == 0:
                    it = iter(_plain_byte_arrays(payload, present))
                else:
                    raise ValueError(f"{path}:{name}: encoding {enc} not supported")
                vals.extend(next(it).decode("utf-8") if d else None for d in defs)
                got += n
            columns.setdefault(name, []).extend(vals)
    if not columns:
        return []
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1 or lengths.pop() != meta[3]:
        raise ValueError(f"{path}: column lengths disagree with num_rows")
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


# =============================================================================================
# Observations of kd_klpd / kd_lpse in the shared data
# =============================================================================================
KLPD_PAIRS = [
    ("kd_klpd", "nama_klpd", "jenis_klpd"),
    ("kd_klpd", "nama_instansi", "jenis_instansi"),
    ("kd_klpd_penyelenggara", "nama_klpd_penyelenggara", None),
]
CONTEXT_COLS = ("provinsi", "kota_kab")
LPSE_COLS = ("kd_lpse", "lpse_id")
WANTED_COLS = (
    {c for pair in KLPD_PAIRS for c in pair if c}
    | set(CONTEXT_COLS)
    | set(LPSE_COLS)
    | {"nama_lpse"}
)


def _s(v) -> str | None:
    if v is None:
        return None
    v = str(v).strip()
    return v or None


def collect_observations(shared: Path, log: list[str]):
    klpd: collections.defaultdict[str, dict[str, Any]] = collections.defaultdict(
        lambda: {
            "names": collections.Counter(),
            "jenis": collections.Counter(),
            "files": set(),
            "context": collections.Counter(),
        }
    )
    lpse: collections.defaultdict[str, dict[str, Any]] = collections.defaultdict(
        lambda: {"names": collections.Counter(), "klpd": collections.Counter(), "files": set()}
    )
    files = sorted(
        p for p in shared.rglob("*") if p.suffix in (".json", ".parquet") and p.is_file()
    )
    for path in files:
        rel = path.relative_to(shared).as_posix()
        if path.suffix == ".json":
            try:
                rows = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                log.append(f"skipped {rel}: not JSON ({exc.__class__.__name__})")
                continue
            if not isinstance(rows, list):
                log.append(f"skipped {rel}: not a JSON array")
                continue
        else:
            rows = read_parquet_columns(path, WANTED_COLS)
        for row in rows:
            if not isinstance(row, dict):
                continue
            for code_col, name_col, jenis_col in KLPD_PAIRS:
                code = _s(row.get(code_col))
                if not code:
                    continue
                o = klpd[code]
                o["files"].add(rel)
                name = _s(row.get(name_col))
                if name:
                    o["names"][name] += 1
                jenis = _s(row.get(jenis_col)) if jenis_col else None
                if jenis:
                    o["jenis"][jenis] += 1
                if code_col == "kd_klpd":
                    ctx = tuple(_s(row.get(c)) for c in CONTEXT_COLS)
                    if any(ctx):
                        o["context"][ctx] += 1
            lp = next((_s(row.get(c)) for c in LPSE_COLS if _s(row.get(c))), None)
            if lp:
                o = lpse[lp]
                o["files"].add(rel)
                if _s(row.get("nama_lpse")):
                    o["names"][_s(row.get("nama_lpse"))] += 1
                if _s(row.get("kd_klpd")):
                    o["klpd"][_s(row.get("kd_klpd"))] += 1
    return klpd, lpse


# =============================================================================================
# Matching
# =============================================================================================
class Index:
    def __init__(self, regions: list[dict]):
        self.by_code = {r["code"]: r for r in regions}
        self.prov: dict[str, str] = {}  # key -> code
        self.kab = collections.defaultdict(list)  # (prov, level, key) -> [codes]
        self.kab_any = collections.defaultdict(list)  # (prov, key) -> [codes]
        self.kab_nat = collections.defaultdict(list)  # (level, key) -> [codes]
        for r in regions:
            if r["level"] == "provinsi":
                k = name_key(r["name"])
                assert k not in self.prov, f"province key collision {k}"
                self.prov[k] = r["code"]
            elif r["level"] in ("kabupaten", "kota"):
                _, k = parse_name(r["name"])
                self.kab[(r["parent"], r["level"], k)].append(r["code"])
                self.kab_any[(r["parent"], k)].append(r["code"])
                self.kab_nat[(r["level"], k)].append(r["code"])
        dup = {k: v for k, v in self.kab.items() if len(v) > 1}
        assert not dup, f"kab/kota key collision inside a province: {dup}"

    def label(self, code: str) -> str:
        return f"{code} {self.by_code[code]['name']}"


# rank: lower is better. 1 exact, 2 exact without a type label, 3 alias, 4 type label contradicts
def candidates_province(idx: Index, raw: str):
    level, key = parse_name(raw)
    if level not in (None, "provinsi"):
        return [], f"name looks like a {level}"
    if key in idx.prov:
        return [(1, idx.prov[key], "")], ""
    alias = ALIASES.get(("provinsi", key))
    if alias and alias[0] in idx.prov:
        return [(3, idx.prov[alias[0]], f"alias: {alias[2]}")], ""
    return [], "no province of that name in the decree"


def candidates_kabkota(idx: Index, raw: str, prov: str | None, level_hint: str | None = None):
    level, key = parse_name(raw)
    level = level or level_hint
    provs = [prov, *PAPUA_SPLITS.get(prov, ())] if prov else None

    def look(lv, k):
        if provs is None:
            return list(idx.kab_nat.get((lv, k), []))
        return [c for p in provs for c in idx.kab.get((p, lv, k), [])]

    def look_any(k):
        if provs is None:
            return [c for lv in ("kabupaten", "kota") for c in idx.kab_nat.get((lv, k), [])]
        return [c for p in provs for c in idx.kab_any.get((p, k), [])]

    if level in ("kabupaten", "kota"):
        hit = look(level, key)
        if hit:
            return [(1, c, "") for c in hit], ""
        alias = ALIASES.get((level, key))
        if alias:
            hit = look(level, alias[0])
            if hit:
                return [(3, c, f"alias ({alias[1]}): {alias[2]}") for c in hit], ""
        other = "kota" if level == "kabupaten" else "kabupaten"
        hit = look(other, key)
        if hit:
            return [
                (4, c, f"type label says {level}, decree has only a {other} of that name")
                for c in hit
            ], ""
        return [], f"no {level} of that name" + (" in the province" if provs else " in the decree")
    if level == "provinsi":
        return [], "a province name, not a kab/kota"
    hit = look_any(key)
    if hit:
        return [(2, c, "no type label in source") for c in hit], ""
    if provs and key in idx.prov and idx.prov[key] in provs:
        return [], "no type label; the name is the province's own name, not a kab/kota"
    if provs and not any(idx.kab_nat.get((lv, key)) for lv in ("kabupaten", "kota")):
        return (
            [],
            "no type label, and no kab/kota of that name in the province or anywhere in the decree",
        )
    return [], "no type label and no kab/kota of that name in the province"


def assign(system: str, rows: list[dict], idx: Index):
    """rows: {code, name, cands, why}. Returns (matched, unmatched), one-to-one within the "
    "system."""
    matched, unmatched = [], []
    code_count = collections.Counter(r["code"] for r in rows)
    proposals = collections.defaultdict(list)
    for r in rows:
        if code_count[r["code"]] > 1:
            r["why"] = "source code occurs more than once"
            unmatched.append(r)
            continue
        if not r["cands"]:
            unmatched.append(r)
            continue
        best = min(c[0] for c in r["cands"])
        top = [c for c in r["cands"] if c[0] == best]
        if len({c[1] for c in top}) > 1:
            r["why"] = "ambiguous: " + ", ".join(idx.label(c[1]) for c in top)
            unmatched.append(r)
            continue
        r["rank"], r["region"], r["note"] = top[0]
        proposals[r["region"]].append(r)
    for region, props in proposals.items():
        best = min(p["rank"] for p in props)
        winners = [p for p in props if p["rank"] == best]
        if len(winners) > 1:
            for p in props:
                p["why"] = (
                    f"ambiguous: {len(winners)} rows of {system} match {idx.label(region)} "
                    "equally well ("
                    + ", ".join(f"{w['code']} {w['name']!r}" for w in winners)
                    + ")"
                )
                unmatched.append(p)
            continue
        w = winners[0]
        matched.append(w)
        for p in props:
            if p is not w:
                p["why"] = (
                    f"would map to {idx.label(region)} ({p['note'] or 'exact'}), "
                    f"but that region is already matched by {w['code']} {w['name']!r}"
                )
                unmatched.append(p)
    for r in unmatched:
        note = NOTES.get((system, r["code"]))
        if note:
            r["why"] = f"{r['why']}; {note}"
    return matched, unmatched


def natural(code: str):
    m = re.fullmatch(r"([A-Za-z]*)(\d+)", code)
    return (m.group(1), int(m.group(2)), "") if m else ("~", 0, code)


# =============================================================================================
# README provenance
# =============================================================================================
def readme_rows(shared: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    readme = shared / "README.md"
    if not readme.exists():
        return out
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 7 and cells[0].startswith("`"):
            out[cells[0].strip("`")] = {
                "what": cells[1],
                "rows": cells[2],
                "source": cells[4],
                "licence": cells[5],
                "defects": cells[6],
            }
    return out


# =============================================================================================
# Main
# =============================================================================================
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    shared, out = args.shared.resolve(), args.out
    out.mkdir(parents=True, exist_ok=True)
    log: list[str] = []
    warn: list[str] = []

    # ---- wilayah ---------------------------------------------------------------------------
    regions, sqlinfo = read_wilayah(shared / SQL_PATH)
    codes = {r["code"] for r in regions}
    for r in regions:
        assert not r["parent"] or r["parent"] in codes, f"orphan {r['code']}"
    level_count = collections.Counter(r["level"] for r in regions)
    for lv, n in EXPECT.items():
        assert level_count[lv] == n, f"{lv}: {level_count[lv]} in the SQL, decree says {n}"
    assert level_count["kabupaten"] + level_count["kota"] == 514
    for r in regions:
        assert len(r["name"]) <= 120, f"name too long for Region.name: {r}"

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent"])
    for r in regions:
        w.writerow([r["code"], r["name"], r["level"], r["parent"]])
    payload = buf.getvalue().encode("utf-8")
    plain, gz = out / "wilayah.csv", out / "wilayah.csv.gz"
    if len(payload) > SIZE_LIMIT:
        gz.write_bytes(gzip.compress(payload, mtime=0))
        plain.unlink(missing_ok=True)
        wil_file, wil_size = gz.name, gz.stat().st_size
    else:
        plain.write_bytes(payload)
        gz.unlink(missing_ok=True)
        wil_file, wil_size = plain.name, len(payload)
    for code, name in sqlinfo["stripped"]:
        warn.append(f"wilayah {code}: whitespace trimmed from {name!r}")

    idx = Index(regions)

    # ---- SiRUP / e-Katalog masters --------------------------------------------------------
    results: dict[str, tuple[list, list]] = {}
    src_rows: dict[str, int] = {}

    def load(system):
        rows = json.loads((shared / MASTER_FILES[system]).read_text(encoding="utf-8"))
        src_rows[system] = len(rows)
        return rows

    for system, code_col, name_col in (
        ("sirup_provinsi", "kd_provinsi", "nama_provinsi"),
        ("ecat_provinsi", "kd_provinsi", "nama_provinsi"),
    ):
        rows = []
        for rec in load(system):
            cands, why = candidates_province(idx, rec[name_col])
            rows.append(
                {"code": str(rec[code_col]), "name": rec[name_col], "cands": cands, "why": why}
            )
        results[system] = assign(system, rows, idx)

    for system, prov_system, code_col, name_col in (
        ("sirup_kabkota", "sirup_provinsi", "kd_kabkota", "nama_kabkota"),
        ("ecat_kabupaten", "ecat_provinsi", "kd_kabupaten", "nama_kabupaten"),
    ):
        prov_map = {r["code"]: r["region"] for r in results[prov_system][0]}
        rows = []
        for rec in load(system):
            sp = str(rec["kd_provinsi"])
            prov = prov_map.get(sp)
            cands, why = candidates_kabkota(idx, rec[name_col], prov)
            if prov is None:
                why = f"{why}; its kd_provinsi {sp} is not mapped"
            rows.append(
                {
                    "code": str(rec[code_col]),
                    "name": rec[name_col],
                    "cands": cands,
                    "why": why,
                    "extra": f"kd_provinsi {sp}",
                }
            )
        results[system] = assign(system, rows, idx)

    # ---- KLPD and LPSE -------------------------------------------------------------------
    klpd_obs, lpse_obs = collect_observations(shared, log)
    rows = []
    for code, o in klpd_obs.items():
        names = [n for n, _ in o["names"].most_common()]
        jenis = o["jenis"].most_common(1)[0][0] if o["jenis"] else None
        name = sorted(o["names"].items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if names else ""
        row = {
            "code": code,
            "name": name,
            "cands": [],
            "why": "",
            "names": names,
            "jenis": jenis,
            "files": sorted(o["files"]),
        }
        if not names and not jenis:
            row["why"] = "no nama_klpd/jenis_klpd next to this code anywhere in the data"
        elif jenis and jenis.upper() not in LEVEL_OF_JENIS:
            row["why"] = f"not a regional government (jenis_klpd {jenis})"
        else:
            level = LEVEL_OF_JENIS.get((jenis or "").upper())
            picks: set[tuple[int, str]] = set()
            reasons = []
            for n in names:
                nlevel, _ = parse_name(n)
                want = level or nlevel
                if want == "provinsi":
                    c, why = candidates_province(idx, n)
                elif want in ("kabupaten", "kota"):
                    c, why = candidates_kabkota(idx, n, None, want)
                else:
                    c, why = [], "not a regional government (name has no Provinsi/Kabupaten/Kota)"
                if nlevel and level and nlevel != level:
                    c, why = [], f"name says {nlevel}, jenis_klpd says {level}"
                picks.update((cc[0], cc[1]) for cc in c)
                if why:
                    reasons.append(why if len(names) == 1 else f"{n!r}: {why}")
            regions_found = {p[1] for p in picks}
            if len(regions_found) == 1:
                region = regions_found.pop()
                row["cands"] = [(min(p[0] for p in picks), region, "")]
                # cross-check with provinsi / kota_kab columns on the same rows
                for (prov_name, kk), _n in o["context"].items():
                    if prov_name:
                        pc, _ = candidates_province(idx, prov_name)
                        if pc and pc[0][1] != region.split(".")[0]:
                            row["cands"], row["why"] = (
                                [],
                                f"provinsi column {prov_name!r} contradicts {idx.label(region)}",
                            )
                    if kk and "." in region and row["cands"]:
                        kc, _ = candidates_kabkota(idx, kk, region.split(".")[0])
                        if not kc or kc[0][1] != region:
                            row["cands"], row["why"] = (
                                [],
                                f"kota_kab column {kk!r} contradicts {idx.label(region)}",
                            )
            elif len(regions_found) > 1:
                row["why"] = "names point to different regions: " + ", ".join(
                    idx.label(c) for c in sorted(regions_found)
                )
            else:
                row["why"] = "; ".join(reasons) or "no match"
        rows.append(row)
    results["klpd"] = assign("klpd", rows, idx)
    klpd_region = {r["code"]: r["region"] for r in results["klpd"][0]}

    rows = []
    for code, o in lpse_obs.items():
        names = [n for n, _ in o["names"].most_common()]
        regional = sorted(k for k in o["klpd"] if k in klpd_region)
        other = sorted(k for k in o["klpd"] if k not in klpd_region)
        row = {
            "code": code,
            "name": names[0] if names else "",
            "cands": [],
            "why": "",
            "files": sorted(o["files"]),
            "klpd": dict(o["klpd"]),
        }
        via_name: set[str] = set()
        for n in names:
            nlv, _ = parse_name(n)
            c, _w = (
                candidates_province(idx, n)
                if nlv == "provinsi"
                else candidates_kabkota(idx, n, None)
            )
            via_name.update(cc[1] for cc in c)
        via_klpd = {klpd_region[k] for k in regional}
        if len(via_name) > 1 or len(via_klpd) > 1:
            row["why"] = "LPSE serves more than one region: " + ", ".join(
                sorted(via_name | via_klpd)
            )
        elif via_name and via_klpd and via_name != via_klpd:
            row["why"] = f"nama_lpse points to {via_name}, its kd_klpd rows to {via_klpd}"
        elif via_name or via_klpd:
            region = next(iter(via_name or via_klpd))
            how = (
                (f"nama_lpse {names[0]!r}" if via_name else "")
                + (" and " if via_name and via_klpd else "")
                + (
                    f"every regional kd_klpd on its rows is {'/'.join(regional)}"
                    if via_klpd
                    else ""
                )
            )
            row["cands"] = [(1 if via_name else 2, region, how)]
            if other:
                row["note_other"] = f"rows also carry non-regional kd_klpd {', '.join(other)}"
        else:
            row["why"] = "no nama_lpse and no mapped kd_klpd on its rows"
        rows.append(row)
    results["lpse"] = assign("lpse", rows, idx)

    # ---- checks ------------------------------------------------------------------------------
    mapping = {(s, r["code"]): r["region"] for s, (m, _) in results.items() for r in m}
    for key, want in SPOT_CHECKS.items():
        got = mapping.get(key)
        assert got == want, f"spot check {key}: expected {want}, got {got}"
    for s, (m, _) in results.items():
        assert len({r["code"] for r in m}) == len(m), f"{s}: duplicate source code"
        assert len({r["region"] for r in m}) == len(m), f"{s}: two codes for one region"
        for r in m:
            assert len(r["name"]) <= 150, f"name_in_source too long: {r}"
            if r.get("rank") == 4:
                warn.append(
                    f"{s} {r['code']} {r['name']!r} -> {idx.label(r['region'])}: matched although "
                    f"{r['note']}"
                )
            if r.get("note_other"):
                warn.append(f"{s} {r['code']}: {r['note_other']}")
    # SiRUP location sample must agree with the master mapping
    for rel in (
        f"{ISB}/rup-paket-penyedia-lokasi.sample.json",
        f"{ISB}/rup-paket-swakelola-lokasi.sample.json",
    ):
        p = shared / rel
        if p.exists():
            for rec in json.loads(p.read_text(encoding="utf-8")):
                kk, kp = str(rec.get("kd_kab_kota")), str(rec.get("kd_provinsi"))
                a, b = mapping.get(("sirup_kabkota", kk)), mapping.get(("sirup_provinsi", kp))
                assert a and b and a.split(".")[0] == b, f"{rel}: {kk}/{kp} inconsistent"
                assert mapping.get(("klpd", rec.get("kd_klpd"))) == a, (
                    f"{rel}: kd_klpd vs kd_kab_kota disagree"
                )

    # ---- write external_codes.csv ------------------------------------------------------------
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["system", "code", "region_code", "name_in_source"])
    n_ext = 0
    for s in SYSTEM_ORDER:
        for r in sorted(results[s][0], key=lambda r: natural(r["code"])):
            w.writerow([s, r["code"], r["region"], r["name"]])
            n_ext += 1
    (out / "external_codes.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")

    # ---- decree.json -----------------------------------------------------------------------
    readme = readme_rows(shared)
    dec = re.search(r"Kepmendagri\s+No\.?\s*([\d.]+-\d+)\s+Tahun\s+(\d{4})", sqlinfo["header"])
    assert dec, "decree not found in the SQL header"
    decree_name = f"Kepmendagri No {dec.group(1)} Tahun {dec.group(2)}"
    dm = re.search(
        re.escape(dec.group(1))
        + r"[^\n]{0,80}?tanggal\s+(\d{1,2}\s+\w+\s+\d{4}|\d{4}-\d{2}-\d{2})",
        sqlinfo["header"],
        re.I,
    )
    decree_date = dm.group(1) if dm and re.fullmatch(r"\d{4}-\d{2}-\d{2}", dm.group(1)) else None
    wil_src = readme.get(SQL_PATH, {})
    wil_source_txt = wil_src.get("source", "cahyadsn/wilayah \u203a db/wilayah.sql")
    read_with = re.search(r"Kepmendagri\s+([\d.]+-\d+/\d{4})", wil_src.get("what", ""))
    decree = {
        "name": decree_name,
        "date": decree_date,
        "source": f"{wil_source_txt} (header cites {decree_name}"
        + (f"; repository README: Kepmendagri {read_with.group(1)}" if read_with else "")
        + ")",
    }
    (out / "decree.json").write_text(
        json.dumps(decree, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )

    # ---- report ------------------------------------------------------------------------------
    lines: list[str] = []
    p = lines.append
    p(
        f"wilayah: {wil_file} {wil_size:,} bytes; "
        + ", ".join(
            f"{lv} {level_count[lv]}" for lv in ("provinsi", "kabupaten", "kota", "kecamatan")
        )
        + f" (kab+kota {level_count['kabupaten'] + level_count['kota']}); desa/kelurahan left "
        f"out: {sqlinfo['desa_kelurahan']:,}"
    )
    p(f"external_codes.csv: {n_ext} rows, {(out / 'external_codes.csv').stat().st_size:,} bytes")
    for s in SYSTEM_ORDER:
        mt, um = results[s]
        total = src_rows.get(s, len(mt) + len(um))
        p(f"  {s}: {len(mt)} matched of {total} source codes, {len(um)} not matched")
    print("\n".join(lines))
    print("\nUNMATCHED / AMBIGUOUS (left out of external_codes.csv):")
    for s in SYSTEM_ORDER:
        for r in sorted(results[s][1], key=lambda r: natural(r["code"])):
            print(
                f"  {s} {r['code']} {r['name']!r}"
                + (f" ({r['extra']})" if r.get("extra") else "")
                + f": {r['why']}"
            )
    print("\nMATCHED THROUGH AN ALIAS, WITHOUT A TYPE LABEL, OR WITH A TYPE CONFLICT:")
    for s in SYSTEM_ORDER:
        for r in sorted(results[s][0], key=lambda r: natural(r["code"])):
            if r.get("rank", 1) > 1 and s != "lpse":
                print(f"  {s} {r['code']} {r['name']!r} -> {idx.label(r['region'])}: {r['note']}")
    if warn or log:
        print("\nNOTES:")
        for x in warn + log:
            print("  " + x)

    write_sources(
        out,
        shared,
        readme,
        decree,
        sqlinfo,
        level_count,
        wil_file,
        wil_size,
        results,
        src_rows,
        idx,
        warn,
        log,
        klpd_obs,
        lpse_obs,
    )
    print(f"\nwrote {out}")
    return 0


def write_sources(
    out,
    shared,
    readme,
    decree,
    sqlinfo,
    level_count,
    wil_file,
    wil_size,
    results,
    src_rows,
    idx,
    warn,
    log,
    klpd_obs,
    lpse_obs,
):
    def src(rel):
        r = readme.get(rel, {})
        return f"`../shared/data/{rel}` — {r.get('source', 'not listed in the shared README')}"

    copyright_lines = [
        ln.strip()
        for ln in sqlinfo["header"].splitlines()
        if ln.strip().lower().startswith("copyright")
    ]
    lic_readme = readme.get(SQL_PATH, {}).get("licence", "")
    L: list[str] = []
    a = L.append
    a("# Sources of the region reference data")
    a("")
    a(
        "Generated by `scripts/build_regions.py` from `../shared/data/` (see "
        "`../shared/data/README.md`); "
        "do not edit by hand — change the script and rerun `python3 scripts/build_regions.py` "
        "from the repository root."
    )
    a("")
    a("## wilayah.csv — Kemendagri region codes")
    a("")
    a(
        f"- File: `{wil_file}`, {wil_size:,} bytes, UTF-8, header `code,name,level,parent`, "
        "sorted by code."
    )
    a(f"- Source: {src(SQL_PATH)} (MySQL dump, table `wilayah(kode, nama)`).")
    a(
        f"- Decree: **{decree['name']}** as cited in the SQL file header "
        "(`note : Data Kode Wilayah sesuai Kepmendagri No 300.2.2-2138 Tahun 2025`), to be read "
        "with "
        "**Kepmendagri 300.2.2-2430/2025**, which the shared README gives from the repository's "
        "README. "
        "The date of the decree is **not stated** in the SQL file or in the shared README "
        "(the header's `create : 2025-05-25 14:41:15` and `last edit: 2026-02-13 16:45:21` are "
        "the dump file's "
        'dates, not the decree\'s), so `decree.json` has `"date": null`.'
    )
    a(
        f"- Licence: MIT — shared README: {lic_readme}; the SQL header: "
        + "; ".join(f'"{c}"' for c in copyright_lines)
        + ' ("This program is free software; you can redistribute it and/or modify it under the '
        "terms of the MIT "
        'License."). `wilayah.csv` is a derived copy and ships under that licence; the notice is '
        "reproduced at the "
        "end of this file."
    )
    a(
        f"- Counts: {level_count['provinsi']} provinsi, {level_count['kabupaten']} kabupaten, "
        f"{level_count['kota']} kota "
        f"({level_count['kabupaten'] + level_count['kota']} kab/kota), "
        f"{level_count['kecamatan']:,} kecamatan. "
        f"{sqlinfo['desa_kelurahan']:,} desa/kelurahan rows (4-part codes) are not shipped. "
        f"The dump holds {sqlinfo['tuples']:,} rows in all."
    )
    a(
        "- `level`: 1-part code = provinsi, 2-part = kota when the kab part is ≥ 71, else "
        "kabupaten, 3-part = kecamatan; "
        "`parent` = the code without its last part."
    )
    a(
        '- Names are as in the dump (its casing, e.g. "Kabupaten Bandung", "Kota Administrasi '
        'Jakarta Pusat"); '
        "only surrounding/double whitespace was trimmed: "
        + (", ".join(f"`{c}` {n!r}" for c, n in sqlinfo["stripped"]) or "none")
        + "."
    )
    a("")
    a("## external_codes.csv — other systems' codes → Kemendagri code")
    a("")
    a(
        "Header `system,code,region_code,name_in_source`. One-to-one within each system "
        "(no code twice, no region twice). Rows that could not be matched without guessing are "
        "left out and listed below."
    )
    a("")
    a("| system | what the code is | source | matched | source codes | left out |")
    a("|---|---|---|---|---|---|")
    what = {
        "sirup_provinsi": ("SiRUP `kd_provinsi`", src(MASTER_FILES["sirup_provinsi"])),
        "sirup_kabkota": (
            "SiRUP `kd_kabkota` (`kd_kab_kota` in package locations)",
            src(MASTER_FILES["sirup_kabkota"]),
        ),
        "ecat_provinsi": ("e-Katalog `kd_provinsi`", src(MASTER_FILES["ecat_provinsi"])),
        "ecat_kabupaten": ("e-Katalog `kd_kabupaten`", src(MASTER_FILES["ecat_kabupaten"])),
        "klpd": (
            "LKPP `kd_klpd` of a Pemda (regional government)",
            "every `kd_klpd` / `kd_klpd_penyelenggara` with its `nama_klpd` in the JSON and "
            "Parquet files under `../shared/data/`",
        ),
        "lpse": ("SPSE `kd_lpse` (`lpse_id`)", "the SPSE JSON files under `../shared/data/isb/`"),
    }
    for s in SYSTEM_ORDER:
        mt, um = results[s]
        total = src_rows.get(s, len(mt) + len(um))
        a(f"| `{s}` | {what[s][0]} | {what[s][1]} | {len(mt)} | {total} | {len(um)} |")
    a("")
    a(
        "Licence of the LKPP/e-Katalog extracts: none stated in their source repositories (shared "
        "README)."
    )
    a("")
    a(
        "Matching: names are compared case-, space- and punctuation-insensitively after removing "
        "the type label "
        "(`Kabupaten`/`Kab.`/`(Kab.)`/`(Kab)`, `Kota`/`(Kota)`, `Provinsi`, `Pemerintah Daerah`, "
        "`LPSE`) and "
        "`Administrasi`/`Adm.`, expanding `Kep.` → Kepulauan, `DKI` → Daerah Khusus Ibukota, `DI` "
        "→ Daerah Istimewa, "
        "and ignoring `dan`/`&`. Kab/kota are matched only inside the province their master row "
        "belongs to "
        "(for the pre-2022 Papua provinces also inside the provinces split from them: 91 → 93, "
        "94, 95; 92 → 96). "
        "A few further names needed an explicit alias (listed in `ALIASES` in the script):"
    )
    a("")
    used = []
    for s in SYSTEM_ORDER:
        for r in sorted(results[s][0], key=lambda r: natural(r["code"])):
            if r.get("rank", 1) > 1 and s != "lpse":
                used.append(
                    f'- `{s}` {r["code"]} "{r["name"]}" → {idx.label(r["region"])} — {r["note"]}'
                )
    L.extend(used or ["- none"])
    a("")
    a(
        "`klpd`: the code is mapped when its `nama_klpd` (and `jenis_klpd`) names exactly one "
        "province/kabupaten/kota; "
        "where the same rows carry `provinsi`/`kota_kab` columns they were checked to agree. "
        "Names seen:"
    )
    a("")
    for code, o in sorted(klpd_obs.items(), key=lambda kv: natural(kv[0])):
        names = "; ".join(f'"{n}" \u00d7{c:,}' for n, c in o["names"].most_common()) or "no name"
        jen = "/".join(o["jenis"]) or "no jenis"
        reg = next(
            (idx.label(r["region"]) for r in results["klpd"][0] if r["code"] == code), "not mapped"
        )
        files = sorted(o["files"])
        if len(files) > 4:
            dirs = collections.Counter(f.rsplit("/", 1)[0] for f in files)
            where = ", ".join(f"{n} files in `{d}/`" for d, n in sorted(dirs.items()))
        else:
            where = ", ".join(f"`{f}`" for f in files)
        a(f"- `{code}` ({jen}): {names} → {reg}. Seen in: {where}")
    a("")
    a(
        "`lpse`: an LPSE code is mapped when its `nama_lpse` names one region, or when every "
        "regional `kd_klpd` on "
        "its rows is one mapped Pemda. `name_in_source` is empty where the data has no `nama_lpse`."
    )
    a("")
    for code, o in sorted(lpse_obs.items(), key=lambda kv: natural(kv[0])):
        names = "; ".join(f'"{n}"' for n in o["names"]) or "no `nama_lpse`"
        kl = ", ".join(f"{k} \u00d7{c:,}" for k, c in o["klpd"].most_common())
        reg = next(
            (
                f"{idx.label(r['region'])} ({r['note']})"
                for r in results["lpse"][0]
                if r["code"] == code
            ),
            "not mapped",
        )
        a(f"- LPSE `{code}`: {names}; kd_klpd on its rows: {kl} → {reg}.")
    rd = readme_rows(shared)
    if any(
        "LPSE 97" in (v.get("what", "") + v.get("defects", "")) for v in rd.values()
    ) or "LPSE 97" in (shared / "README.md").read_text(encoding="utf-8"):
        a('- The shared README also states "Prov. Kalimantan Barat (D197, LPSE 97)".')
    a("")
    a("## Source rows left out (unmatched or ambiguous)")
    a("")
    for s in SYSTEM_ORDER:
        um = sorted(results[s][1], key=lambda r: natural(r["code"]))
        if not um:
            continue
        a(f"### `{s}` ({len(um)})")
        a("")
        for r in um:
            a(
                f'- `{r["code"]}` "{r["name"]}"'
                + (f" ({r['extra']})" if r.get("extra") else "")
                + f": {r['why']}."
            )
        a("")
    mt, um = results["sirup_kabkota"]
    a(
        f"### Why SiRUP has {src_rows['sirup_kabkota']} kab/kota rows for "
        f"{level_count['kabupaten'] + level_count['kota']} regions"
    )
    a("")
    groups = collections.defaultdict(list)
    for r in sorted(um, key=lambda r: natural(r["code"])):
        cat = (
            "a second row for a region SiRUP already lists (older name / no type label)"
            if r["why"].startswith("would map to")
            else "a province name filed as a kab/kota"
            if "province's own name" in r["why"]
            else "a name that is not a kab/kota in the decree"
        )
        groups[cat].append(f'{r["code"]} "{r["name"]}"')
    a(
        f"{len(mt)} SiRUP rows map one-to-one onto the "
        f"{level_count['kabupaten'] + level_count['kota']} kab/kota of the decree. "
        f"The other {len(um)}: "
        + "; ".join(f"{len(v)} \u00d7 {k} ({', '.join(v)})" for k, v in groups.items())
        + "."
    )
    a("")
    if warn or log:
        a("## Other notes")
        a("")
        for x in warn + log:
            a(f"- {x}")
        a("")
    a("## decree.json")
    a("")
    a('`{"name", "date", "source"}` for display: ' + json.dumps(decree, ensure_ascii=False))
    a("")
    a("## Licence of wilayah.csv (MIT, from cahyadsn/wilayah)")
    a("")
    readme_copyright = re.findall(r"Copyright \(c\)[^)]*", lic_readme)
    for c in [f"{c} (as given in the shared README)" for c in readme_copyright] + [
        f"{c} (as given in the SQL header)" for c in copyright_lines
    ]:
        a(c)
        a("")
    a(MIT_TEXT)
    a("")
    (out / "SOURCES.md").write_text("\n".join(L), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
