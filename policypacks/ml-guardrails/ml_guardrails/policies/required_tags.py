"""required-tags: cost-allocation tags on taggable resources."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, Severity

from ..common import is_unknown, plain, policy_config, string_list_prop, violation
from ..tokens import EC2_SECURITY_GROUP, EC2_SUBNET, EC2_VPC, EC2_VPC_ENDPOINT, TypeToken

NAME = "required-tags"
REMEDIATION = "Pass the required tags (the program's default_tags or tags=...) on every taggable resource."
SCHEMA = PolicyConfigSchema(
    properties={
        "requiredTags": string_list_prop("Tag keys every taggable resource must carry.", ["mlgov:project", "mlgov:cost-center"]),
        "taggableTypes": string_list_prop("Resource types the rule applies to.", [
            TypeToken.S3_BUCKET.value, TypeToken.KMS_KEY.value,
            TypeToken.SAGEMAKER_DOMAIN.value, TypeToken.SAGEMAKER_USER_PROFILE.value,
            TypeToken.SAGEMAKER_NOTEBOOK_INSTANCE.value, TypeToken.SAGEMAKER_ENDPOINT.value,
            TypeToken.SAGEMAKER_ENDPOINT_CONFIGURATION.value, TypeToken.SAGEMAKER_MODEL.value,
            TypeToken.BUDGET.value, EC2_VPC, EC2_SUBNET, EC2_SECURITY_GROUP, EC2_VPC_ENDPOINT,
        ]),
    }
)


def validate(args, report_violation) -> None:
    cfg = policy_config(args, SCHEMA)
    if args.resource_type not in cfg["taggableTypes"]:
        return
    props = plain(args.props)
    tags = props.get("tags")
    if is_unknown(tags):
        return
    tags = tags if isinstance(tags, dict) else {}
    missing = [k for k in cfg["requiredTags"] if k not in tags]
    empty = [k for k in cfg["requiredTags"] if k in tags and not is_unknown(tags[k]) and not tags[k]]
    if missing or empty:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if empty:
            parts.append(f"empty {', '.join(empty)}")
        report_violation(violation(
            f"{args.resource_type.rsplit(':', 1)[-1]} '{args.name}' lacks required tags ({'; '.join(parts)}).",
            "Add the tags with non-empty values."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="Taggable resources carry the cost-allocation tags (default mlgov:project, mlgov:cost-center).",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.MEDIUM,
    remediation_steps=REMEDIATION,
)
