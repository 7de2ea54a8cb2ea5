"""The JSON registry: every rule runs its example, outputs are JSON-ready, bad input lists every
problem with its field path."""

from __future__ import annotations

import copy
import json

import pytest

from p3dn.rules.errors import RuleInputError
from p3dn.rules.params import param_info
from p3dn.rules.registry import RULES, run

NAMES = [
    "pdn_obligation",
    "tier",
    "hea",
    "tkdn_barang",
    "tkdn_jasa",
    "tkdn_gabungan",
    "tkdn_multi",
    "bmp",
    "tkdn_ik",
    "certificate",
    "cluster",
    "capaian",
    "umk_share",
    "reserved_package",
    "enterprise_size",
    "indicator_p3dn",
    "region_code",
]


def test_the_registry_has_exactly_the_agreed_rule_names():
    assert list(RULES) == NAMES


def only_json_types(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) and only_json_types(v) for k, v in value.items())
    if isinstance(value, list):
        return all(only_json_types(v) for v in value)
    return value is None or isinstance(value, (str, int, bool))  # no floats, no Decimals


@pytest.mark.parametrize("name", NAMES)
def test_every_example_runs_and_returns_json_ready_output(name):
    rule = RULES[name]
    assert rule.name == name
    assert rule.title_id and rule.title_en and rule.description and rule.legal_basis
    payload = copy.deepcopy(rule.example_input)
    out = rule.run(payload)
    assert payload == rule.example_input  # input is not mutated
    assert only_json_types(out)
    json.dumps(out)
    assert isinstance(out["legal_basis"], str) and out["legal_basis"]
    assert isinstance(out["explanation"], list) and out["explanation"]
    assert all(isinstance(line, str) and line for line in out["explanation"])
    assert isinstance(out["unconfirmed"], list)
    for item in out["unconfirmed"]:
        assert not param_info(item).confirmed  # every name is documented and really unconfirmed


def test_hea_output_has_exactly_the_agreed_shape():
    out = run("hea", RULES["hea"].example_input)
    assert set(out) == {
        "formula",
        "eligible",
        "bids",
        "winner",
        "warnings",
        "legal_basis",
        "unconfirmed",
        "explanation",
    }
    assert all(set(b) == {"name", "hp", "tkdn", "kp", "hea", "rank"} for b in out["bids"])
    assert [b["name"] for b in out["bids"]] == ["A", "B", "C", "D"]  # input order kept


def test_explanations_show_formulas_with_numbers_filled_in():
    out = run("tkdn_barang", RULES["tkdn_barang"].example_input)
    assert "TKDN = (Rp 120 \u2212 Rp 40) / Rp 120 = Rp 80 / Rp 120 = 66,67%." in out["explanation"]


def fields(exc):
    return [(e["field"], e["code"]) for e in exc.value.errors]


def test_bad_hea_input_lists_every_problem_with_its_path():
    payload = {
        "jenis": "Barang",
        "hps": "1.200.000.000",
        "preferensi_tertinggi": "0.30",
        "formula": "perpres2021",
        "bids": [
            {"name": "A", "hp": "-1050000000", "tkdn": "60"},
            {"name": "B", "tkdn": 0.5},
            {"name": "C", "hp": True, "tkdn": "0.3", "harga": "1"},
            "D",
        ],
    }
    with pytest.raises(RuleInputError) as exc:
        run("hea", payload)
    assert fields(exc) == [
        ("hps", "invalid_number"),
        ("preferensi_tertinggi", "above_max"),
        ("formula", "invalid_choice"),
        ("bids[3]", "invalid_type"),
        ("bids[0].hp", "negative"),
        ("bids[0].tkdn", "fraction_above_one"),
        ("bids[1].hp", "required"),
        ("bids[2].hp", "invalid_type"),
        ("bids[2].harga", "unknown_field"),
    ]
    for error in exc.value.errors:
        assert set(error) == {"field", "code", "message", "message_en"}
        assert error["message"] and error["message_en"] and error["message"] != error["message_en"]


def test_every_rule_reports_missing_required_values():
    with pytest.raises(RuleInputError) as exc:
        run("hea", {})
    assert fields(exc) == [
        ("jenis", "required"),
        ("hps", "required"),
        ("preferensi_tertinggi", "required"),
        ("bids", "required"),
    ]
    for name in NAMES:
        if name == "enterprise_size":
            continue  # everything optional, but one of two is needed
        with pytest.raises(RuleInputError):
            run(name, {})
    with pytest.raises(RuleInputError) as exc:
        run("enterprise_size", {})
    assert fields(exc) == [("modal_usaha", "required")]


