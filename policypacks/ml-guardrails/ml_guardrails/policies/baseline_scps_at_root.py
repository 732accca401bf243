"""baseline-scps-at-root: the baseline SCPs are attached at the organization root."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, Severity, StackValidationPolicy

from ..common import policy_config, string_list_prop, violation
from ..graph import Target
from ..tokens import TypeToken
from ._coverage import applicable_view

NAME = "baseline-scps-at-root"
REMEDIATION = "Attach each baseline SCP with organizations.PolicyAttachment(target_id=<root id, r-...>)."
SCHEMA = PolicyConfigSchema(
    properties={
        "policyNames": string_list_prop("SCPs that must be attached at the root.", [
            "mlgov-deny-leave-organization",
            "mlgov-deny-root-user",
            "mlgov-protect-security-services",
            "mlgov-region-allow-list",
        ]),
    }
)


def validate(args, report_violation) -> None:
    view = applicable_view(args)
    if view.unresolved_attachments():
        return
    cfg = policy_config(args, SCHEMA)
    at_root = view.policy_names_at(Target("root", "root"))
    missing = [p for p in cfg["policyNames"] if p not in at_root]
    if missing:
        anchor = (view.of_type(TypeToken.ORGANIZATION) or view.of_type(TypeToken.ORGANIZATIONAL_UNIT))[0]
        report_violation(violation(
            f"the baseline SCP(s) {', '.join(missing)} are not attached at the organization root.",
            "Attach them to the root (target id r-...)."), anchor.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description="The baseline SCPs (deny leaving the organization, deny root user, protect security services, region allow-list) are attached at the root.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.CRITICAL,
    remediation_steps=REMEDIATION,
)
