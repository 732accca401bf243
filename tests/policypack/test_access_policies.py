"""One-field mutations of the resource-policy and identity goldens: resource-policy-principals
and permission-set-admin, including what they must leave alone (Deny '*', org conditions,
unknowns at preview, permission sets they cannot resolve)."""

from __future__ import annotations

import json

import pytest

from mlgov.constants import TypeToken

from .conftest import UNKNOWN, Stack, policies_of, res
from .golden import (
    ADMIN, AUTOMATION, INLINE_POLICY, ORG_ID, ROLE, SSO_INSTANCE, TLS_POLICY, doc, identity_stack, org_pull,
    permission_set_arn, resource_policy_stack, root, set_prop, trust,
)

PRINCIPALS = "resource-policy-principals"
ADMIN_POLICY = "permission-set-admin"
PUBLIC_READ = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lake/*"}
TLS_DENY = json.loads(TLS_POLICY)["Statement"][0]


def _no_condition(stmt: dict) -> dict:
    return {k: v for k, v in stmt.items() if k != "Condition"}


def _condition(condition: dict) -> dict:
    return org_pull(Condition=condition)


# resource name, property, new document
PRINCIPAL_CASES = {
    "ecr-no-condition": ("images-policy", "policy", doc(_no_condition(org_pull()))),
    "ecr-aws-star": ("images-policy", "policy", doc(_no_condition(org_pull(Principal={"AWS": "*"})))),
    "ecr-condition-if-exists": ("images-policy", "policy", doc(_condition({"StringEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID}}))),
    "ecr-condition-negated": ("images-policy", "policy", doc(_condition({"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}}))),
    "ecr-condition-other-key": ("images-policy", "policy", doc(_condition({"StringEquals": {"aws:SourceAccount": AUTOMATION}}))),
    "ecr-condition-wildcard-value": ("images-policy", "policy", doc(_condition({"StringLike": {"aws:PrincipalOrgID": "*"}}))),
    "codeartifact-domain-public": ("domain-policy", "policyDocument", doc(_no_condition(org_pull(Resource="*")))),
    "codeartifact-repo-for-all-values": ("repository-policy", "policyDocument", doc(_condition(
        {"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": [f"{ORG_ID}/*"]}}))),
    "registry-aws-star": ("registry-policy", "resourcePolicy", doc(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sagemaker:DescribeModelPackage", "Resource": "*"})),
    "registry-any-account-root": ("registry-policy", "resourcePolicy", doc(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"}, "Action": "sagemaker:DescribeModelPackage", "Resource": "*"})),
    "kms-star-among-accounts": ("data-key", "policy", doc(
        {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": [root(AUTOMATION), "*"]}, "Action": "kms:Decrypt", "Resource": "*"})),
    "bucket-public-read": ("lake-policy", "policy", doc(TLS_DENY, PUBLIC_READ)),
    "bucket-not-principal": ("lake-policy", "policy", doc(TLS_DENY, {**_no_condition(PUBLIC_READ), "NotPrincipal": {"AWS": root(AUTOMATION)}})),
    "bucket-single-statement": ("lake-policy", "policy", json.dumps({"Version": "2012-10-17", "Statement": PUBLIC_READ})),
    "role-trusts-star": ("deploy-role", "assumeRolePolicy", doc(trust("*"))),
    "role-trusts-aws-star-even-in-org": ("deploy-role", "assumeRolePolicy", doc(trust(
        {"AWS": "*"}, Condition={"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}))),
    "role-trusts-any-account-root": ("deploy-role", "assumeRolePolicy", doc(trust({"AWS": "arn:aws:iam::*:root"}))),
    "role-trust-as-object": ("deploy-role", "assumeRolePolicy", {"Version": "2012-10-17", "Statement": [trust({"AWS": "*"})]}),
}


@pytest.mark.parametrize("case", sorted(PRINCIPAL_CASES))
def test_principal_mutation_trips_exactly_its_policy(run, case):
    name, key, value = PRINCIPAL_CASES[case]
    stack = set_prop(resource_policy_stack(), name, key, value)
    violations = run(stack, environment="dev")
    assert policies_of(violations) == {PRINCIPALS}
    assert [v.urn for v in violations] == [stack.find(name)["urn"]]
    assert all(v.level == "mandatory" and v.message.startswith("Violation:") and "Fix:" in v.message for v in violations)


def test_one_violation_per_offending_statement(run):
    stack = set_prop(resource_policy_stack(), "lake-policy", "policy", doc(TLS_DENY, PUBLIC_READ, {**PUBLIC_READ, "Sid": "Again"}))
    messages = [v.message for v in run(stack, environment="dev")]
    assert len(messages) == 2 and "'PublicRead'" in messages[0] and "'Again'" in messages[1]


@pytest.mark.parametrize("value", [UNKNOWN, "{not json", None])
def test_unknown_or_unreadable_documents_give_no_verdict(run, value):
    stack = resource_policy_stack()
    for name, key in (("images-policy", "policy"), ("domain-policy", "policyDocument"), ("deploy-role", "assumeRolePolicy")):
        set_prop(stack, name, key, value)
    assert run(stack, environment="dev") == []


def test_deny_for_everyone_is_fine_in_every_kind_of_policy(run):
    deny = {"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}}}
    stack = resource_policy_stack()
    set_prop(stack, "images-policy", "policy", doc(org_pull(), deny))
    set_prop(stack, "deploy-role", "assumeRolePolicy", doc(trust({"AWS": root(AUTOMATION)}), {**deny, "Action": "sts:AssumeRole"}))
    assert run(stack, environment="dev") == []


def test_org_condition_keys_are_config(run):
    violations = run(resource_policy_stack(), config={PRINCIPALS: {"orgConditionKeys": ["aws:PrincipalOrgID"]}})
    assert [v.urn.rsplit("::", 1)[-1] for v in violations] == ["repository-policy"]  # it uses aws:PrincipalOrgPaths


def test_other_policy_documents_are_not_resource_policies(run):
    public = doc(_no_condition(org_pull()))
    assert run([res(TypeToken.IAM_ROLE_POLICY, "inline", {"role": "r", "policy": public}),
                res("aws:iam/policy:Policy", "managed", {"policy": public})]) == []


# -- permission-set-admin ---------------------------------------------------------------------

def _inline(stack: Stack, permission_set: str, *statements: dict) -> Stack:
    stack.resources.append(res(INLINE_POLICY, f"{permission_set}-extra-inline", {
        "instanceArn": SSO_INSTANCE, "permissionSetArn": permission_set_arn(permission_set), "inlinePolicy": doc(*statements)},
        pdeps={"permissionSetArn": [stack.find(f"ps-{permission_set}")["urn"]]}))
    return stack


EVERYTHING = {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}
ADMIN_CASES = {
    "admin-for-data-scientists": ("DataScientist-readonly", lambda s: set_prop(s, "DataScientist-readonly", "managedPolicyArn", ADMIN)),
    "admin-other-partition": ("DataScientist-readonly", lambda s: set_prop(
        s, "DataScientist-readonly", "managedPolicyArn", "arn:aws-us-gov:iam::aws:policy/AdministratorAccess")),
    "inline-star-on-star": ("DataScientist-inline", lambda s: set_prop(s, "DataScientist-inline", "inlinePolicy", doc(EVERYTHING))),
    "inline-star-colon-star": ("DataScientist-inline", lambda s: set_prop(
        s, "DataScientist-inline", "inlinePolicy", doc({**EVERYTHING, "Action": ["s3:GetObject", "*:*"], "Resource": ["*"]}))),
}


@pytest.mark.parametrize("case", sorted(ADMIN_CASES))
def test_admin_mutation_trips_exactly_its_policy(run, case):
    blamed, mutate = ADMIN_CASES[case]
    stack = mutate(identity_stack())
    violations = run(stack)
    assert policies_of(violations) == {ADMIN_POLICY}
    assert [v.urn for v in violations] == [stack.find(blamed)["urn"]]
    assert "'DataScientist'" in violations[0].message and violations[0].message.startswith("Violation:")


def test_admin_inline_policy_is_fine_for_the_platform_team(run):
    assert run(_inline(identity_stack(), "PlatformAdmin", EVERYTHING)) == []


def test_broad_but_not_everything_is_not_admin(run):
    stack = identity_stack()
    _inline(stack, "DataScientist", {**EVERYTHING, "Action": "s3:*"}, {**EVERYTHING, "Resource": "arn:aws:s3:::lake/*"},
            {**EVERYTHING, "Effect": "Deny"})
    assert run(stack) == []


def test_permission_set_resolved_by_arn_without_dependency(run):
    stack = set_prop(identity_stack(), "DataScientist-readonly", "managedPolicyArn", ADMIN)
    for r in stack.resources:
        r["property_dependencies"], r["dependencies"] = {}, []
    assert policies_of(run(stack)) == {ADMIN_POLICY}


@pytest.mark.parametrize("unknown", ["permissionSetArn", "name", "inlinePolicy", "outside-the-stack"])
def test_unresolvable_permission_set_gives_no_verdict(run, unknown):
    stack = set_prop(identity_stack(), "DataScientist-readonly", "managedPolicyArn", ADMIN)
    set_prop(stack, "DataScientist-inline", "inlinePolicy", doc(EVERYTHING))
    for name in ("DataScientist-readonly", "DataScientist-inline"):
        r = stack.find(name)
        if unknown in ("permissionSetArn", "outside-the-stack"):
            r["property_dependencies"], r["dependencies"] = {}, []
            set_prop(stack, name, "permissionSetArn", UNKNOWN if unknown == "permissionSetArn" else permission_set_arn("Elsewhere"))
    if unknown == "name":
        set_prop(stack, "ps-DataScientist", "name", UNKNOWN)
    if unknown == "inlinePolicy":
        set_prop(stack, "DataScientist-inline", "inlinePolicy", UNKNOWN)
        set_prop(stack, "DataScientist-readonly", "managedPolicyArn", UNKNOWN)
    assert run(stack) == []


def test_allowed_and_forbidden_lists_are_config(run):
    violations = run(identity_stack(), config={ADMIN_POLICY: {"allowedPermissionSets": ["DataScientist"]}})
    assert [v.urn.rsplit("::", 1)[-1] for v in violations] == ["PlatformAdmin-admin"]
    view_only = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
    violations = run(identity_stack(), config={ADMIN_POLICY: {"forbiddenManagedPolicies": [ADMIN, view_only]}})
    assert [v.urn.rsplit("::", 1)[-1] for v in violations] == ["DataScientist-readonly"]


def test_permission_set_admin_not_applicable_without_permission_set_policies(run_full):
    stack = identity_stack()
    assert ADMIN_POLICY not in run_full(stack).not_applicable
    stack.resources = [r for r in stack.resources if r["type"] != INLINE_POLICY and "Attachment" not in r["type"]]
    result = run_full(stack)
    assert result.violations == []
    assert ADMIN_POLICY in result.not_applicable
    result = run_full([res(ROLE, "r", {"assumeRolePolicy": doc(trust({"Service": "sagemaker.amazonaws.com"}))})])
    assert result.violations == []
    assert ADMIN_POLICY in result.not_applicable
