"""The borders are a test: every import of every module of p3dn/ (migrations, imports inside
functions and under TYPE_CHECKING included) follows an arrow written in
docs/architecture_arrows.toml, and that file itself keeps the house rules of
docs/architecture.md (rules/ and lib/ below everything, facts below their readers, nothing
above the top, no circles).

The parts come from the Django app configs of INSTALLED_APPS plus the packages and modules that
are not apps, so a new app, nested ones included, shows up here on its own and fails until it is
declared.
"""

from __future__ import annotations

import ast
import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

REPO = Path(__file__).resolve().parents[1]
ARROWS = REPO / "docs" / "architecture_arrows.toml"
KINDS = {"kit", "ref", "app", "facts", "top"}
NO_DJANGO = {"lib", "rules"}  # these know no Django (rules: pure Python; lib: no domain)


@dataclass(frozen=True)
class Part:
    name: str
    dotted: str  # the package or the single module
    is_package: bool
    kind: str
    imports: frozenset[str]

    def owns(self, module: str) -> bool:
        if self.is_package:
            return module == self.dotted or module.startswith(self.dotted + ".")
        return module == self.dotted


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the importing module
    target: str  # the module imported (a package's submodule when ``from pkg import sub``)

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root)}:{self.line}"


def load_parts(path: Path = ARROWS) -> dict[str, Part]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    parts = {}
    for name, spec in data["parts"].items():
        is_package = "package" in spec
        parts[name] = Part(
            name=name,
            dotted=spec["package"] if is_package else spec["module"],
            is_package=is_package,
            kind=spec["kind"],
            imports=frozenset(spec["imports"]),
        )
    return parts


def part_of(module: str, parts: dict[str, Part]) -> Part | None:
    """The part owning ``module``: a single module by its name, else the longest package."""
    owners = [p for p in parts.values() if p.owns(module)]
    return max(owners, key=lambda p: (not p.is_package, len(p.dotted)), default=None)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> list[Import]:
    """Every import of ``path``, wherever it stands, with relative imports resolved."""
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, module, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                is_module = (root / Path(*sub.split("."))).is_dir() or (
                    root / Path(*sub.split("."))
                ).with_suffix(".py").is_file()
                found.append(Import(path, node.lineno, module, sub if is_module else source))
    return found


def is_view(module: str) -> bool:
    last = module.rpartition(".")[2]
    return last == "views" or last.startswith("views_") or ".views." in module + "."


def is_urls(module: str) -> bool:
    return module.rpartition(".")[2] == "urls"


def is_migration(module: str) -> bool:
    return ".migrations." in module


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of more than one part."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    cycles = []
    for group in groups:
        # Walk inside the group from its first part until a part repeats.
        path, members = [group[0]], set(group)
        while True:
            step = sorted(w for w in edges[path[-1]] if w in members)[0]
            if step in path:
                cycles.append([*path[path.index(step) :], step])
                break
            path.append(step)
    return cycles


def find_violations(root: Path, parts: dict[str, Part], package: str = "p3dn") -> list[str]:
    """Every import under ``root/package`` that breaks a border, as "file:line: why"."""
    problems: list[str] = []
    arrows: dict[tuple[str, str], Import] = {}
    for path in sorted((root / package).rglob("*.py")):
        module = module_name(path, root)
        source = part_of(module, parts)
        if source is None:
            problems.append(f"{path.relative_to(root)}: {module} belongs to no declared part")
            continue
        for imp in imports_of(path, root):
            top = imp.target.partition(".")[0]
            if source.name in NO_DJANGO and top in ("django", "ninja"):
                problems.append(f"{imp.where(root)}: {source.name} imports {imp.target}")
            if top != package:
                continue
            target = part_of(imp.target, parts)
            if target is None:
                problems.append(f"{imp.where(root)}: {imp.target} belongs to no declared part")
                continue
            arrow = f"{source.name} → {target.name} ({module} imports {imp.target})"
            if is_view(imp.target) and not (
                is_urls(module) and (target is source or source.kind == "top")
            ):
                problems.append(f"{imp.where(root)}: imports a view: {arrow}")
            if target is source:
                continue
            if is_migration(module):
                problems.append(f"{imp.where(root)}: a migration imports another part: {arrow}")
            elif target.kind == "top" and source.kind != "top":
                problems.append(f"{imp.where(root)}: imports the top: {arrow}")
            elif target.name not in source.imports:
                problems.append(f"{imp.where(root)}: arrow not allowed: {arrow}")
            arrows.setdefault((source.name, target.name), imp)
    edges: dict[str, set[str]] = {}
    for a, b in arrows:
        edges.setdefault(a, set()).add(b)
    for cycle in find_cycles(edges):
        steps = [f"{a} → {b} at {arrows[a, b].where(root)}" for a, b in itertools.pairwise(cycle)]
        problems.append("import circle: " + "; ".join(steps))
    return list(dict.fromkeys(problems))


