"""The public calculators: web pages, PDF/Excel, API and `p3dn calc`, over the rules library."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from p3dn.calculators.pages import PAGES
from p3dn.rules.registry import RULES

pytestmark = pytest.mark.django_db

HEA_FORM = {
    "f-jenis": "Barang",
    "f-hps": "1.200.000.000",
    "f-preferensi_tertinggi": "15",
    "f-formula": "perpres12_2021",
    "rows-bids": "5",
    "t-bids-0-name": "A",
    "t-bids-0-hp": "1.050.000.000",
    "t-bids-0-tkdn": "60",
    "t-bids-1-name": "B",
    "t-bids-1-hp": "1.150.000.000",
    "t-bids-1-tkdn": "50",
    "t-bids-2-name": "C",
    "t-bids-2-hp": "1.025.000.000",
    "t-bids-2-tkdn": "25",
    "t-bids-3-name": "D",
    "t-bids-3-hp": "1.010.000.000",
    "t-bids-3-tkdn": "20",
    "action": "calculate",
}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_calculator_opens_with_its_worked_example_computed(client, page):
    response = client.get(f"/kalkulator/{page.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hasil" in html and RULES[page.rule].legal_basis.split(" ")[0] in html


def test_the_index_lists_every_calculator_for_anonymous_visitors(client):
    html = client.get("/kalkulator/").content.decode()
    for page in PAGES:
        assert f"/kalkulator/{page.slug}/" in html


def test_the_price_preference_table_of_domain_1_4_ranks_a_c_d_b(client):
    response = client.post("/kalkulator/preferensi-harga/", HEA_FORM)
    result = response.context["result"]
    ranking = result.tables[0][2]
    assert [row[1] for row in ranking] == ["A", "C", "D", "B"]
    assert ranking[0][5] == "Rp 955.500.000,00"
    assert ("Pemenang", "A") in result.scalars


def test_the_legacy_formula_is_a_switch(client):
    response = client.post("/kalkulator/preferensi-harga/", {**HEA_FORM, "f-formula": "legacy"})
    ranking = response.context["result"].tables[0][2]
    assert ranking[0][1] == "A" and ranking[0][5] == "Rp 963.302.752,29"


def test_bad_input_is_shown_under_each_wrong_cell_in_indonesian(client):
    form = {
        **HEA_FORM,
        "t-bids-0-hp": "-5",
        "t-bids-1-tkdn": "120",
        "t-bids-2-name": "",
        "f-hps": "seribu",
    }
    response = client.post("/kalkulator/preferensi-harga/", form)
    state = response.context["state"]
    errors = {c.name: c.errors for c in state.all_cells() if c.errors}
    assert errors == {
        "f-hps": ["“seribu” bukan angka."],
        "t-bids-0-hp": ["Tidak boleh negatif."],
        "t-bids-1-tkdn": ["Paling tinggi 100%."],
        "t-bids-2-name": ["Wajib diisi."],
    }
    assert response.context["result"] is None


def test_a_rule_error_lands_on_the_cell_it_names(client):
    form = {
        "f-regulation": "permenperin16_2011",
        "rows-lines": "2",
        "action": "calculate",
        "t-lines-0-uraian": "Baja",
        "t-lines-0-kategori": "material",
        "t-lines-0-biaya": "100",
        "t-lines-0-asal": "dalam_negeri",
        "t-lines-0-kdn": "150",
        "t-lines-1-uraian": "Las",
        "t-lines-1-kategori": "tenaga_kerja",
        "t-lines-1-biaya": "50",
        "t-lines-1-asal": "dalam_negeri",
    }
    response = client.post("/kalkulator/tkdn-barang/", form)
    state = response.context["state"]
    flagged = [c.name for c in state.all_cells() if c.errors] + state.errors
    assert flagged and all(name.startswith("t-lines-0-") for name in flagged), flagged


def test_goods_tkdn_80_of_120_is_66_67_percent(client):
    form = {
        "f-regulation": "permenperin16_2011",
        "rows-lines": "3",
        "action": "calculate",
        "t-lines-0-uraian": "Material lokal",
        "t-lines-0-kategori": "material",
        "t-lines-0-biaya": "55",
        "t-lines-0-asal": "dalam_negeri",
        "t-lines-1-uraian": "Material impor",
        "t-lines-1-kategori": "material",
        "t-lines-1-biaya": "40",
        "t-lines-1-asal": "luar_negeri",
        "t-lines-2-uraian": "Tenaga kerja WNI",
        "t-lines-2-kategori": "tenaga_kerja",
        "t-lines-2-biaya": "25",
        "t-lines-2-asal": "dalam_negeri",
    }
    result = client.post("/kalkulator/tkdn-barang/", form).context["result"]
    assert ("TKDN", "66,67%") in result.scalars


def test_add_row_keeps_what_was_typed(client):
    form = {**HEA_FORM, "action": "add-bids"}
    response = client.post("/kalkulator/preferensi-harga/", form, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'name="rows-bids" value="6"' in html and 'value="1.050.000.000"' in html


def test_excel_download_holds_inputs_result_and_explanation(client):
    response = client.post("/kalkulator/preferensi-harga/", {**HEA_FORM, "action": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Rp 955.500.000,00" in cells and "1.050.000.000" in cells
    assert any(c.startswith("A: KP = 60,00%") for c in cells)


def test_pdf_download_is_a_pdf(client):
    response = client.post(
        "/kalkulator/tkdn-ik/",
        {
            "f-regulation": "permenperin46_2022",
            "f-material": "20",
            "f-tenaga_kerja": "10",
            "f-overhead": "3",
            "f-pengembangan": "1",
            "action": "pdf",
        },
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000


# ---------------------------------------------------------------- API


def test_api_hea_takes_and_returns_exactly_the_documented_shape(client):
    payload = RULES["hea"].example_input
    response = client.post("/api/v1/calc/hea", payload, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert {"formula", "eligible", "bids", "winner", "legal_basis"} <= set(body)
    assert body["winner"] == "A"
    assert set(body["bids"][0]) == {"name", "hp", "tkdn", "kp", "hea", "rank"}
    assert body["bids"][0]["hea"] == "955500000.00"
    assert [b["rank"] for b in body["bids"]] == [1, 4, 2, 3]


def test_api_lists_every_problem_of_bad_input(client):
    response = client.post(
        "/api/v1/calc/hea",
        {
            "jenis": "Barang",
            "hps": "-1",
            "preferensi_tertinggi": "0.15",
            "bids": [{"name": "A", "hp": "1000", "tkdn": "1.5"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"hps", "bids[0].tkdn"}
    assert client.post("/api/v1/calc/nope", {}, content_type="application/json").status_code == 404


def test_api_lists_the_rules(client):
    names = [r["name"] for r in client.get("/api/v1/calc").json()]
    assert names == list(RULES)


# ---------------------------------------------------------------- CLI


def _calc(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "p3dn", "calc", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_calc_lists_rules_and_computes_json_from_stdin(tmp_path):
    listing = _calc("--list")
    assert listing.returncode == 0 and len(listing.stdout.splitlines()) == len(RULES)
    result = _calc("hea", "-", stdin=json.dumps(RULES["hea"].example_input))
    assert result.returncode == 0
    assert json.loads(result.stdout)["winner"] == "A"
    infile = tmp_path / "tkdn.json"
    infile.write_text(json.dumps(RULES["tkdn_jasa"].example_input), encoding="utf-8")
    assert json.loads(_calc("tkdn_jasa", str(infile)).stdout)["tkdn"] == "0.8281"


def test_cli_calc_exits_2_with_a_clear_message_on_invalid_input():
    bad = _calc("hea", "-", stdin='{"jenis": "Barang", "bids": []}')
    assert bad.returncode == 2 and "hps" in bad.stderr and "Traceback" not in bad.stderr
    not_json = _calc("hea", "-", stdin="{oops")
    assert not_json.returncode == 2 and "not JSON" in not_json.stderr
    unknown = _calc("nope")
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr


def test_a_country_of_origin_sets_the_origin_or_must_agree_with_it(client):
    form = {"f-regulation": "permenperin16_2011", "rows-lines": "2", "action": "calculate",
            "t-lines-0-uraian": "Tinta", "t-lines-0-kategori": "material",
            "t-lines-0-biaya": "30", "t-lines-0-negara": "Tiongkok",
            "t-lines-1-uraian": "Plastik", "t-lines-1-kategori": "material",
            "t-lines-1-biaya": "70", "t-lines-1-negara": "Indonesia"}
    result = client.post("/kalkulator/tkdn-barang/", form).context["result"]
    assert ("TKDN", "70,00%") in result.scalars
    clash = {**form, "t-lines-0-asal": "dalam_negeri"}
    state = client.post("/kalkulator/tkdn-barang/", clash).context["state"]
    assert [c.errors for c in state.all_cells() if c.errors] == [
        ["Tiongkok tidak sesuai dengan asal yang dipilih."]]


def test_combined_tkdn_under_35_2025_weighs_each_component(client):
    html = client.get("/kalkulator/tkdn-gabungan-2025/").content.decode()
    assert "Panel surya" in html
    form = {"rows-komponen": "2", "action": "calculate",
            "t-komponen-0-uraian": "Panel", "t-komponen-0-jenis": "barang",
            "t-komponen-0-tkdn": "50", "t-komponen-0-nilai": "300",
            "t-komponen-1-uraian": "Pasang", "t-komponen-1-jenis": "jasa",
            "t-komponen-1-tkdn": "90", "t-komponen-1-nilai": "100"}
    result = client.post("/kalkulator/tkdn-gabungan-2025/", form).context["result"]
    assert ("TKDN gabungan", "60,00%") in result.scalars


def test_explanations_come_on_request(client):
    payload = RULES["hea"].example_input
    body = client.post("/api/v1/calc/hea?explain=true", payload,
                       content_type="application/json").json()
    assert body["explanation"] and "unconfirmed" in body
    cli = _calc("hea", "-", "--explain", stdin=json.dumps(payload))
    assert "explanation" in json.loads(cli.stdout)
    assert "explanation" not in json.loads(_calc("hea", "-", stdin=json.dumps(payload)).stdout)
    tkdn = client.post("/api/v1/calc/tkdn_jasa", RULES["tkdn_jasa"].example_input,
                       content_type="application/json").json()
    assert tkdn["explanation"]  # rules without a fixed contract explain themselves always


def test_unconfirmed_defaults_are_explained_without_working_notes() -> None:
    """A public calculator page names an unconfirmed default in words and cites a regulation
    only when it is one; DOMAIN.md sections, news sites and English working notes stay out."""
    from django.utils import translation

    from p3dn.calculators.present import _unconfirmed
    from p3dn.rules.params import ASSUMPTIONS, all_params

    infos = [*all_params(), *ASSUMPTIONS.values()]
    noted = [i for i in infos if "DOMAIN.md" in i.source or ".com" in i.source]
    assert noted, "the parameters carry working notes this test guards against"
    with translation.override("id"):
        for info in infos:
            text = _unconfirmed(info.name)
            assert text.startswith(info.label_id), text
            for word in ("DOMAIN", ".com", "not found", "not read", "assumed", "summary"):
                assert word not in text, (info.name, text)
        assert "Perpres 46/2025 Pasal 66" in _unconfirmed("tier_volume_split")


def test_a_bid_far_from_the_hps_is_flagged_on_the_page_the_api_and_excel(client):
    """A bid above the HPS, or under 80% of it, gets a warning; bids in between get none."""
    form = {
        **HEA_FORM,
        "t-bids-4-name": "E",
        "t-bids-4-hp": "1.300.000.000",  # above the HPS of 1,2 M
        "t-bids-4-tkdn": "30",
        "t-bids-3-hp": "900.000.000",  # 75% of the HPS
    }
    result = client.post("/kalkulator/preferensi-harga/", form).context["result"]
    assert len(result.warnings) == 2
    high, low = sorted(result.warnings, key=lambda w: "di atas" not in w)
    assert "Penawaran E" in high and "di atas HPS" in high and "108,33%" in high
    assert "Penawaran D" in low and "75,00%" in low and "Pasal 33" in low
    assert not client.post("/kalkulator/preferensi-harga/", HEA_FORM).context["result"].warnings

    payload = {**RULES["hea"].example_input}
    payload["bids"] = [*payload["bids"], {"name": "Z", "hp": "1300000000", "tkdn": "0.5"}]
    body = client.post("/api/v1/calc/hea", payload, content_type="application/json").json()
    assert [w.split(" ")[1] for w in body["warnings"]] == ["Z"]

    workbook = load_workbook(
        io.BytesIO(client.post("/kalkulator/preferensi-harga/", {**form, "action": "xlsx"}).content)
    )
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value]
    assert any("Penawaran E" in c for c in cells)
