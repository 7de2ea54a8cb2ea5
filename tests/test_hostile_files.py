"""Hostile files: each is made here, imported with the real CLI (`python -m p3dn import`) in a
process of its own whose peak memory is measured; each is refused in one clear line, the
database keeps exactly the facts it had, and the process stays under 500 MB. Then each reader
against each limit, in this process, with small limits."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import SHARED_DATA as SHARED
from p3dn.lib.readers import DEFAULT_LIMITS, Limits, UnreadableFile, open_rows

SAMPLE = SHARED / "isb" / "kab-bandung-2025" / "rup-paket-penyedia-terumumkan.sample.json"
PEAK_MB = 500
BIG = 50 * 1_048_576  # a 50 MB value


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The environment of a `p3dn` process with a migrated database of its own, of the kind
    under test (SQLite file, or a new database on the PostgreSQL server of DATABASE_URL)."""
    home = tmp_path_factory.mktemp("hostile")
    url = os.environ.get("DATABASE_URL", "")
    env = {**os.environ, "P3DN_DATA_DIR": str(home)}
    name = base = None
    if url.startswith("postgres"):
        import psycopg

        name, base = f"p3dn_sub_{uuid.uuid4().hex[:8]}", url.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{home}/hostile.sqlite3"
    subprocess.run([sys.executable, "-m", "p3dn", "migrate"], env=env, check=True,
                   capture_output=True, timeout=300)
    # Facts to keep: a real file imported first.
    subprocess.run([sys.executable, "-m", "p3dn", "import", str(SAMPLE)], env=env, check=True,
                   capture_output=True, timeout=300)
    yield env
    if name:
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def facts(env: dict[str, str]) -> dict[str, int]:
    """Rows of every fact table and of the units, by table."""
    url = env["DATABASE_URL"]
    listing = (
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        if url.startswith("sqlite")
        else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    if url.startswith("sqlite"):
        conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
    else:
        import psycopg

        conn = psycopg.connect(url)
    with conn:
        names = [n for (n,) in conn.execute(listing).fetchall()
                 if n.startswith("procurement_") or n == "accounts_unit"]
        counts = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    conn.close()
    return counts


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


# Runs the command and writes its peak RSS (KB) to the file named first. A process started
# straight from pytest would report pytest's own peak as well (Linux counts the memory a
# process had before exec), so the import runs under this small launcher. Its limit on
# address space stops a runaway child at 6 GB instead of taking the machine (a net for a
# regression, not the measure: that is the peak RSS).
_LAUNCHER = """
import os, resource, subprocess, sys
cap = 6 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as peak:
    peak.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def p3dn_import(env: dict[str, str], *args: str, timeout: float = 180) -> Outcome:
    """`python -m p3dn import ARGS` in a process of its own, with its peak RSS."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        peak, out, err = (Path(scratch) / name for name in ("peak", "out", "err"))
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER, str(peak),
                 sys.executable, "-m", "p3dn", "import", *args],
                env=env, stdout=stdout, stderr=stderr, start_new_session=True,
            )
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
                raise AssertionError(f"p3dn import {args} ran for more than {timeout} s") from None
        return Outcome(proc.returncode, out.read_text(), err.read_text(),
                       int(peak.read_text()) / 1024, time.monotonic() - started)


def assert_refused(env: dict[str, str], path: Path, reason: str, *args: str) -> Outcome:
    before = facts(env)
    outcome = p3dn_import(env, str(path), *args)
    print(f"{path.name}: peak {outcome.peak_mb:.0f} MB, {outcome.seconds:.1f} s: {reason}")
    assert f"{path.name}: {reason}\n" in outcome.stdout, (outcome.stdout, outcome.stderr[-2000:])
    assert outcome.returncode == 1
    assert "refused" in outcome.stdout.splitlines()[1]
    assert "Traceback" not in outcome.stderr
    assert facts(env) == before
    assert outcome.peak_mb < PEAK_MB, f"peak {outcome.peak_mb:.0f} MB"
    return outcome


def sample_row() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))[0]


# ------------------------------------------------------------------ nesting and numbers


