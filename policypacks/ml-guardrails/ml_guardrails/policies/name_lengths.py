"""name-lengths: account, OU and policy names and policy descriptions within AWS limits."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, Severity

from ..common import as_int, int_prop, is_unknown, plain, policy_config, violation
from ..tokens import TypeToken

NAME = "name-lengths"
REMEDIATION = "Shorten the name or description in the stack config; the limits are AWS Organizations quotas."
SCHEMA = PolicyConfigSchema(
    properties={
        "accountNameMaxLength": int_prop("Maximum account name length (the provider enforces 50).", 50, 1),
        "ouNameMaxLength": int_prop("Maximum OU name length.", 128, 1),
        "policyNameMaxLength": int_prop("Maximum policy name length.", 128, 1),
        "policyDescriptionMaxLength": int_prop("Maximum policy description length.", 512, 0),
    }
)

_CHECKS = {
    TypeToken.ACCOUNT: (("name", "accountNameMaxLength", "account name"),),
    TypeToken.ORGANIZATIONAL_UNIT: (("name", "ouNameMaxLength", "OU name"),),
    TypeToken.POLICY: (("name", "policyNameMaxLength", "policy name"),
                       ("description", "policyDescriptionMaxLength", "policy description")),
}


def validate(args, report_violation) -> None:
    checks = _CHECKS.get(args.resource_type)
    if not checks:
        return
    props = plain(args.props)
    cfg = policy_config(args, SCHEMA)
    for key, limit_key, label in checks:
        value = props.get(key)
        if value is None or is_unknown(value) or not isinstance(value, str):
            continue
        limit = as_int(cfg[limit_key])
        if key == "name" and not value:
            report_violation(violation(f"{label} of '{args.name}' is empty.", "Give it a name of 1 or more characters."), None)
        elif len(value) > limit:
            report_violation(violation(
                f"{label} '{value[:60]}' is {len(value)} characters, over the limit of {limit}.",
                f"Shorten it to at most {limit} characters."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="Account names <= 50, OU and policy names <= 128 and policy descriptions <= 512 characters.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.MEDIUM,
    remediation_steps=REMEDIATION,
)
