"""p3dn.lib.readers: every real data file reads with the row count of the data README, formats
are told by content, no float ever comes out, refusals say what the file is, memory stays flat."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from conftest import SHARED_DATA as DATA
from p3dn.lib.readers import RowSource, UnreadableFile, open_rows, sha256_of

REPO = Path(__file__).resolve().parents[1]
README = DATA / "README.md"
REAL_DIRS = ("isb", "ekatalog", "tkdn")
KEMENPERIN = DATA / "tkdn" / "kemenperin-export-sample.xls"
CLOUDFLARE = DATA / "negative" / "cloudflare-challenge.json"
CLOUDFLARE_REASON = "an HTML page (Cloudflare 'Just a moment…' challenge), not data"


def _readme_counts() -> dict[str, int]:
    """file (relative to the data folder) → rows, from the README's table."""
    counts = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 4 and cells[1].startswith("`"):
            counts[cells[1].strip("`")] = int(cells[3].replace(",", "") or 0)
    return counts


def _real_files() -> list[Path]:
    return sorted(p for d in REAL_DIRS for p in (DATA / d).rglob("*") if p.is_file())


def _floats(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_floats(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_floats(v) for v in value)
    return False


def _independent_count(path: Path) -> int:
    if path.suffix == ".json":
        return len(json.loads(path.read_bytes()))
    if path.suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    return len(re.findall(r"<tr[\s>]", path.read_text(encoding="utf-8"))) - 1  # less the header


def _read(path: Path | str, **kwargs: Any) -> tuple[RowSource, list[tuple[int, dict]]]:
    with open_rows(path, **kwargs) as source:
        return source, list(source)


def _reason(path: Path | str) -> str:
    with pytest.raises(UnreadableFile) as caught:
        _read(path)
    reason = caught.value.reason
    assert str(caught.value) == reason
    assert "\n" not in reason and reason.strip() == reason and reason
    return reason


def test_the_readme_lists_every_real_file():
    listed = {name for name in _readme_counts() if name.split("/")[0] in REAL_DIRS}
    found = {str(p.relative_to(DATA)) for p in _real_files()}
    assert found == listed
    assert len(found) == 61


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: str(p.relative_to(DATA)))
def test_each_real_file_reads_whole_with_the_readme_row_count(path: Path):
    expected = _readme_counts()[str(path.relative_to(DATA))]
    assert _independent_count(path) == expected

    source, rows = _read(path)

    assert len(rows) == expected
    assert source.format == {".json": "json", ".parquet": "parquet", ".xls": "html"}[path.suffix]
    first_number = 2 if source.format == "html" else 1
    assert [n for n, _ in rows] == list(range(first_number, first_number + expected))
    assert source.columns == list(rows[0][1])
    assert not any(_floats(row) for _, row in rows)


def test_json_numbers_are_ints_or_exact_decimals_in_real_files():
    _, rows = _read(DATA / "isb" / "kab-bandung-2025" / "SPSE-TenderEkontrak-2Kontrak.json")
    raw = json.loads(
        (DATA / "isb" / "kab-bandung-2025" / "SPSE-TenderEkontrak-2Kontrak.json").read_bytes(),
        parse_float=Decimal,
    )
    assert [row for _, row in rows] == raw
    kinds = Counter(type(row["nilai_kontrak"]) for _, row in rows)
    assert set(kinds) <= {int, Decimal, type(None)}

    _, sample = _read(
        DATA / "isb" / "kab-bandung-2025" / "spse-tender-ekontrak-4bapbast.sample.json"
    )
    assert {type(row["tahun_anggaran"]) for _, row in sample} == {str}  # kept as the file has it


