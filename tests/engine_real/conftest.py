"""The real-engine lane: the pinned Pulumi CLI, the local AWS provider and one moto server per session.

Every stack is previewed and deployed once (``deployed``), in dependency order,
with the policy pack; the tests read what that produced. Tests that change a
stack run after the read-only ones (``pytest_collection_modifyitems``). When
the CLI cannot be found or built, every test here is skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mlgov.testing.real_engine import EngineUnavailable, MotoServer, Pulumi, Result, engine_environment, find_cli, project_copy

STACK_ORDER = ("org", "sandbox", "dev", "preprod", "prod", "shared")
PACK = "policypacks/ml-guardrails"
# The local provider's Diff decides replacements with the force-replace table; a test whose update
# changes inputs needs it.
needs_force_replace = pytest.mark.skipif(
    importlib.util.find_spec("mlgov.force_replace") is None,
    reason="mlgov.force_replace (the force-replace table the local provider's Diff uses) is not in this tree yet",
)
# Modules whose tests change deployed stacks; they run last, in this order.
MUTATING_MODULES = ("test_drift", "test_diff_vs_preview", "test_retire")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        module = Path(str(item.fspath)).stem
        return MUTATING_MODULES.index(module) + 1 if module in MUTATING_MODULES else 0

    items.sort(key=lambda item: rank(item) if "engine_real" in str(item.fspath) else -1)


@dataclass
class StackRun:
    preview: Result
    up: Result
    export: dict[str, Any]

    @property
    def resources(self) -> list[dict[str, Any]]:
        return self.export["deployment"]["resources"]


@dataclass
class Lane:
    pulumi: Pulumi
    moto: MotoServer
    project: Path
    root: Path
    runs: dict[str, StackRun] = field(default_factory=dict)

    def export(self, stack: str) -> dict[str, Any]:
        return json.loads(self.pulumi.run("stack", "export", "--stack", stack).stdout)


@pytest.fixture(scope="session")
def cli() -> Path:
    try:
        return find_cli()
    except EngineUnavailable as reason:
        pytest.skip(str(reason))


@pytest.fixture(scope="session")
def moto(cli):
    with MotoServer() as server:
        yield server


_LANE_STARTED: list[float] = []


def pytest_terminal_summary(terminalreporter):
    if _LANE_STARTED:
        terminalreporter.write_line(f"real-engine lane: {time.monotonic() - _LANE_STARTED[0]:.0f} s")


@pytest.fixture(scope="session")
def lane(cli, moto, tmp_path_factory) -> Lane:
    _LANE_STARTED.append(time.monotonic())
    root = tmp_path_factory.mktemp("real-engine")
    project = project_copy(root / "project")
    pulumi = Pulumi(cli, project, engine_environment(root / "home", root / "state", moto.url, cli))
    pulumi.login()
    return Lane(pulumi, moto, project, root)


@pytest.fixture(scope="session")
def deployed(lane) -> Lane:
    """Every stack previewed, then deployed, with the policy pack (once per session)."""
    for stack in STACK_ORDER:
        lane.pulumi.select_or_init(stack)
        preview = lane.pulumi.run("preview", "--stack", stack, "--policy-pack", PACK, "--json", check=False)
        if preview.returncode != 0:
            raise AssertionError(f"pulumi preview --stack {stack} failed:\n{preview.output[-6000:]}")
        up = lane.pulumi.run("up", "--stack", stack, "--yes", "--skip-preview", "--policy-pack", PACK)
        lane.runs[stack] = StackRun(preview, up, lane.export(stack))
    return lane


@pytest.fixture(scope="session")
def offline_plan(lane):
    """``mlgov plan`` of the same project copy, every stack, without the pack (the lane runs the pack for real)."""
    from mlgov.engine import plan_stacks

    return plan_stacks(list(STACK_ORDER), project_dir=lane.project)