def _deep_lines(levels: int) -> str:
    """A real row, then the same row with a field nested `levels` deep."""
    row = json.dumps(sample_row())
    return row + "\n" + row[:-1] + ', "x": ' + '{"a": ' * levels + "1" + "}" * levels + "}\n"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[" * 100_000, "larik JSON yang bersarang lebih dari 16 tingkat"),
        ("[" * 100_000 + "]" * 100_000, "larik JSON yang bersarang lebih dari 16 tingkat"),
        ('[{"a":' * 40_000, "larik JSON yang bersarang lebih dari 16 tingkat"),
        ('{"data": ' + "[" * 100_000, "objek JSON yang bersarang lebih dari 16 tingkat"),
        (_deep_lines(100_000), "berkas JSON lines yang bersarang lebih dari 16 tingkat (baris 2)"),
        (_deep_lines(20), "berkas JSON lines yang bersarang lebih dari 16 tingkat (baris 2)"),
    ],
    ids=["array", "closed-array", "objects", "wrapper", "lines", "lines-20-levels"],
)
def test_json_nested_100000_levels_deep_is_refused_in_a_few_megabytes(
    cli_env, tmp_path: Path, content: str, reason: str
):
    path = tmp_path / "deep.json"
    path.write_text(content)
    assert_refused(cli_env, path, reason)


@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        ("[{row}]", "larik JSON yang berisi angka lebih dari 4.300 digit"),
        ('{{"data":\n[{row}]\n}}', "objek JSON yang berisi angka lebih dari 4.300 digit"),
        ("{row}\n{row}\n", "berkas JSON lines yang berisi angka lebih dari 4.300 digit (baris 1)"),
    ],
    ids=["array", "wrapper", "lines"],
)
def test_a_json_number_of_5000_digits_is_refused_instead_of_crashing_the_process(
    cli_env, tmp_path: Path, shape: str, reason: str
):
    # ijson's C parser crashed the whole process (SIGSEGV) on an integer Python will not
    # convert (more than 4,300 digits).
    path = tmp_path / "digits.json"
    path.write_text(shape.format(row='{"kd_rup": 1' + "0" * 4999 + "}"))
    assert_refused(cli_env, path, reason)


# ------------------------------------------------------------------ a 50 MB value


def _html(rows: list[dict[str, Any]]) -> str:
    head = "".join(f"<th>{name}</th>" for name in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r.values()) + "</tr>" for r in rows)
    return f"<html><body><table><tr>{head}</tr>{body}</table></body></html>"


def _write_big(path: Path, fmt: str, value: str) -> None:
    """A real RUP row and the same row with `nama_paket` replaced by `value`."""
    row = sample_row()
    rows = [row, {**row, "kd_rup": row["kd_rup"] + 1, "nama_paket": value}]
    if fmt == "json":
        path.write_text(json.dumps(rows[1:]))
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    elif fmt == "csv":
        header = ",".join(row)
        path.write_text(header + "\n" + "".join(
            ",".join(json.dumps(str(v)) for v in r.values()) + "\n" for r in rows))
    elif fmt == "html":
        path.write_text(_html(rows))
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pylist([{k: str(v) for k, v in r.items()} for r in rows]),
                       path, compression="zstd")
    elif fmt == "xlsx-inline":
        build_xlsx(path, list(row), [[str(v) for v in r.values()] for r in rows])
    elif fmt == "xlsx-shared":
        build_xlsx(path, list(row), [[str(v) for v in r.values()] for r in rows], shared=True)


