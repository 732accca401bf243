"""endpoint-deny-attachment: Sandbox and Workloads_Dev cannot create SageMaker endpoints."""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import string_list_prop
from ._coverage import coverage_policy, missing_policies, per_ou

NAME = "endpoint-deny-attachment"
REMEDIATION = "Attach the endpoint-deny SCP to each listed OU (or an ancestor that covers only such OUs)."
SCHEMA = PolicyConfigSchema(
    properties={
        "ouNames": string_list_prop("OUs where SageMaker endpoints are denied.", ["Sandbox", "Workloads_Dev"]),
        "policyName": {"type": "string", "default": "mlgov-deny-sagemaker-endpoints", "description": "The endpoint-deny SCP's name."},
    }
)


def _check(view, ou, cfg):
    missing = missing_policies(view, ou, [cfg["policyName"]])
    return missing and f"OU '{ou.get('name')}' does not have the SCP '{cfg['policyName']}' attached."


POLICY = coverage_policy(
    name=NAME,
    description="The Sandbox and Workloads_Dev OUs have the SageMaker endpoint-deny SCP.",
    severity=Severity.HIGH,
    remediation=REMEDIATION,
    schema=SCHEMA,
    find=per_ou(lambda cfg, name: name in cfg["ouNames"], _check),
    fix="Attach it with organizations.PolicyAttachment.",
)
