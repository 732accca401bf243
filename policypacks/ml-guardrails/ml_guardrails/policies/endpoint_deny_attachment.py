"""endpoint-deny-attachment: Sandbox and Workloads_Dev cannot create SageMaker endpoints."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, Severity, StackValidationPolicy

from ..common import policy_config, string_list_prop, violation
from ._coverage import applicable_view, effective_policy_names, ous_named

NAME = "endpoint-deny-attachment"
REMEDIATION = "Attach the endpoint-deny SCP to each listed OU (or an ancestor that covers only such OUs)."
SCHEMA = PolicyConfigSchema(
    properties={
        "ouNames": string_list_prop("OUs where SageMaker endpoints are denied.", ["Sandbox", "Workloads_Dev"]),
        "policyName": {"type": "string", "default": "mlgov-deny-sagemaker-endpoints", "description": "The endpoint-deny SCP's name."},
    }
)


def validate(args, report_violation) -> None:
    view = applicable_view(args)
    if view.unresolved_attachments():
        return
    cfg = policy_config(args, SCHEMA)
    wanted = set(cfg["ouNames"])
    for ou in ous_named(view, lambda n: n in wanted):
        if cfg["policyName"] not in effective_policy_names(view, ou):
            report_violation(violation(
                f"OU '{ou.get('name')}' does not have the SCP '{cfg['policyName']}' attached.",
                "Attach it with organizations.PolicyAttachment."), ou.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description="The Sandbox and Workloads_Dev OUs have the SageMaker endpoint-deny SCP.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
