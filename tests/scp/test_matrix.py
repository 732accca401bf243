"""The scenario catalogue against the real guardrail catalogue, and the scp-matrix command."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from mlgov.commands.scp_matrix import register
from mlgov.scp.matrix import PlanShapeError, build_matrix, levels_for_ou, to_json, to_markdown, to_text
from mlgov.scp.scenarios import ScenarioError, load_catalogue, parse_catalogue


@pytest.fixture(scope="module")
def scenarios():
    return load_catalogue()


def test_catalogue_matches_expectations(catalogue_plan, scenarios):
    # The synthetic plan has no environment stacks: the scenarios that read them are tested on the sample plans.
    matrix = build_matrix(catalogue_plan, scenarios.scp_only())
    assert [(c.scenario, c.ou, c.verdict, c.decision.detail) for c in matrix.mismatches] == []


def test_sample_plans_match_expectations(sample_plans, scenarios):
    matrix = build_matrix(sample_plans["org"], scenarios, stacks=sample_plans)
    assert [(c.scenario, c.ou, c.verdict, c.decision.detail) for c in matrix.mismatches] == []
    assert {c.scenario for c in matrix.cells} == {s.id for s in scenarios.scenarios}


def test_access_scenarios_need_the_plans_they_read(sample_org_plan, scenarios):
    with pytest.raises(PlanShapeError, match="dev-reads-prod-raw-data.*stack\\(s\\) dev, prod"):
        build_matrix(sample_org_plan, scenarios)


@pytest.mark.parametrize(
    "scenario,ou,verdict,sid",
    [
        ("endpoint-through-vpc-endpoint", "Sandbox", "denied", "DenyEndpoints"),
        ("endpoint-through-vpc-endpoint", "Workloads_Dev", "denied", "DenyEndpoints"),
        ("endpoint-through-vpc-endpoint", "Workloads_PreProd", "allowed", None),
        ("endpoint-through-vpc-endpoint", "Workloads_Prod", "allowed", None),
        ("endpoint-from-outside-vpc", "Workloads_Prod", "denied", "EndpointsFromVpcOnly"),
        ("training-job-without-vpc", "Workloads_Dev", "denied", "VpcSubnets"),
        ("training-job-with-vpc-and-kms", "Workloads_Dev", "allowed", None),
        ("training-job-with-vpc-and-kms", "Workloads_Prod", "denied", "NetworkIsolation"),
        ("p4d-training-in-dev", "Workloads_Dev", "denied", "AllowedInstanceTypes"),
        ("root-user-creates-iam-user", "Workloads_Prod", "denied", "DenyRootUser"),
    ],
)
def test_deciding_statement(catalogue_plan, scenarios, scenario, ou, verdict, sid):
    cell = build_matrix(catalogue_plan, scenarios.scp_only()).cell(scenario, ou)
    assert (cell.verdict, cell.decision.sid) == (verdict, sid)


def test_levels_walk_root_to_account(catalogue_plan):
    levels = levels_for_ou(catalogue_plan, "Workloads_Dev")
    assert [level.target for level in levels] == ["Root", "Workloads", "Workloads_Dev", "Account in Workloads_Dev"]
    assert all(level.policies[0].name == "FullAWSAccess" for level in levels)
    with pytest.raises(PlanShapeError, match="Nowhere"):
        levels_for_ou(catalogue_plan, "Nowhere")


def test_renderers_are_deterministic(catalogue_plan, scenarios):
    a, b = build_matrix(catalogue_plan, scenarios.scp_only()), build_matrix(catalogue_plan, scenarios.scp_only())
    assert to_markdown(a) == to_markdown(b)
    assert to_json(a) == to_json(b)
    assert json.loads(to_json(a))["summary"] == {"cells": len(a.cells), "mismatches": 0, "ok": True}
    assert "DenyEndpoints" in to_text(a)


def test_loader_fills_defaults_and_rejects_bad_files(scenarios):
    request = scenarios.by_id("region-outside-allow-list").request
    assert request.context["aws:RequestedRegion"] == "us-west-2"
    assert request.resource.startswith("arn:aws:sagemaker:us-west-2:111122223333:")
    assert scenarios.by_id("endpoint-from-outside-vpc").request.context["aws:TagKeys"] == ("mlgov:project", "mlgov:cost-center")
    with pytest.raises(ScenarioError, match="unknown OU"):
        parse_catalogue({"ous": ["Sandbox"], "scenarios": [{"id": "x", "description": "d", "request": {"action": "s3:GetObject"}, "expected": {"Prod": "denied"}}]})
    with pytest.raises(ScenarioError, match="allowed"):
        parse_catalogue({"ous": ["Sandbox"], "scenarios": [{"id": "x", "description": "d", "request": {"action": "s3:GetObject"}, "expected": {"Sandbox": "nope"}}]})


def _app():
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        pass

    return app


def _plan_file(tmp_path, *stacks):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"stacks": list(stacks)}))
    return path


def test_cli_exit_codes(tmp_path, sample_plans):
    runner = CliRunner()
    plan = _plan_file(tmp_path, *sample_plans.values())
    ok = runner.invoke(_app(), ["scp-matrix", "--plan-file", str(plan), "--format", "markdown"])
    assert ok.exit_code == 0, ok.output
    assert "| Scenario |" in ok.output and "dev-reads-redacted-export" in ok.output

    broken = json.loads(json.dumps(sample_plans["org"]))
    broken["resources"] = [r for r in broken["resources"] if not r["name"].startswith("scp-deny-sagemaker-endpoints")]
    bad = runner.invoke(_app(), ["scp-matrix", "--plan-file", str(_plan_file(tmp_path, broken, sample_plans["dev"], sample_plans["prod"])), "--format", "json"])
    assert bad.exit_code == 1

    org_only = runner.invoke(_app(), ["scp-matrix", "--plan-file", str(_plan_file(tmp_path, sample_plans["org"]))])
    assert org_only.exit_code == 2 and "no stack 'dev' in the plan" in org_only.output

    missing = runner.invoke(_app(), ["scp-matrix", "--plan-file", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    (tmp_path / "junk.json").write_text("{")
    junk = runner.invoke(_app(), ["scp-matrix", "--plan-file", str(tmp_path / "junk.json")])
    assert junk.exit_code == 2 and "Traceback" not in junk.output
    other = runner.invoke(_app(), ["scp-matrix", "--plan-file", str(plan), "--stack", "nowhere"])
    assert other.exit_code == 2 and "no stack" in other.output and "in the plan" in other.output