def test_every_p3dn_app_is_declared_under_its_label():
    parts = load_parts()
    ours = [c for c in apps.get_app_configs() if c.name.startswith("p3dn.")]
    assert len(ours) >= 10
    undeclared = [
        f"{c.label} ({c.name})"
        for c in ours
        if c.label not in parts or parts[c.label].dotted != c.name or not parts[c.label].is_package
    ]
    assert undeclared == [], f"declare these apps in {ARROWS.name}: {undeclared}"


def test_each_declared_part_exists_or_is_a_planned_app():
    installed = {c.label: c.name for c in apps.get_app_configs()}
    for part in load_parts().values():
        where = REPO / Path(*part.dotted.split("."))
        exists = where.is_dir() if part.is_package else where.with_suffix(".py").is_file()
        if part.dotted == "p3dn":
            exists = (where / "__init__.py").is_file()
        if exists and part.kind in ("app", "ref", "facts"):
            assert installed.get(part.name) == part.dotted, (
                f"{part.dotted} is not the app {part.name}"
            )
        if not exists:
            assert part.kind == "app" and part.name not in installed, f"{part.dotted} is missing"


def test_the_declared_arrows_keep_the_house_rules():
    parts = load_parts()
    for part in parts.values():
        assert part.kind in KINDS, part
        assert part.imports <= set(parts), f"{part.name} names unknown parts"
        assert part.name not in part.imports
        if part.kind != "top":
            above = [p for p in part.imports if parts[p].kind == "top"]
            assert above == [], f"{part.name} may not import the top: {above}"
    assert parts["lib"].imports == set()
    assert parts["rules"].imports <= {"lib"}
    assert parts["web"].imports <= {"lib"}
    edges = {p.name: set(p.imports) for p in parts.values()}
    assert find_cycles(edges) == []
    for facts in (p for p in parts.values() if p.kind == "facts"):
        readers = {p.name for p in parts.values() if facts.name in p.imports}
        assert not facts.imports & readers, f"{facts.name} imports its readers"
        for name in facts.imports:
            assert parts[name].kind in ("kit", "ref", "app"), name
    assert "imports" not in parts["monitoring"].imports


def test_every_import_of_p3dn_follows_a_declared_arrow():
    problems = find_violations(REPO, load_parts())
    assert problems == [], "\n".join(problems)