@pytest.mark.parametrize(
    ("fmt", "reason"),
    [
        ("json", "larik JSON yang baris 1-nya lebih besar dari 4 MB: sebuah nilai atau baris "
                 "itu seluruhnya terlalu besar"),
        ("jsonl", "berkas JSON lines yang baris 2-nya lebih besar dari 4 MB: sebuah nilai atau "
                  "baris itu seluruhnya terlalu besar"),
        ("csv", "berkas CSV yang baris 3-nya lebih besar dari 4 MB: sebuah nilai atau baris itu "
                "seluruhnya terlalu besar"),
        ("html", "tabel HTML yang baris 3-nya berisi nilai lebih dari 1.048.576 karakter"),
        ("parquet", "berkas Parquet yang baris 2-nya berisi nilai 52.428.800 karakter pada "
                    "'nama_paket'; paling banyak 1.048.576 karakter yang dibaca"),
        ("xlsx-inline", "lembar Excel yang baris 3-nya berisi nilai lebih dari 1.048.576 "
                        "karakter"),
        ("xlsx-shared", "buku kerja Excel dengan teks bersama lebih dari 1.048.576 karakter"),
    ],
)
def test_a_50_mb_value_is_refused_in_every_format(cli_env, tmp_path: Path, fmt: str, reason: str):
    path = tmp_path / f"big.{fmt.split('-')[0]}"
    _write_big(path, fmt, os.urandom(BIG // 2).hex())  # text that does not compress away
    assert_refused(cli_env, path, reason)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xlsx-inline"])
def test_a_value_over_the_limit_within_a_row_is_refused_naming_its_row_and_field(
    cli_env, tmp_path: Path, fmt: str
):
    length = DEFAULT_LIMITS.value_length + 1
    path = tmp_path / f"long.{fmt.split('-')[0]}"
    _write_big(path, fmt, "b" * length)
    what, row = {"json": ("larik JSON", 1), "jsonl": ("berkas JSON lines", 2),
                 "xlsx-inline": ("lembar Excel", 3)}[fmt]
    shown = f"{length:,}".replace(",", ".")
    assert_refused(cli_env, path, f"{what} yang baris {row}-nya berisi nilai {shown} karakter "
                                  "pada 'nama_paket'; paling banyak 1.048.576 karakter yang "
                                  "dibaca")


def test_long_rows_within_every_limit_import_in_bounded_memory(cli_env, tmp_path: Path):
    # 360 rows of 1.9 MB (each value under the text limit, each row under the row limit):
    # the engine wrote its batches by their count only, and remembered every long value.
    row = sample_row()
    path = tmp_path / "long-rows.jsonl"
    with path.open("w") as out:
        for i in range(360):
            values = {f"catatan_{j}": os.urandom(45_000).hex() for j in range(20)}
            out.write(json.dumps({**row, "kd_rup": 80_000_000 + i,
                                  "nama_paket": os.urandom(45_000).hex(), **values}) + "\n")
    before = facts(cli_env)
    outcome = p3dn_import(cli_env, str(path), "--dry-run")
    print(f"{path.name}: peak {outcome.peak_mb:.0f} MB, {outcome.seconds:.1f} s")
    assert outcome.returncode == 0 and "checked" in outcome.stdout, outcome.stdout
    assert outcome.peak_mb < PEAK_MB, f"peak {outcome.peak_mb:.0f} MB"
    assert facts(cli_env) == before


# ------------------------------------------------------------------ spreadsheets


_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main" xmlns:r="{_REL}"><sheets><sheet name="Sheet1" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
_SHEET_START = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_END = b"</sheetData></worksheet>"


def _ref(column: int) -> str:
    """The letters of a column counted from 0: A … Z, AA …"""
    return chr(65 + column) if column < 26 else chr(64 + column // 26) + chr(65 + column % 26)


def _cell(column: int, row: int, value: str) -> bytes:
    return f'<c r="{_ref(column)}{row}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()


_SHARED_TYPE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_SHARED_REL = (f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" '
               'Target="sharedStrings.xml"/>')


def build_xlsx(path: Path, header: list[str], rows: list[list[str]], *, level: int = 1,
               sheet: bytes | None = None, shared: bool = False) -> None:
    """A minimal workbook written by hand (openpyxl takes a minute for a million rows and
    writes no shared strings): the parts Excel needs and one sheet of inline strings, or of
    shared strings, or the given sheet XML."""
    parts = dict(_PARTS)
    strings: list[str] = []
    if sheet is None:
        lines = []
        for number, values in enumerate([header, *rows], 1):
            cells = []
            for column, value in enumerate(values):
                if shared:
                    cells.append(f'<c r="{_ref(column)}{number}" t="s"><v>{len(strings)}</v>'
                                 "</c>".encode())
                    strings.append(value)
                else:
                    cells.append(_cell(column, number, value))
            lines.append(b'<row r="%d">' % number + b"".join(cells) + b"</row>")
        sheet = _SHEET_START + b"".join(lines) + _SHEET_END
    if shared:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            "</Types>", _SHARED_TYPE + "</Types>")
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            "</Relationships>", _SHARED_REL + "</Relationships>")
        parts["xl/sharedStrings.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
            f'org/spreadsheetml/2006/main" count="{len(strings)}">'
            + "".join(f"<si><t>{value}</t></si>" for value in strings) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)


def test_a_million_row_spreadsheet_is_refused_by_the_row_limit_before_its_rows_are_read(
    cli_env, tmp_path: Path
):
    rows = DEFAULT_LIMITS.rows + 1
    path = tmp_path / "komitmen.xlsx"
    header = ["tahun_anggaran", "kd_klpd", "kd_satker", "komitmen_pdn", "komitmen_umk"]
    template = (b'<row r="%d"><c r="A%d"><v>2025</v></c><c r="B%d" t="inlineStr"><is><t>D107'
                b'</t></is></c><c r="C%d" t="inlineStr"><is><t>%d</t></is></c><c r="D%d"><v>%d'
                b'</v></c><c r="E%d"><v>5000</v></c></row>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(_SHEET_START + b'<row r="1">' + b"".join(
                _cell(c, 1, v) for c, v in enumerate(header)) + b"</row>")
            for start in range(2, rows + 2, 50_000):
                out.write(b"".join(template % (r, r, r, r, 60_000 + r, r, 10**6 + r, r)
                                   for r in range(start, min(rows + 2, start + 50_000))))
            out.write(_SHEET_END)
    outcome = assert_refused(
        cli_env, path, "lembar Excel dengan lebih dari 1.000.000 baris; pecah menjadi beberapa "
                       "berkas berisi paling banyak 1.000.000 baris")
    assert outcome.seconds < 60  # refused from the sheet's bytes, not after a million rows


