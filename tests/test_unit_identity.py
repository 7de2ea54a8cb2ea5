"""One perangkat daerah is one unit, whichever code a file names it by.

SPSE-TenderSelesaiNilai writes the budget code (kd_satker_str of SiRUP and SPSE) as kd_satker; its
tender results belong to the unit SiRUP names with a numeric kd_satker, in either import order.
Expected figures come from the raw files."""

from __future__ import annotations

import importlib
import json
from collections import Counter

import pyarrow.parquet as pq
import pytest
from django.apps import apps as django_apps
from django.core.cache import cache

from conftest import BANDUNG_2025_DIR as BANDUNG
from conftest import KALBAR_2023_DIR as KALBAR
from p3dn.accounts.models import Pemda, Unit
from p3dn.accounts.unit_codes import is_budget_code
from p3dn.imports import services
from p3dn.procurement.models import IndicatorRollup, RupPackage, TenderResult

pytestmark = pytest.mark.django_db

RUP = KALBAR / "RUP-PaketPenyedia-Terumumkan.parquet"
TENDERS = KALBAR / "SPSE-TenderSelesaiNilai.json"


def run(path, **options):
    result = services.import_now(actor=None, path=path, **options)
    assert result.status == "applied", result.status
    return result


def test_budget_codes_are_told_from_satker_codes():
    raw = json.loads(TENDERS.read_text(encoding="utf-8"))
    assert all(is_budget_code(str(r["kd_satker"])) for r in raw)
    rup = pq.read_table(RUP, columns=["kd_satker", "kd_satker_str"]).to_pylist()
    assert not any(is_budget_code(str(r["kd_satker"])) for r in rup)
    assert all(is_budget_code(r["kd_satker_str"]) for r in rup)
    assert not is_budget_code("60414") and not is_budget_code("1.02")


@pytest.mark.parametrize("order", [(RUP, TENDERS), (TENDERS, RUP)],
                         ids=["rup-first", "tender-first"])
def test_tender_results_join_the_unit_of_their_budget_code(order):
    for path in order:
        run(path)
    rup = pq.read_table(RUP, columns=["kd_satker", "kd_satker_str"]).to_pylist()
    tenders = json.loads(TENDERS.read_text(encoding="utf-8"))
    budget_codes = {r["kd_satker_str"] for r in rup}
    pemda = Pemda.objects.get(kd_klpd="D197")
    units = Unit.objects.filter(pemda=pemda)
    # one unit per budget code SiRUP knows, plus one per budget code only the tenders name
    only_tenders = {str(r["kd_satker"]) for r in tenders} - budget_codes
    assert units.count() == len(budget_codes | only_tenders)
    assert len({u.kd_satker_str for u in units}) == units.count()
    by_budget = {u.kd_satker_str: u for u in units}
    # one result per tender (the file repeats some)
    expected = Counter(code for _tender, code in
                       {(r["kd_tender"], str(r["kd_satker"])) for r in tenders})
    found = Counter(by_budget_code for by_budget_code in
                    TenderResult.objects.filter(pemda=pemda).values_list(
                        "unit__kd_satker_str", flat=True))
    assert found == expected
    # Dinas PU: its tender results and its packages are one unit's
    pu = max(expected, key=lambda code: expected[code])
    unit = by_budget[pu]
    assert not is_budget_code(unit.kd_satker or "") or pu in only_tenders
    assert TenderResult.objects.filter(unit=unit).count() == expected[pu]
    assert RupPackage.objects.filter(unit=unit).exists() == (pu in budget_codes)


def test_the_migration_merges_units_split_before():
    run(RUP)
    run(TENDERS)
    pemda = Pemda.objects.get(kd_klpd="D197")
    tenders = json.loads(TENDERS.read_text(encoding="utf-8"))
    rup = {r["kd_satker_str"] for r in
           pq.read_table(RUP, columns=["kd_satker_str"]).to_pylist()}
    code = Counter(str(r["kd_satker"]) for r in tenders
                   if str(r["kd_satker"]) in rup).most_common(1)[0][0]
    home = Unit.objects.get(pemda=pemda, kd_satker_str=code)
    # the split an earlier version made: a unit of its own for the budget code
    split = Unit.objects.create(pemda=pemda, kd_satker=code, name=home.name)
    moved = TenderResult.objects.filter(unit=home).update(unit=split)
    assert moved == len({r["kd_tender"] for r in tenders if str(r["kd_satker"]) == code}) > 0
    alone = Unit.objects.create(pemda=pemda, kd_satker="9.99.0.00.0.00.01.0000", name="X")
    cache.set("p3dn.quality.warnings:stale", "the split units")
    migration = importlib.import_module(
        "p3dn.procurement.migrations.0010_merge_units_named_by_their_budget_code")
    migration.merge(django_apps, None)
    assert not Unit.objects.filter(pk=split.pk).exists()
    assert cache.get("p3dn.quality.warnings:stale") is None
    assert TenderResult.objects.filter(unit=home).count() == moved
    alone.refresh_from_db()
    assert alone.kd_satker_str == alone.kd_satker
    assert not IndicatorRollup.objects.filter(unit_id=split.pk).exists()
    assert IndicatorRollup.objects.filter(unit=home).exists()


def test_bandung_tender_results_share_the_units_of_its_packages():
    run(BANDUNG / "RUP-MasterSatker.json")
    # one row names another KLPD and is refused; the rest applies
    run(BANDUNG / "SPSE-TenderSelesaiNilai.json", apply_valid_rows=True)
    satker = json.loads((BANDUNG / "RUP-MasterSatker.json").read_text(encoding="utf-8"))
    tenders = json.loads((BANDUNG / "SPSE-TenderSelesaiNilai.json").read_text(encoding="utf-8"))
    known = {r["kd_satker_str"] for r in satker}
    pemda = Pemda.objects.get(kd_klpd="D107")
    tenders = [r for r in tenders if r["kd_klpd"] == "D107"]
    named = [str(r["kd_satker"]) for r in tenders if str(r["kd_satker"]) in known]
    assert named  # the real file names units of the master list by their budget code
    joined = TenderResult.objects.filter(pemda=pemda, unit__kd_satker_str__in=named)
    assert all(not is_budget_code(u) for u in joined.values_list("unit__kd_satker", flat=True))
    assert Unit.objects.filter(pemda=pemda).count() == len(
        {r["kd_satker"] for r in satker}) + len(
        {str(r["kd_satker"]) for r in tenders} - known)


def test_a_master_list_adopts_the_units_an_earlier_file_knew_by_their_budget_code():
    run(BANDUNG / "SPSE-TenderSelesaiNilai.json", apply_valid_rows=True)
    pemda = Pemda.objects.get(kd_klpd="D107")
    before = {u.pk: u.kd_satker for u in Unit.objects.filter(pemda=pemda)}
    assert before and all(is_budget_code(code) for code in before.values() if code)
    run(BANDUNG / "RUP-MasterSatker.json")
    satker = json.loads((BANDUNG / "RUP-MasterSatker.json").read_text(encoding="utf-8"))
    by_budget = {r["kd_satker_str"]: str(r["kd_satker"]) for r in satker}
    for pk, code in before.items():  # the same unit now carries SiRUP's own code
        unit = Unit.objects.get(pk=pk)
        if code in by_budget:
            assert (unit.kd_satker, unit.kd_satker_str) == (by_budget[code], code)
    assert Unit.objects.filter(pemda=pemda).count() == len(by_budget) + len(
        set(before.values()) - set(by_budget))
