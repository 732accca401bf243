"""sagemaker-domain-vpc-kms: Studio domains are VPC-only and encrypted with a KMS key."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ..common import is_unknown, plain, violation
from ..tokens import TypeToken

NAME = "sagemaker-domain-vpc-kms"
REMEDIATION = "Create the sagemaker.Domain with app_network_access_type='VpcOnly' and kms_key_id=<customer managed key>."


def validate(args, report_violation) -> None:
    if args.resource_type != TypeToken.SAGEMAKER_DOMAIN:
        return
    props = plain(args.props)
    name = props.get("domainName") or args.name
    access = props.get("appNetworkAccessType")
    if not is_unknown(access) and access != "VpcOnly":
        report_violation(violation(
            f"SageMaker domain '{name}' has appNetworkAccessType {access or 'PublicInternetOnly (default)'}: "
            "Studio traffic goes over the public internet.",
            "Set app_network_access_type='VpcOnly'."), None)
    key = props.get("kmsKeyId")
    if not is_unknown(key) and not key:
        report_violation(violation(f"SageMaker domain '{name}' has no kmsKeyId.", "Set kms_key_id to a customer managed KMS key."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="SageMaker domains use appNetworkAccessType VpcOnly and a KMS key.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
