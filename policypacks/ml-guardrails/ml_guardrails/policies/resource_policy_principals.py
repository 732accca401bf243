"""resource-policy-principals: no resource policy opens to everyone outside the organization,
and no role trusts everyone."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, Severity

from ..common import is_unknown, plain, policy_config, string_list_prop, violation
from ..documents import as_list, load_document, statement_label, statements, wildcard_principals
from ..tokens import TypeToken

NAME = "resource-policy-principals"
REMEDIATION = (
    "Name the principals (account roots or role ARNs) instead of '*', or keep Principal '*' and add "
    "Condition {'StringEquals': {'aws:PrincipalOrgID': <organization id>}} to the Allow statement. "
    "Role trust policies never trust '*' or a wildcard ARN: trust the one account, role, service or "
    "OIDC provider that needs the role. Deny statements with Principal '*' (e.g. TLS-only) are fine."
)
SCHEMA = PolicyConfigSchema(
    properties={
        "orgConditionKeys": string_list_prop(
            "Condition keys that confine an Allow for Principal '*' to the organization.",
            ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:SourceOrgID", "aws:SourceOrgPaths"]),
    }
)
# Resource type -> the property holding its resource policy.
RESOURCE_POLICIES = {
    TypeToken.S3_BUCKET_POLICY: "policy",
    TypeToken.ECR_REPOSITORY_POLICY: "policy",
    TypeToken.CODEARTIFACT_DOMAIN_PERMISSIONS: "policyDocument",
    TypeToken.CODEARTIFACT_REPOSITORY_PERMISSIONS: "policyDocument",
    TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP_POLICY: "resourcePolicy",
    TypeToken.KMS_KEY: "policy",
}
# Trust policies: a wildcard principal is a violation whatever the condition.
TRUST_POLICIES = {TypeToken.IAM_ROLE: "assumeRolePolicy"}
# Operators that require the key to match (IfExists and ForAllValues pass requests without it).
_MATCHING_OPERATORS = {"stringequals", "stringequalsignorecase", "stringlike"}


def has_org_condition(stmt: dict, keys: set[str]) -> bool:
    """True when a matching condition on one of ``keys`` confines the statement (or when the
    condition is unknown at preview: no verdict)."""
    condition = stmt.get("Condition")
    if is_unknown(condition):
        return True
    if not isinstance(condition, dict):
        return False
    for operator, block in condition.items():
        qualifier, _, base = operator.rpartition(":")
        if qualifier.lower() not in ("", "foranyvalue") or base.lower() not in _MATCHING_OPERATORS:
            continue
        for key, value in (block.items() if isinstance(block, dict) else ()):
            values = as_list(value)
            if key.lower() in keys and values and all(is_unknown(v) or (isinstance(v, str) and v not in ("", "*")) for v in values):
                return True
    return False


def validate(args, report_violation) -> None:
    trust = args.resource_type in TRUST_POLICIES
    key = TRUST_POLICIES.get(args.resource_type) or RESOURCE_POLICIES.get(args.resource_type)
    if key is None:
        return
    props = plain(args.props)
    doc = load_document(props.get(key))
    if doc is None or is_unknown(doc):
        return  # absent, not JSON (AWS rejects it), or unknown at preview
    named_keys = list(policy_config(args, SCHEMA)["orgConditionKeys"])
    org_keys = {k.lower() for k in named_keys}
    what = f"{args.resource_type.rsplit(':', 1)[-1]} '{args.name}' {key}"
    for i, stmt in enumerate(statements(doc)):
        wildcards = wildcard_principals(stmt)
        if stmt.get("Effect") != "Allow" or not wildcards:
            continue
        label, principals = statement_label(stmt, i), ", ".join(wildcards)
        if trust:
            report_violation(violation(
                f"{what} {label} lets {principals} assume the role.",
                "Trust only the account, role, service or OIDC provider that needs the role; never a wildcard."), None)
        elif not has_org_condition(stmt, org_keys):
            report_violation(violation(
                f"{what} {label} allows {principals} without an organization condition ({', '.join(named_keys) or 'none configured'}).",
                "Name the principals, or add Condition StringEquals aws:PrincipalOrgID=<organization id>."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="Resource policies (S3 bucket, ECR, CodeArtifact, model package group, KMS key) allow Principal '*' only with an organization condition; role trust policies never trust '*' or a wildcard ARN.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.CRITICAL,
    remediation_steps=REMEDIATION,
)
