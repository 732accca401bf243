"""A plan cache: a stack whose inputs did not change is not planned again.

A stack's plan is a pure function of the code that runs (the project's files,
mlgov's engine, the pinned Pulumi packages, the Python version), the stack's
settings, the outputs of the stacks it references and the fake organization
(project and region); its verdicts add the policy pack's files and the policy
config. ``StackKey`` hashes exactly those, so ``mlgov diff`` (two trees that
differ in one project) and the vending service re-plan only the stacks whose
inputs changed and take the others from the cache.

Entries are gzip'd JSON files under the cache folder, one per key, written
atomically; nothing is ever updated in place, so concurrent planners can share
a folder. A corrupt or unreadable entry counts as a miss. Nothing expires:
delete the folder to reclaim the space.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import asdict
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from mlgov.engine.model import PlannedResource, StackPlan
from mlgov.violation import Violation

CACHE_ENV = "MLGOV_PLAN_CACHE"
"""Environment variable naming the cache folder; ``mlgov diff`` sets it for the base tree's planner."""
# Bumped when the layout of an entry or what a key covers changes.
FORMAT = 1
# Folders that never hold code the program runs.
SKIPPED_DIRS = {".git", "venv", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
PACKAGES = ("pulumi", "pulumi-aws", "pulumi-policy", "grpcio", "protobuf", "pydantic")
MLGOV_DIR = Path(__file__).resolve().parents[1]


def default_cache_dir() -> Path | None:
    """The folder ``MLGOV_PLAN_CACHE`` names, if set."""
    value = os.environ.get(CACHE_ENV, "").strip()
    return Path(value) if value else None


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def tree_digest(folder: Path, skip: frozenset[Path] = frozenset()) -> str:
    """Hash of every file's relative path and bytes under ``folder`` (hidden entries and ``SKIPPED_DIRS`` left out)."""
    hasher = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".") and Path(root, d) not in skip)
        for name in sorted(files):
            if name.startswith(".") or name.endswith((".pyc", ".pyo")):
                continue
            path = Path(root, name)
            hasher.update(str(path.relative_to(folder)).encode() + b"\0")
            hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


@lru_cache(maxsize=None)
def _versions() -> tuple[str, ...]:
    found = [sys.version]
    for package in PACKAGES:
        try:
            found.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} absent")
    return tuple(found)


def code_digest(project_dir: Path, stacks_dir: Path) -> str:
    """The code a plan runs: the project's files (its stack folder aside: settings are keyed per stack), mlgov itself, the packages."""
    parts = [tree_digest(project_dir.resolve(), frozenset({stacks_dir.resolve()}))]
    if not MLGOV_DIR.is_relative_to(project_dir.resolve()):
        parts.append(tree_digest(MLGOV_DIR))
    return _digest([FORMAT, parts, _versions()])


class PlanCache:
    """Stack plans and verdicts by key, in ``directory``."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0

    @staticmethod
    def program_key(code: str, stack: str, kind: str, config: dict[str, Any], settings: Any,
                    organization: Any, references: dict[str, dict[str, Any]]) -> str:
        """Key of a stack's program result (resources and outputs)."""
        return _digest({"code": code, "stack": stack, "kind": kind, "config": config, "settings": settings,
                        "organization": asdict(organization), "references": references})

    @staticmethod
    def pack_key(program_key: str, pack_digest: str, policy_config: dict[str, Any] | None) -> str:
        """Key of the verdicts of a pack (by its files) with a policy config on that program result."""
        return _digest({"program": program_key, "pack": pack_digest, "policyConfig": policy_config})

    def _path(self, kind: str, key: str) -> Path:
        return self.directory / kind / key[:2] / f"{key}.json.gz"

    def _read(self, kind: str, key: str) -> Any:
        path = self._path(kind, key)
        try:
            with gzip.open(path, "rt") as handle:
                value = json.load(handle)
        except (OSError, ValueError, EOFError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def _write(self, kind: str, key: str, value: Any) -> None:
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=3, mtime=0) as packed:
                packed.write(json.dumps(value, separators=(",", ":")).encode())
            os.replace(temporary, path)
        except OSError:
            # A cache that cannot be written only costs time next run; the plan itself is fine.
            pass

    def get_program(self, key: str) -> StackPlan | None:
        entry = self._read("program", key)
        if entry is None:
            return None
        resources = [PlannedResource(**resource) for resource in entry["resources"]]
        return StackPlan(name=entry["name"], kind=entry["kind"], resources=resources, outputs=entry["outputs"])

    def put_program(self, key: str, plan: StackPlan) -> None:
        self._write("program", key, {"name": plan.name, "kind": plan.kind, "outputs": plan.outputs,
                                     "resources": [resource.to_dict() for resource in plan.resources]})

    def get_violations(self, key: str) -> list[Violation] | None:
        entry = self._read("pack", key)
        return None if entry is None else [Violation(**violation) for violation in entry]

    def put_violations(self, key: str, violations: list[Violation]) -> None:
        self._write("pack", key, [asdict(violation) for violation in violations])
