"""Every role that trusts an Identity Center permission set can be reached by a person.

A role trusted only by ``AWSReservedSSO_<set>_*`` roles exists for people; if the set
is not assigned in that account, or does not allow ``sts:AssumeRole`` on the role,
nobody can use it (the pipeline administration role was such a dead end). The SCP
matrix then proves that this one principal, and not the permission set's own role,
may change the pipelines.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase

import pytest

from mlgov.constants import PIPELINE_ADMIN_ROLE, TypeToken
from mlgov.scp.scenarios import load_catalogue

SSO_SET = re.compile(r"AWSReservedSSO_([A-Za-z0-9+=,.@_-]+?)_\*")


def _statements(document: str) -> list[dict]:
    statements = json.loads(document)["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _account_of(plan, resource) -> str:
    provider = plan.by_urn()[resource.provider.rsplit("::", 1)[0]]
    return json.loads(provider.inputs["allowedAccountIds"])[0]


def sso_trusted_roles(plan):
    """(role, permission set name, the role's ArnLike pattern) for roles whose trust names an Identity Center set."""
    for role in plan.of_type(TypeToken.IAM_ROLE):
        for statement in _statements(role.inputs["assumeRolePolicy"]):
            for pattern in _as_list((statement.get("Condition") or {}).get("ArnLike", {}).get("aws:PrincipalArn", [])):
                match = SSO_SET.search(pattern)
                if match and statement.get("Effect") == "Allow":
                    yield role, match.group(1), pattern


def _inline_policy(org, name) -> list[dict]:
    arn = org.outputs["permissionSets"][name]
    policies = [p for p in org.of_type(TypeToken.SSO_PERMISSION_SET_INLINE_POLICY) if p.inputs["permissionSetArn"] == arn]
    return [s for p in policies for s in _statements(p.inputs["inlinePolicy"])]


def _allows_assume(statements: list[dict], role_arn: str) -> bool:
    return any(
        s.get("Effect") == "Allow"
        and any(fnmatchcase("sts:AssumeRole", a) for a in _as_list(s.get("Action")))
        and any(fnmatchcase(role_arn, r) for r in _as_list(s.get("Resource")))
        for s in statements
    )


@pytest.mark.parametrize("env", ["preprod", "prod"])
def test_every_sso_trusted_role_is_assigned_and_assumable(all_plans, env):
    plan, org = all_plans[env], all_plans["org"]
    found = list(sso_trusted_roles(plan))
    assert {role.inputs["name"] for role, _, _ in found} == {PIPELINE_ADMIN_ROLE}
    for role, permission_set, pattern in found:
        account = _account_of(plan, role)
        assert permission_set in org.outputs["permissionSets"], f"{role.urn} trusts {permission_set}, which the org stack does not create"
        arn = org.outputs["permissionSets"][permission_set]
        assigned = [a for a in plan.of_type(TypeToken.SSO_ACCOUNT_ASSIGNMENT) if a.inputs["targetId"] == account and a.inputs["permissionSetArn"] == arn]
        assert assigned, f"{permission_set} is not assigned in account {account}, so nobody can assume {role.inputs['name']}"
        assert _allows_assume(_inline_policy(org, permission_set), role.outputs["arn"])
        # Identity Center's role names, with and without a region in the path, match the trust pattern.
        for path in ("aws-reserved/sso.amazonaws.com/eu-west-1/", "aws-reserved/sso.amazonaws.com/"):
            assert fnmatchcase(f"arn:aws:iam::{account}:role/{path}AWSReservedSSO_{permission_set}_0123456789abcdef", pattern)
        assert not fnmatchcase(f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_MLEngineerReadOnly_01", pattern)


def test_the_matrix_proves_only_the_pipeline_admin_role_changes_pipelines():
    catalogue = load_catalogue(None)
    allowed = catalogue.by_id("pipeline-admin-edits-pipeline")
    assert allowed.request.principal_arn.endswith(f":role/{PIPELINE_ADMIN_ROLE}")
    assert allowed.expected["Deployments_Prod"] == "allowed"
    direct = catalogue.by_id("pipeline-admin-sso-role-edits-pipeline-directly")
    assert "AWSReservedSSO_PipelineAdmin_" in direct.request.principal_arn
    assert direct.expected["Deployments_Prod"] == "denied"
