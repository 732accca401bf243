"""Identity Center: permission sets in the org stack, per-stage assignments in the environment stacks.

Everything is asserted on the registrations the offline engine recorded: the
permission sets and their policies, and every AccountAssignment's principal
(the fake group id of the project's group), target (the project's account) and
permission set (the org stack's exported ARN).
"""

from __future__ import annotations

import json

import pytest

from mlgov.config import load_stack_file
from mlgov.constants import Environment, TypeToken
from mlgov.engine import PROJECT_DIR, plan_stacks
from mlgov.engine.fakes import FakeOrganization, group_id
from mlgov.guardrails.iam_validation import validate_policy

ENVIRONMENTS = [env.value for env in Environment]
WRITE_SETS = {"DataScientist", "MLEngineer", "PlatformAdmin"}

# The stage rules, written out independently of components/identity/access_rules.py:
# (account kind, project group, permission set).
EXPECTED_GRANTS = {
    "sandbox": {("workload", "dataScientists", "DataScientist"), ("workload", "mlEngineers", "MLEngineer")},
    "dev": {("workload", "dataScientists", "DataScientist"), ("workload", "mlEngineers", "MLEngineer")},
    "preprod": {("workload", "mlEngineers", "MLEngineerReadOnly"), ("automation", "mlEngineers", "MLEngineerReadOnly")},
    "prod": {("workload", "mlEngineers", "MLEngineerReadOnly"), ("automation", "mlEngineers", "MLEngineerReadOnly")},
}


@pytest.fixture(scope="module")
def plans(sample_plans):
    return sample_plans


def _permission_sets(plan):
    return {r.inputs["name"]: r for r in plan.of_type(TypeToken.SSO_PERMISSION_SET)}


def _inline_policies(plan):
    by_arn = {r.outputs["arn"]: name for name, r in _permission_sets(plan).items()}
    return {by_arn[r.inputs["permissionSetArn"]]: json.loads(r.inputs["inlinePolicy"]) for r in plan.of_type(TypeToken.SSO_PERMISSION_SET_INLINE_POLICY)}


def _managed(plan):
    by_arn = {r.outputs["arn"]: name for name, r in _permission_sets(plan).items()}
    found: dict[str, set[str]] = {}
    for r in plan.of_type(TypeToken.SSO_MANAGED_POLICY_ATTACHMENT):
        found.setdefault(by_arn[r.inputs["permissionSetArn"]], set()).add(r.inputs["managedPolicyArn"].rsplit("/", 1)[-1])
    return found


# ---- org stack ------------------------------------------------------------------------------


def test_org_exports_the_identity_center_instance_and_every_permission_set(plans):
    org = plans["org"]
    fake = FakeOrganization("mlgov", "eu-west-1")
    assert org.outputs["identityCenterInstanceArn"] == fake.sso_instance_arn
    assert org.outputs["identityStoreId"] == fake.identity_store_id
    sets = _permission_sets(org)
    assert set(sets) == {"DataScientist", "MLEngineer", "MLEngineerReadOnly", "PlatformAdmin", "PipelineAdmin", "SecurityAudit"}
    assert org.outputs["permissionSets"] == {name: r.outputs["arn"] for name, r in sets.items()}
    for r in sets.values():
        assert r.inputs["instanceArn"] == fake.sso_instance_arn
        assert r.inputs["tags"]["mlgov:managed-by"] == "pulumi"


def test_session_durations_shrink_as_power_grows(plans):
    durations = {name: r.inputs["sessionDuration"] for name, r in _permission_sets(plans["org"]).items()}
    assert durations == {"DataScientist": "PT8H", "MLEngineer": "PT8H", "MLEngineerReadOnly": "PT4H", "PlatformAdmin": "PT1H",
                         "PipelineAdmin": "PT1H", "SecurityAudit": "PT4H"}


