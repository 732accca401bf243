"""Each component on its own, under the recording monitor; assertions on registrations."""

from __future__ import annotations

import json

import pytest

from mlgov.constants import TypeToken
from mlgov.engine.runner import run_under_monitor
from mlgov.guardrails import Statement, ServiceControlPolicy


def plan(program):
    return run_under_monitor(program, stack="test")


def test_organization_is_created_with_all_features_and_protected():
    from components.organization import Organization, OrganizationArgs

    result = plan(lambda: Organization("org", OrganizationArgs()))
    (organization,) = result.of_type(TypeToken.ORGANIZATION)
    assert organization.inputs["featureSet"] == "ALL"
    assert set(organization.inputs["enabledPolicyTypes"]) == {"SERVICE_CONTROL_POLICY", "TAG_POLICY"}
    assert "controltower.amazonaws.com" in organization.inputs["awsServiceAccessPrincipals"]
    assert organization.protect and organization.import_id == ""
    assert organization.parent.endswith("mlgov:organization:Organization::org")


def test_existing_organization_is_imported_not_created():
    from components.organization import Organization, OrganizationArgs

    result = plan(lambda: Organization("org", OrganizationArgs(existing_organization_id="o-a1b2c3d4e5")))
    (organization,) = result.of_type(TypeToken.ORGANIZATION)
    assert organization.import_id == "o-a1b2c3d4e5"
    assert organization.id == "o-a1b2c3d4e5"


def test_ous_are_created_parent_first_whatever_the_config_order():
    from components.organizational_units import OrganizationalUnits, OrganizationalUnitsArgs

    tree = (("Child", "Parent"), ("Grandchild", "Child"), ("Parent", "Root"))
    result = plan(lambda: OrganizationalUnits("ous", OrganizationalUnitsArgs(root_id="r-ab12", tree=tree)))
    ous = {ou.inputs["name"]: ou for ou in result.of_type(TypeToken.ORGANIZATIONAL_UNIT)}
    assert ous["Parent"].inputs["parentId"] == "r-ab12"
    assert ous["Child"].inputs["parentId"] == ous["Parent"].id
    assert ous["Grandchild"].inputs["parentId"] == ous["Child"].id
    assert ous["Grandchild"].property_dependencies["parentId"] == [ous["Child"].urn]
    assert all(ou.protect for ou in ous.values())


def test_ou_tree_with_an_unknown_parent_is_refused():
    from components.organizational_units import _parents_first

    with pytest.raises(ValueError, match="unknown parents"):
        _parents_first((("A", "Missing"),))


@pytest.mark.parametrize("count", [1, 5, 6, 12])
def test_accounts_wait_for_the_account_five_before_them(count):
    from components.member_accounts import AccountSpec, MemberAccounts, MemberAccountsArgs

    specs = tuple(AccountSpec(key=f"a{i}", name=f"Account {i}", email=f"aws+a{i}@example.com", parent_id="ou-ab12-abcdefgh") for i in range(count))
    result = plan(lambda: MemberAccounts("accounts", MemberAccountsArgs(accounts=specs, role_name="OrgAccess")))
    accounts = {account.name.removeprefix("account-"): account for account in result.of_type(TypeToken.ACCOUNT)}
    assert len(accounts) == count
    for i in range(count):
        account = accounts[f"a{i}"]
        expected = [accounts[f"a{i - 5}"].urn] if i >= 5 else []
        assert account.dependencies == expected
        assert account.protect
        assert account.inputs["closeOnDeletion"] is False
        assert account.inputs["roleName"] == "OrgAccess"


def _scp(key: str) -> ServiceControlPolicy:
    return ServiceControlPolicy(
        key=key,
        name=f"mlgov-{key}",
        description=f"test policy {key}",
        statements=(Statement(sid="DenyIt", actions=("s3:DeleteBucket",)),),
        default_targets=("Root",),
    )


def test_policies_render_minified_and_attach_to_each_target():
    from components.service_control_policies import ServiceControlPolicies, ServiceControlPoliciesArgs

    scps = (_scp("one"), _scp("two"))
    ids = {"Root": "r-ab12", "Sandbox": "ou-ab12-sandbox1"}
    args = ServiceControlPoliciesArgs(policies=scps, attachments={"one": ["Root", "Sandbox"], "two": []}, target_id=ids.__getitem__)
    result = plan(lambda: ServiceControlPolicies("scps", args))
    policies = {policy.inputs["name"]: policy for policy in result.of_type(TypeToken.POLICY)}
    assert policies["mlgov-one"].inputs["content"] == scps[0].render()
    assert json.loads(policies["mlgov-one"].inputs["content"])["Statement"][0]["Sid"] == "DenyIt"
    attachments = result.of_type(TypeToken.POLICY_ATTACHMENT)
    assert sorted(a.inputs["targetId"] for a in attachments) == ["ou-ab12-sandbox1", "r-ab12"]
    assert {a.inputs["policyId"] for a in attachments} == {policies["mlgov-one"].id}

