"""`mlgov verify` against the organization that `pulumi up --stack org` made in moto."""

from __future__ import annotations

import json
import subprocess
import sys

import boto3
import pytest

pytestmark = pytest.mark.slow
POLICY = "mlgov-deny-root-user"


def _verify(lane) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlgov", "verify", "--stack", "org", "--endpoint-url", lane.moto.url, "--format", "json"],
        cwd=lane.project, env=lane.pulumi.env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_verify_reports_no_drift_after_up_then_exactly_the_scp_changed_behind_pulumis_back(deployed):
    clean = _verify(deployed)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    organizations = boto3.client("organizations", endpoint_url=deployed.moto.url, region_name="us-east-1",
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
    policy = next(p for p in organizations.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"] if p["Name"] == POLICY)
    original = organizations.describe_policy(PolicyId=policy["Id"])["Policy"]["Content"]
    changed = json.loads(original)
    changed["Statement"][0]["Action"] = ["iam:*"]
    organizations.update_policy(PolicyId=policy["Id"], Content=json.dumps(changed))
    try:
        drifted = _verify(deployed)
    finally:
        organizations.update_policy(PolicyId=policy["Id"], Content=original)

    assert drifted.returncode == 1, drifted.stdout + drifted.stderr
    report = json.loads(drifted.stdout)
    found = report["drift"]
    assert len(found) == 1, found
    assert POLICY in json.dumps(found[0])
