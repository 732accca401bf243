"""`mlgov plan` end to end: policy config as `pulumi preview --policy-pack-config` passes it, output files."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mlgov.cli import _register_commands, app


@pytest.fixture(scope="module")
def cli():
    _register_commands()
    return CliRunner()


def test_policy_config_tightens_a_limit_into_violations(cli, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"scp-size": {"maxCharacters": 1500, "maxBytes": 1500}}))
    output = tmp_path / "plan.json"
    result = cli.invoke(app, ["plan", "org", "--policy-config", str(config), "--format", "json", "--output", str(output)])
    assert result.exit_code == 1, result.output
    violations = json.loads(output.read_text())["stacks"][0]["violations"]
    assert violations and {v["policy"] for v in violations} == {"scp-size"}
    assert all(v["level"] == "mandatory" and v["message"].startswith("Violation:") for v in violations)


def test_policy_config_can_lower_the_enforcement_level(cli, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"scp-size": {"enforcementLevel": "advisory", "maxCharacters": 1500, "maxBytes": 1500}}))
    result = cli.invoke(app, ["plan", "org", "--policy-config", str(config)])
    assert result.exit_code == 0, result.output
    assert "advisory" in result.output and "scp-size" in result.output


@pytest.mark.parametrize(
    "content, words",
    [
        (json.dumps({"scp-size": {"maxCharacters": "big"}}), "scp-size.maxCharacters"),
        (json.dumps({"no-such-policy": {}}), "no-such-policy"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_policy_config_exits_2(cli, tmp_path, content, words):
    config = tmp_path / "policy-config.json"
    config.write_text(content)
    result = cli.invoke(app, ["plan", "org", "--policy-config", str(config)])
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_missing_policy_config_file_exits_2(cli, tmp_path):
    result = cli.invoke(app, ["plan", "org", "--policy-config", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "no such file" in result.output
