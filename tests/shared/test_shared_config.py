"""Bad shared-stack settings exit 2, naming the key path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mlgov.engine import PROJECT_DIR


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
        ({"environmentStacks": {"sandbox": "sandbox", "dev": "dev", "preprod": "preprod", "prod": "prod"}},
         "mlgov:environmentStacks.sandbox", "sandbox accounts get no shared services"),
        ({"costCenter": None}, "mlgov:costCenter", "Field required"),
        ({"logArchive": {"retentionDays": 0}}, "mlgov:logArchive.retentionDays", "greater than or equal"),
    ],
)
def test_bad_shared_config_exits_2_naming_the_key(plan_errors, tmp_path, changes, path, words):
    output, lines = plan_errors("shared", path, stacks_with(tmp_path, **changes))
    assert lines and words in " ".join(lines), output
    assert "Traceback" not in output


def test_all_mistakes_are_reported_together(run_plan, tmp_path):
    stacks = stacks_with(tmp_path, dataLakeZones=["raw", "Bad!"], ecrRepositories=["a/b", "a/b"])
    result = run_plan("shared", stacks)
    assert result.exit_code == 2
    assert "mlgov:dataLakeZones[1]" in result.output and "mlgov:ecrRepositories[1]" in result.output
