"""baseline-scps-at-root: the baseline SCPs are attached at the organization root."""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import string_list_prop
from ..graph import Target
from ..tokens import TypeToken
from ._coverage import coverage_policy

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


def _find(view, cfg):
    at_root = view.policy_names_at(Target("root", "root"))
    missing = [p for p in cfg["policyNames"] if p not in at_root]
    if not missing:
        return []
    anchor = (view.of_type(TypeToken.ORGANIZATION) or view.of_type(TypeToken.ORGANIZATIONAL_UNIT))[0]
    return [(f"the baseline SCP(s) {', '.join(missing)} are not attached at the organization root.", anchor.urn)]


POLICY = coverage_policy(
    name=NAME,
    description="The baseline SCPs (deny leaving the organization, deny root user, protect security services, region allow-list) are attached at the root.",
    severity=Severity.CRITICAL,
    remediation=REMEDIATION,
    schema=SCHEMA,
    find=_find,
    fix="Attach them to the root (target id r-...).",
)
