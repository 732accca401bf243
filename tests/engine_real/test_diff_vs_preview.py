"""`mlgov diff` on a branch that changes the org stack reports what `pulumi preview --diff` reports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from tests.engine_real.conftest import needs_force_replace

pytestmark = [pytest.mark.slow, needs_force_replace]
STACK = "org"


def _git(lane, *args: str) -> None:
    subprocess.run(["git", "-C", str(lane.project), *args], check=True, capture_output=True,
                   env={**lane.pulumi.env, "GIT_AUTHOR_NAME": "lane", "GIT_AUTHOR_EMAIL": "lane@example.com",
                        "GIT_COMMITTER_NAME": "lane", "GIT_COMMITTER_EMAIL": "lane@example.com"})


def _change_org_stack(lane) -> None:
    """A branch that adds an OU (creates), widens the region allow-list (updates) and drops Identity Center assignments (deletes)."""
    path = lane.project / "stacks" / f"Pulumi.{STACK}.yaml"
    document = yaml.safe_load(path.read_text())
    config = document["config"]
    config["mlgov:regulatedOu"]["enabled"] = True
    config["mlgov:organization"]["allowedRegions"] = [*config["mlgov:organization"]["allowedRegions"], "us-east-1"]
    config["mlgov:identityCenter"]["enabled"] = False
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def _offline(lane) -> dict[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "mlgov", "diff", STACK, "--base", "HEAD", "--format", "json", "--project-dir", str(lane.project)],
        cwd=lane.project, env=lane.pulumi.env, capture_output=True, text=True, timeout=900, check=False,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    stack = next(s for s in json.loads(done.stdout)["stacks"] if s["name"] == STACK)
    replaced = {d["urn"] for d in stack["destructive"] if d["action"] == "replace"}
    return {
        "create": {r["urn"] for r in stack["added"]},
        "delete": {r["urn"] for r in stack["removed"]},
        "replace": replaced,
        "update": {r["urn"] for r in stack["changed"]} - replaced,
    }


def _real(lane) -> dict[str, set[str]]:
    preview = lane.pulumi.run("preview", "--stack", STACK, "--diff", "--json")
    steps = json.loads(preview.stdout)["steps"]
    ops = {"create": set(), "delete": set(), "replace": set(), "update": set()}
    for step in steps:
        if step["op"] in ops:
            ops[step["op"]].add(step["urn"])
    return ops


def test_mlgov_diff_matches_pulumi_preview_diff(deployed):
    if not (deployed.project / ".git").exists():
        _git(deployed, "init", "-q")
        _git(deployed, "add", "-A")
        _git(deployed, "commit", "-qm", "deployed")
    _change_org_stack(deployed)
    offline, real = _offline(deployed), _real(deployed)
    assert real["create"] and real["update"] and real["delete"], f"the branch does not exercise every kind of change: {real}"
    assert offline == real