def _sheet_part_sizes(path: Path, *, declared: int) -> None:
    """Rewrites the uncompressed size the sheet's local header and central directory entry
    declare, as a forged archive would."""
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    data = bytearray(path.read_bytes())
    central = data.rindex(name.encode()) - 46  # the central directory comes last
    assert data[local: local + 4] == b"PK\x03\x04" and data[central: central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, local + 22, declared)
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))


def test_an_xlsx_declaring_gigabytes_is_refused_before_anything_is_inflated(
    cli_env, tmp_path: Path
):
    path = tmp_path / "declares.xlsx"
    build_xlsx(path, ["kd_satker", "komitmen_pdn", "komitmen_umk"], [["1", "2", "3"]])
    _sheet_part_sizes(path, declared=3 * 1024**3)
    assert_refused(cli_env, path, "buku kerja Excel yang berukuran 3.072 MB setelah dibuka; "
                                  "paling banyak 1.024 MB yang dibaca")


def test_a_decompression_bomb_disguised_as_xlsx_is_refused_whether_its_sizes_are_true_or_not(
    cli_env, tmp_path: Path
):
    path = tmp_path / "bomb.xlsx"
    sheet = _SHEET_START + b"<row/>" * (50 * 1_048_576) + _SHEET_END  # 300 MB of rows
    build_xlsx(path, [], [], sheet=sheet, level=9)
    del sheet
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    ratio = info.file_size // info.compress_size
    assert ratio > 200 and path.stat().st_size < 1_048_576
    shown = f"{ratio:,}".replace(",", ".")
    assert_refused(cli_env, path, "buku kerja Excel yang bagian 'xl/worksheets/sheet1.xml'-nya "
                                  f"terkompresi {shown} banding 1 (paling banyak 200 banding 1), "
                                  "seperti bom dekompresi")
    # The same part declaring 10 KB: nothing inflates beyond what a part declares.
    _sheet_part_sizes(path, declared=10_000)
    assert_refused(cli_env, path, "buku kerja Excel yang rusak atau terpotong")


# ------------------------------------------------------------------ the limits are settings


def test_the_limits_come_from_the_settings(cli_env, tmp_path: Path):
    row = sample_row()
    rows = [{**row, "kd_rup": 91_000_000 + i} for i in range(4)]
    four, three = tmp_path / "four.json", tmp_path / "three.json"
    four.write_text(json.dumps(rows))
    three.write_text(json.dumps(rows[:3]))
    env = {**cli_env, "P3DN_IMPORT_MAX_ROWS": "3"}
    assert_refused(env, four, "larik JSON dengan lebih dari 3 baris; pecah menjadi beberapa "
                              "berkas berisi paling banyak 3 baris", "--dry-run")
    ok = p3dn_import(env, str(three), "--dry-run")
    assert ok.returncode == 0 and "checked" in ok.stdout, ok.stdout
    assert_refused({**env, "P3DN_IMPORT_MAX_DEPTH": "1"}, three,
                   "larik JSON yang bersarang lebih dari 1 tingkat", "--dry-run")


