"""Sums below, ratios above: the fact sums and their rollups live with the facts in procurement,
an import refreshes them by calling down, and nothing below monitoring imports it."""

from __future__ import annotations

import ast
import json
from decimal import Decimal
from pathlib import Path

from conftest import KALBAR_2023_DIR
from p3dn.accounts.models import Pemda
from p3dn.imports import services
from p3dn.monitoring.indicators import compute
from p3dn.procurement import rollups, sums
from p3dn.procurement.models import Contract

P3DN = Path(__file__).resolve().parents[1] / "p3dn"
TENDERS = KALBAR_2023_DIR / "SPSE-TenderEkontrak-Kontrak.json"


def imported_modules(path: Path) -> list[tuple[int, str, bool]]:
    """(line, module, inside a function) of every import of ``path``."""
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((child.lineno, alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                found.append((child.lineno, child.module, in_function))
                found.extend(
                    (child.lineno, f"{child.module}.{alias.name}", in_function)
                    for alias in child.names
                )
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def test_procurement_and_imports_never_import_monitoring_not_even_in_migrations():
    wrong = [
        f"{path.relative_to(P3DN)}:{line} {module}"
        for folder in ("procurement", "imports")
        for path in sorted((P3DN / folder).rglob("*.py"))
        for line, module, _inside in imported_modules(path)
        if module == "p3dn.monitoring" or module.startswith("p3dn.monitoring.")
    ]
    assert wrong == []


def test_the_sums_rollups_and_ratios_import_at_the_top_only():
    modules = ("procurement/sums.py", "procurement/rollups.py", "monitoring/indicators.py")
    hidden = [
        f"{name}:{line} {module}"
        for name in modules
        for line, module, inside in imported_modules(P3DN / name)
        if inside
    ]
    assert hidden == []


def test_each_row_source_is_counted_by_one_registered_function():
    assert tuple(sums.ROW_SOURCES) == sums.SOURCES
    for source, rows_of in sums.ROW_SOURCES.items():
        assert rows_of.__name__ == f"{source}_rows"
        assert rows_of.__doc__, source  # what it counts, in words (docs/indicators.md)


def test_a_rollup_rebuild_sums_the_facts_not_the_rollup_it_replaces(db):
    run = services.import_now(actor=None, path=TENDERS)
    assert run.status == "applied", run.message
    pemda = Pemda.objects.get(kd_klpd="D197")
    latest: dict[int, dict] = {}
    for row in json.loads(TENDERS.read_text(encoding="utf-8")):
        if row["kd_tender"] not in latest or (
            row["versi_addendum"] > latest[row["kd_tender"]]["versi_addendum"]
        ):
            latest[row["kd_tender"]] = row
    raw = sum((Decimal(str(r["nilai_kontrak"])) for r in latest.values()), Decimal(0))
    assert compute(pemda=pemda, tahun=2023)["realisasi"]["tender"]["nilai"] == f"{raw:.2f}"

    # Facts changed behind the rollup's back: the stored sums stay what the import summed ...
    counted = sums.source_rows("tender", pemda, 2023).order_by("pk").first()
    Contract.objects.filter(pk=counted.pk).update(nilai_kontrak=counted.nilai_kontrak + 1000)
    assert compute(pemda=pemda, tahun=2023)["realisasi"]["tender"]["nilai"] == f"{raw:.2f}"
    # ... until a rebuild, which sums the facts themselves, not the rollup it replaces.
    assert rollups.rebuild(pemda, 2023) > 0
    expected = raw + 1000
    assert compute(pemda=pemda, tahun=2023)["realisasi"]["tender"]["nilai"] == f"{expected:.2f}"
