"""workload-ou-ml-scps: the ML SCP set applies to every Workloads_* OU."""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import string_list_prop
from ._coverage import coverage_policy, missing_policies, per_ou

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


def _check(view, ou, cfg):
    missing = missing_policies(view, ou, cfg["requiredPolicyNames"])
    return missing and f"OU '{ou.get('name')}' is not covered by the SCP(s) {', '.join(missing)}."


POLICY = coverage_policy(
    name=NAME,
    description="Every Workloads_* OU has the ML SCP set (VPC, KMS, encryption in transit, tags) attached to it or an ancestor.",
    severity=Severity.HIGH,
    remediation=REMEDIATION,
    schema=SCHEMA,
    find=per_ou(lambda cfg, name: name.startswith(cfg["ouNamePrefix"]), _check),
    fix="Attach them to the OU or an ancestor.",
)