def test_parquet_values_keep_pyarrow_types_but_floats_become_decimals():
    _, trx = _read(DATA / "ekatalog" / "kalbar-kabupaten-2022" / "BKY-trxkatalog2022.parquet")
    totals = [row["total_harga"] for _, row in trx]
    assert all(isinstance(v, Decimal) or v is None for v in totals)
    assert any(isinstance(v, Decimal) for v in totals)
    assert all(row["deskripsi"] is None for _, row in trx)  # all-null double column

    path = DATA / "isb" / "prov-kalbar-2023" / "RUP-PaketPenyedia-Terumumkan.parquet"
    source, rup = _read(path)
    assert "urarian_pekerjaan" in source.columns  # the source's typo, kept
    row = rup[0][1]
    assert isinstance(row["tgl_pengumuman_paket"], dt.datetime)
    assert isinstance(row["_event_date"], dt.date)
    assert isinstance(row["status_aktif_rup"], bool)
    json_typed = [r["kd_rup_lokal"] for _, r in rup if r["kd_rup_lokal"] is not None]
    assert all(isinstance(v, str) for v in json_typed)  # JSON-typed column left as text

    _, katalog = _read(DATA / "ekatalog" / "kalbar-kabupaten-2022" / "BKY-prodkatalog2022.parquet")
    harga = next(r["harga"] for _, r in katalog if r["harga"])
    assert isinstance(harga, str) and harga.lstrip().startswith(("[", "{"))


def test_the_kemenperin_xls_is_an_html_table_with_108_rows():
    source, rows = _read(KEMENPERIN)

    assert source.format == "html"
    assert source.encoding == "utf-8"
    assert source.columns[0] == "Kode HS"
    assert source.columns[-2:] == ["Nilai TKDN (%)", "Tanggal Kadaluarsa Sertifikat"]
    assert len(rows) == 108
    assert rows[0][0] == 2 and rows[-1][0] == 109
    values = [row for _, row in rows]
    assert [v["Nilai TKDN (%)"] for v in values].count("999.99") == 2
    assert {v["Tipe"] for v in values} == {""}
    assert sum(n - 1 for n in Counter(tuple(v.values()) for v in values).values()) == 5
    assert all(v["Merk"] == v["Merk"].strip() for v in values)
    assert any('4 1/2"' in v["Spesifikasi"] for v in values)  # &quot; decoded

    soil = next(v for v in values if v["Produk"] == "Pembenah Tanah Anorganik Padat")
    assert "\r" not in soil["Spesifikasi"] and "\n" not in soil["Spesifikasi"]
    assert "Granule MgO 21,68%" in soil["Spesifikasi"]
    assert "  " not in soil["Spesifikasi"]


def test_the_cloudflare_page_named_json_is_refused():
    assert _reason(CLOUDFLARE) == CLOUDFLARE_REASON


def test_the_fast_ijson_backend_is_used():
    from p3dn.lib.readers import _json

    assert _json.BACKEND.backend_name == "yajl2_c"


# --- small files written by the tests ----------------------------------------------------


def _write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