def test_administrator_access_only_for_the_platform_team_and_audit_is_read_only(plans):
    managed = _managed(plans["org"])
    assert [name for name, policies in managed.items() if "AdministratorAccess" in policies] == ["PlatformAdmin"]
    assert managed["SecurityAudit"] == {"SecurityAudit", "ReadOnlyAccess"}
    assert managed["MLEngineerReadOnly"] == {"AmazonSageMakerReadOnly", "ViewOnlyAccess"}
    assert "DataScientist" not in managed


@pytest.mark.parametrize("name", ["DataScientist", "MLEngineer", "MLEngineerReadOnly"])
def test_inline_policies_pass_iam_validation(plans, name):
    assert validate_policy(_inline_policies(plans["org"])[name]) == []


def _statements(policy):
    return {s["Sid"]: s for s in policy["Statement"]}


@pytest.mark.parametrize("name", ["DataScientist", "MLEngineer"])
def test_studio_users_reach_only_their_own_profile_spaces_and_apps(plans, name):
    statements = _statements(_inline_policies(plans["org"])[name])
    profiles = statements["DenyOtherUsersProfiles"]
    assert profiles["Effect"] == "Deny" and "sagemaker:CreatePresignedDomainUrl" in profiles["Action"]
    assert profiles["Condition"] == {"StringNotEquals": {"sagemaker:ResourceTag/studiouserid": "${aws:PrincipalTag/studiouserid}"}}
    spaces = statements["DenyOtherUsersSpacesAndApps"]
    assert {"sagemaker:CreateApp", "sagemaker:DeleteApp", "sagemaker:CreateSpace"} <= set(spaces["Action"])
    assert spaces["Condition"] == {"ArnNotLike": {"sagemaker:OwnerUserProfileArn": "arn:aws:sagemaker:*:*:user-profile/*/${aws:PrincipalTag/studiouserid}"}}
    retag = statements["DenyChangingTheAbacTag"]
    assert retag["Condition"] == {"ForAnyValue:StringEquals": {"aws:TagKeys": ["studiouserid"]}}