PLANTED = {
    "p3dn/__init__.py": "",
    "p3dn/lib/__init__.py": "",
    "p3dn/lib/money.py": "def f():\n    from p3dn.accounts.models import User\n",
    "p3dn/lib/cells.py": "import django.db\n",
    "p3dn/rules/__init__.py": "",
    "p3dn/rules/tkdn.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from p3dn.procurement.models import Contract\n"
    ),
    "p3dn/web/__init__.py": "",
    "p3dn/web/forms.py": "from p3dn.rules import tkdn\n",
    "p3dn/accounts/__init__.py": "",
    "p3dn/accounts/models.py": "",
    "p3dn/accounts/services.py": "from ..audit import services\n",
    "p3dn/audit/__init__.py": "",
    "p3dn/audit/services.py": "from p3dn.accounts.models import User\n",
    "p3dn/procurement/__init__.py": "",
    "p3dn/procurement/models.py": "",
    "p3dn/procurement/migrations/__init__.py": "",
    "p3dn/procurement/migrations/0009_x.py": "from p3dn.accounts import models\n",
    "p3dn/procurement/sums.py": "import p3dn.monitoring.indicators\n",
    "p3dn/monitoring/__init__.py": "",
    "p3dn/monitoring/indicators.py": "from p3dn.imports.models import ImportRun\n",
    "p3dn/monitoring/views.py": "",
    "p3dn/monitoring/urls.py": "from . import views\n",
    "p3dn/catalog/__init__.py": "",
    "p3dn/catalog/queries.py": "from p3dn.monitoring import views\nfrom p3dn.core import queries\n",
    "p3dn/catalog/listings/__init__.py": "",
    "p3dn/catalog/listings/queries.py": "from p3dn.catalog.claims import models\n",
    "p3dn/catalog/claims/__init__.py": "",
    "p3dn/catalog/claims/models.py": "",
    "p3dn/imports/__init__.py": "",
    "p3dn/imports/models.py": "",
    "p3dn/core/__init__.py": "",
    "p3dn/core/queries.py": "",
    "p3dn/undeclared/__init__.py": "",
}


def test_the_checker_catches_planted_forbidden_arrows(tmp_path):
    for name, text in PLANTED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    problems = find_violations(tmp_path, load_parts())
    expected = [
        "p3dn/lib/money.py:2: arrow not allowed: lib → accounts",
        "p3dn/lib/cells.py:1: lib imports django.db",
        "p3dn/rules/tkdn.py:3: arrow not allowed: rules → procurement",
        "p3dn/web/forms.py:1: arrow not allowed: web → rules",
        "p3dn/audit/services.py:1: arrow not allowed: audit → accounts",
        "p3dn/procurement/migrations/0009_x.py:1: a migration imports another part: procurement",
        "p3dn/procurement/sums.py:1: arrow not allowed: procurement → monitoring",
        "p3dn/monitoring/indicators.py:1: arrow not allowed: monitoring → imports",
        "p3dn/catalog/queries.py:1: imports a view: catalog → monitoring",
        "p3dn/catalog/queries.py:1: arrow not allowed: catalog → monitoring",
        "p3dn/catalog/queries.py:2: imports the top: catalog → core",
        "p3dn/catalog/listings/queries.py:1: arrow not allowed: listings → claims",
        "p3dn/undeclared/__init__.py: p3dn.undeclared belongs to no declared part",
        "import circle: accounts → audit at p3dn/accounts/services.py:1; audit → accounts",
    ]
    missing = [e for e in expected if not any(p.startswith(e) for p in problems)]
    assert missing == [], "\n".join(problems)
    # The monitoring app's own urls importing its views is the one place a view is imported.
    assert not [p for p in problems if p.startswith("p3dn/monitoring/urls.py")]
    assert len(problems) == len(expected)


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("p3dn", "version"),
        ("p3dn.catalog.search.queries", "search"),
        ("p3dn.catalog.sync", "catalog"),
        ("p3dn.urls", "urls"),
        ("p3dn.core.urls", "core"),
        ("p3dn.procurement.migrations.0003_build_indicator_rollups", "procurement"),
    ],
)
def test_a_module_belongs_to_its_most_specific_part(module, expected):
    part = part_of(module, load_parts())
    assert part is not None and part.name == expected


def test_the_parts_below_accounts_name_the_roles_accounts_defines():
    """regions and audit sit below accounts and read a user's role by its value; a renamed role
    must fail here, not quietly lock everybody out (or let everybody in)."""
    from p3dn.accounts.models import User
    from p3dn.audit import access as audit_access
    from p3dn.regions import access as regions_access

    assert regions_access.ADMIN_ROLE == User.Role.ADMIN
    assert audit_access.ADMIN_ROLE == User.Role.ADMIN
    assert audit_access.TIM_P3DN_ROLE == User.Role.TIM_P3DN


def test_the_architecture_page_names_every_declared_part():
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert [name for name in load_parts() if f"`{name}`" not in page] == []