REFUSALS = [
    ("empty.json", b"", "an empty file"),
    ("blank.csv", b"  \r\n\n ", "an empty file"),
    ("empty-array.json", b" [ ] ", "a JSON array with no rows"),
    (
        "object.json",
        b'{"status": "error", "message": "token expired"}',
        "a JSON object, not an array of rows",
    ),
    ("pretty.json", b'{\n  "kd": 1,\n  "nama": "x"\n}\n', "a JSON object, not an array of rows"),
    ("two-keys.json", b'{"data": [{"a": 1}], "total": 1}', "a JSON object, not an array of rows"),
    ("empty-object.json", b"{}", "a JSON object, not an array of rows"),
    (
        "list-of-numbers.json",
        b'{"data": [1, 2]}',
        "a JSON object, not an array of rows ('data' holds a list of numbers)",
    ),
    ("numbers.json", b"[1, 2, 3]", "a JSON array of numbers, not of objects"),
    ("arrays.json", b'[["kd", "nama"], [1, "x"]]', "a JSON array of arrays, not of objects"),
    ("mixed.json", b'[{"a": 1}, "oops"]', "a JSON array whose row 2 is a string, not an object"),
    ("malformed.json", b'[{"a": 1},\n {"a" 2}]', "malformed JSON in row 2 of a JSON array"),
    (
        "garbage-after.json",
        b'[{"a": 1}] x',
        "malformed JSON: text follows the end of the JSON array",
    ),
    (
        "truncated.json",
        b'[{"a": 1}, {"a": 2}, {"a": ',
        "a truncated JSON array: the file ends after row 2",
    ),
    ("cut-early.json", b'[{"a": ', "a truncated JSON array: the file ends before its first row"),
    (
        "bad.jsonl",
        b'{"a": 1}\n{"a": 2}\n{"a": 3,}\n',
        "malformed JSON on line 3, column 9: Expecting property name",
    ),
    ("scalar.jsonl", b'{"a": 1}\n42\n', "JSON lines whose line 2 is a number, not an object"),
    (
        "no-header.csv",
        b"84185091,28193,PT Bumi\n85171300,26320,PT Vivo\n",
        "a CSV file without a header row",
    ),
    ("header-only.csv", b"kd,nama\n", "a CSV file with a header but no rows"),
    (
        "ragged.csv",
        b"kd,nama\n1,a\n2,b,c\n",
        "a CSV file whose row 3 has 3 values for 2 header columns",
    ),
    ("garbage.bin", bytes(range(256)) * 8, "binary data, not a table of rows"),
    (
        "undecodable.csv",
        b"kd;nama\n1;caf\x81\n",
        "text that is neither UTF-8 nor Windows-1252 (byte 0x81)",
    ),
    ("nan.jsonl", b'{"a": NaN}\n{"a": 1}\n', "malformed JSON on line 1: NaN is not valid JSON"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "a legacy Excel 97-2003 (.xls)"),
    ("report.pdf.json", b"%PDF-1.7\n...", "a PDF document"),
    (
        "page.html",
        b"<!doctype html><html><head><title>Login SPSE</title></head><body>Masuk</body></html>",
        "an HTML page ('Login SPSE') without a table, not data",
    ),
    (
        "cf-block.json",
        b"<html><head><title>Attention Required! | Cloudflare</title></head></html>",
        "an HTML page (Cloudflare error page), not data",
    ),
    ("dump.csv", b"-- MySQL dump\nCREATE TABLE wilayah (kode varchar(13));\n", "an SQL dump"),
    (
        "sheet.xml",
        b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
        "an Excel 2003 XML spreadsheet",
    ),
]


