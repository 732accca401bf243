"""sagemaker-vpc-kms: models run in a VPC; endpoint configurations and notebooks use KMS.

pulumi-aws has no training/processing job resources (jobs are started by pipelines,
where the ML SCPs enforce VPC and KMS); the resources that carry the same settings are
checked here.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ..common import dig, is_unknown, plain, violation
from ..tokens import TypeToken

NAME = "sagemaker-vpc-kms"
REMEDIATION = (
    "Give sagemaker.Model a vpc_config (subnets and security_group_ids), and set kms_key_arn on "
    "EndpointConfiguration and kms_key_id on NotebookInstance."
)
_KMS_KEY = {
    TypeToken.SAGEMAKER_ENDPOINT_CONFIGURATION: "kmsKeyArn",
    TypeToken.SAGEMAKER_NOTEBOOK_INSTANCE: "kmsKeyId",
}


def _empty(value) -> bool:
    return not is_unknown(value) and not value


def validate(args, report_violation) -> None:
    props = plain(args.props)
    name = props.get("name") or args.name
    if args.resource_type == TypeToken.SAGEMAKER_MODEL:
        vpc = props.get("vpcConfig")
        if is_unknown(vpc):
            return
        if not vpc:
            report_violation(violation(f"SageMaker model '{name}' has no vpcConfig.", "Set vpc_config with subnets and security_group_ids."), None)
            return
        for key in ("subnets", "securityGroupIds"):
            if _empty(dig(vpc, key)):
                report_violation(violation(f"SageMaker model '{name}' has a vpcConfig without {key}.", f"Set vpc_config.{key}."), None)
        # enableNetworkIsolation is recommended, not required: the VPC already confines traffic
    elif args.resource_type in _KMS_KEY:
        key = _KMS_KEY[args.resource_type]
        if _empty(props.get(key)):
            report_violation(violation(f"{args.resource_type.rsplit(':', 1)[-1]} '{name}' has no {key}.",
                                       f"Set {key} to a customer managed KMS key."), None)
        if args.resource_type == TypeToken.SAGEMAKER_NOTEBOOK_INSTANCE and _empty(props.get("subnetId")):
            report_violation(violation(f"notebook instance '{name}' is not placed in a VPC subnet.", "Set subnet_id and security_groups."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="SageMaker models run in a VPC; endpoint configurations and notebook instances are encrypted with KMS.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