# ------------------------------------------------------------------ each reader, each limit

SMALL = Limits(rows=3, depth=3, value_length=40, row_bytes=400, columns=6,
               unzipped_bytes=1_048_576, part_bytes=1_048_576, zip_ratio=200)


def _rows(count: int, *, value: str = "x", width: int = 3) -> list[dict[str, Any]]:
    return [{"kd": str(i), "nama": value, **{f"f{j}": "1" for j in range(width - 2)}}
            for i in range(count)]


def _write(path: Path, fmt: str, rows: list[dict[str, Any]]) -> Path:
    path = path.with_suffix("." + fmt)
    if fmt == "json":
        path.write_text(json.dumps(rows))
    elif fmt == "wrapper":
        path = path.with_suffix(".json")
        path.write_text(json.dumps({"data": rows}))
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    elif fmt == "csv":
        text = io.StringIO()
        text.write(",".join(rows[0]) + "\n")
        for r in rows:
            text.write(",".join(json.dumps(v) if isinstance(v, str) else str(v)
                                for v in r.values()) + "\n")
        path.write_text(text.getvalue())
    elif fmt == "html":
        path.write_text(_html(rows))
    elif fmt == "xlsx":
        build_xlsx(path, list(rows[0]), [[str(v) for v in r.values()] for r in rows])
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def _read(path: Path, limits: Limits) -> int:
    with open_rows(path, limits=limits) as source:
        return sum(1 for _ in source)


