"""Check a candidate catalogue with the same models and rules as ``mlgov plan``, and say which stacks read it.

The request body becomes a catalogue entry; the catalogue with it is validated
by loading every stack file of the project exactly as the CLI does, so the
errors name the same key paths with the same words, and rules across the
catalogue (a name already taken, account names too long) apply as well.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgov.config import ConfigError, ConfigIssue, load_stack_file
from mlgov.constants import StackKind

_ENTRY = re.compile(r"^(?P<file>[^:]+): projects\[(?P<index>\d+)\](?P<rest>.*)$")


@dataclass(frozen=True)
class StackInfo:
    name: str
    kind: str
    environment: str | None
    projects_file: str | None


def stack_infos(stacks_dir: Path, names: list[str]) -> list[StackInfo]:
    """Kind, environment and catalogue file of each stack (stack files of HEAD are valid: they were planned)."""
    infos = []
    for name in names:
        settings = load_stack_file(stacks_dir, name)
        environment = getattr(settings, "environment", None)
        infos.append(StackInfo(name, str(settings.kind), str(environment) if environment is not None else None,
                               getattr(settings, "projects_file", None)))
    return infos


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


def issue_dict(issue: ConfigIssue, entry_index: int | None) -> dict[str, Any]:
    """The issue as the API returns it: ``mlgov plan``'s line, its parts, and the field of the request body."""
    match = _ENTRY.match(issue.path)
    field = None
    if match and entry_index is not None and int(match["index"]) == entry_index:
        field = match["rest"].lstrip(".") or "(body)"
    document = {"path": issue.path, "field": field, "problem": issue.problem, "fix": issue.fix, "message": issue.render()}
    if issue.value is not ConfigIssue.value:  # the dataclass default marks "no value shown"
        document["value"] = _jsonable(issue.value)
    return document


def validate(stacks_dir: Path, catalogue_file: str, candidate: str, stacks: list[str], entry_index: int | None) -> list[dict[str, Any]]:
    """Every issue the stacks reading the catalogue report with ``candidate`` in place of it, each once."""
    with tempfile.TemporaryDirectory(prefix="mlgov-validate-") as scratch:
        folder = Path(scratch)
        for path in stacks_dir.glob("Pulumi.*.yaml"):
            shutil.copy2(path, folder / path.name)
        (folder / catalogue_file).write_text(candidate)
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for stack in stacks:
            try:
                load_stack_file(folder, stack)
            except ConfigError as error:
                for issue in error.issues:
                    seen.setdefault((issue.path, issue.problem), issue_dict(issue, entry_index))
    return sorted(seen.values(), key=lambda issue: (issue["field"] is None, issue["path"]))


def catalogue_readers(infos: list[StackInfo]) -> list[str]:
    """The stacks that read the project catalogue: a candidate catalogue is validated by each of them."""
    return [info.name for info in infos if info.projects_file]


def candidate_stacks(infos: list[StackInfo], stages: list[str]) -> list[str]:
    """Stacks a project with these stages can change: its environments' stacks and the shared stack(s), shared last."""
    environments = [info.name for info in infos if info.kind == StackKind.ENVIRONMENT and info.environment in stages]
    shared = [info.name for info in infos if info.kind == StackKind.SHARED]
    return environments + shared
