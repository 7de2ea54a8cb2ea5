"""The rules library stays pure (stdlib only, no Django), small, dated and documented."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import sys
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from p3dn.rules import (
    bmp,
    certificates,
    indicators,
    obligation,
    packages,
    preference,
    regions,
    tkdn,
    tkdn_gabungan,
    tkdn_ik,
)
from p3dn.rules.params import (
    ASSUMPTIONS,
    DEFAULT_PARAMS,
    Params,
    all_params,
    param_info,
    unconfirmed,
)
from p3dn.rules.versions import RULE_SETS, Kind, rule_set_by_version, rule_set_for

RULES_DIR = Path(__file__).resolve().parents[2] / "p3dn" / "rules"
SOURCES = sorted(RULES_DIR.glob("*.py"))
STDLIB = sys.stdlib_module_names


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_there_are_sources_to_check():
    assert len(SOURCES) > 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_module_imports_django_or_anything_outside_the_stdlib(path):
    for module in imported_modules(path):
        assert not module.startswith("django"), f"{path.name} imports {module}"
        top = module.split(".")[0]
        # p3dn.lib is domain-free and stdlib-only too (checked below): formatting lives there once.
        assert top in STDLIB or module.startswith(("p3dn.rules", "p3dn.lib")), (
            f"{path.name} imports {module}"
        )
    assert "django" not in path.read_text(encoding="utf-8").lower().replace("no django", "")


LIB_SOURCES = sorted((Path(__file__).resolve().parents[2] / "p3dn" / "lib").glob("*.py"))


@pytest.mark.parametrize("path", LIB_SOURCES, ids=lambda p: p.name)
def test_lib_imports_no_django_and_no_app(path):
    for module in imported_modules(path):
        assert not module.startswith("django"), f"{path.name} imports {module}"
        assert not module.startswith("p3dn.") or module.startswith("p3dn.lib"), module


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_module_is_over_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600


ENTRY_POINTS = [
    obligation.pdn_obligation,
    obligation.purchase_tier,
    preference.preference_eligibility,
    preference.koefisien_preferensi,
    preference.harga_evaluasi_akhir,
    preference.evaluate_bids,
    tkdn.tkdn_barang,
    tkdn.tkdn_jasa,
    tkdn_gabungan.tkdn_gabungan_16_2011,
    tkdn_gabungan.tkdn_gabungan_35_2025,
    tkdn_gabungan.tkdn_multi,
    bmp.bmp,
    tkdn_ik.tkdn_ik,
    certificates.certificate_status,
    indicators.classify_spend,
    indicators.capaian,
    indicators.umk_share,
    indicators.indicator_p3dn,
    packages.reserved_packages,
    packages.enterprise_size,
    regions.parse_region_code,
]


@pytest.mark.parametrize("func", ENTRY_POINTS, ids=lambda f: f.__name__)
def test_every_rule_function_names_its_legal_basis(func):
    doc = inspect.getdoc(func) or ""
    assert any(
        word in doc
        for word in ("Perpres", "Permenperin", "PP 7/2021", "Kepmendagri", "SAKTI", "Inpres")
    ), func.__name__


def test_dated_rule_sets_cover_every_day_once():
    for kind in Kind:
        dated = sorted(
            (r for r in RULE_SETS if r.kind is kind and r.dated),
            key=lambda r: r.effective_from or date.min,
        )
        assert dated[0].effective_from is None
        assert dated[-1].effective_until is None
        for before, after in pairwise(dated):
            assert before.effective_until is not None and after.effective_from is not None
            assert after.effective_from - before.effective_until == timedelta(days=1)


def test_rule_sets_switch_on_the_decided_dates():
    assert rule_set_for(Kind.PDN_OBLIGATION, date(2025, 4, 29)).version == "perpres12_2021"
    assert rule_set_for(Kind.PDN_OBLIGATION, date(2025, 4, 30)).version == "perpres46_2025"
    assert rule_set_for(Kind.TKDN, date(2025, 12, 11)).version == "permenperin16_2011"
    assert rule_set_for(Kind.TKDN, date(2025, 12, 12)).version == "permenperin35_2025"
    assert rule_set_for(Kind.TKDN_IK, date(2025, 12, 12)).version == "permenperin35_2025"
    assert rule_set_for(Kind.PREFERENCE, date(2030, 1, 1)).version == "perpres12_2021"
    assert rule_set_by_version(Kind.PREFERENCE, "legacy").dated is False
    with pytest.raises(LookupError):
        rule_set_by_version(Kind.TKDN, "permenperin99_2030")


def test_every_parameter_is_documented_and_its_default_flagged():
    infos = all_params()
    assert [i.name for i in infos] == [f.name for f in dataclasses.fields(Params)]
    for info in infos:
        assert info.label_id and info.label_en and info.source
        assert info.default == getattr(DEFAULT_PARAMS, info.name)
    assert param_info("preference_formula").confirmed is False
    assert param_info("pdn_min_tkdn_bmp").confirmed is True
    assert not set(ASSUMPTIONS) & {i.name for i in infos}


def test_only_unconfirmed_defaults_are_reported():
    names = ["pdn_min_tkdn_bmp", "cert_validity_years_16_2011", "tier2_rule_reading"]
    assert unconfirmed(DEFAULT_PARAMS, names) == (
        "cert_validity_years_16_2011",
        "tier2_rule_reading",
    )
    configured = dataclasses.replace(DEFAULT_PARAMS, cert_validity_years_16_2011=2)
    assert unconfirmed(configured, names) == ("tier2_rule_reading",)
