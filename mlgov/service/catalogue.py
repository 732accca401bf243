"""The project catalogue as text: add or remove one project, keeping every other line (comments, layout) as it is.

The catalogue is reviewed by people in git; a vending service that rewrote the
whole file on each request would make every commit unreadable. Edits are made
on the text and checked by parsing the result: the new document must equal
the old one plus (or minus) exactly that project, or the edit is refused.
"""

from __future__ import annotations

import io
from typing import Any

import yaml
from ruamel.yaml import YAML


class CatalogueEditError(Exception):
    """The catalogue could not be edited safely (not a mapping with a ``projects`` list, or the edit did not round-trip)."""


def _plain(text: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise CatalogueEditError(f"the catalogue is not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("projects", []), list):
        raise CatalogueEditError("the catalogue is not a mapping with a 'projects' list")
    document.setdefault("projects", [])
    return document


def projects(text: str) -> list[dict[str, Any]]:
    return [project for project in _plain(text)["projects"] if isinstance(project, dict)]


def find(text: str, name: str) -> dict[str, Any] | None:
    return next((project for project in projects(text) if project.get("name") == name), None)


def _block(project: dict[str, Any]) -> str:
    writer = YAML()
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 4096
    out = io.StringIO()
    writer.dump([project], out)
    return out.getvalue()


def add(text: str, project: dict[str, Any]) -> str:
    """``text`` with ``project`` appended to the projects list."""
    before = _plain(text)
    if not before["projects"] and "projects:" not in text:
        candidate = text.rstrip("\n") + ("\n" if text.strip() else "") + "projects:\n" + _block(project)
    else:
        candidate = text.rstrip("\n") + "\n\n" + _block(project)
    if _plain(candidate) != {**before, "projects": before["projects"] + [project]}:
        raise CatalogueEditError("appending the project did not give the expected catalogue (is 'projects' the last key?)")
    return candidate


def remove(text: str, name: str) -> str:
    """``text`` without the project named ``name`` (its lines, and the blank lines after it)."""
    before = _plain(text)
    loaded = YAML().load(text)
    items = loaded["projects"]
    index = next((i for i, item in enumerate(items) if isinstance(item, dict) and item.get("name") == name), None)
    if index is None:
        raise CatalogueEditError(f"no project named {name!r} in the catalogue")
    lines = text.splitlines(keepends=True)
    start = items[index].lc.line
    end = items[index + 1].lc.line if index + 1 < len(items) else len(lines)
    # Comment lines directly above the next entry describe that entry: keep them with it.
    while end > start + 1 and lines[end - 1].lstrip().startswith("#"):
        end -= 1
    candidate = "".join(lines[:start] + lines[end:])
    expected = {**before, "projects": [p for p in before["projects"] if not (isinstance(p, dict) and p.get("name") == name)]}
    if _plain(candidate) != expected:
        raise CatalogueEditError(f"removing {name!r} did not give the expected catalogue")
    return candidate
