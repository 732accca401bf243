"""How ``mlgov plan`` scales with the organization, beside the Pulumi SDK's own floor, in one run.

    venv/bin/python benchmarks/plan_scale.py [--sizes 10,100,500]

For each size it generates a project catalogue (a third of the projects
dev-only, a third dev+preprod+prod, a third sandbox+dev+preprod+prod; the
generator lives here, not in ``stacks/``), writes it beside copies of the
sample stack files, and plans every stack with the policy pack in a child
process, as ``mlgov plan --format json`` does. Then ``benchmarks/floor.py``
registers the same resources (same types, names, parents, providers, inputs
and dependencies) under Pulumi's own mocks, in another child process of the
same run. Printed per size: resources, seconds, peak RSS (the child process
and everything it started), the floor, the ratio plan / floor, the pack's
share of the stack work and the growth exponent of time in resources
against the previous size (1.0 = linear).

Absolute seconds depend on the machine and on its load (printed); compare
the ratios of one run.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
PACK = PROJECT_DIR / "policypacks" / "ml-guardrails"
FLOOR = Path(__file__).resolve().parent / "floor.py"
DEFAULT_SIZES = (10, 100, 500)

# ---- the generated organization ----------------------------------------------------------------

STAGE_SETS = (["dev"], ["dev", "preprod", "prod"], ["sandbox", "dev", "preprod", "prod"])
TEAMS = ("risk-analytics", "customer-insights", "supply-chain", "retail-vision", "marketing-science")
INSTANCE_TYPES = (["ml.t3.medium", "ml.m5.large"], ["ml.m5.xlarge", "ml.g5.xlarge"], ["ml.m5.2xlarge", "ml.c5.4xlarge"])


def project_entry(index: int) -> dict[str, Any]:
    """The ``index``-th generated project: stages cycle through the three sets, every field a real catalogue has."""
    stages = STAGE_SETS[index % len(STAGE_SETS)]
    team = TEAMS[index % len(TEAMS)]
    name = f"ml-{index:04d}"
    entry: dict[str, Any] = {
        "name": name,
        "team": team,
        "costCenter": f"CC-{1000 + index % 97}",
        "groups": {"dataScientists": f"{name}-data-scientists", "mlEngineers": f"{name}-ml-engineers"},
        "stages": list(stages),
        "monthlyBudgetUsd": 500 + 250 * (index % 8),
        "dataClassification": ("internal", "confidential")[index % 2],
        "instanceTypes": INSTANCE_TYPES[index % len(INSTANCE_TYPES)],
        "vpcCidr": f"10.{index % 200 + 20}.0.0/16",
        "members": [
            {"user": f"ds-{index:04d}", "role": "data-scientist"},
            {"user": f"mle-{index:04d}", "role": "ml-engineer"},
        ],
    }
    if "prod" in stages and index % 2:
        entry["pipeline"] = {"trust": "github", "repository": f"examplecorp/{name}", "branch": "main"}
    return entry


def catalogue(size: int) -> dict[str, Any]:
    return {"projects": [project_entry(index) for index in range(size)]}


def write_stacks(folder: Path, projects: dict[str, Any]) -> Path:
    """The sample stack files with a generated ``projects.yaml``; returns the stacks folder."""
    stacks = folder / "stacks"
    stacks.mkdir(parents=True, exist_ok=True)
    for path in (PROJECT_DIR / "stacks").glob("Pulumi.*.yaml"):
        shutil.copy(path, stacks / path.name)
    (stacks / "projects.yaml").write_text(yaml.safe_dump(projects, sort_keys=False))
    return stacks


# ---- measuring a child process -----------------------------------------------------------------


@dataclass
class Measured:
    wall: float
    peak_rss: int
    stdout: str


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    """Run ``command``; wall time and the peak of the summed RSS of it and every process it started."""
    import psutil

    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env, cwd=str(cwd) if cwd else None)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(child.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            total = 0
            try:
                for process in [root, *root.children(recursive=True)]:
                    try:
                        total += process.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                return
            peak = max(peak, total)
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = child.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}:\n{stderr[-3000:]}")
    return Measured(wall, peak, stdout)


# ---- the plan, in a child process ----------------------------------------------------------------


def plan_child(stacks_dir: Path, output: Path) -> None:
    """Plan every stack with the pack as ``mlgov plan --format json`` does; print the timings as JSON."""
    start = time.perf_counter()
    from mlgov.engine import plan_stacks

    stack_seconds: dict[str, float] = {}
    pack_seconds: dict[str, float] = {}
    kwargs: dict[str, Any] = {}
    if "progress" in inspect.signature(plan_stacks).parameters:
        kwargs["progress"] = _timing_progress(stack_seconds, pack_seconds)
    else:
        _time_engine_phases(stack_seconds, pack_seconds)
    plan = plan_stacks(stacks_dir=stacks_dir, policy_pack=PACK, **kwargs)
    output.write_text(json.dumps(plan.to_dict(), indent=2, sort_keys=False))
    print(json.dumps({
        "seconds": time.perf_counter() - start,
        "resources": sum(len(stack.resources) for stack in plan.stacks),
        "violations": sum(len(stack.violations) for stack in plan.stacks),
        "stack_seconds": stack_seconds,
        "pack_seconds": pack_seconds,
    }))


def _timing_progress(stack_seconds: dict[str, float], pack_seconds: dict[str, float]):
    started: dict[tuple[str, str], float] = {}

    def progress(event: Any) -> None:
        key = (event.stack, event.phase)
        if event.state == "started":
            started[key] = event.time
        elif event.state == "done" and key in started:
            seconds = event.time - started.pop(key)
            stack_seconds[event.stack] = stack_seconds.get(event.stack, 0.0) + seconds
            if event.phase == "pack":
                pack_seconds[event.stack] = seconds

    return progress


def _time_engine_phases(stack_seconds: dict[str, float], pack_seconds: dict[str, float]) -> None:
    """For an engine without progress events: time its program and pack phases by wrapping them."""
    import mlgov.engine.policy_check as policy_check
    import mlgov.engine.runner as runner

    run_program, check_stack = runner.run_program, policy_check.check_stack

    def timed_program(*args, **kwargs):
        began = time.perf_counter()
        try:
            return run_program(*args, **kwargs)
        finally:
            stack_seconds[args[3]] = time.perf_counter() - began

    def timed_check(pack, project, plan, *args, **kwargs):
        began = time.perf_counter()
        try:
            return check_stack(pack, project, plan, *args, **kwargs)
        finally:
            pack_seconds[plan.name] = time.perf_counter() - began
            stack_seconds[plan.name] += pack_seconds[plan.name]

    runner.run_program, policy_check.check_stack = timed_program, timed_check


# ---- one size --------------------------------------------------------------------------------


@dataclass
class Row:
    projects: int
    resources: int
    seconds: float
    peak_rss: int
    floor_seconds: float
    floor_rss: int
    pack_share: float
    violations: int

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds


def run_size(size: int, scratch: Path) -> Row:
    folder = scratch / f"size-{size}"
    stacks_dir = write_stacks(folder, catalogue(size))
    plan_file = folder / "plan.json"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    planned = measure([sys.executable, __file__, "--plan-child", str(stacks_dir), str(plan_file)], env=env)
    timings = json.loads(planned.stdout.strip().splitlines()[-1])
    floor_run = measure([sys.executable, str(FLOOR), str(plan_file)], env=env)
    floor = json.loads(floor_run.stdout.strip().splitlines()[-1])
    work = sum(timings["stack_seconds"].values())
    return Row(
        projects=size,
        resources=timings["resources"],
        seconds=timings["seconds"],
        peak_rss=planned.peak_rss,
        floor_seconds=floor["seconds"],
        floor_rss=floor_run.peak_rss,
        pack_share=sum(timings["pack_seconds"].values()) / work if work else 0.0,
        violations=timings["violations"],
    )


# ---- mlgov diff on a pull request that changes one project ------------------------------------


def project_repo(folder: Path, size: int) -> Path:
    """A git repository holding this project's tracked files with a generated catalogue, committed as the base."""
    repo = folder / "repo"
    tracked = subprocess.run(["git", "-C", str(PROJECT_DIR), "ls-files", "-z"], capture_output=True, check=True).stdout
    for relative in filter(None, tracked.decode().split("\0")):
        source = PROJECT_DIR / relative
        if source.is_file():
            (repo / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / relative)
    (repo / "stacks" / "projects.yaml").write_text(yaml.safe_dump(catalogue(size), sort_keys=False))
    for command in (["init", "-q", "-b", "main"], ["add", "-A"],
                    ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "base"]):
        subprocess.run(["git", "-C", str(repo), *command], check=True, capture_output=True)
    return repo


