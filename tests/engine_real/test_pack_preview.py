"""The policy pack under the real `pulumi preview`: mandatory violations fail it, advisory ones do not."""

from __future__ import annotations

import json
import shutil

import pytest

from mlgov.testing.real_engine import REPO, Pulumi

pytestmark = pytest.mark.slow
BROKEN = REPO / "tests" / "policypack" / "broken"
CASE = "bucket-without-kms"
POLICY = "s3-kms-encryption"


@pytest.fixture(scope="module")
def broken_project(lane):
    folder = lane.root / "broken"
    shutil.copytree(BROKEN / CASE, folder / CASE)
    shutil.copytree(BROKEN / "_common", folder / "_common")
    pulumi = Pulumi(lane.pulumi.cli, folder / CASE, lane.pulumi.env)
    pulumi.run("stack", "init", "dev", "--secrets-provider", "passphrase")
    return pulumi


def test_a_mandatory_violation_fails_the_real_preview(lane, broken_project):
    result = broken_project.run("preview", "--stack", "dev", "--policy-pack", str(lane.project / "policypacks/ml-guardrails"), check=False)
    assert result.returncode != 0
    assert POLICY in result.output and "mandatory" in result.output


def test_an_advisory_violation_is_reported_and_the_preview_succeeds(lane, broken_project, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({POLICY: "advisory"}))
    result = broken_project.run(
        "preview", "--stack", "dev", "--policy-pack", str(lane.project / "policypacks/ml-guardrails"),
        "--policy-pack-config", str(config), check=False,
    )
    assert result.returncode == 0, result.output[-4000:]
    assert POLICY in result.output and "advisory" in result.output
