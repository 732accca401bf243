"""The project catalogue as text: add or remove one project, keeping every other line (comments, layout) as it is.

The catalogue is reviewed by people in git; a vending service that rewrote the
whole file on each request would make every commit unreadable. Edits are made
on the text and checked by parsing the result: the new document must equal
the old one plus (or minus) exactly that project, or the edit is refused.
"""

from __future__ import annotations

import io
import re
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
    if isinstance(document, dict) and document.get("projects") is None:
        document["projects"] = []  # "projects:" with nothing under it
    if not isinstance(document, dict) or not isinstance(document["projects"], list):
        raise CatalogueEditError("the catalogue is not a mapping with a 'projects' list")
    return document


def projects(text: str) -> list[dict[str, Any]]:
    return [project for project in _plain(text)["projects"] if isinstance(project, dict)]


def find(text: str, name: str) -> dict[str, Any] | None:
    return next((project for project in projects(text) if project.get("name") == name), None)


def _item_indent(text: str) -> int:
    """How far the catalogue indents its list items ("  - name:" or "- name:"); new entries follow the same style."""
    match = re.search(r"^projects:[^\n]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ", text, flags=re.MULTILINE)
    return len(match.group(1)) if match else 2


def _block(project: dict[str, Any], indent: int = 2) -> str:
    writer = YAML()
    writer.indent(mapping=2, sequence=indent + 2, offset=indent)
    writer.width = 4096
    out = io.StringIO()
    writer.dump([project], out)
    return out.getvalue()


def add(text: str, project: dict[str, Any]) -> str:
    """``text`` with ``project`` appended to the projects list."""
    before = _plain(text)
    if not before["projects"]:
        # "projects: []" (or no key at all) becomes a block list holding the new entry.
        body = re.sub(r"^projects:[ \t]*(\[[ \t]*\])?[ \t]*$\n?", "", text, flags=re.MULTILINE).rstrip("\n")
        candidate = (body + "\n" if body else "") + "projects:\n" + _block(project)
    else:
        candidate = text.rstrip("\n") + "\n\n" + _block(project, _item_indent(text))
    try:
        fits = _plain(candidate) == {**before, "projects": before["projects"] + [project]}
    except CatalogueEditError:
        fits = False
    if not fits:
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