def test_a_payload_that_is_not_an_object_is_rejected():
    with pytest.raises(RuleInputError) as exc:
        run("hea", ["not", "an", "object"])
    assert fields(exc)[0] == ("", "invalid_type")


def test_floats_are_read_through_their_text():
    as_text = run("hea", RULES["hea"].example_input)
    payload = copy.deepcopy(RULES["hea"].example_input)
    payload["hps"] = 1200000000.0
    payload["preferensi_tertinggi"] = 0.15
    for bid in payload["bids"]:
        bid["hp"] = int(bid["hp"])
        bid["tkdn"] = float(bid["tkdn"])
    as_numbers = run("hea", payload)
    assert [b["hea"] for b in as_numbers["bids"]] == [b["hea"] for b in as_text["bids"]]
    with pytest.raises(RuleInputError) as exc:
        run("tkdn_multi", {"produk": [{"nama": "X", "tkdn": float("nan"), "harga": 1}]})
    assert fields(exc) == [("produk[0].tkdn", "invalid_number")]


def test_cost_line_problems_are_all_reported():
    payload = {
        "regulation": "permenperin16_2011",
        "lines": [
            {"uraian": "A", "kategori": "bahan", "biaya": "-5", "asal": "lokal"},
            {"uraian": "B", "kategori": "material", "biaya": "10", "tkdn": "1.5"},
            {"uraian": "C", "kategori": "material"},
        ],
    }
    with pytest.raises(RuleInputError) as exc:
        run("tkdn_barang", payload)
    assert fields(exc) == [
        ("lines[0].kategori", "invalid_choice"),
        ("lines[0].biaya", "negative"),
        ("lines[0].asal", "invalid_choice"),
        ("lines[1].tkdn", "fraction_above_one"),
        ("lines[2].biaya", "required"),
    ]


def test_domain_problems_found_after_parsing_are_listed_together():
    payload = {
        "regulation": "permenperin35_2025",
        "lines": [
            {
                "uraian": "A",
                "kategori": "material",
                "biaya": "10",
                "asal": "dalam_negeri",
                "kdn": "5",
            },
            {"uraian": "B", "kategori": "material", "biaya": "10", "kdn": "11"},
            {
                "uraian": "C",
                "kategori": "material",
                "biaya": "10",
                "asal": "dalam_negeri",
                "lapis2": True,
            },
            {"uraian": "D", "kategori": "material", "biaya": "10"},
        ],
    }
    with pytest.raises(RuleInputError) as exc:
        run("tkdn_barang", payload)
    assert fields(exc) == [
        ("lines[0].kdn", "conflict"),
        ("lines[1].kdn", "out_of_range"),
        ("lines[2].lapis2", "not_allowed"),
        ("lines[3].asal", "required"),
    ]


def test_regulation_or_as_of_is_required():
    with pytest.raises(RuleInputError) as exc:
        run("bmp", {"faktor": []})
    assert fields(exc) == [("regulation", "required")]
    with pytest.raises(RuleInputError) as exc:
        run("bmp", {"as_of": "2025-02-30", "faktor": []})
    assert fields(exc) == [("as_of", "invalid_date")]


def test_unknown_factor_and_duplicate_names():
    with pytest.raises(RuleInputError) as exc:
        run(
            "bmp",
            {
                "regulation": "permenperin35_2025",
                "faktor": [{"kode": "esg"}, {"kode": "esg"}, {"kode": "k3l"}],
            },
        )
    assert fields(exc) == [("faktor[2].kode", "invalid_choice"), ("faktor[1].kode", "duplicate")]
    bids = [{"name": "A", "hp": "1", "tkdn": "0"}, {"name": "A", "hp": "2", "tkdn": "0"}]
    with pytest.raises(RuleInputError) as exc:
        run("hea", {**RULES["hea"].example_input, "bids": bids})
    assert fields(exc) == [("bids[1].name", "duplicate")]


def test_params_overrides_are_validated_like_fields():
    payload = {
        **RULES["certificate"].example_input,
        "params": {
            "cert_expiry_warning_days": 30,
            "umk_denominator": "apbd",
            "nope": 1,
            "bmp_max": "-1",
        },
    }
    with pytest.raises(RuleInputError) as exc:
        run("certificate", payload)
    assert sorted(fields(exc)) == [
        ("params.bmp_max", "negative"),
        ("params.nope", "unknown_field"),
        ("params.umk_denominator", "invalid_choice"),
    ]
    payload["params"] = {"cert_expiry_warning_days": 30}
    out = run("certificate", payload)
    assert (out["status"], out["label"]) == ("berlaku", "Berlaku")


def test_unknown_rule_name():
    with pytest.raises(KeyError):
        run("tkdn_magic", {})
