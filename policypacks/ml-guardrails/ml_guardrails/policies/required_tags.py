"""required-tags: cost-allocation tags on taggable resources.

A resource carries the tags it sets (``tags``) and those its provider adds through
``default_tags``: the provider reports the union as ``tagsAll``, and the policy also
reads the provider's ``defaultTags`` directly (the provider's own inputs reach the
analyzer with the resource), so tags set once on an account's provider count.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, Severity

import json
from typing import Any

from ..common import UNKNOWN, is_unknown, plain, policy_config, string_list_prop, violation
from ..tokens import EC2_SECURITY_GROUP, EC2_SUBNET, EC2_VPC, EC2_VPC_ENDPOINT, TypeToken

NAME = "required-tags"
REMEDIATION = "Pass the required tags on every taggable resource: tags=..., or default_tags on its provider."
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


def _provider_default_tags(args) -> Any:
    """The tags the resource's provider adds to every resource (``default_tags``); {} without any, UNKNOWN at preview."""
    provider = getattr(args, "provider", None)
    if provider is None:
        return {}
    default_tags = plain(dict(provider.props or {})).get("defaultTags")
    if isinstance(default_tags, str):  # provider inputs travel JSON-encoded
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return {}
    if is_unknown(default_tags):
        return UNKNOWN
    tags = default_tags.get("tags") if isinstance(default_tags, dict) else None
    return tags if isinstance(tags, dict) or is_unknown(tags) else {}


def effective_tags(args, props: dict) -> Any:
    """Provider default tags, then ``tagsAll``, then ``tags`` (a resource's own value wins); UNKNOWN when a source is."""
    merged: dict = {}
    for source in (_provider_default_tags(args), props.get("tagsAll"), props.get("tags")):
        if is_unknown(source):
            return UNKNOWN
        if isinstance(source, dict):
            merged.update(source)
    return merged


def validate(args, report_violation) -> None:
    cfg = policy_config(args, SCHEMA)
    if args.resource_type not in cfg["taggableTypes"]:
        return
    tags = effective_tags(args, plain(args.props))
    if is_unknown(tags):
        return
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
    description="Taggable resources carry the cost-allocation tags (default mlgov:project, mlgov:cost-center), set on the resource or by its provider's default_tags (tagsAll).",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.MEDIUM,
    remediation_steps=REMEDIATION,
)