def test_data_scientists_open_studio_only_through_the_tag_match(plans):
    statements = _statements(_inline_policies(plans["org"])["DataScientist"])
    allows = [s for s in statements.values() if s["Effect"] == "Allow"]
    presign = [s for s in allows if "sagemaker:CreatePresignedDomainUrl" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    assert len(presign) == 1
    assert presign[0]["Condition"] == {"StringEquals": {"sagemaker:ResourceTag/studiouserid": "${aws:PrincipalTag/studiouserid}"}}
    assert not any(s.get("Resource") == "*" and any(a.startswith("sagemaker:Create") for a in s["Action"]) for s in allows)


def test_read_only_engineers_cannot_write_sagemaker_or_pass_roles(plans):
    statements = _statements(_inline_policies(plans["org"])["MLEngineerReadOnly"])
    assert all(s["Effect"] == "Deny" for s in statements.values())
    assert {"sagemaker:Create*", "sagemaker:Update*", "sagemaker:Delete*"} <= set(statements["DenySageMakerWrites"]["Action"])
    assert statements["DenyPassRole"]["Action"] == "iam:PassRole"


# ---- environment stacks: assignments ---------------------------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_assignments_follow_the_stage_table(plans, env):
    plan, org = plans[env], plans["org"]
    settings = load_stack_file(PROJECT_DIR / "stacks", env)
    set_names = {arn: name for name, arn in org.outputs["permissionSets"].items()}
    accounts = {a.id: a.inputs["name"] for a in plan.of_type(TypeToken.ACCOUNT)}
    expected, actual = set(), set()
    for project in settings.vended_projects():
        groups = {"dataScientists": project.groups.data_scientists, "mlEngineers": project.groups.ml_engineers}
        for kind, group, permission_set in EXPECTED_GRANTS[env]:
            account = f"{project.name}-{env}" + ("-automation" if kind == "automation" else "")
            expected.add((account, group_id(groups[group]), permission_set))
        # The security team reads every project account (workload and automation) of the stack.
        assert settings.security_auditors_group == "security-auditors"
        for account in (a for a in accounts.values() if a.startswith(f"{project.name}-{env}")):
            expected.add((account, group_id("security-auditors"), "SecurityAudit"))
        # The platform team (the org stack's platformAdminsGroup) administers the pipelines of automation accounts.
        for account in (a for a in accounts.values() if a == f"{project.name}-{env}-automation"):
            expected.add((account, group_id("ml-platform-admins"), "PipelineAdmin"))
    for assignment in plan.of_type(TypeToken.SSO_ACCOUNT_ASSIGNMENT):
        inputs = assignment.inputs
        assert inputs["principalType"] == "GROUP" and inputs["targetType"] == "AWS_ACCOUNT"
        assert inputs["instanceArn"] == org.outputs["identityCenterInstanceArn"]
        actual.add((accounts[inputs["targetId"]], inputs["principalId"], set_names[inputs["permissionSetArn"]]))
    assert expected, env
    assert actual == expected
    assert len(plan.of_type(TypeToken.SSO_ACCOUNT_ASSIGNMENT)) == len(expected)


@pytest.mark.parametrize("env", ["preprod", "prod"])
def test_nobody_gets_write_access_in_preprod_or_prod(plans, env):
    set_names = {arn: name for name, arn in plans["org"].outputs["permissionSets"].items()}
    granted = {set_names[a.inputs["permissionSetArn"]] for a in plans[env].of_type(TypeToken.SSO_ACCOUNT_ASSIGNMENT)}
    assert granted and not granted & WRITE_SETS


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_assignments_are_made_in_the_management_account(plans, env):
    for assignment in plans[env].of_type(TypeToken.SSO_ACCOUNT_ASSIGNMENT):
        assert assignment.provider.split("::")[-2].startswith("default"), assignment.urn


def test_the_stage_table_is_the_one_the_program_uses():
    from components.identity.access_rules import grants_for

    for env, grants in EXPECTED_GRANTS.items():
        table = {(g.account.value, {"data_scientists": "dataScientists", "ml_engineers": "mlEngineers"}[g.group.value], g.permission_set.value) for g in grants_for(env)}
        assert table == grants, env


def test_identity_center_can_be_turned_off(tmp_path):
    import shutil

    import yaml

    for path in (PROJECT_DIR / "stacks").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    org = yaml.safe_load((tmp_path / "Pulumi.org.yaml").read_text())
    org["config"]["mlgov:identityCenter"] = {"enabled": False}
    (tmp_path / "Pulumi.org.yaml").write_text(yaml.safe_dump(org))
    plan = plan_stacks(["org"], stacks_dir=tmp_path).stacks[0]
    assert plan.of_type(TypeToken.SSO_PERMISSION_SET) == []
    assert "permissionSets" not in plan.outputs


def test_platform_team_administers_the_core_accounts_and_security_reads_them(plans):
    org = plans["org"]
    set_names = {arn: name for name, arn in org.outputs["permissionSets"].items()}
    core = {account["id"]: role for role, account in org.outputs["accounts"].items()}
    granted = {
        (core[a.inputs["targetId"]], a.inputs["principalId"], set_names[a.inputs["permissionSetArn"]])
        for a in org.of_type(TypeToken.SSO_ACCOUNT_ASSIGNMENT)
    }
    expected = {(role, group_id("ml-platform-admins"), "PlatformAdmin") for role in core.values()}
    expected |= {(role, group_id("security-auditors"), "SecurityAudit") for role in core.values()}
    assert len(core) == 8 and granted == expected


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_platform_team_has_no_permission_set_on_project_accounts(plans, env):
    set_names = {arn: name for name, arn in plans["org"].outputs["permissionSets"].items()}
    granted = {set_names[a.inputs["permissionSetArn"]] for a in plans[env].of_type(TypeToken.SSO_ACCOUNT_ASSIGNMENT)}
    assert "SecurityAudit" in granted and "PlatformAdmin" not in granted
