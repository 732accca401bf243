"""Bad shared-stack settings exit 2, naming the key path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mlgov.cli import _register_commands, app
from mlgov.engine import PROJECT_DIR


@pytest.fixture(scope="module")
def cli():
    _register_commands()
    return CliRunner()


def stacks_with(tmp_path: Path, **changes) -> Path:
    for path in (PROJECT_DIR / "stacks").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    document = yaml.safe_load((tmp_path / "Pulumi.shared.yaml").read_text())
    for key, value in changes.items():
        if value is None:
            document["config"].pop(f"mlgov:{key}", None)
        else:
            document["config"][f"mlgov:{key}"] = value
    (tmp_path / "Pulumi.shared.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return tmp_path


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"dataLakeZones": ["raw", "Curated_Zone", "curated"]}, "mlgov:dataLakeZones[1]", "zone name"),
        ({"dataLakeZones": ["raw", "features"]}, "mlgov:dataLakeZones", "'curated'"),
        ({"dataLakeZones": ["raw", "curated", "raw"]}, "mlgov:dataLakeZones[2]", "same data-lake zone"),
        ({"ecrRepositories": ["ml/base", "ml/serve", "ml/base"]}, "mlgov:ecrRepositories[2]", "same ECR repository"),
        ({"ecrRepositories": ["ML/Base"]}, "mlgov:ecrRepositories[0]", "ECR repository name"),
        ({"codeArtifact": {"domain": "x"}}, "mlgov:codeArtifact.domain", "CodeArtifact domain"),
        ({"environmentStacks": {"dev": "dev", "prod": "prod"}}, "mlgov:environmentStacks", "lacks 'preprod'"),
        ({"costCenter": None}, "mlgov:costCenter", "Field required"),
        ({"logArchive": {"retentionDays": 0}}, "mlgov:logArchive.retentionDays", "greater than or equal"),
    ],
)
def test_bad_shared_config_exits_2_naming_the_key(cli, tmp_path, changes, path, words):
    result = cli.invoke(app, ["plan", "shared", "--stacks-dir", str(stacks_with(tmp_path, **changes)), "--no-policy"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip().startswith(f"- {path}:")]
    assert lines and words in " ".join(lines), result.output
    assert "Traceback" not in result.output


def test_all_mistakes_are_reported_together(cli, tmp_path):
    stacks = stacks_with(tmp_path, dataLakeZones=["raw", "Bad!"], ecrRepositories=["a/b", "a/b"])
    result = cli.invoke(app, ["plan", "shared", "--stacks-dir", str(stacks), "--no-policy"])
    assert result.exit_code == 2
    assert "mlgov:dataLakeZones[1]" in result.output and "mlgov:ecrRepositories[1]" in result.output
