"""Shared fixtures: the sample stacks planned once per session (plans are deterministic)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sample_plans():
    """Every sample stack, planned once per session without the policy pack, by stack name.

    Plans are deterministic and tests only read them, so one plan serves every module.
    """
    from mlgov.engine import plan_stacks

    return {stack.name: stack for stack in plan_stacks().stacks}


@pytest.fixture(scope="session")
def org_plan(sample_plans):
    """The sample org stack, planned offline without the policy pack."""
    return sample_plans["org"]


@pytest.fixture(scope="session")
def all_plans():
    """Every sample stack planned together (org, the environments, shared), by stack name."""
    from mlgov.engine import plan_stacks

    result = plan_stacks(["org", "sandbox", "dev", "preprod", "prod", "shared"])
    return {stack.name: stack for stack in result.stacks}


@pytest.fixture(scope="session")
def org_plan_dict(org_plan):
    return org_plan.to_dict()


@pytest.fixture(scope="session")
def run_plan():
    """``mlgov plan <stack> --no-policy`` on a folder of stack files, through the CLI as a user runs it."""
    from typer.testing import CliRunner

    from mlgov.cli import _register_commands, app

    _register_commands()
    runner = CliRunner()

    def run(stack: str, stacks_dir: Path):
        return runner.invoke(app, ["plan", stack, "--stacks-dir", str(stacks_dir), "--no-policy"])

    return run


@pytest.fixture(scope="session")
def plan_errors(run_plan) -> Callable[[str, str, Path], tuple[str, list[str]]]:
    """Plan a stack whose config is bad: asserts exit code 2 and returns the output and its error lines for one key path."""

    def errors(stack: str, key_path: str, stacks_dir: Path) -> tuple[str, list[str]]:
        result = run_plan(stack, stacks_dir)
        assert result.exit_code == 2, result.output
        return result.output, [line for line in result.output.splitlines() if line.strip().startswith(f"- {key_path}:")]

    return errors
