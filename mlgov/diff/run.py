"""Plan the base ref (its own code, in a temporary git worktree) and the working tree, then compare."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgov.constants import TypeToken
from mlgov.diff.blast import account_parents, blast_radius, combined_view, org_tree
from mlgov.diff.compare import diff_stack
from mlgov.diff.danger import find_dangers
from mlgov.diff.model import DiffError, DiffReport, StackDiff
from mlgov.engine import DEFAULT_STACK_ORDER, ProjectFile, available_stacks
from mlgov.engine.cache import CACHE_ENV, PlanCache, default_cache_dir

PROGRESS_ENV = "MLGOV_PROGRESS"

ORG_STACK = "org"
BASE_PLAN_TIMEOUT = 900
PACK = Path("policypacks") / "ml-guardrails"


def default_plan_cache() -> Path:
    """``MLGOV_PLAN_CACHE`` if set, else ``$XDG_CACHE_HOME/mlgov/plans`` (``~/.cache/mlgov/plans``)."""
    configured = default_cache_dir()
    if configured is not None:
        return configured
    root = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(root) if root else Path.home() / ".cache") / "mlgov" / "plans"


def _git(top: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, check=False)


def _toplevel(repo: Path) -> Path:
    if not repo.is_dir():
        raise DiffError(f"{repo}: no such directory")
    found = _git(repo, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        raise DiffError(f"{repo}: not inside a git repository ({found.stderr.strip()}). Fix: run mlgov diff in a clone of the project")
    return Path(found.stdout.strip())


def resolve_ref(repo: Path, ref: str) -> str:
    """The commit ``ref`` names, or DiffError."""
    top = _toplevel(repo)
    found = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0 or not found.stdout.strip():
        raise DiffError(f"--base {ref}: no such commit in {top}. Fix: fetch it (`git fetch origin`) or name a branch, tag or SHA that exists")
    return found.stdout.strip()


def _order(names: set[str]) -> list[str]:
    known = [name for name in DEFAULT_STACK_ORDER if name in names]
    return known + sorted(names - set(known))


def _stacks_in(project_dir: Path) -> list[str]:
    try:
        project = ProjectFile.read(project_dir)
    except Exception:  # noqa: BLE001 - a base without a project has no stacks
        return []
    return available_stacks(project.stacks_dir) if project.stacks_dir.is_dir() else []


def plan_base(repo: Path, commit: str, stacks: Sequence[str] | None, cache: dict[Any, Any] | None = None,
              plan_cache: Path | None = None) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Plan ``stacks`` (None: all) at ``commit`` with that commit's own code.

    Returns the stacks the base has and their plans by name; the base's org
    stack is always planned along (blast radius, OU tree).

    The commit is checked out with ``git worktree add --detach`` into a temporary
    folder that is always removed again. Stacks the base has no stack file for are
    simply absent from the result. ``plan_cache``: the plan cache folder the base's
    planner reads and fills (a base whose code predates the cache ignores it).
    """
    top = _toplevel(repo)
    relative = repo.resolve().relative_to(top.resolve())
    key = (str(top.resolve()), str(relative), commit, None if stacks is None else tuple(stacks))
    if cache is not None and key in cache:
        return cache[key]
    scratch = Path(tempfile.mkdtemp(prefix="mlgov-diff-"))
    tree = scratch / "base"
    try:
        added = _git(top, "worktree", "add", "--detach", str(tree), commit)
        if added.returncode != 0:
            raise DiffError(f"cannot check out {commit[:12]} into a worktree: {added.stderr.strip()}")
        project_dir = tree / relative
        present = _stacks_in(project_dir)
        wanted = list(present) if stacks is None else _order({n for n in stacks if n in present} | ({ORG_STACK} & set(present)))
        plans: dict[str, dict[str, Any]] = {}
        if wanted:
            plans = _run_base_plan(project_dir, wanted, commit, plan_cache)
        result = (present, plans)
    finally:
        if tree.exists():
            _git(top, "worktree", "remove", "--force", str(tree))
        shutil.rmtree(scratch, ignore_errors=True)
        _git(top, "worktree", "prune")
    if cache is not None:
        cache[key] = result
    return result


