"""An organization built from the plan, then altered: verify names each drift and exits 1."""

from __future__ import annotations

import json

from .conftest import account_id, detail_of, drift_of, ou_id, policy_id

DATA_LAKE = "aws+data-lake@example.com"


def test_each_injected_drift_is_named(make_org, org_client, planned, run_verify):
    """Four independent changes on one build: a detached SCP, an edited SCP, an extra
    account, a moved account; plus a reformatted SCP, which is not drift."""
    make_org()
    root = ou_id(org_client)
    org_client.detach_policy(PolicyId=policy_id(org_client, "mlgov-deny-root-user"), TargetId=root)

    edited = next(p for p in planned.policies.values() if p.name == "mlgov-sagemaker-require-vpc")
    document = json.loads(edited.content)
    first = document["Statement"][0]
    first["Action"] = first["Action"][:1]  # someone narrowed the guardrail in the console
    document["Statement"].append({"Sid": "Extra", "Effect": "Deny", "Action": "s3:*", "Resource": "*"})
    org_client.update_policy(PolicyId=policy_id(org_client, edited.name), Content=json.dumps(document))

    reformatted = next(p for p in planned.policies.values() if p.name == "mlgov-deny-leave-organization")
    pretty = json.dumps(dict(reversed(list(json.loads(reformatted.content).items()))), indent=4)
    org_client.update_policy(PolicyId=policy_id(org_client, reformatted.name), Content=pretty)

    org_client.create_account(Email="shadow-it@example.com", AccountName="Shadow IT")
    org_client.move_account(AccountId=account_id(org_client, DATA_LAKE), SourceParentId=ou_id(org_client, "Workloads"),
                            DestinationParentId=ou_id(org_client, "Sandbox"))

    result = run_verify("--format", "json")
    assert result.exit_code == 1, result.output
    assert drift_of(result) == [
        ("extra-account", "Shadow IT <shadow-it@example.com>"),
        ("moved-account", f"Data Lake <{DATA_LAKE}>"),
        ("policy-content", "mlgov-sagemaker-require-vpc"),
        ("missing-attachment", "mlgov-deny-root-user -> Root"),
    ]
    detail = detail_of(result, "policy-content", "mlgov-sagemaker-require-vpc")
    assert detail == f"statements changed: {first['Sid']}; live statements not in the plan: Extra"
    assert detail_of(result, "moved-account", f"Data Lake <{DATA_LAKE}>") == "planned in Workloads, live in Sandbox"
    assert detail_of(result, "extra-account", "Shadow IT <shadow-it@example.com>").endswith("in Root, not in the plan")

    text = run_verify()
    assert text.exit_code == 1, text.output
    assert "4 finding(s)" in text.stdout
    for line in (
        "missing-attachment  mlgov-deny-root-user -> Root: planned, not attached in the live organization",
        "policy-content      mlgov-sagemaker-require-vpc: statements changed:",
        "extra-account       Shadow IT <shadow-it@example.com>:",
        f"moved-account       Data Lake <{DATA_LAKE}>: planned in Workloads, live in Sandbox",
    ):
        assert line in text.stdout, text.stdout


def test_missing_ou(make_org, org_client, run_verify):
    """Built without Workloads_Dev: one finding (its planned attachments are not repeated).
    FullAWSAccess detached from Sandbox is a note, not drift."""
    make_org(skip_ous=["Workloads_Dev"])
    org_client.detach_policy(PolicyId="p-FullAWSAccess", TargetId=ou_id(org_client, "Sandbox"))
    result = run_verify("--format", "json")
    assert result.exit_code == 1, result.output
    assert drift_of(result) == [("missing-ou", "Workloads/Workloads_Dev")]
    assert detail_of(result, "missing-ou", "Workloads/Workloads_Dev") == (
        "planned under Workloads, not in the live organization; "
        "planned SCPs there: mlgov-deny-sagemaker-endpoints, mlgov-sagemaker-instance-types-workloads-dev"
    )
    notes = json.loads(result.stdout)["notes"]
    assert [note for note in notes if "FullAWSAccess" in note] == [
        "FullAWSAccess is not attached to OU Sandbox: with deny-list SCPs nothing is allowed there unless an "
        "attached SCP allows it (AWS requires at least one SCP on every target)"
    ]


def test_moved_ou(make_org, run_verify):
    """AWS cannot move an OU; one recreated under another parent is reported as moved, once."""
    make_org(reparent={"Workloads_Dev": "Sandbox"})
    result = run_verify("--format", "json")
    assert result.exit_code == 1, result.output
    assert drift_of(result) == [("moved-ou", "Workloads/Workloads_Dev")]
    assert detail_of(result, "moved-ou", "Workloads/Workloads_Dev") == "planned under Workloads, live under Sandbox"


def test_other_kinds_in_deterministic_order(make_org, org_client, run_verify):
    make_org(skip_ous=["Deployments_Prod"])
    root, sandbox = ou_id(org_client), ou_id(org_client, "Sandbox")
    rogue = org_client.create_policy(Name="console-allow-all", Description="", Type="SERVICE_CONTROL_POLICY",
                                     Content='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
    org_client.attach_policy(PolicyId=rogue["Policy"]["PolicySummary"]["Id"], TargetId=sandbox)
    org_client.attach_policy(PolicyId=policy_id(org_client, "mlgov-deny-sagemaker-endpoints"), TargetId=root)
    org_client.create_organizational_unit(ParentId=root, Name="Suspended")
    doomed = policy_id(org_client, "mlgov-sandbox-isolation")
    org_client.detach_policy(PolicyId=doomed, TargetId=sandbox)
    org_client.delete_policy(PolicyId=doomed)
    network = account_id(org_client, "aws+network@example.com")
    org_client.move_account(AccountId=network, SourceParentId=ou_id(org_client, "Infrastructure"), DestinationParentId=root)
    org_client.remove_account_from_organization(AccountId=network)
    org_client.close_account(AccountId=account_id(org_client, "aws-break-glass@example.com"))
    org_client.disable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")

    first, second = run_verify("--format", "json"), run_verify("--format", "json")
    assert first.exit_code == 1, first.output
    assert first.stdout == second.stdout
    assert drift_of(first) == [
        ("org-setting", "policy type SERVICE_CONTROL_POLICY"),
        ("missing-ou", "Deployments/Deployments_Prod"),
        ("extra-ou", "Suspended"),
        ("missing-account", "Break Glass <aws-break-glass@example.com>"),
        ("missing-account", "Network <aws+network@example.com>"),
        ("missing-policy", "mlgov-sandbox-isolation"),
        ("extra-policy", "console-allow-all"),
        ("extra-attachment", "mlgov-deny-sagemaker-endpoints -> Root"),
    ]
    assert "SUSPENDED" in detail_of(first, "missing-account", "Break Glass <aws-break-glass@example.com>")
    assert detail_of(first, "extra-policy", "console-allow-all").endswith("attached to: OU Sandbox")
    assert detail_of(first, "missing-policy", "mlgov-sandbox-isolation") == "planned, not in the live organization; planned on: OU Sandbox"
    summary = json.loads(first.stdout)["summary"]
    assert summary["drift"] == 8 and summary["by_kind"]["missing-account"] == 2
