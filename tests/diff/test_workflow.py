"""The PR preview workflow: valid YAML, pinned actions, the jobs the issue asks for."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "preview.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@([0-9a-f]{40}|v\d+\.\d+\.\d+)$")


def test_workflow_is_valid_and_pinned():
    document = yaml.safe_load(WORKFLOW.read_text())
    assert document[True] == {"pull_request": None}  # YAML 1.1 reads the key `on` as True
    assert document["permissions"] == {"contents": "read", "pull-requests": "write", "id-token": "write"}
    jobs = document["jobs"]
    assert set(jobs) == {"offline-diff", "pulumi-preview"}
    uses = [step["uses"] for job in jobs.values() for step in job["steps"] if "uses" in step]
    assert uses and all(PINNED.match(u) for u in uses), [u for u in uses if not PINNED.match(u)]
    checkout = jobs["offline-diff"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    run = "\n".join(step.get("run", "") for step in jobs["offline-diff"]["steps"])
    assert "-m mlgov diff --base" in run and "--format markdown" in run
    sticky = next(s for s in jobs["offline-diff"]["steps"] if "sticky-pull-request-comment" in s.get("uses", ""))
    assert sticky["with"] == {"header": "mlgov-diff", "path": "diff.md"}
    preview = jobs["pulumi-preview"]
    assert preview["strategy"]["matrix"]["stack"] == ["org", "sandbox", "dev", "preprod", "prod"]
    gated = [s for s in preview["steps"][1:]]
    assert all(s.get("if") == "steps.creds.outputs.configured == 'true'" for s in gated)
    assert "skipped: configure PULUMI_ACCESS_TOKEN and AWS_ROLE_ARN" in preview["steps"][0]["run"]
    pulumi = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["command"] == "preview" and pulumi["with"]["policyPacks"] == "policypacks/ml-guardrails"
    assert pulumi["with"]["comment-on-pr"] is True and pulumi["with"]["diff"] is True
