"""The sample org stack as the offline engine plans it ."""

from __future__ import annotations

import json
from collections import defaultdict

from mlgov.constants import ROOT, STANDARD_OU_TREE, ControlIdentifier, CoreAccountRole, Limit, TypeToken
from mlgov.engine.org_view import OrgView

OU = TypeToken.ORGANIZATIONAL_UNIT


def _ous_by_name(plan):
    return {resource.inputs["name"]: resource for resource in plan.of_type(OU)}


def test_standard_ou_tree_with_parents(org_plan):
    ous = _ous_by_name(org_plan)
    root_id = org_plan.outputs["rootId"]
    assert root_id.startswith("r-")
    for name, parent in STANDARD_OU_TREE:
        expected_parent = root_id if parent == ROOT else ous[parent].id
        assert ous[name].inputs["parentId"] == expected_parent, name
    assert set(ous) == {name for name, _ in STANDARD_OU_TREE}


def test_every_ou_and_account_is_protected(org_plan):
    for resource in org_plan.of_type(OU) + org_plan.of_type(TypeToken.ACCOUNT) + org_plan.of_type(TypeToken.ORGANIZATION):
        assert resource.protect, resource.urn


def test_core_accounts_in_their_ous_never_closed_on_delete(org_plan):
    ous = _ous_by_name(org_plan)
    accounts = {resource.name.removeprefix("account-"): resource for resource in org_plan.of_type(TypeToken.ACCOUNT)}
    assert set(accounts) == {role.value for role in CoreAccountRole}
    for role, account in accounts.items():
        assert account.inputs["closeOnDeletion"] is False
        assert account.inputs["roleName"] == "OrganizationAccountAccessRole"
    assert accounts["log-archive"].inputs["parentId"] == ous["Security"].id
    assert accounts["network"].inputs["parentId"] == ous["Infrastructure"].id
    assert accounts["data-lake"].inputs["parentId"] == ous["Workloads"].id
    assert accounts["break-glass"].inputs["email"] == "aws-break-glass@example.com"
    assert accounts["network"].inputs["email"] == "aws+network@example.com"


def creation_waves(plan) -> dict[str, int]:
    """Wave of each account: 1 + the latest wave among accounts it (transitively) waits for."""
    accounts = {resource.urn: resource for resource in plan.of_type(TypeToken.ACCOUNT)}
    waves: dict[str, int] = {}

    def wave(urn: str) -> int:
        if urn not in waves:
            before = [wave(dep) for dep in accounts[urn].dependencies if dep in accounts]
            waves[urn] = 1 + max(before, default=0)
        return waves[urn]

    for urn in accounts:
        wave(urn)
    return waves


def test_accounts_created_in_waves_of_at_most_five(org_plan):
    per_wave = defaultdict(int)
    for wave in creation_waves(org_plan).values():
        per_wave[wave] += 1
    assert max(per_wave.values()) <= Limit.CONCURRENT_ACCOUNT_CREATIONS
    assert sum(per_wave.values()) == 8 and len(per_wave) == 2


def test_scp_content_is_minified_json_within_limits(org_plan):
    policies = org_plan.of_type(TypeToken.POLICY)
    assert len(policies) >= 10
    for policy in policies:
        content = policy.inputs["content"]
        document = json.loads(content)
        assert json.dumps(document, separators=(",", ":")) == content
        assert document["Version"] == "2012-10-17"
        assert len(content.encode()) <= Limit.SCP_MAX_CHARS


def _attached_targets(plan, policy_name: str) -> set[str]:
    view = OrgView.from_stack(plan.to_dict())
    policy_ids = {pid for pid, policy in view.policies.items() if policy.name == policy_name}
    assert policy_ids, f"no policy named {policy_name}"
    return {view.target_name(a.target_id) for a in view.attachments if a.policy_id in policy_ids}


def test_endpoint_deny_only_on_sandbox_and_dev(org_plan):
    assert _attached_targets(org_plan, "mlgov-deny-sagemaker-endpoints") == {"Sandbox", "Workloads_Dev"}


def test_baseline_at_root_and_ml_set_on_workloads(org_plan):
    assert "Root" in _attached_targets(org_plan, "mlgov-deny-leave-organization")
    assert "Root" in _attached_targets(org_plan, "mlgov-region-allow-list")
    assert "Workloads" in _attached_targets(org_plan, "mlgov-sagemaker-require-vpc")
    assert _attached_targets(org_plan, "mlgov-sandbox-isolation") == {"Sandbox"}


def test_three_s3_controls_on_every_workloads_ou_targeting_its_arn(org_plan):
    ous = _ous_by_name(org_plan)
    controls = org_plan.of_type(TypeToken.CONTROL_TOWER_CONTROL)
    for name in ("Workloads_Dev", "Workloads_PreProd", "Workloads_Prod"):
        arn = ous[name].outputs["arn"]
        assert arn.startswith("arn:aws:organizations::") and arn.endswith("/" + ous[name].id)
        on_ou = {c.inputs["controlIdentifier"] for c in controls if c.inputs["targetIdentifier"] == arn}
        assert on_ou == {control.arn("eu-west-1") for control in ControlIdentifier}
    assert len(controls) == 9


def test_urns_follow_the_engine_for_nested_components(org_plan):
    dev = _ous_by_name(org_plan)["Workloads_Dev"]
    assert dev.urn == (
        "urn:pulumi:org::mlgov::mlgov:organizational_units:OrganizationalUnits$"
        "aws:organizations/organizationalUnit:OrganizationalUnit::ou-workloads-dev"
    )
    assert dev.parent == "urn:pulumi:org::mlgov::mlgov:organizational_units:OrganizationalUnits::ous"
    assert dev.provider.startswith("urn:pulumi:org::mlgov::pulumi:providers:aws::default_7_51_1::")
    assert dev.property_dependencies["parentId"]


def test_stack_outputs_name_every_ou_and_account(org_plan):
    outputs = org_plan.outputs
    assert set(outputs["organizationalUnits"]) == {name for name, _ in STANDARD_OU_TREE}
    assert set(outputs["accounts"]) == {role.value for role in CoreAccountRole}
    assert outputs["homeRegion"] == "eu-west-1"
    assert outputs["organizationId"].startswith("o-")


def test_plans_are_deterministic(org_plan_dict):
    from mlgov.engine import plan_stacks

    again = plan_stacks(["org"]).stacks[0].to_dict()
    assert json.dumps(again, sort_keys=True) == json.dumps(org_plan_dict, sort_keys=True)
