"""Why an import refused a file or rejected rows, said in Indonesian on the run page: the
readers (p3dn.lib, no Django) raise coded refusals, p3dn.imports.refusals words them."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import SHARED_DATA
from p3dn.imports import refusals, services
from p3dn.lib import readers
from p3dn.lib.readers import UnreadableFile, open_rows

DATA = SHARED_DATA
READERS = Path(readers.__file__).parent


def _codes_raised() -> set[str]:
    """Every code the readers give an UnreadableFile (its second argument, or the third item
    of a refused magic number)."""
    codes = set()
    for path in READERS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "UnreadableFile":
                assert len(node.args) >= 2, f"{path.name}:{node.lineno} raises without a code"
                if isinstance(node.args[1], ast.Constant):  # else a refused magic's (below)
                    codes.add(node.args[1].value)
            if isinstance(node, ast.Tuple) and len(node.elts) == 3 and all(
                isinstance(e, ast.Constant) for e in node.elts
            ) and isinstance(node.elts[0].value, bytes):
                codes.add(node.elts[2].value)
    return codes


def test_every_refusal_of_the_readers_has_an_indonesian_sentence():
    codes = _codes_raised()
    assert {"binary", "cloudflare_challenge", "too_many_rows", "pdf"} <= codes
    with translation.override("id"):
        for code in codes:
            sentence = refusals._MESSAGES.get(code) or refusals._THINGS.get(code)
            assert sentence is not None, code
            with translation.override("en"):
                english = str(sentence)
            assert str(sentence) != english, f"{code}: {english!r} is not translated"


HOSTILE = [
    ("cloudflare.json", (DATA / "negative" / "cloudflare-challenge.json").read_bytes(),
     "halaman HTML (pemeriksaan Cloudflare 'Just a moment…'), bukan data"),
    ("garbage.bin", bytes(range(256)) * 8, "data biner, bukan tabel baris data"),
    ("laporan.pdf", b"%PDF-1.7\n" + b"x" * 100, "dokumen PDF, bukan tabel baris data"),
    ("kosong.json", b"   \n", "berkas kosong"),
    ("empty.json", b"[]", "larik JSON tanpa baris data"),
    ("header.csv", b"kd_rup,pagu\n", "berkas CSV tanpa baris data"),
    ("cut.json",  # a real file cut in its third row: the dataset is known, then it ends
     (DATA / "isb" / "prov-kalbar-2023" / "SPSE-TenderEkontrak-Kontrak.json").read_bytes()[
         :len(json.dumps(json.loads((DATA / "isb" / "prov-kalbar-2023" /
                                     "SPSE-TenderEkontrak-Kontrak.json").read_bytes())[:2]))],
     "berkas JSON terpotong: berkas berakhir setelah baris"),
    ("login.html", b"<html><head><title>Login SPSE</title></head><body>x</body></html>",
     "halaman HTML (Login SPSE) tanpa tabel, bukan data"),
]


@pytest.mark.parametrize(("name", "content", "indonesian"), HOSTILE)
def test_the_run_page_says_in_indonesian_why_a_file_was_refused(
    name, content, indonesian, tmp_path, client_for, admin_pusat
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as refused, open_rows(path) as rows:
        list(rows)
    run = services.import_now(actor=admin_pusat, path=path)
    assert run.status == "refused"
    html = client_for(admin_pusat).get(reverse("imports:detail", args=[run.pk])).content.decode()
    assert indonesian in html.replace("&#x27;", "'")
    assert refused.value.reason not in html.replace("&#x27;", "'")  # not the English line


def test_the_run_page_says_why_rows_were_rejected(client_for, admin_pusat, db):
    path = DATA / "tkdn" / "scrape-kelompok-8.json"
    scraped = json.loads(path.read_text(encoding="utf-8"))
    partial = sum(1 for r in scraped if set(r) == {"id_data", "Kelompok Barang"})
    run = services.import_now(actor=admin_pusat, path=path)
    assert run.status == "rejected" and run.rows_rejected == partial
    html = client_for(admin_pusat).get(reverse("imports:detail", args=[run.pk])).content.decode()
    summary = html.split("Mengapa baris ditolak")[1].split("</table>")[0]
    assert "data tidak lengkap: kolom ini kosong" in summary
    assert f'<td class="mono">perusahaan</td><td>data tidak lengkap: kolom ini kosong</td>' \
           f'<td class="num">{partial}</td>' in summary
