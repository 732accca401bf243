"""The PR preview workflow: valid YAML, pinned actions, the jobs it must run, and no zizmor finding."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "preview.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_workflow_is_valid_and_pinned():
    document = yaml.safe_load(WORKFLOW.read_text())
    assert document[True] == {"pull_request": None}  # YAML 1.1 reads the key `on` as True
    # Nothing at workflow level; each job names what it needs, and only the AWS job gets OIDC.
    assert document["permissions"] == {}
    jobs = document["jobs"]
    assert jobs["offline-diff"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert jobs["pulumi-preview"]["permissions"] == {"contents": "read", "id-token": "write", "pull-requests": "write"}
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
    assert preview["strategy"]["matrix"]["stack"] == ["org", "sandbox", "dev", "preprod", "prod", "shared"]
    gated = [s for s in preview["steps"][1:]]
    assert all(s.get("if") == "steps.creds.outputs.configured == 'true'" for s in gated)
    assert "skipped: configure PULUMI_ACCESS_TOKEN and AWS_ROLE_ARN" in preview["steps"][0]["run"]
    pulumi = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi["with"]["command"] == "preview" and pulumi["with"]["policyPacks"] == "policypacks/ml-guardrails"
    assert pulumi["with"]["comment-on-pr"] is True and pulumi["with"]["diff"] is True


def test_no_expression_is_expanded_inside_a_shell_script():
    """``${{ }}`` in ``run:`` is pasted into the script before it runs (template injection);
    values reach scripts through ``env`` instead."""
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    scripts = [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]
    assert scripts and not [s for s in scripts if "${{" in s]


def test_checkouts_do_not_persist_credentials():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    checkouts = [s for job in jobs.values() for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 2 and all(s["with"]["persist-credentials"] is False for s in checkouts)


# ---- zizmor (GitHub Actions security linter), offline -------------------------------------------

ZIZMOR = Path(sys.executable).with_name("zizmor")
BLOCKING = ("medium", "high")
# The defects the workflow once had: workflow-level id-token, an expression in a script,
# a tag-pinned action and persisted checkout credentials.
UNSAFE_WORKFLOW = """\
name: unsafe
on:
  pull_request:
permissions:
  contents: read
  id-token: write
jobs:
  diff:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "origin/${{ github.head_ref }}"
  other:
    runs-on: ubuntu-latest
    steps:
      - run: echo done
"""


def zizmor_findings(target: Path) -> list[dict]:
    """zizmor's findings at medium severity or above, offline: no GitHub token, no network
    (online audits off, and a dead proxy so that any request would fail loudly)."""
    assert ZIZMOR.is_file(), "zizmor is missing: make install (it is pinned in requirements-dev.txt)"
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")}
    env.update({"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_COLOR": "1"})
    result = subprocess.run(
        # --no-config/--no-ignores: no ignore comment or config file can hide a finding.
        [str(ZIZMOR), "--offline", "--no-config", "--no-ignores", "--no-progress", "--format", "json",
         "--min-severity", "medium", str(target)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    try:
        findings = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"zizmor gave no JSON (exit {result.returncode}): {result.stderr[-2000:]}")
    return [f for f in findings if f["determinations"]["severity"].lower() in BLOCKING]


def test_zizmor_finds_nothing_at_medium_or_above_in_the_workflows():
    findings = zizmor_findings(WORKFLOWS)
    assert findings == [], [(f["ident"], f["determinations"]["severity"], f["desc"]) for f in findings]


def test_zizmor_check_catches_each_defect_the_workflow_had(tmp_path):
    """The check above could not pass by running nothing: on the old defects it reports each of them."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "unsafe.yml").write_text(UNSAFE_WORKFLOW)
    idents = {f["ident"] for f in zizmor_findings(tmp_path / ".github" / "workflows")}
    assert {"excessive-permissions", "template-injection", "unpinned-uses", "artipacked"} <= idents, idents
