"""sagemaker-notebook-hardening: notebook instances without root or direct internet access."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ..common import is_unknown, plain, violation
from ..tokens import TypeToken

NAME = "sagemaker-notebook-hardening"
REMEDIATION = "Create notebook instances with root_access='Disabled', direct_internet_access='Disabled' and a subnet_id."


def validate(args, report_violation) -> None:
    if args.resource_type != TypeToken.SAGEMAKER_NOTEBOOK_INSTANCE:
        return
    props = plain(args.props)
    name = props.get("name") or args.name
    # Both default to Enabled in the SageMaker API, so absence is a violation.
    for key, label in (("rootAccess", "root access"), ("directInternetAccess", "direct internet access")):
        value = props.get(key)
        if not is_unknown(value) and value != "Disabled":
            report_violation(violation(
                f"notebook instance '{name}' has {label} {value or 'Enabled (default)'}.",
                f"Set {key} to 'Disabled'."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="SageMaker notebook instances have rootAccess and directInternetAccess Disabled.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