def change_one_project(repo: Path, size: int) -> str:
    """The pull request: a new budget for one dev-only project (the first of the catalogue)."""
    document = catalogue(size)
    document["projects"][0]["monthlyBudgetUsd"] += 100
    (repo / "stacks" / "projects.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return document["projects"][0]["name"]


def _entries(cache: Path) -> set[Path]:
    return set((cache / "program").rglob("*.json.gz")) if (cache / "program").is_dir() else set()


@dataclass
class DiffRun:
    seconds: float
    peak_rss: int
    replanned: int


def timed_diff(repo: Path, cache: Path) -> DiffRun:
    before = _entries(cache)
    env = {**os.environ, "PYTHONPATH": str(repo), "MLGOV_PLAN_CACHE": str(cache), "MLGOV_PROGRESS": "off"}
    run = measure([sys.executable, "-m", "mlgov", "diff", "--base", "main", "--format", "json", "--output",
                   str(repo.parent / "diff.json")], env=env, cwd=repo)
    return DiffRun(run.wall, run.peak_rss, len(_entries(cache) - before))


def run_diff_case(size: int, scratch: Path, full_plan_seconds: float) -> None:
    """``mlgov diff`` of a one-project change: with an empty cache, and with the base planned before
    (as the main branch's own CI run leaves it), against a full plan of both trees."""
    folder = scratch / f"diff-{size}"
    repo = project_repo(folder, size)
    changed = change_one_project(repo, size)
    cold = timed_diff(repo, folder / "cache-cold")
    warm_cache = folder / "cache-warm"
    env = {**os.environ, "PYTHONPATH": str(repo), "MLGOV_PLAN_CACHE": str(warm_cache), "MLGOV_PROGRESS": "off"}
    subprocess.run(["git", "-C", str(repo), "stash", "-q"], check=True)
    measure([sys.executable, "-m", "mlgov", "plan", "--format", "json", "--output", str(folder / "base.json")], env=env, cwd=repo)
    subprocess.run(["git", "-C", str(repo), "stash", "pop", "-q"], check=True)
    warm = timed_diff(repo, warm_cache)
    both = 2 * full_plan_seconds
    print(f"\n`mlgov diff` at {size} projects, one project changed ({changed}, a new budget); "
          f"a full plan of both trees = 2 x {full_plan_seconds:.1f} s = {both:.1f} s")
    print("| cache | seconds | peak RSS | stacks planned (not from the cache) | ratio to both trees |")
    print("|---|---:|---:|---:|---:|")
    for label, run in (("empty (first run)", cold), ("base planned before", warm)):
        print(f"| {label} | {run.seconds:.1f} s | {run.peak_rss / 2**20:,.0f} MiB | {run.replanned} | {run.seconds / both:.2f}x |", flush=True)


def exponent(previous: Row | None, row: Row) -> float | None:
    if previous is None or row.resources == previous.resources:
        return None
    return math.log(row.seconds / previous.seconds) / math.log(row.resources / previous.resources)


def machine() -> str:
    import psutil

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    memory = psutil.virtual_memory().total / 2**30
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
            f"Python {platform.python_version()}, load average {load}")


