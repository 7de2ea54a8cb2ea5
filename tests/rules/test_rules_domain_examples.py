"""Every worked number in DOMAIN.md, as an example test of the rules library."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from p3dn.rules.errors import RuleInputError
from p3dn.rules.indicators import capaian
from p3dn.rules.preference import Formula, harga_evaluasi_akhir, koefisien_preferensi
from p3dn.rules.registry import RULES


def run(name, payload):
    return RULES[name].run(payload)


# C3-C4: DOMAIN.md 1.4 worked table ------------------------------------------------------------

TABLE = {
    "jenis": "Barang",
    "hps": "1200000000",
    "preferensi_tertinggi": "0.15",
    "bids": [
        {"name": "A", "hp": "1050000000", "tkdn": "0.60"},
        {"name": "B", "hp": "1150000000", "tkdn": "0.50"},
        {"name": "C", "hp": "1025000000", "tkdn": "0.25"},
        {"name": "D", "hp": "1010000000", "tkdn": "0.20"},
    ],
}


def ranking(out):
    return [b["name"] for b in sorted(out["bids"], key=lambda b: b["rank"])]


def test_the_worked_table_under_the_perpres_12_2021_formula():
    out = run("hea", {**TABLE, "formula": "perpres12_2021"})
    assert out["formula"] == "perpres12_2021"
    assert out["eligible"] is True
    by_name = {b["name"]: b for b in out["bids"]}
    assert {n: b["kp"] for n, b in by_name.items()} == {
        "A": "0.0900",
        "B": "0.0750",
        "C": "0.0375",
        "D": "0.0000",
    }
    assert {n: b["hea"] for n, b in by_name.items()} == {
        "A": "955500000.00",
        "B": "1063750000.00",
        "C": "986562500.00",
        "D": "1010000000.00",
    }
    assert ranking(out) == ["A", "C", "D", "B"]
    assert out["winner"] == "A"
    assert "Pasal 67" in out["legal_basis"]
    assert (
        "A: KP = 60,00% \u00d7 15,00% = 9,00%; HEA = (1 \u2212 9,00%) \u00d7 Rp 1.050.000.000 = "
        "Rp 955.500.000,00." in out["explanation"]
    )


def test_the_worked_table_under_the_legacy_formula_matches_the_source_to_the_rupiah():
    out = run("hea", {**TABLE, "formula": "legacy"})
    hea = {b["name"]: D(b["hea"]) for b in out["bids"]}
    rupiah = {n: v.quantize(D(1)) for n, v in hea.items()}
    assert rupiah == {"A": D(963302752), "B": D(1069767442), "C": D(987951807), "D": D(1010000000)}
    assert hea["A"] == D("963302752.29")
    assert ranking(out) == ["A", "C", "D", "B"]


def test_the_formula_defaults_to_perpres_12_2021_and_is_reported_unconfirmed():
    out = run("hea", TABLE)
    assert out["formula"] == "perpres12_2021"
    assert out["unconfirmed"] == ["preference_formula"]


def test_the_single_bid_check():
    kp = koefisien_preferensi(D("0.50"), D("0.15"))
    assert kp == D("0.075")
    legacy = harga_evaluasi_akhir(D(1000000), kp, Formula.LEGACY)
    assert legacy.quantize(D(1)) == D(930233)
    assert harga_evaluasi_akhir(D(1000000), kp) == D(925000)


def test_preference_needs_hps_above_one_miliar_goods_and_tkdn_25():
    at_threshold = run("hea", {**TABLE, "hps": "1000000000"})
    assert at_threshold["eligible"] is False
    assert all(b["kp"] == "0.0000" for b in at_threshold["bids"])
    assert ranking(at_threshold) == ["D", "C", "A", "B"]  # plain price order
    construction = run("hea", {**TABLE, "jenis": "Pekerjaan Konstruksi"})
    assert construction["eligible"] is False
    assert any("hanya untuk Barang" in line for line in construction["explanation"])
    by_code = run("hea", {**TABLE, "jenis": "1"})
    assert by_code["eligible"] is True


def test_preference_above_25_percent_is_rejected():
    with pytest.raises(RuleInputError) as exc:
        run("hea", {**TABLE, "preferensi_tertinggi": "0.26"})
    assert [e["field"] for e in exc.value.errors] == ["preferensi_tertinggi"]
    assert run("hea", {**TABLE, "preferensi_tertinggi": "0.25"})["eligible"] is True


def test_equal_lowest_hea_goes_to_the_higher_tkdn():
    exact = [
        {"name": "G", "hp": "1000000000", "tkdn": "0.40"},  # HEA 940.000.000
        {"name": "H", "hp": "1000000000", "tkdn": "0.40"},
        {"name": "I", "hp": "940000000", "tkdn": "0.00"},  # HEA 940.000.000, lower TKDN
    ]
    out = run("hea", {**TABLE, "bids": exact})
    assert {b["name"]: b["rank"] for b in out["bids"]} == {"G": 1, "H": 1, "I": 3}
    assert out["winner"] is None
    assert out["tied"] == ["G", "H"]
    two = run("hea", {**TABLE, "bids": [exact[0], exact[2]]})
    assert two["winner"] == "G"
    assert any("TKDN lebih tinggi menang" in line for line in two["explanation"])


# C1, C2 -------------------------------------------------------------------------------------


def test_obligation_triggers_at_tkdn_plus_bmp_40_percent():
    out = run("pdn_obligation", {"candidates": [{"name": "P", "tkdn": "0.25", "bmp": "0.15"}]})
    assert out["wajib_pdn"] is True
    assert out["candidates"][0]["tkdn_plus_bmp"] == "0.4000"
    out = run("pdn_obligation", {"candidates": [{"name": "P", "tkdn": "0.25", "bmp": "0.1499"}]})
    assert out["wajib_pdn"] is False


def test_uncertified_products_do_not_trigger_the_obligation():
    out = run("pdn_obligation", {"candidates": [{"name": "X", "certified": False}]})
    assert out["wajib_pdn"] is False
    assert out["candidates"][0]["tkdn_plus_bmp"] is None


def tier(as_of, candidates, volume=None):
    payload = {"as_of": as_of, "candidates": candidates}
    if volume is not None:
        payload["volume_needed"] = volume
    return run("tier", payload)


A = {"name": "A", "tkdn": "0.30", "bmp": "0.12"}
B = {"name": "B", "tkdn": "0.26", "bmp": "0.00"}
C = {"name": "C", "tkdn": "0.10"}
S = {"name": "S", "certified": False, "in_siinas": True}
X = {"name": "X", "certified": False}


def test_the_rule_is_chosen_by_date():
    assert tier("2025-04-29", [A])["regulation"] == "perpres12_2021"
    assert tier("2025-04-30", [A])["regulation"] == "perpres46_2025"


def test_the_perpres_46_2025_cascade():
    assert tier("2025-05-01", [A, B, C, S])["tier"] == "a"
    assert tier("2025-05-01", [A, B])["allowed"] == ["A", "B"]
    assert tier("2025-05-01", [B, C, S])["tier"] == "b"
    out = tier("2025-05-01", [C, S])
    assert (out["tier"], out["allowed"]) == ("c", ["C"])
    out = tier("2025-05-01", [S, X])
    assert (out["tier"], out["allowed"]) == ("d", ["S"])
    out = tier("2025-05-01", [X])
    assert (out["tier"], out["imports_allowed"]) == ("impor", True)
    assert "perpres46_import_fallback" in out["unconfirmed"]


def test_the_perpres_12_2021_rule_before_30_april_2025():
    out = tier("2024-06-01", [A, B, C])
    assert (out["tier"], out["allowed"], out["imports_allowed"]) == ("wajib", ["A", "B"], False)
    out = tier("2024-06-01", [B, C])
    assert (out["tier"], out["imports_allowed"]) == ("tidak_wajib", True)


def test_short_tier_a_volume_falls_to_b_and_says_the_split_is_open():
    a = {**A, "available_volume": "80"}
    b = {**B, "available_volume": "500"}
    out = tier("2025-06-02", [a, b], volume="120")
    assert out["tier"] == "b"
    assert out["volume_partial"] is True
    assert out["volume_a"] == "80"
    assert "tier_volume_split" in out["unconfirmed"]
    assert any("Volume sebagian" in line for line in out["explanation"])
    assert tier("2025-06-02", [a, b], volume="80")["tier"] == "a"


def test_unknown_tier_a_volume_is_assumed_and_said():
    out = tier("2025-06-02", [A, B], volume="120")
    assert out["tier"] == "a"
    assert out["volume_unknown"] == ["A"]
    assert any("tidak diketahui" in line for line in out["explanation"])


def test_short_volume_of_every_product_25_percent_is_surfaced():
    a = {**A, "available_volume": "10"}
    b = {**B, "available_volume": "20"}
    out = tier("2025-06-02", [a, b], volume="100")
    assert out["tier"] == "b"
    assert any("juga kurang" in line for line in out["explanation"])


# C5-C9 ---------------------------------------------------------------------------------------


def test_pen_fixture_80_of_120_is_66_67_percent():
    out = run("tkdn_barang", RULES["tkdn_barang"].example_input)
    assert (out["kdn"], out["total_biaya"], out["tkdn"]) == ("80", "120", "0.6667")
    assert out["explanation"][-1] == (
        "TKDN = (Rp 120 \u2212 Rp 40) / Rp 120 = Rp 80 / Rp 120 = 66,67%."
    )


def test_lunch_box_42400_of_43000_is_98_60_percent():
    payload = {
        "regulation": "permenperin16_2011",
        "lines": [
            {
                "uraian": "Bahan lokal",
                "kategori": "material",
                "biaya": "30400",
                "asal": "dalam_negeri",
            },
            {"uraian": "Saus impor", "kategori": "material", "biaya": "600", "asal": "luar_negeri"},
            {
                "uraian": "Juru masak",
                "kategori": "tenaga_kerja",
                "biaya": "8000",
                "asal": "dalam_negeri",
            },
            {
                "uraian": "Gas dan kemasan",
                "kategori": "overhead",
                "biaya": "4000",
                "asal": "dalam_negeri",
            },
        ],
    }
    assert run("tkdn_barang", payload)["tkdn"] == "0.9860"


def test_unverifiable_lines_count_nil():
    payload = {
        "regulation": "permenperin16_2011",
        "lines": [
            {
                "uraian": "Baja",
                "kategori": "material",
                "biaya": "60",
                "asal": "dalam_negeri",
                "terverifikasi": False,
            },
            {
                "uraian": "Operator",
                "kategori": "tenaga_kerja",
                "biaya": "40",
                "asal": "dalam_negeri",
            },
        ],
    }
    out = run("tkdn_barang", payload)
    assert out["tkdn"] == "0.4000"
    assert out["lines"][0]["dasar"] == "tidak_terverifikasi"


def test_tier_2_items_count_100_percent_only_under_3_and_10_percent():
    lines = [{"uraian": "Rangka", "kategori": "material", "biaya": "700", "kdn": "350"}]
    # five small domestic tier-2 items of 2.5% each (12.5% together): four fit the 10% cap
    lines += [
        {
            "uraian": f"Baut {i}",
            "kategori": "material",
            "biaya": "25",
            "asal": "dalam_negeri",
            "lapis2": True,
        }
        for i in range(5)
    ]
    lines += [
        {
            "uraian": "Kabel",
            "kategori": "material",
            "biaya": "50",
            "asal": "dalam_negeri",
            "lapis2": True,
            "kdn": "20",
        },  # 5% > 3%: counted at its traced value
        {"uraian": "Perakitan", "kategori": "tenaga_kerja", "biaya": "125", "asal": "dalam_negeri"},
    ]
    # kdn + asal on one line is a conflict; drop asal from Kabel
    del lines[6]["asal"]
    with pytest.raises(RuleInputError) as exc:
        run("tkdn_barang", {"regulation": "permenperin16_2011", "lines": lines})
    assert {e["field"] for e in exc.value.errors} == {"lines[6].asal"}  # tier-2 needs asal
    lines[6] = {
        "uraian": "Kabel",
        "kategori": "material",
        "biaya": "50",
        "asal": "dalam_negeri",
        "lapis2": True,
    }
    out = run("tkdn_barang", {"regulation": "permenperin16_2011", "lines": lines})
    bases = [line["dasar"] for line in out["lines"]]
    assert bases.count("lapis2_100") == 4
    assert bases.count("lapis2_tidak_memenuhi") == 2
    # HBJ 1000: 350 + 4 x 25 + 125 = 575
    assert out["kdn"] == "575"
    assert "tier2_rule_reading" in out["unconfirmed"]


def test_goods_under_35_2025_weigh_components_by_their_tkdn_and_apply_incentives():
    payload = {
        "regulation": "permenperin35_2025",
        "lines": [
            {"uraian": "Panel", "kategori": "material", "qty": "2", "harga": "150", "tkdn": "0.40"},
            {"uraian": "Chip impor", "kategori": "material", "biaya": "300", "asal": "luar_negeri"},
            {
                "uraian": "Operator",
                "kategori": "tenaga_kerja",
                "biaya": "100",
                "asal": "dalam_negeri",
            },
            {"uraian": "Listrik", "kategori": "overhead", "biaya": "100", "asal": "dalam_negeri"},
        ],
    }
    out = run("tkdn_barang", payload)
    # (300 x 40% + 0 + 100 + 100) / 800 = 320 / 800
    assert out["tkdn"] == "0.4000"
    assert "tkdn35_weight_material" in out["unconfirmed"]
    boosted = run(
        "tkdn_barang",
        {**payload, "lines": payload["lines"][:2], "investasi": True, "litbang": "0.05"},
    )
    # (120 + 0) / 600 = 20% -> floor 25% -> + 5% = 30%
    assert boosted["tkdn_biaya"] == "0.2000"
    assert boosted["tkdn"] == "0.3000"
    assert "tkdn35_incentive_mode" in boosted["unconfirmed"]
    other = run(
        "tkdn_barang",
        {
            **payload,
            "lines": payload["lines"][:2],
            "investasi": True,
            "litbang": "0.05",
            "params": {"tkdn35_incentive_mode": "add_then_floor"},
        },
    )
    assert other["tkdn"] == "0.2500"
    assert "tkdn35_incentive_mode" not in other["unconfirmed"]


def test_the_regulation_follows_as_of():
    lines = RULES["tkdn_barang"].example_input["lines"]
    assert (
        run("tkdn_barang", {"as_of": "2025-12-11", "lines": lines})["regulation"]
        == "permenperin16_2011"
    )
    assert (
        run("tkdn_barang", {"as_of": "2025-12-12", "lines": lines})["regulation"]
        == "permenperin35_2025"
    )


def test_architectural_design_2650_of_3200_is_82_81_percent():
    out = run("tkdn_jasa", RULES["tkdn_jasa"].example_input)
    assert (out["kdn"], out["total_biaya"], out["tkdn"]) == ("2650", "3200", "0.8281")
    assert D(2650) / D(3200) == D("0.828125")


def test_combined_recap_474_502_905_with_no_imports_is_100_percent():
    out = run("tkdn_gabungan", RULES["tkdn_gabungan"].example_input)
    assert out["nilai_gabungan"] == "474502905"
    assert out["tkdn"] == "1.0000"
    assert [c["proporsi"] for c in out["komponen"]] == ["0.6500", "0.3500"]


def test_combined_35_2025_fixtures_52_and_44_5_percent():
    two = {
        "regulation": "permenperin35_2025",
        "komponen": [
            {"uraian": "Barang", "jenis": "barang", "tkdn": "0.40", "proporsi": "0.60"},
            {"uraian": "Jasa", "jenis": "jasa", "tkdn": "0.70", "proporsi": "0.40"},
        ],
    }
    assert run("tkdn_gabungan", two)["tkdn"] == "0.5200"
    three = {
        "regulation": "permenperin35_2025",
        "komponen": [
            {"uraian": "B1", "jenis": "barang", "tkdn": "0.45", "nilai": "500"},
            {"uraian": "B2", "jenis": "barang", "tkdn": "0.60", "nilai": "300"},
            {"uraian": "B3", "jenis": "barang", "tkdn": "0.20", "nilai": "200"},
        ],
    }
    assert run("tkdn_gabungan", three)["tkdn"] == "0.4450"


def test_combined_shares_must_add_up_to_one():
    bad = {
        "regulation": "permenperin35_2025",
        "komponen": [
            {"uraian": "Barang", "jenis": "barang", "tkdn": "0.40", "proporsi": "0.60"},
            {"uraian": "Jasa", "jenis": "jasa", "tkdn": "0.70", "proporsi": "0.30"},
        ],
    }
    with pytest.raises(RuleInputError) as exc:
        run("tkdn_gabungan", bad)
    assert exc.value.errors[0]["code"] == "sum_not_one"


def test_multi_product_weighting():
    assert run("tkdn_multi", RULES["tkdn_multi"].example_input)["tkdn"] == "0.4450"


# C10, C11 ------------------------------------------------------------------------------------


def test_bmp_35_2025_is_capped_at_15_percent():
    out = run("bmp", RULES["bmp"].example_input)
    assert (out["bmp_sebelum_batas"], out["bmp"], out["dibatasi"]) == ("0.1700", "0.1500", True)
    assert out["tkdn_plus_bmp"] == "0.4500"
    assert "bmp35_weight_pengembangan_sdm" in out["unconfirmed"]
    from p3dn.rules.bmp import BMP_MENUS

    every = [{"kode": m.code} for m in BMP_MENUS["permenperin35_2025"]]
    assert len(every) == 15
    out = run("bmp", {"regulation": "permenperin35_2025", "faktor": every})
    assert (out["bmp_sebelum_batas"], out["bmp"]) == ("0.3800", "0.1500")


def test_bmp_sdm_weight_is_configurable():
    payload = {
        "regulation": "permenperin35_2025",
        "faktor": [{"kode": "pengembangan_sdm"}],
        "params": {"bmp35_weight_pengembangan_sdm": "0.01"},
    }
    out = run("bmp", payload)
    assert out["bmp"] == "0.0100"
    assert "bmp35_weight_pengembangan_sdm" not in out["unconfirmed"]


def test_bmp_16_2011_uses_configured_factor_weights():
    factors = [{"kode": k} for k in ("kemitraan", "k3l", "pengembangan_masyarakat", "purna_jual")]
    assert run("bmp", {"regulation": "permenperin16_2011", "faktor": factors})["bmp"] == "0.1500"
    half = run("bmp", {"regulation": "permenperin16_2011", "faktor": factors[:2]})
    assert half["bmp"] == "0.0750"
    assert "bmp16_weight_kemitraan" in half["unconfirmed"]


def test_tkdn_ik_caps_24_10_4_2_and_certifies_from_25_percent():
    full = {
        "regulation": "permenperin46_2022",
        "material": "0.30",
        "tenaga_kerja": "0.20",
        "overhead": "0.10",
        "pengembangan": "0.05",
    }
    out = run("tkdn_ik", full)
    assert [c["dihitung"] for c in out["komponen"]] == ["0.2400", "0.1000", "0.0400", "0.0200"]
    assert out["tkdn_ik"] == "0.4000"
    edge = {
        "regulation": "permenperin46_2022",
        "material": "0.15",
        "tenaga_kerja": "0.06",
        "overhead": "0.03",
        "pengembangan": "0.01",
    }
    assert run("tkdn_ik", edge)["dapat_disertifikasi"] is True
    below = {**edge, "pengembangan": "0.0099"}
    assert run("tkdn_ik", below)["dapat_disertifikasi"] is False


def test_tkdn_ik_self_declare_under_35_2025_lifts_the_40_percent_cap():
    out = run(
        "tkdn_ik",
        {
            "as_of": "2026-01-05",
            "material": "0.30",
            "tenaga_kerja": "0.20",
            "overhead": "0.10",
            "pengembangan": "0.05",
        },
    )
    assert out["regulation"] == "permenperin35_2025"
    assert out["tkdn_ik"] == "0.6500"
    assert out["masa_berlaku_tahun"] == 5
    assert "ik35_method" in out["unconfirmed"]


def test_tkdn_ik_needs_a_small_industry():
    out = run("tkdn_ik", {**RULES["tkdn_ik"].example_input, "modal_usaha": "5000000001"})
    assert out["industri_kecil"] is False
    assert out["dapat_disertifikasi"] is False


# C12 -----------------------------------------------------------------------------------------


def cert(**payload):
    return run("certificate", payload)


def test_certificate_labels():
    base = {"tanggal_terbit": "2022-11-20", "tanggal_berakhir": "2025-11-19"}
    assert cert(as_of="2025-09-19", **base)["status"] == "berlaku"  # 61 days left
    out = cert(as_of="2025-09-20", **base)  # 60 days left
    assert (out["status"], out["label"], out["sisa_hari"]) == (
        "segera_berakhir",
        "Segera berakhir (≤ 60 hari)",
        60,
    )
    assert cert(as_of="2025-11-19", **base)["berlaku"] is True
    out = cert(as_of="2025-11-20", **base)
    assert (out["status"], out["label"], out["berlaku"]) == ("kedaluwarsa", "Kedaluwarsa", False)
    assert cert(as_of="2022-11-19", **base)["status"] == "belum_berlaku"


def test_999_99_means_not_applicable_not_a_percentage():
    out = cert(as_of="2024-01-01", tanggal_berakhir="2025-01-01", nilai_tkdn_persen="999.99")
    assert out["tkdn"] is None
    assert out["tkdn_tidak_berlaku"] is True
    with pytest.raises(RuleInputError):
        cert(as_of="2024-01-01", tanggal_berakhir="2025-01-01", nilai_tkdn_persen="999.98")
    assert (
        cert(as_of="2024-01-01", tanggal_berakhir="2025-01-01", nilai_tkdn_persen="37.01")["tkdn"]
        == "0.3701"
    )


def test_expiry_is_estimated_from_the_issue_date_by_regime():
    old = cert(as_of="2024-01-01", tanggal_terbit="2023-03-01")
    assert (old["tanggal_berakhir"], old["berakhir_diperkirakan"]) == ("2026-03-01", True)
    assert "cert_validity_years_16_2011" in old["unconfirmed"]
    new = cert(as_of="2026-01-01", tanggal_terbit="2025-12-15")
    assert (new["regulation"], new["tanggal_berakhir"]) == ("permenperin35_2025", "2030-12-15")
    ik = cert(as_of="2024-01-01", tanggal_terbit="2023-03-01", jenis="tkdn_ik", diperpanjang=True)
    assert ik["tanggal_berakhir"] == "2028-03-01"
    two_years = cert(
        as_of="2024-01-01", tanggal_terbit="2023-03-01", params={"cert_validity_years_16_2011": 2}
    )
    assert two_years["tanggal_berakhir"] == "2025-03-01"
    assert "cert_validity_years_16_2011" not in two_years["unconfirmed"]


# C13, C16, C17, C20 --------------------------------------------------------------------------


def test_spend_clusters_and_rupiah_tkdn():
    out = run("cluster", RULES["cluster"].example_input)
    assert [x["cluster"] for x in out["lines"]] == ["TKDN", "PDN", "Impor"]
    assert out["lines"][0]["nilai_tkdn_rp"] == "64680000"  # 150.000.000 x 43,12%


def test_capaian_fixtures():
    assert run("capaian", {"realisasi_pdn": "11.35", "komitmen_pdn": "15.8"})["capaian"] == "0.7184"
    assert run("capaian", {"realisasi_pdn": "483", "komitmen_pdn": "1158"})["capaian"] == "0.4171"
    out = run(
        "capaian",
        {
            "rincian_realisasi_pdn": [
                {"label": "K/L", "nilai": "256.57"},
                {"label": "Pemda", "nilai": "226.49"},
            ],
            "komitmen_pdn": "1158",
        },
    )
    assert out["realisasi_pdn"] == "483"  # 483,06 shown to the unit
    result = capaian(realisasi_pdn=D("256.57") + D("226.49"), komitmen_pdn=D("1158"))
    assert result.realisasi_pdn == D("483.06")


def test_capaian_and_komposisi_are_kept_apart():
    out = run(
        "capaian",
        {"realisasi_pdn": "78", "komitmen_pdn": "200", "realisasi_total_pengadaan": "100"},
    )
    assert (out["capaian"], out["komposisi_pdn"]) == ("0.3900", "0.7800")
    assert "bukan capaian" in out["komposisi_label"]


def test_zero_commitment_gives_zero_and_a_flag():
    out = run("capaian", {"realisasi_pdn": "5", "komitmen_pdn": "0"})
    assert (out["capaian"], out["komitmen_nol"]) == ("0.0000", True)


def test_umk_share_against_40_percent():
    out = run("umk_share", {"tahap": "rencana", "pagu_ukm": "40", "belanja_pengadaan": "100"})
    assert (out["pangsa_umk"], out["memenuhi"]) == ("0.4000", True)
    out = run(
        "umk_share",
        {
            "tahap": "realisasi",
            "nilai_umk_kontrak": "20",
            "nilai_umk_pct": "5",
            "nilai_umk_katalog": "14",
            "belanja_pengadaan": "100",
        },
    )
    assert (out["nilai_umk"], out["memenuhi"]) == ("39", False)
    assert "umk_denominator" in out["unconfirmed"]
    other = run(
        "umk_share",
        {
            "tahap": "rencana",
            "pagu_ukm": "40",
            "belanja_pengadaan": "100",
            "belanja_barang_jasa": "80",
            "penyebut": "belanja_barang_jasa",
        },
    )
    assert other["pangsa_umk"] == "0.5000"


def test_indicator_counts_each_rupiah_once():
    out = run("indicator_p3dn", RULES["indicator_p3dn"].example_input)
    assert out["indikator"] == "0.7000"
    assert out["per_kategori"] == {"TKDN": "450000000", "PDN": "150000000", "UMKK": "100000000"}
    assert (out["target"], out["memenuhi_target"]) == ("0.8000", False)
    assert out["definisi"].startswith("% realisasi belanja barang/jasa")


# C18, C19 ------------------------------------------------------------------------------------


def package(**kw):
    base = {
        "kd_rup": "1",
        "nama_paket": "Paket",
        "jenis_pengadaan": "Barang",
        "pagu": "15000000000",
        "status_ukm": "Non-UKM",
    }
    return {**base, **kw}


def test_reserved_packages_up_to_15_miliar_and_the_flag():
    out = run(
        "reserved_package",
        {
            "paket": [
                package(kd_rup="1"),
                package(kd_rup="2", pagu="15000000001"),
                package(kd_rup="3", jenis_pengadaan="3"),
                package(kd_rup="4", alasan_non_ukm="Memerlukan sertifikasi khusus"),
                package(kd_rup="5", pengecualian_teknis=True),
                package(kd_rup="6", status_ukm="UKM", jenis_pengadaan="Jasa Lainnya"),
            ]
        },
    )
    flags = {p["kd_rup"]: (p["dicadangkan"], p["perlu_tindak_lanjut"]) for p in out["paket"]}
    assert flags == {
        "1": (True, True),
        "2": (False, False),
        "3": (False, False),
        "4": (True, False),
        "5": (False, False),
        "6": (True, False),
    }


@pytest.mark.parametrize(
    ("modal", "sales", "size"),
    [
        ("1000000000", None, "mikro"),
        ("1000000001", None, "kecil"),
        ("5000000000", None, "kecil"),
        ("10000000000", None, "menengah"),
        ("10000000001", None, "besar"),
        (None, "2000000000", "mikro"),
        (None, "15000000000", "kecil"),
        (None, "50000000000", "menengah"),
        (None, "50000000001", "besar"),
    ],
)
def test_enterprise_size_pp_7_2021(modal, sales, size):
    payload = {k: v for k, v in (("modal_usaha", modal), ("hasil_penjualan", sales)) if v}
    assert run("enterprise_size", payload)["ukuran"] == size


def test_enterprise_size_disagreement_is_decided_by_configuration():
    out = run("enterprise_size", {"modal_usaha": "800000000", "hasil_penjualan": "20000000000"})
    assert (out["menurut_modal"], out["menurut_penjualan"], out["berbeda"]) == (
        "mikro",
        "menengah",
        True,
    )
    assert out["ukuran"] == "mikro"
    assert out["unconfirmed"] == ["enterprise_size_basis"]


# C22 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kode", "level", "kab", "desa"),
    [
        ("32", "provinsi", None, None),
        ("32.04", "kabupaten_kota", "kabupaten", None),
        ("33.73", "kabupaten_kota", "kota", None),
        ("32.69", "kabupaten_kota", "kabupaten", None),
        ("33.73.04", "kecamatan", "kota", None),
        ("33.73.04.1001", "desa_kelurahan", "kota", "kelurahan"),
        ("11.01.01.2001", "desa_kelurahan", "kabupaten", "desa"),
    ],
)
def test_region_codes(kode, level, kab, desa):
    out = run("region_code", {"kode": kode})
    assert (out["level"], out["jenis_kabupaten_kota"], out["jenis_desa"]) == (level, kab, desa)


@pytest.mark.parametrize(
    "kode", ["3", "32.4", "32.04.1", "32.04.01.101", "32-04", "32.04.", "3273.04", "32.00"]
)
def test_bad_region_codes_are_rejected_by_name(kode):
    with pytest.raises(RuleInputError) as exc:
        run("region_code", {"kode": kode})
    (error,) = exc.value.errors
    assert error["field"] == "kode"
    assert error["code"] == "invalid_region_code"
    assert f"'{kode}'" in error["message"]
    assert f"'{kode}'" in error["message_en"]


def test_dates_in_explanations_are_indonesian():
    out = tier("2025-04-30", [A])
    assert out["explanation"][0].startswith("Tanggal acuan 30 April 2025")
    assert date(2025, 4, 30).isoformat() == out["as_of"]