def _run_base_plan(project_dir: Path, stacks: list[str], commit: str, plan_cache: Path | None) -> dict[str, dict[str, Any]]:
    output = project_dir / ".mlgov-diff-base-plan.json"
    command = [sys.executable, "-m", "mlgov", "plan", *stacks, "--format", "json", "--output", str(output)]
    if not (project_dir / PACK / "PulumiPolicy.yaml").exists():
        command.append("--no-policy")
    # Through the environment, which a base older than these settings simply ignores.
    env = {**os.environ, "PYTHONPATH": str(project_dir), "PYTHONDONTWRITEBYTECODE": "1", PROGRESS_ENV: "off"}
    env.pop(CACHE_ENV, None)
    if plan_cache is not None:
        env[CACHE_ENV] = str(plan_cache)
    try:
        done = subprocess.run(command, cwd=project_dir, env=env, capture_output=True, text=True, timeout=BASE_PLAN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise DiffError(f"base {commit[:12]}: `mlgov plan` did not finish within {BASE_PLAN_TIMEOUT} s") from None
    if done.returncode not in (0, 1) or not output.exists():
        detail = (done.stderr or done.stdout).strip().replace(str(project_dir), "<base>")
        detail = "\n".join(detail.splitlines()[-15:])
        what = "its stack config or program is broken" if done.returncode == 2 else "its plan failed"
        raise DiffError(f"base {commit[:12]}: {what} (`mlgov plan` exited {done.returncode}):\n{detail}")
    try:
        document = json.loads(output.read_text())
    except ValueError as error:
        raise DiffError(f"base {commit[:12]}: `mlgov plan --format json` wrote no valid JSON ({error})") from None
    return {stack["name"]: stack for stack in document.get("stacks", [])}


def plan_head(repo: Path, stacks: Sequence[str], plan_cache: Path | None = None) -> dict[str, dict[str, Any]]:
    """Plan ``stacks`` of the working tree in-process, with its policy pack (and the plan cache, if given)."""
    from mlgov.config import ConfigError
    from mlgov.engine import PlanError, plan_stacks

    if not stacks:
        return {}
    pack = repo / PACK
    try:
        plan = plan_stacks(list(stacks), project_dir=repo, policy_pack=pack if (pack / "PulumiPolicy.yaml").exists() else None,
                           cache=PlanCache(plan_cache) if plan_cache is not None else None)
    except (ConfigError, PlanError) as error:
        raise DiffError(f"working tree: {error}") from None
    return {stack.name: stack.to_dict() for stack in plan.stacks}


def run_diff(base_ref: str, stacks: Sequence[str] | None = None, *, repo: Path, cache: dict[Any, Any] | None = None,
             use_plan_cache: bool = True) -> DiffReport:
    """Diff the working tree of the project in ``repo`` against ``base_ref``.

    With ``use_plan_cache`` both trees share the plan cache (``default_plan_cache``):
    a stack whose code, settings and referenced outputs are the same on both
    sides, or were planned by an earlier run, is planned once.

    ``stacks`` limits the report (default: every stack of head or base). The
    org stack is always planned too (when present) so blast radius and the OU
    tree can be drawn; environment stacks count in the blast radius when they
    are planned.
    """
    commit = resolve_ref(repo, base_ref)
    if not (repo / "Pulumi.yaml").exists():
        raise DiffError(f"{repo}: no Pulumi.yaml here. Fix: point --project-dir at the project")
    head_present = _stacks_in(repo)
    requested = list(dict.fromkeys(stacks)) if stacks else None
    plan_cache = default_plan_cache() if use_plan_cache else None
    base_present, base_plans = plan_base(repo, commit, requested, cache, plan_cache)
    if requested is None:
        report = _order(set(head_present) | set(base_present))
    else:
        report = requested
        unknown = [s for s in report if s not in head_present and s not in base_present]
        if unknown:
            known = ", ".join(_order(set(head_present) | set(base_present))) or "none"
            raise DiffError(f"no stack file for {', '.join(unknown)} in the working tree or the base (stacks: {known})")
    head_wanted = _order({s for s in report if s in head_present} | ({ORG_STACK} & set(head_present)))
    head_plans = plan_head(repo, head_wanted, plan_cache)
    diffs, tree = diff_plans(base_plans, head_plans, report)
    return DiffReport(base_ref, commit, diffs, tree)


def diff_plans(base_plans: dict[str, dict[str, Any]], head_plans: dict[str, dict[str, Any]], report: Sequence[str]) -> tuple[list[StackDiff], list]:
    """Compare the planned stacks named in ``report``; every planned stack feeds the org view."""
    base_view = combined_view([base_plans[name] for name in _order(set(base_plans))])
    head_view = combined_view([head_plans[name] for name in _order(set(head_plans))])
    diffs: list[StackDiff] = []
    touched: set[str] = set()
    ou_status: dict[str, str] = {}
    for name in report:
        base, head = base_plans.get(name), head_plans.get(name)
        stack = diff_stack(name, base, head)
        stack.dangers = find_dangers(name, stack.removed, stack.changed,
                                     (base or {}).get("resources", []), (head or {}).get("resources", []))
        stack.blast, hit = blast_radius(stack, base, head, base_view, head_view)
        touched |= hit
        touched |= account_parents(stack.added + stack.removed + stack.changed, base, head)
        ids_head = {r["urn"]: r.get("id", "") for r in (head or {}).get("resources", [])}
        ids_base = {r["urn"]: r.get("id", "") for r in (base or {}).get("resources", [])}
        for change in stack.added + stack.removed + stack.changed:
            if change.type != TypeToken.ORGANIZATIONAL_UNIT:
                continue
            if change.action == "add":
                ou_status[ids_head[change.urn]] = "added"
            elif change.action == "remove":
                ou_status[ids_base[change.urn]] = "removed"
            else:
                ou_status[ids_head[change.urn]] = "changed"
        diffs.append(stack)
    tree = org_tree(base_view, head_view, touched, ou_status)
    return diffs, tree
