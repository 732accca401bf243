"""Layers: no import cycle between packages, and components stay below the program.

Every import counts, function-level ones too: a cycle hidden inside a function is
still a cycle. The unit is a package (``mlgov.engine``, ``components.baseline``)
or a top-level module (``mlgov.constants``, ``components.member_accounts``).
Components take plain typed args; the settings, the engine, the CLI and the stack
programs sit above them and map settings to those args.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mlgov", "components")
ABOVE_COMPONENTS = ("mlgov.config", "mlgov.engine", "mlgov.commands", "mlgov.programs")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _unit(module: str) -> str:
    """``mlgov.engine.runner`` -> ``mlgov.engine``; ``mlgov.constants`` stays."""
    parts = module.split(".")
    if len(parts) >= 2 and (ROOT / parts[0] / parts[1]).is_dir():
        return ".".join(parts[:2])
    return ".".join(parts[:2]) if len(parts) >= 2 else parts[0]


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES and _exists(name)}


def _exists(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _module_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = _module_name(path)
            graph[module] = _imports(path, module)
    return graph


def _unit_graph(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    units: dict[str, set[str]] = defaultdict(set)
    for module, targets in modules.items():
        source = _unit(module)
        units[source].update(_unit(target) for target in targets if _unit(target) != source)
    return units


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


MODULES = _module_imports()


def test_the_walk_sees_the_imports() -> None:
    assert "mlgov.engine.planner" in MODULES and "components.project_account_set" in MODULES
    assert "mlgov.engine.runner" in MODULES["mlgov.engine.parallel"], "function-level imports must count"
    assert "mlgov.constants" in _unit_graph(MODULES)["components.member_accounts"]


def test_no_import_cycle_between_packages() -> None:
    cycles = _cycles(_unit_graph(MODULES))
    assert not cycles, "import cycles between packages: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("module", sorted(name for name in MODULES if name.startswith("components")))
def test_components_do_not_import_the_layers_above_them(module: str) -> None:
    above = sorted(target for target in MODULES[module] if target.startswith(ABOVE_COMPONENTS))
    assert not above, f"{module} imports {above}: components take plain typed args; map settings to them in mlgov/programs"
