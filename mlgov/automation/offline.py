"""The offline engine behind the automation layer: ``mlgov plan`` of two project folders, then ``mlgov diff``'s comparison.

A preview plans the stacks of the proposed project folder and of the base
folder (what the stacks hold now) with the project's own code and policy
pack, in a subprocess per plan: the Pulumi mock runtime keeps process-wide
state, so plans in one process could not run side by side, and a subprocess
can be stopped. Base plans are cached by the folder's content, so a queue of
requests against one catalogue plans the base once.

It cannot apply anything: ``up`` needs the real engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgov.automation.errors import EngineFailure, EngineUnavailableError, InvalidConfigError
from mlgov.automation.results import PolicyViolation, PreviewResult, ProgressCallback, Progress, ResourceChange, StackPreview, UpResult
from mlgov.diff import DiffReport, StackDiff, diff_plans
from mlgov.engine import ProjectFile, available_stacks

PACK = Path("policypacks") / "ml-guardrails"
MLGOV_ROOT = Path(__file__).resolve().parents[2]
PLAN_TIMEOUT_S = 1800
# What a project folder's content is: everything the program, its config and the pack read.
_SKIPPED_PARTS = {".git", "venv", "__pycache__", "node_modules", ".pytest_cache", ".hypothesis"}
NO_APPLY = (
    "applying needs the real engine: the Pulumi CLI is not installed here (the offline engine only previews). "
    "Fix: install the pinned CLI (`make engine`) and start the service with --pulumi-root pointing at it"
)


def content_key(project_dir: Path) -> str:
    """A hash of every file the plan of ``project_dir`` reads (code, stack files, catalogue, pack)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in project_dir.rglob("*") if p.is_file() and not _SKIPPED_PARTS & set(p.relative_to(project_dir).parts)):
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(stack_plan: dict[str, Any] | None) -> str:
    """A hash of one stack's plan (resources, outputs, violations): equal fingerprints, equal plans."""
    if stack_plan is None:
        return "absent"
    body = {key: stack_plan.get(key) for key in ("resources", "outputs", "violations")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _failure_text(done: subprocess.CompletedProcess[str], project_dir: Path) -> str:
    text = (done.stderr or done.stdout).strip().replace(str(project_dir), "<project>")
    return "\n".join(text.splitlines()[-20:]).removeprefix("error: ")


def _issues_from(text: str) -> list[dict[str, Any]]:
    """The ``  - path: problem. Fix: ...`` lines ``mlgov plan`` prints for bad config."""
    issues = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("- ") and ": " in line:
            path, _, rest = line[2:].partition(": ")
            issues.append({"path": path, "message": f"{path}: {rest}"})
    return issues


class OfflinePlanner:
    """Runs ``mlgov plan --format json`` on a project folder in a subprocess; caches plans by content."""

    def __init__(self, cache_size: int = 8):
        self._cache: OrderedDict[tuple[str, tuple[str, ...]], dict[str, dict[str, Any]]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()

    def plan(self, project_dir: Path, stacks: Sequence[str]) -> dict[str, dict[str, Any]]:
        key = (content_key(project_dir), tuple(stacks))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        plans = self._run(project_dir, stacks)
        with self._lock:
            self._cache[key] = plans
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return plans

    def _run(self, project_dir: Path, stacks: Sequence[str]) -> dict[str, dict[str, Any]]:
        with tempfile.TemporaryDirectory(prefix="mlgov-plan-") as scratch:
            output = Path(scratch) / "plan.json"
            command = [sys.executable, "-m", "mlgov", "plan", *stacks, "--format", "json", "--output", str(output),
                       "--project-dir", str(project_dir)]
            pack = project_dir / PACK
            command += ["--policy-pack", str(pack)] if (pack / "PulumiPolicy.yaml").exists() else ["--no-policy"]
            # The project's own code first (a workspace carries its own mlgov); this mlgov runs the plan otherwise.
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project_dir), str(MLGOV_ROOT)]), "PYTHONDONTWRITEBYTECODE": "1"}
            process = subprocess.Popen(command, cwd=project_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True, start_new_session=True)
            self._running.add(process)
            try:
                stdout, stderr = process.communicate(timeout=PLAN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                _stop(process)
                raise EngineFailure(f"`mlgov plan` did not finish within {PLAN_TIMEOUT_S} s") from None
            finally:
                self._running.discard(process)
            done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
            if done.returncode == 2:
                text = _failure_text(done, project_dir)
                raise InvalidConfigError(text, _issues_from(text))
            if done.returncode not in (0, 1) or not output.exists():
                raise EngineFailure(f"`mlgov plan` failed (exit {done.returncode}): {_failure_text(done, project_dir)}")
            document = json.loads(output.read_text())
        return {stack["name"]: stack for stack in document.get("stacks", [])}

    def stop_all(self) -> None:
        for process in list(self._running):
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass


def project_stacks(project_dir: Path) -> list[str]:
    """The stacks of the Pulumi project in ``project_dir`` (one per stack file in its stackConfigDir), in planning order."""
    return available_stacks(ProjectFile.read(project_dir).stacks_dir)


def with_org(project_dir: Path, stacks: Sequence[str]) -> list[str]:
    """The stacks that exist in ``project_dir``, plus the org stack: the blast radius and the OU tree read it."""
    present = project_stacks(project_dir)
    wanted = [stack for stack in stacks if stack in present]
    return (["org"] if "org" in present and "org" not in wanted else []) + wanted


def changes_of(diff: StackDiff, base: dict[str, Any] | None) -> list[ResourceChange]:
    """The diff's resources as create/update/replace/delete, with the properties that cause each (for a replacement,
    the replace-on-change properties the diff found)."""
    base_resources = {r["urn"]: r for r in (base or {}).get("resources", [])}
    changes = [ResourceChange("create", r.urn, r.type, r.name, [], r.protect) for r in diff.added]
    for resource in diff.removed:
        retained = bool(base_resources.get(resource.urn, {}).get("retain_on_delete"))
        changes.append(ResourceChange("delete", resource.urn, resource.type, resource.name, [], resource.protect, retained))
    for resource in diff.changed:
        if resource.replace_causes:
            changes.append(ResourceChange("replace", resource.urn, resource.type, resource.name, list(resource.replace_causes), resource.protect))
        else:
            properties = sorted({change.top_key or change.path for change in resource.changes})
            changes.append(ResourceChange("update", resource.urn, resource.type, resource.name, properties, resource.protect))
    return changes


def _violations(diff: StackDiff) -> list[PolicyViolation]:
    found = [PolicyViolation(v["policy"], v["level"], v["urn"], v["message"], True) for v in diff.violations_new]
    found += [PolicyViolation(v["policy"], v["level"], v["urn"], v["message"], False) for v in diff.violations_kept]
    return found


def stack_preview(diff: StackDiff, base: dict[str, Any] | None, head: dict[str, Any] | None, tree: list, base_label: str,
                  duration_s: float) -> StackPreview:
    from mlgov.diff.render import to_markdown

    report = DiffReport(base_label, fingerprint(base), [diff], tree)
    return StackPreview(
        stack=diff.name,
        engine="offline",
        changes=changes_of(diff, base),
        violations=_violations(diff),
        blast_radius=[blast.to_dict() for blast in diff.blast],
        destructive=[danger.to_dict() for danger in diff.dangers],
        output_changes=[change.to_dict() for change in diff.outputs],
        outputs=dict((head or {}).get("outputs") or {}),
        markdown=to_markdown(report),
        base_fingerprint=fingerprint(base),
        duration_s=round(duration_s, 3),
    )


class OfflineEngine:
    """Previews with the offline engine; refuses to apply."""

    name = "offline"
    can_apply = False

    def __init__(self, planner: OfflinePlanner | None = None):
        self.planner = planner or OfflinePlanner()

    def preview(self, project_dir: Path, stacks: Sequence[str], *, base_dir: Path | None = None, plan_dir: Path | None = None,
                on_progress: ProgressCallback | None = None, base_label: str = "the current catalogue") -> PreviewResult:
        started = time.monotonic()
        stacks = list(stacks)
        for stack in stacks:
            _report(on_progress, Progress(stack, "preview", 0, 1))
        # Base and head are independent plans: run them side by side. The base is planned whole (every stack), so
        # one cached base plan serves every request against the same catalogue, whichever stacks each reaches.
        with ThreadPoolExecutor(max_workers=2) as pool:
            head_future = pool.submit(self.planner.plan, project_dir, with_org(project_dir, stacks))
            base_all = self.planner.plan(base_dir, project_stacks(base_dir)) if base_dir else {}
            head_plans = head_future.result()
        base_plans = {name: plan for name, plan in base_all.items() if name in head_plans or name in stacks}
        diffs, tree = diff_plans(base_plans, head_plans, stacks)
        elapsed = time.monotonic() - started
        previews = []
        for diff in diffs:
            previews.append(stack_preview(diff, base_plans.get(diff.name), head_plans.get(diff.name), tree, base_label, elapsed / max(len(diffs), 1)))
            _report(on_progress, Progress(diff.name, "preview", 1, 1))
        return PreviewResult(previews, round(elapsed, 3))

    def up(self, project_dir: Path, stack: str, *, plan_file: str | None = None, on_progress: ProgressCallback | None = None,
           expected: int = 0) -> UpResult:
        raise EngineUnavailableError(NO_APPLY, stack=stack)

    def refresh(self, project_dir: Path, stack: str, *, on_progress: ProgressCallback | None = None) -> None:
        """Nothing to refresh: the offline engine keeps no state."""

    def outputs(self, project_dir: Path, stack: str) -> dict[str, Any]:
        raise EngineUnavailableError(f"stack outputs exist only once a stack is deployed. {NO_APPLY}", stack=stack)

    def unprotect(self, project_dir: Path, stack: str, urns: Sequence[str]) -> None:
        raise EngineUnavailableError(NO_APPLY, stack=stack)

    def protect(self, project_dir: Path, stack: str, urns: Sequence[str]) -> None:
        raise EngineUnavailableError(NO_APPLY, stack=stack)

    def cancel(self, project_dir: Path, stack: str) -> None:
        self.planner.stop_all()


def _report(callback: ProgressCallback | None, progress: Progress) -> None:
    if callback is not None:
        callback(progress)