FORMATS = ["json", "wrapper", "jsonl", "csv", "html", "xlsx", "parquet"]
WHAT = {"json": "a JSON array", "wrapper": "a JSON object whose 'data' list",
        "jsonl": "JSON lines", "csv": "a CSV file", "html": "an HTML table",
        "xlsx": "an Excel sheet", "parquet": "a Parquet file"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_reader_reads_up_to_the_row_limit_and_refuses_one_more(tmp_path: Path, fmt: str):
    assert _read(_write(tmp_path / "three", fmt, _rows(3)), SMALL) == 3
    with pytest.raises(UnreadableFile) as refused:
        _read(_write(tmp_path / "four", fmt, _rows(4)), SMALL)
    assert refused.value.reason == (
        f"{WHAT[fmt]} with more than 3 rows; split it into files of at most 3 rows")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_reader_refuses_a_value_over_the_value_limit(tmp_path: Path, fmt: str):
    assert _read(_write(tmp_path / "fits", fmt, _rows(2, value="v" * 40)), SMALL) == 2
    with pytest.raises(UnreadableFile) as refused:
        _read(_write(tmp_path / "long", fmt, _rows(2, value="v" * 41)), SMALL)
    if fmt in ("csv", "html"):  # these readers cannot tell the field
        expected = f"{WHAT[fmt]} whose row 2 has a value of more than 40 characters"
    else:
        row = {"jsonl": 1, "xlsx": 2}.get(fmt, 1)
        expected = (f"{WHAT[fmt]} whose row {row} has a value of 41 characters in 'nama'; "
                    "at most 40 are read")
    assert refused.value.reason == expected


@pytest.mark.parametrize(
    ("fmt", "what", "row"),
    [("json", "a JSON array", 1), ("wrapper", "a JSON object", 1), ("jsonl", "JSON lines", 1),
     ("csv", "a CSV file", 2), ("html", "an HTML table", 2)],
)
def test_text_readers_refuse_a_row_over_the_row_limit(tmp_path: Path, fmt: str, what: str,
                                                      row: int):
    limits = replace(SMALL, value_length=100_000, row_bytes=2_000)
    assert _read(_write(tmp_path / "fits", fmt, _rows(3, value="w" * 1_500)), limits) == 3
    with pytest.raises(UnreadableFile) as refused:  # a JSON array's row is measured to 64 KB
        _read(_write(tmp_path / "wide", fmt, _rows(2, value="w" * 70_000)), limits)
    assert refused.value.reason == (
        f"{what} whose row {row} is larger than 2,000 bytes: a value or the row as a whole is "
        "too large")


@pytest.mark.parametrize("fmt", ["json", "wrapper", "jsonl", "parquet"])
def test_nested_values_are_read_to_the_depth_limit(tmp_path: Path, fmt: str):
    # SMALL.depth is 3 levels: JSON arrays count the array and the row, JSON lines and
    # Parquet the row; a list of lists in a field is 2 levels more.
    levels = {"json": 1, "wrapper": 0, "jsonl": 2, "parquet": 2}[fmt]
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    fits = [{"kd": "1", "nama": value}]
    assert _read(_write(tmp_path / "fits", fmt, fits), SMALL) == 1
    deeper = [{"kd": "1", "nama": [value]}]
    with pytest.raises(UnreadableFile) as refused:
        _read(_write(tmp_path / "deep", fmt, deeper), SMALL)
    what = {"json": "a JSON array", "wrapper": "a JSON object", "jsonl": "JSON lines",
            "parquet": "a Parquet file"}[fmt]
    assert refused.value.reason.startswith(f"{what} nested more than 3 levels deep")


@pytest.mark.parametrize("fmt", ["csv", "html", "xlsx", "parquet"])
def test_a_row_wider_than_the_column_limit_is_refused(tmp_path: Path, fmt: str):
    assert _read(_write(tmp_path / "six", fmt, _rows(1, width=6)), SMALL) == 1
    with pytest.raises(UnreadableFile) as refused:
        _read(_write(tmp_path / "seven", fmt, _rows(1, width=7)), SMALL)
    assert refused.value.reason == f"{WHAT[fmt]} whose row 1 has more than 6 columns"


def test_xlsx_shared_strings_are_bounded_by_what_they_take_to_hold(tmp_path: Path):
    path = tmp_path / "strings.xlsx"
    build_xlsx(path, ["kd", "nama"], [[str(i), f"nama {i} " * 10] for i in range(2000)],
               shared=True)
    assert _read(path, DEFAULT_LIMITS) == 2000
    with pytest.raises(UnreadableFile) as refused:
        _read(path, replace(DEFAULT_LIMITS, part_bytes=200_000))
    assert refused.value.reason == (
        "an Excel workbook whose shared strings take more than 200,000 bytes to hold; save it "
        "as CSV")


def test_an_xlsx_with_a_document_type_declaration_is_refused(tmp_path: Path):
    path = tmp_path / "dtd.xlsx"
    sheet = (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">]>'
             + _SHEET_START.split(b"?>", 1)[1] + b'<row r="1">' + _cell(0, 1, "kd")
             + b"</row>" + b'<row r="2">' + _cell(0, 2, "&a;") + b"</row>" + _SHEET_END)
    build_xlsx(path, [], [], sheet=sheet)
    with pytest.raises(UnreadableFile) as refused:
        _read(path, DEFAULT_LIMITS)
    assert refused.value.reason == (
        "an Excel workbook whose part 'xl/worksheets/sheet1.xml' declares a document type, "
        "which Excel never writes")


def test_a_parquet_column_larger_than_the_part_limit_is_refused_before_it_is_decoded(
    tmp_path: Path,
):
    path = tmp_path / "wide.parquet"
    pq.write_table(pa.Table.from_pylist(
        [{"kd": str(i), "nama": os.urandom(400_000).hex()} for i in range(3)]), path)
    size = pq.ParquetFile(path).metadata.row_group(0).column(1).total_uncompressed_size
    assert size > SMALL.part_bytes
    with pytest.raises(UnreadableFile) as refused:
        open_rows(path, limits=replace(SMALL, value_length=10**6))
    assert refused.value.reason == (
        f"a Parquet file whose column 'nama' unpacks to {size / 1_048_576:,.0f} MB in row group "
        "1; at most 1 MB: write it in smaller row groups")


def test_an_xlsx_part_read_whole_is_refused_over_a_sixteenth_of_the_part_limit(tmp_path: Path):
    path = tmp_path / "styles.xlsx"
    build_xlsx(path, ["kd"], [["1"]])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/styles.xml", '<?xml version="1.0"?><styleSheet>' + " " * 100_000
                         + "</styleSheet>")
    size = zipfile.ZipFile(path).getinfo("xl/styles.xml").file_size
    with pytest.raises(UnreadableFile) as refused:
        _read(path, SMALL)
    assert refused.value.reason == (
        f"an Excel workbook whose part 'xl/styles.xml' unpacks to {size:,} bytes; at most "
        "65,536 bytes")