def print_header() -> None:
    print(f"machine: {machine()}", flush=True)
    print("| projects | resources | `mlgov plan` | peak RSS | floor | floor RSS | ratio | pack share | exponent | violations |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)


def print_row(row: Row, growth: float | None) -> None:
    print(f"| {row.projects} | {row.resources:,} | {row.seconds:.1f} s | {row.peak_rss / 2**20:,.0f} MiB "
          f"| {row.floor_seconds:.1f} s | {row.floor_rss / 2**20:,.0f} MiB | {row.ratio:.2f}x | {row.pack_share:.0%} "
          f"| {'' if growth is None else f'{growth:.2f}'} | {row.violations} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated project counts (default: %(default)s)")
    parser.add_argument("--diff", type=int, default=None, metavar="PROJECTS",
                        help="also time `mlgov diff` of a one-project change at this size (default: the largest size; 0: skip)")
    parser.add_argument("--plan-child", nargs=2, metavar=("STACKS_DIR", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plan_child:
        plan_child(Path(args.plan_child[0]), Path(args.plan_child[1]))
        return
    try:
        sizes = sorted({int(value) for value in args.sizes.split(",") if value.strip()})
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: give project counts separated by commas, such as 10,100")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes: give at least one project count of 1 or more")

    scratch = Path(tempfile.mkdtemp(prefix="mlgov-bench-"))
    try:
        print_header()
        rows: list[Row] = []
        for size in sizes:
            row = run_size(size, scratch)
            print_row(row, exponent(rows[-1] if rows else None, row))
            rows.append(row)
        if len(rows) > 1:
            print(f"growth {rows[0].projects} -> {rows[-1].projects} projects: time ~ resources^{exponent(rows[0], rows[-1]):.2f}")
        diff_size = sizes[-1] if args.diff is None else args.diff
        if diff_size:
            full = next((row.seconds for row in rows if row.projects == diff_size), None)
            if full is None:
                full = run_size(diff_size, scratch).seconds
            run_diff_case(diff_size, scratch, full)
        print(f"load average at the end: {', '.join(f'{value:.1f}' for value in os.getloadavg())}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