@pytest.mark.parametrize(("name", "content", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_name_what_the_file_is(tmp_path: Path, name: str, content: bytes, reason: str):
    assert _reason(_write(tmp_path, name, content)).startswith(reason)


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path):
    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    assert _reason(path) == "a ZIP archive, not a spreadsheet; extract the table first"


def test_a_truncated_array_fails_where_it_stops(tmp_path: Path):
    rows = ",".join(f'{{"kd": {i}, "nilai": {i}.5}}' for i in range(1, 6))
    path = _write(tmp_path, "cut.json", "[" + rows + ',{"kd": 6, "nil')
    read = []
    with open_rows(path) as source, pytest.raises(UnreadableFile) as caught:
        for number, row in source:
            read.append((number, row))
    assert [n for n, _ in read] == [1, 2, 3, 4, 5]
    assert read[-1][1] == {"kd": 5, "nilai": Decimal("5.5")}
    assert caught.value.reason == "a truncated JSON array: the file ends after row 5"


def test_json_keeps_ints_and_makes_every_other_number_a_decimal(tmp_path: Path):
    path = _write(
        tmp_path,
        "rows.dat",
        '\ufeff [{"kd": 12345678901234567890, "nilai": 1.50, "pct": 1e2, "x": [0.1], "ok": true,'
        ' "n": null}, {"kd": 2, "extra": "only here"}]',
    )
    source, rows = _read(path)
    assert source.format == "json"
    assert source.columns == ["kd", "nilai", "pct", "x", "ok", "n"]
    assert rows == [
        (
            1,
            {
                "kd": 12345678901234567890,
                "nilai": Decimal("1.50"),
                "pct": Decimal("1E+2"),
                "x": [Decimal("0.1")],
                "ok": True,
                "n": None,
            },
        ),
        (2, {"kd": 2, "extra": "only here"}),
    ]
    assert str(rows[0][1]["nilai"]) == "1.50"


def test_a_single_key_wrapper_object_is_read_as_its_list(tmp_path: Path):
    for content in (
        '{"data": [{"kd": 1, "v": 2.5}, {"kd": 2, "v": 3}]}',
        '{\n  "data": [\n    {"kd": 1, "v": 2.5},\n    {"kd": 2, "v": 3}\n  ]\n}\n',
    ):
        source, rows = _read(_write(tmp_path, "wrapped.json", content))
        assert source.format == "json"
        assert source.columns == ["kd", "v"]
        assert rows == [(1, {"kd": 1, "v": Decimal("2.5")}), (2, {"kd": 2, "v": 3})]
    assert _reason(_write(tmp_path, "empty.json", '{"data": []}')) == (
        "a JSON object whose 'data' list is empty"
    )


def test_json_lines(tmp_path: Path):
    content = (
        b'\xef\xbb\xbf{"kd": 1, "nama": "A", "nilai": 10}\r\n'
        b"\n"
        b'{"kd": 2, "nama": "B", "nilai": 10.10, "big": 123456789012345678901234567890}\n'
        b'{"kd": 3, "nama": "C", "nilai": 7}\n'
    )
    source, rows = _read(_write(tmp_path, "rows.json", content))
    assert source.format == "jsonl"
    assert source.columns == ["kd", "nama", "nilai"]
    assert [n for n, _ in rows] == [1, 3, 4]
    assert rows[1][1]["nilai"] == Decimal("10.10") and str(rows[1][1]["nilai"]) == "10.10"
    assert rows[1][1]["big"] == 123456789012345678901234567890
    assert rows[2][1] == {"kd": 3, "nama": "C", "nilai": 7}
    assert not any(_floats(row) for _, row in rows)

    one = _write(tmp_path, "one.jsonl", '{"kd": 1, "v": 0.5}\n')
    source, rows = _read(one)
    assert source.format == "jsonl" and rows == [(1, {"kd": 1, "v": Decimal("0.5")})]
    assert _reason(_write(tmp_path, "one.json", '{"kd": 1, "v": 0.5}\n')).startswith(
        "a JSON object, not an array of rows"
    )


def test_csv_with_semicolons_in_windows_1252(tmp_path: Path):
    content = (
        "Nama Penyedia;Nilai;Keterangan\r\nPT Café Jaya;1.234,56;“baik”\r\n;;\r\nCV Ñusa;7,5;\r\n"
    )
    path = _write(tmp_path, "rekap.txt", content.encode("cp1252"))
    source, rows = _read(path)
    assert source.format == "csv"
    assert source.encoding == "cp1252"
    assert source.columns == ["Nama Penyedia", "Nilai", "Keterangan"]
    assert rows == [
        (2, {"Nama Penyedia": "PT Café Jaya", "Nilai": "1.234,56", "Keterangan": "“baik”"}),
        (4, {"Nama Penyedia": "CV Ñusa", "Nilai": "7,5", "Keterangan": ""}),
    ]


def test_csv_in_utf8_with_bom_quotes_tabs_and_short_rows(tmp_path: Path):
    content = 'kd,nama,nilai\n1,"PT A, Tbk","1,5"\n2,"baris\ndua",3\n3,C\n'
    source, rows = _read(_write(tmp_path, "a.csv", codecs.BOM_UTF8 + content.encode()))
    assert source.encoding == "utf-8-sig"
    assert source.columns == ["kd", "nama", "nilai"]
    assert rows == [
        (2, {"kd": "1", "nama": "PT A, Tbk", "nilai": "1,5"}),
        (3, {"kd": "2", "nama": "baris\ndua", "nilai": "3"}),
        (4, {"kd": "3", "nama": "C", "nilai": None}),
    ]

    tabbed = "kd\tnama\tnama\t\n1\tA\tB\t\n"
    source, rows = _read(_write(tmp_path, "b.tsv", tabbed))
    assert source.encoding == "utf-8"
    assert source.columns == ["kd", "nama", "nama_2"]
    assert rows == [(2, {"kd": "1", "nama": "A", "nama_2": "B"})]

    source, rows = _read(_write(tmp_path, "c.csv", "Nama Barang\nMeja\nKursi\n"), encoding="ascii")
    assert source.encoding == "ascii" and [r["Nama Barang"] for _, r in rows] == ["Meja", "Kursi"]


def test_excel_sep_line_sets_the_delimiter(tmp_path: Path):
    source, rows = _read(_write(tmp_path, "x.csv", "sep=;\r\nkd;nama, lengkap\r\n1;a, b\r\n"))
    assert source.columns == ["kd", "nama, lengkap"]
    assert rows == [(2, {"kd": "1", "nama, lengkap": "a, b"})]


def test_parquet_written_with_pyarrow(tmp_path: Path):
    import pyarrow as pa

    table = pa.table(
        {
            "kd": pa.array([1, 2, 3], pa.int64()),
            "harga": pa.array([1.1, None, float("nan")], pa.float64()),
            "pct": pa.array([0.5, 0.25, 1.0], pa.float32()),
            "lokasi": pa.array([[1.5, 2.0], [], None], pa.list_(pa.float64())),
            "meta": pa.array([{"a": 0.1, "b": "x"}, None, {"a": None, "b": "y"}]),
            "nilai": pa.array([Decimal("1.10"), None, Decimal("3")], pa.decimal128(10, 2)),
            "tgl": pa.array([dt.date(2023, 1, 2), None, dt.date(2023, 3, 4)]),
        }
    )
    path = tmp_path / "rows.json"  # named .json on purpose: the content decides
    pq.write_table(table, path, row_group_size=2)

    source, rows = _read(path)

    assert source.format == "parquet"
    assert source.columns == ["kd", "harga", "pct", "lokasi", "meta", "nilai", "tgl"]
    assert [n for n, _ in rows] == [1, 2, 3]
    assert rows[0][1] == {
        "kd": 1,
        "harga": Decimal("1.1"),
        "pct": Decimal("0.5"),
        "lokasi": [Decimal("1.5"), Decimal("2.0")],
        "meta": {"a": Decimal("0.1"), "b": "x"},
        "nilai": Decimal("1.10"),
        "tgl": dt.date(2023, 1, 2),
    }
    assert rows[1][1]["harga"] is None and rows[1][1]["lokasi"] == []
    assert rows[2][1]["harga"] is None  # NaN is a missing value
    assert not any(_floats(row) for _, row in rows)

    pq.write_table(table.slice(0, 0), tmp_path / "empty.parquet")
    assert _reason(tmp_path / "empty.parquet") == "a Parquet file with no rows"
    (tmp_path / "cut.parquet").write_bytes(path.read_bytes()[:200])
    assert _reason(tmp_path / "cut.parquet").startswith("a damaged or truncated Parquet file")


def test_xlsx_written_with_openpyxl(tmp_path: Path):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kode", "Nama Produk", "Nilai TKDN", "Tanggal", "Harga", "Aktif", None])
    sheet.append([84185091, "Freezer", 37.01, dt.datetime(2031, 1, 8), 1500000, True])
    sheet.append([])
    sheet.append([85171300, None, 0.1, dt.datetime(2031, 1, 9, 13, 30), 2.5, False])
    sheet.append([None, "", None, None, None, None, None])
    path = tmp_path / "tkdn.bin"
    book.save(path)

    source, rows = _read(path)

    assert source.format == "xlsx"
    assert source.columns == ["Kode", "Nama Produk", "Nilai TKDN", "Tanggal", "Harga", "Aktif"]
    assert rows == [
        (
            2,
            {
                "Kode": Decimal("84185091"),
                "Nama Produk": "Freezer",
                "Nilai TKDN": Decimal("37.01"),
                "Tanggal": "2031-01-08",
                "Harga": Decimal("1500000"),
                "Aktif": True,
            },
        ),
        (
            4,
            {
                "Kode": Decimal("85171300"),
                "Nama Produk": None,
                "Nilai TKDN": Decimal("0.1"),
                "Tanggal": "2031-01-09T13:30:00",
                "Harga": Decimal("2.5"),
                "Aktif": False,
            },
        ),
    ]

    headless = Workbook()
    headless_sheet = headless.active
    assert headless_sheet is not None
    headless_sheet.append([84185091, "Freezer"])
    headless_sheet.append([85171300, "Telepon"])
    headless.save(tmp_path / "headless.xlsx")
    assert _reason(tmp_path / "headless.xlsx").startswith("an Excel sheet without a header row")


def test_an_html_table_named_json(tmp_path: Path):
    html = (
        "<div><p>Daftar</p>\n<table>\n"
        "<tr><th>Produk</th><th>Nilai&nbsp;TKDN</th><th>Catatan</th></tr>\n"
        "<tr><td>Pipa 4 1/2&quot; Café</td><td>999,99</td>"
        "<td>baris\r\nkedua  dan\tketiga</td></tr>\n"
        "<tr><td></td><td> </td><td></td></tr>\n"
        "<tr><td colspan=2>Gabung</td><td>x<br>y</td>\n"
        "<tr><td>Terakhir<td>1.5<td>&amp;</tr>\n"
        "</table><table><tr><td>other table</td></tr></table>"
    )
    path = _write(tmp_path, "tkdn.json", html.encode("cp1252", errors="strict"))
    source, rows = _read(path)
    assert source.format == "html"
    assert source.encoding == "cp1252"
    assert source.columns == ["Produk", "Nilai TKDN", "Catatan"]
    assert rows == [
        (
            2,
            {
                "Produk": 'Pipa 4 1/2" Café',
                "Nilai TKDN": "999,99",
                "Catatan": "baris kedua dan ketiga",
            },
        ),
        (4, {"Produk": "Gabung", "Nilai TKDN": "", "Catatan": "x y"}),
        (5, {"Produk": "Terakhir", "Nilai TKDN": "1.5", "Catatan": "&"}),
    ]


def _open_descriptors(path: Path) -> int:
    fds = Path("/proc/self/fd")
    return sum(1 for fd in fds.iterdir() if _target(fd) == str(path))


def _target(fd: Path) -> str:
    try:
        return str(fd.readlink())
    except OSError:
        return ""


def _xlsx_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["a"])
    sheet.append([1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _parquet_bytes() -> bytes:
    import pyarrow as pa

    buffer = io.BytesIO()
    pq.write_table(pa.table({"a": [1]}), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    ['[{"a": 1}]', '{"a": 1}\n{"a": 1}\n', "a\n1\n", "<table><tr><th>a<tr><td>1", "xlsx", "pq"],
)
def test_a_row_source_reads_once_and_closes_its_file(tmp_path: Path, content: str):
    data = {"xlsx": _xlsx_bytes, "pq": _parquet_bytes}.get(content, content.encode)()
    path = _write(tmp_path, "data.txt", data)
    with open_rows(str(path)) as source:
        assert _open_descriptors(path) == 1
        rows = [row for _, row in source]
        assert rows and all(row["a"] in (1, "1") for row in rows)
        with pytest.raises(RuntimeError):
            iter(source)
        done = source.fraction_done()
        assert done is not None and 0 < done <= 1
        assert done == 1 or source.format == "xlsx"
    assert _open_descriptors(path) == 0
    assert source.fraction_done() is None


def test_a_refused_file_is_closed(tmp_path: Path):
    path = _write(tmp_path, "data.json", "[]")
    with pytest.raises(UnreadableFile):
        open_rows(path)
    assert _open_descriptors(path) == 0


def test_sha256_of_streams_the_bytes():
    assert sha256_of(KEMENPERIN) == hashlib.sha256(KEMENPERIN.read_bytes()).hexdigest()


# --- memory --------------------------------------------------------------------------------

# Peak RSS in MB. ru_maxrss of a child started from pytest starts at pytest's own peak (Linux
# carries it over exec), so the child's own high-water mark (VmHWM) is read where there is one.
_MEASURE = """
import resource, sys
from decimal import Decimal
from pathlib import Path
from p3dn.lib.readers import open_rows

def peak_mb():
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

before = peak_mb()
count = 0
total = Decimal(0)
with open_rows(sys.argv[1]) as source:
    for number, row in source:
        count += 1
        total += row["nilai_kontrak"]
after = peak_mb()
print(source.format, count, number, total, after - before, after)
"""


def _big_rows(path: Path, rows: int, *, lines: bool) -> None:
    """~1.7 KB rows, each with a decimal amount."""
    filler = ",".join(
        f'"field_{k:02d}":"{"Belanja Modal Peralatan dan Mesin " + str(k):<44}"' for k in range(28)
    )
    with path.open("wb") as file:
        file.write(b"" if lines else b"[")
        for i in range(rows):
            row = f'{{"kd_tender":{10_000_000 + i},"nilai_kontrak":{i}.25,"tahun":2025,{filler}}}'
            file.write((row + "\n" if lines else ("," if i else "") + row).encode())
        file.write(b"" if lines else b"]")


@pytest.mark.parametrize("lines", [False, True], ids=["json-array", "json-lines"])
def test_200k_rows_stream_in_flat_memory(tmp_path: Path, lines: bool):
    rows = 200_000
    path = tmp_path / "big.json"
    _big_rows(path, rows, lines=lines)
    assert path.stat().st_size > rows * 1600

    try:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            timeout=120,
        )
    finally:
        size_mb = path.stat().st_size // 2**20
        path.unlink()  # pytest keeps recent tmp_path folders: leave no 300 MB behind
    fmt, count, last, total, growth_mb, peak_mb = done.stdout.split()
    assert (fmt, int(count), int(last)) == ("jsonl" if lines else "json", rows, rows)
    assert Decimal(total) == sum(Decimal(i) + Decimal("0.25") for i in range(rows))
    print(f"{fmt}: {size_mb} MB file, RSS growth {growth_mb} MB, peak {peak_mb} MB")
    assert int(growth_mb) < 50
    assert int(peak_mb) < 150


def test_json_lines_give_each_row_with_its_line(tmp_path: Path):
    content = b'{"kd": 1, "v": "a"}\r\n\n{"kd": 2,  "v": 0.5}\n{"kd": 3, "v": null}'
    with open_rows(_write(tmp_path, "rows.jsonl", content)) as source:
        rows = list(source.with_raw())
        with pytest.raises(RuntimeError):
            list(source)
    assert rows == [
        (1, {"kd": 1, "v": "a"}, b'{"kd": 1, "v": "a"}\r\n'),
        (3, {"kd": 2, "v": Decimal("0.5")}, b'{"kd": 2,  "v": 0.5}\n'),
        (4, {"kd": 3, "v": None}, b'{"kd": 3, "v": null}'),
    ]
    with open_rows(_write(tmp_path, "rows.csv", b"kd;v\n1;a\n")) as source:
        assert list(source.with_raw()) == [(2, {"kd": "1", "v": "a"}, None)]