def test_a_sheet_written_with_a_namespace_prefix_has_its_rows_and_cells_counted_as_such(
    tmp_path: Path,
):
    # Some writers prefix every tag (<x:row>, <x:c>): each row is still a row of 5 cells.
    rows = [["kd", "a", "b", "c", "nama"], *[[str(i), "1", "2", "3", "x"] for i in range(3)]]
    sheet = (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><x:sheetData>' + b"".join(
                 b'<x:row r="%d">' % (n + 1) + b"".join(
                     f'<x:c r="{_ref(c)}{n + 1}" t="inlineStr"><x:is><x:t>{v}</x:t></x:is>'
                     "</x:c>".encode() for c, v in enumerate(values)) + b"</x:row>"
                 for n, values in enumerate(rows)) + b"</x:sheetData></x:worksheet>")
    path = tmp_path / "prefixed.xlsx"
    build_xlsx(path, [], [], sheet=sheet)
    assert _read(path, SMALL) == 3
    with pytest.raises(UnreadableFile) as refused:
        _read(path, replace(SMALL, rows=2, columns=5))
    assert refused.value.reason == (
        "an Excel sheet with more than 2 rows; split it into files of at most 2 rows")


def test_parts_openpyxl_does_not_open_are_not_limited_on_their_own(tmp_path: Path):
    path = tmp_path / "formulas.xlsx"
    build_xlsx(path, ["kd"], [["1"]])
    with zipfile.ZipFile(path, "a") as archive:  # a long calculation chain, as Excel writes
        archive.writestr("xl/calcChain.xml", '<?xml version="1.0"?><calcChain>' + "".join(
            f'<c r="A{i}" i="1"/>' for i in range(10_000)) + "</calcChain>")
    assert zipfile.ZipFile(path).getinfo("xl/calcChain.xml").file_size > SMALL.part_bytes // 16
    assert _read(path, SMALL) == 1


@pytest.mark.parametrize("fmt", ["json", "wrapper"])
def test_brackets_quotes_and_backslashes_inside_strings_are_no_nesting(tmp_path: Path, fmt: str):
    # Strings of brackets, escaped quotes and backslashes, long enough to be cut anywhere by
    # the 64 KB chunks the guard looks at, in rows nested exactly to the limit.
    import random

    pieces = ["[", "]", "{", "}", '"', "\\", '\\"', '"\\', "a", "\\\\"]
    chooser = random.Random(9)
    rows = [{"kd": str(i), "nama": "".join(chooser.choice(pieces) for _ in range(
        chooser.randrange(1, 3000)))} for i in range(400)]
    path = _write(tmp_path / "strings", fmt, rows)
    levels = 2 if fmt == "json" else 3  # the array and the row (and the wrapper)
    with open_rows(path, limits=replace(DEFAULT_LIMITS, depth=levels)) as source:
        assert [row for _, row in source] == rows
    with pytest.raises(UnreadableFile):
        _read(path, replace(DEFAULT_LIMITS, depth=levels - 1))


@pytest.mark.parametrize("offset", [-4400, -2150, -1, 0, 1, 70])
def test_a_number_of_4301_digits_is_refused_wherever_the_chunks_cut_it(tmp_path: Path,
                                                                       offset: int):
    # ijson reads 64 KB at a time: the number starts `offset` bytes from the first cut.
    head = '[{"kd": "'
    pad = "p" * (65_536 + offset - len(head) - len('"}, {"kd": '))
    path = tmp_path / "digits.json"
    path.write_text(f'{head}{pad}"}}, {{"kd": 1{"0" * 4300}}}]')
    with pytest.raises(UnreadableFile) as refused:
        _read(path, DEFAULT_LIMITS)
    assert refused.value.reason in (
        "a JSON array holding a number of more than 4,300 digits",
        "a JSON array holding a number of more than 4,300 digits (after row 1)",
    )
    path.write_text(f'{head}{pad}"}}, {{"kd": 1{"0" * 4299}}}]')  # 4.300 digits: read
    assert _read(path, DEFAULT_LIMITS) == 2
