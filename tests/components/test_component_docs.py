"""Every ComponentResource says what it builds and why, in its class docstring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

COMPONENTS = Path(__file__).resolve().parents[2] / "components"


def _component_classes() -> list[tuple[str, ast.ClassDef]]:
    found = []
    for path in sorted(COMPONENTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(ast.unparse(base).endswith("ComponentResource") for base in node.bases):
                found.append((f"{path.relative_to(COMPONENTS.parent)}:{node.name}", node))
    return found


CLASSES = _component_classes()


def test_the_walk_finds_the_components() -> None:
    assert {"ProjectAccountSet", "SecureBucket", "MemberAccounts"} <= {node.name for _, node in CLASSES}


@pytest.mark.parametrize("where, node", CLASSES, ids=[where for where, _ in CLASSES])
def test_component_has_a_docstring(where: str, node: ast.ClassDef) -> None:
    doc = ast.get_docstring(node)
    assert doc and len(doc.split()) >= 8, f"{where}: say what the component builds and why"
