"""A fake engine for tests about the service's own behaviour (queueing, stack locks, restarts), never about previews.

It answers a preview from the catalogue alone (one account per project and
stage, the shared stack when a dev/preprod/prod project comes or goes) in
milliseconds, and records every ``up`` and ``refresh`` with its start and end
times and process id in a JSON-lines file, so a test can check what ran when,
and that nothing was applied twice, even across a killed service process.
The preview path itself is tested with the real offline engine elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from mlgov.automation import PolicyViolation, PolicyViolationsError, PreviewResult, Progress, ResourceChange, StackPreview, UpResult
from mlgov.automation.errors import StackBusyError
from mlgov.constants import TypeToken

ACCOUNT = TypeToken.ACCOUNT
SHARED_STAGES = {"dev", "preprod", "prod"}


def _catalogue(project_dir: Path | None) -> dict[str, dict[str, Any]]:
    if project_dir is None:
        return {}
    document = yaml.safe_load((project_dir / "stacks" / "projects.yaml").read_text()) or {}
    return {p["name"]: p for p in document.get("projects", []) if isinstance(p, dict)}


def _environment(project_dir: Path, stack: str) -> str | None:
    config = (yaml.safe_load((project_dir / "stacks" / f"Pulumi.{stack}.yaml").read_text()) or {}).get("config", {})
    return config.get("mlgov:environment") if config.get("mlgov:kind") == "environment" else None


def vended(project_dir: Path, stack: str) -> set[str]:
    catalogue = _catalogue(project_dir)
    environment = _environment(project_dir, stack)
    if environment is None:  # the shared stack: projects with a stage it serves
        return {name for name, p in catalogue.items() if SHARED_STAGES & set(p.get("stages") or [])}
    return {name for name, p in catalogue.items() if environment in (p.get("stages") or [])}


class FakeEngine:
    name = "fake"
    can_apply = True

    def __init__(self, log: Path, up_delay_s: float = 0.0, preview_delay_s: float = 0.0, fail_stacks: Sequence[str] = (),
                 deployed: Path | None = None, violations: dict[str, str] | None = None):
        """``deployed``: a project folder whose catalogue the stacks already hold before any ``up`` (default: none).
        ``violations``: per stack, ``reported`` (a mandatory violation in the preview, as the offline engine reports it)
        or ``raised`` (the preview fails with it, as the real engine does)."""
        self.violations = violations or {}
        self.log = log
        self.deployed = deployed
        self.up_delay_s = up_delay_s
        self.preview_delay_s = preview_delay_s
        self.fail_stacks = set(fail_stacks)

    def _write(self, **entry: Any) -> None:
        with self.log.open("a") as handle:
            handle.write(json.dumps({**entry, "pid": os.getpid(), "at": time.time()}) + "\n")

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines()] if self.log.exists() else []

    def preview(self, project_dir: Path, stacks: Sequence[str], *, base_dir: Path | None = None, plan_dir: Path | None = None,
                on_progress=None, base_label: str = "") -> PreviewResult:
        time.sleep(self.preview_delay_s)
        previews = []
        for stack in stacks:
            head = vended(project_dir, stack)
            base = vended(base_dir, stack) if base_dir is not None else self._state(stack)
            changes = [ResourceChange("create", f"urn:pulumi:{stack}::mlgov::{ACCOUNT}::account-{n}", ACCOUNT, f"account-{n}", [], True)
                       for n in sorted(head - base)]
            changes += [ResourceChange("delete", f"urn:pulumi:{stack}::mlgov::{ACCOUNT}::account-{n}", ACCOUNT, f"account-{n}", [], True, True)
                        for n in sorted(base - head)]
            plan_file = None
            if plan_dir is not None:
                plan_file = str(plan_dir / f"{stack}.plan.json")
                Path(plan_file).write_text(json.dumps(sorted(head)))
            if on_progress is not None:
                on_progress(Progress(stack, "preview", 1, 1))
            found = [PolicyViolation("s3-public-access-block", "mandatory", changes[0].urn if changes else stack, "Violation: public. Fix: block it.")] \
                if stack in self.violations else []
            if found and self.violations[stack] == "raised":
                raise PolicyViolationsError(f"stack '{stack}': 1 mandatory policy violation(s)", found, stack=stack)
            previews.append(StackPreview(stack, self.name, changes, violations=found, outputs={"projects": {n: {"accountId": _account_id(stack, n)} for n in sorted(head)}},
                                         plan_file=plan_file))
        return PreviewResult(previews)

    def _state(self, stack: str) -> set[str]:
        state: set[str] = vended(self.deployed, stack) if self.deployed is not None else set()
        for entry in self.entries():
            if entry["op"] == "up-end" and entry["stack"] == stack:
                state = set(entry["projects"])
        return state

    def up(self, project_dir: Path, stack: str, *, plan_file: str | None = None, on_progress=None, expected: int = 0) -> UpResult:
        projects = sorted(vended(project_dir, stack))
        self._write(op="up-start", stack=stack, plan=plan_file)
        if on_progress is not None:
            on_progress(Progress(stack, "up", 0, max(expected, 1)))
        time.sleep(self.up_delay_s)
        if stack in self.fail_stacks:
            self._write(op="up-failed", stack=stack)
            raise StackBusyError(f"stack '{stack}' is busy: another update is in progress", stack=stack)
        self._write(op="up-end", stack=stack, projects=projects)
        if on_progress is not None:
            on_progress(Progress(stack, "up", max(expected, 1), max(expected, 1)))
        return UpResult(stack, {"projects": {n: {"accountId": _account_id(stack, n)} for n in projects}}, {"create": expected})

    def refresh(self, project_dir: Path, stack: str, *, on_progress=None) -> None:
        self._write(op="refresh", stack=stack)

    def outputs(self, project_dir: Path, stack: str) -> dict[str, Any]:
        return {}

    def unprotect(self, project_dir: Path, stack: str, urns: Sequence[str]) -> None:
        self._write(op="unprotect", stack=stack, urns=list(urns))

    def protect(self, project_dir: Path, stack: str, urns: Sequence[str]) -> None:
        self._write(op="protect", stack=stack, urns=list(urns))

    def cancel(self, project_dir: Path, stack: str) -> None:
        """Nothing runs outside the calls above."""


def _account_id(stack: str, project: str) -> str:
    return str(int(hashlib.sha256(f"{stack}/{project}".encode()).hexdigest(), 16) % 10**12).zfill(12)
