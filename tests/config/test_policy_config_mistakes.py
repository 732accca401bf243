"""``--policy-config`` mistakes: refused before any program runs, naming the policy, the property and the fix."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mlgov.cli import _register_commands, app

CASES = [
    ({"scp-size": {"maxCharacter": 5000}}, "'scp-size.maxCharacter'", "'maxCharacters'"),
    ({"required-tags": {"requiredTag": ["mlgov:project"]}}, "'required-tags.requiredTag'", "'requiredTags'"),
    ({"account-protection": {"strict": True}}, "'account-protection.strict'", "no properties"),
    ({"scp-sise": {"maxCharacters": 5000}}, "'scp-sise'", "'scp-size'"),
    ({"all": {"enforcementLevel": "advisory", "maxCharacters": 1}}, "'all'", "per policy"),
    (["scp-size"], "not a JSON object", "object keyed by policy name"),
    ({"scp-size": ["advisory"]}, "'scp-size'", "enforcement level"),
]


@pytest.mark.slow
@pytest.mark.parametrize("config, where, fix", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bad_policy_config_exits_2_before_planning(tmp_path, config, where, fix):
    _register_commands()
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(config))
    result = CliRunner().invoke(app, ["plan", "org", "--policy-config", str(path)])
    assert result.exit_code == 2, result.output
    line = next((line for line in result.output.splitlines() if where in line), None)
    assert line is not None, result.output
    assert "Fix:" in line and fix in line, line
    # Refused before any program ran: no plan was printed.
    assert "Stack org" not in result.output and "Traceback" not in result.output
