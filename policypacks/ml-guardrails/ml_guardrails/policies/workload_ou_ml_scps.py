"""workload-ou-ml-scps: the ML SCP set applies to every Workloads_* OU."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, Severity, StackValidationPolicy

from ..common import policy_config, string_list_prop, violation
from ._coverage import applicable_view, effective_policy_names, ous_named

NAME = "workload-ou-ml-scps"
REMEDIATION = "Attach the missing SCPs (organizations.PolicyAttachment) to the OU or to one of its ancestors."
SCHEMA = PolicyConfigSchema(
    properties={
        "ouNamePrefix": {"type": "string", "default": "Workloads_", "description": "OUs whose name starts with this hold workloads."},
        "requiredPolicyNames": string_list_prop("SCP names that must apply to every workload OU.", [
            "mlgov-sagemaker-require-vpc",
            "mlgov-sagemaker-require-kms",
            "mlgov-sagemaker-require-encryption-in-transit",
            "mlgov-sagemaker-require-tags",
        ]),
    }
)


def validate(args, report_violation) -> None:
    view = applicable_view(args)
    if view.unresolved_attachments():
        return
    cfg = policy_config(args, SCHEMA)
    for ou in ous_named(view, lambda n: n.startswith(cfg["ouNamePrefix"])):
        names = effective_policy_names(view, ou)
        missing = [p for p in cfg["requiredPolicyNames"] if p not in names]
        if missing:
            report_violation(violation(
                f"OU '{ou.get('name')}' is not covered by the SCP(s) {', '.join(missing)}.",
                "Attach them to the OU or an ancestor."), ou.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description="Every Workloads_* OU has the ML SCP set (VPC, KMS, encryption in transit, tags) attached to it or an ancestor.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
