"""Deliberately broken stacks: `mlgov plan` exits 1 on each and names exactly the policies
the case's ``expected.yaml`` lists.

Every case under ``broken/`` is a Pulumi Python project, compliant in every respect except
one defect; the compliant parts come from the builders in ``broken/_common/compliant.py``,
the defect is spelled out in the case's ``__main__.py``. The command runs once per case (one policy-pack subprocess);
the mandatory violations are read back from its text report, where each one is a line
``mandatory <policy-id>: <urn>``, and must be exactly the expected set, so a fixture that
trips a second policy by accident fails here too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mlgov.cli import _register_commands, app

BROKEN = Path(__file__).resolve().parent / "broken"
# ``_common`` holds the compliant builders the cases import; it is not a case.
CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir() and not p.name.startswith("_") and (p / "expected.yaml").exists())
VIOLATION_LINE = re.compile(r"^\s*(mandatory|advisory|remediate) (\S+): urn:pulumi:", re.MULTILINE)
VIOLATION_COUNT = re.compile(r"^(\d+) policy violation\(s\)$", re.MULTILINE)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _register_commands()
    return CliRunner()


def _expected(case: Path) -> tuple[str, list[str]]:
    data = yaml.safe_load((case / "expected.yaml").read_text())
    return data["stack"], list(data["policies"])


def test_at_least_fifteen_cases() -> None:
    assert len(CASES) >= 15, [c.name for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_is_a_self_contained_project(case: Path) -> None:
    stack, policies = _expected(case)
    assert policies, f"{case.name}: expected.yaml lists no policy"
    project = yaml.safe_load((case / "Pulumi.yaml").read_text())
    assert project["name"] == f"broken-{case.name}"
    assert (case / "__main__.py").is_file()
    assert (case / f"Pulumi.{stack}.yaml").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_plan_fails_on_exactly_the_expected_policies(runner: CliRunner, case: Path) -> None:
    stack, expected = _expected(case)
    # Wide enough that rich never wraps a "mandatory <id>: <urn>" line.
    result = runner.invoke(app, ["plan", stack, "--project-dir", str(case)], env={"COLUMNS": "400"})
    output = result.output
    assert result.exit_code == 1, f"{case.name}: exit {result.exit_code}\n{output}\n{result.exception!r}"
    for policy in expected:
        assert policy in output, f"{case.name}: {policy} not named\n{output}"
    lines = VIOLATION_LINE.findall(output)
    total = VIOLATION_COUNT.search(output)
    assert total is not None and len(lines) == int(total.group(1)), f"report not parsed\n{output}"
    mandatory = {policy for level, policy in lines if level == "mandatory"}
    assert mandatory == set(expected), f"{case.name}: mandatory violations {sorted(mandatory)}\n{output}"
