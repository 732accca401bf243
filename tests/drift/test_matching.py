"""A live organization built to match the sample org plan: no drift, exit 0.

These tests only read, so they share one build (moto requests are slow, see conftest).
"""

from __future__ import annotations

import json

import pytest

from mlgov.drift import compare, organizations_client, read_live_org
from mlgov.drift.compare import compare_report

from .conftest import build_org, moto_client, reset_moto, verify_runner


@pytest.fixture(scope="module")
def matching(moto_url, org_plan_dict) -> str:
    reset_moto(moto_url)
    build_org(moto_client(moto_url), org_plan_dict)
    return moto_url


@pytest.fixture
def run_verify(cli_app, matching, plan_file):
    return verify_runner(cli_app, matching, plan_file)


def test_live_org_reads_like_the_plan(matching, planned):
    live = read_live_org(organizations_client(endpoint_url=matching))
    assert sorted(live.ou_path(i) for i in live.ous) == sorted(
        "/".join(planned.ous[n].name for n in planned.path_to(i)[1:]) for i in planned.ous
    )
    planned_emails = {a.email for a in planned.accounts.values()}
    assert {a.email for a in live.accounts.values()} == planned_emails | {"master@example.com"}  # + management account
    assert live.management_account_id in live.accounts
    assert {"SERVICE_CONTROL_POLICY", "TAG_POLICY"} <= live.enabled_policy_types
    assert {p.name for p in live.policies.values() if not live.is_aws_managed(p.id)} == {p.name for p in planned.policies.values()}
    assert live.is_aws_managed("p-FullAWSAccess")
    assert len([a for a in live.attachments if not live.is_aws_managed(a.policy_id)]) == len(planned.attachments)

    assert compare(planned, live) == []
    report = compare_report(planned, live, enabled_policy_types=["SERVICE_CONTROL_POLICY"], feature_set="ALL")
    counts = {"ous": len(planned.ous), "accounts": len(planned.accounts), "policies": len(planned.policies), "attachments": len(planned.attachments)}
    assert report.ok and report.compared == counts and counts["ous"] == 10 and counts["accounts"] == 8
    assert any("TAG_POLICY" in note for note in report.notes)  # enabled live, not among the planned types given
    assert any(note.startswith(f"management account {live.management_account_id}") for note in report.notes)
    assert not any("FullAWSAccess" in note for note in report.notes)  # on every target, as AWS does it


def test_no_drift_text_and_json(run_verify, planned):
    result = run_verify()
    assert result.exit_code == 0, result.output
    assert "No drift" in result.stdout
    assert f"10 OUs, 8 accounts, {len(planned.policies)} policies, {len(planned.attachments)} attachments" in result.stdout
    assert "management account" in result.stdout  # a note, not drift

    result = run_verify("--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["drift"] == [] and document["summary"]["drift"] == 0
    assert document["stack"] == "org" and document["organization"]["root_id"].startswith("r-")


def test_plans_the_stack_when_no_plan_file(run_verify):
    result = run_verify(plan=None)
    assert result.exit_code == 0, result.output
    assert "No drift" in result.stdout
