"""Helpers to make a copy of the sample stacks with one mistake, and to read the errors ``mlgov plan`` prints."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

STACKS = Path(__file__).resolve().parents[2] / "stacks"

Edit = Callable[[Path], None]


def copy_stacks(target: Path) -> Path:
    for path in STACKS.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def yaml_edit(file: str, change: Callable[[Any], Any]) -> Edit:
    """Load ``file``, let ``change`` edit the document in place (what it returns is ignored), write it back."""

    def edit(folder: Path) -> None:
        path = folder / file
        document = yaml.safe_load(path.read_text())
        change(document)
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))

    return edit


def config_edit(file: str, change: Callable[[dict], Any]) -> Edit:
    """Edit the ``config:`` map of a stack file."""
    return yaml_edit(file, lambda document: change(document["config"]))


def set_config(file: str, key: str, value: Any) -> Edit:
    return config_edit(file, lambda config: config.__setitem__(key, value))


def project_edit(index: int, change: Callable[[dict], Any]) -> Edit:
    return yaml_edit("projects.yaml", lambda document: change(document["projects"][index]))


def set_project(index: int, key: str, value: Any) -> Edit:
    return project_edit(index, lambda project: project.__setitem__(key, value))


def text_edit(file: str, old: str, new: str) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / file
        text = path.read_text()
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1))

    return edit


def write_bytes(file: str, data: bytes) -> Edit:
    return lambda folder: (folder / file).write_bytes(data)


def both(*edits: Edit) -> Edit:
    def edit(folder: Path) -> None:
        for one in edits:
            one(folder)

    return edit


def error_lines(output: str, path: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith(f"- {path}:")]


NO_VALUE = object()


def assert_refused(output: str, path: str, words: str, value: Any = NO_VALUE) -> str:
    """The error line for ``path``: it says ``words``, shows the bad value (when there is one) and a fix."""
    lines = error_lines(output, path)
    assert lines, f"no error line for {path!r} in:\n{output}"
    matching = [line for line in lines if words in line]
    assert matching, f"no line for {path!r} says {words!r}:\n{output}"
    line = matching[0]
    assert "Fix: " in line, line
    if value is not NO_VALUE:
        shown = repr(value)
        assert f"(got {shown[:60]}" in line, f"the value {shown} is not shown in: {line}"
    assert "Traceback" not in output and "Task was destroyed" not in output
    return line
