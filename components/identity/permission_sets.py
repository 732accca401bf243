"""The organization's IAM Identity Center permission sets (org stack).

Studio access is attribute-based (ABAC): Identity Center passes the user's
``studiouserid`` attribute as the session tag ``aws:PrincipalTag/studiouserid``
(configure it once under "Attributes for access control", e.g.
``studiouserid = ${path:userName}``), and every Studio user profile carries
the tag ``studiouserid=<user>`` (components/baseline/studio.py). The policies
below compare the two, so a person opens only their own profile and creates,
changes or deletes only the spaces and apps that profile owns. Deny statements
carry the rule even where a broad managed policy (AmazonSageMakerFullAccess)
would allow more; an explicit deny always wins.

The policies are plain data (no Outputs): tests validate them against the IAM
reference data like the SCP catalogue.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.baseline.studio import ABAC_TAG_KEY
from components.identity.access_rules import PermissionSetName
from mlgov.constants import PIPELINE_ADMIN_ROLE
from components.naming import child_name

_ISO_DURATION = re.compile(r"^PT(?:(\d{1,2})H)?(?:(\d{1,2})M)?$")

PRINCIPAL_TAG = "${aws:PrincipalTag/" + ABAC_TAG_KEY + "}"
RESOURCE_TAG_KEY = f"sagemaker:ResourceTag/{ABAC_TAG_KEY}"
# Studio profile names are the user names (members' names are already profile-safe, lower-case).
OWN_PROFILE_ARN = "arn:aws:sagemaker:*:*:user-profile/*/" + PRINCIPAL_TAG
PROFILE_ARNS = "arn:aws:sagemaker:*:*:user-profile/*/*"
SPACE_AND_APP_ARNS = ("arn:aws:sagemaker:*:*:space/*/*", "arn:aws:sagemaker:*:*:app/*/*")
SPACE_AND_APP_ACTIONS = (
    "sagemaker:CreateApp", "sagemaker:DeleteApp",
    "sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace",
)  # fmt: skip
STUDIO_DISCOVERY_ACTIONS = (
    "sagemaker:ListDomains", "sagemaker:DescribeDomain", "sagemaker:ListUserProfiles",
    "sagemaker:DescribeUserProfile", "sagemaker:ListSpaces", "sagemaker:DescribeSpace",
    "sagemaker:ListApps", "sagemaker:DescribeApp", "sagemaker:ListTags",
)  # fmt: skip
SAGEMAKER_WRITE_PATTERNS = (
    "sagemaker:Create*", "sagemaker:Update*", "sagemaker:Delete*", "sagemaker:Start*",
    "sagemaker:Stop*", "sagemaker:Put*", "sagemaker:AddTags", "sagemaker:DeleteTags",
    "sagemaker:InvokeEndpoint",
)  # fmt: skip

AWS_MANAGED = "arn:aws:iam::aws:policy/"


def _document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def studio_abac_guards() -> list[dict[str, Any]]:
    """Denies that keep a person to their own Studio profile, spaces and apps, whatever else allows."""
    return [
        {
            "Sid": "DenyOtherUsersProfiles",
            "Effect": "Deny",
            "Action": ["sagemaker:CreatePresignedDomainUrl", "sagemaker:UpdateUserProfile", "sagemaker:DeleteUserProfile"],
            "Resource": PROFILE_ARNS,
            "Condition": {"StringNotEquals": {RESOURCE_TAG_KEY: PRINCIPAL_TAG}},
        },
        {
            # Spaces and apps are owned by a profile; the owner key is set by SageMaker, not the caller.
            "Sid": "DenyOtherUsersSpacesAndApps",
            "Effect": "Deny",
            "Action": list(SPACE_AND_APP_ACTIONS),
            "Resource": list(SPACE_AND_APP_ARNS),
            "Condition": {"ArnNotLike": {"sagemaker:OwnerUserProfileArn": OWN_PROFILE_ARN}},
        },
        {
            # The ABAC tag is the platform's: re-tagging someone else's profile would hand it over.
            "Sid": "DenyChangingTheAbacTag",
            "Effect": "Deny",
            "Action": ["sagemaker:AddTags", "sagemaker:DeleteTags"],
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": [ABAC_TAG_KEY]}},
        },
    ]


def studio_user_grants() -> list[dict[str, Any]]:
    """What a person needs to open Studio from the console or ``mlgov studio-url``."""
    return [
        {"Sid": "StudioDiscovery", "Effect": "Allow", "Action": list(STUDIO_DISCOVERY_ACTIONS), "Resource": "*"},
        {
            "Sid": "OpenOwnProfile",
            "Effect": "Allow",
            "Action": "sagemaker:CreatePresignedDomainUrl",
            "Resource": PROFILE_ARNS,
            "Condition": {"StringEquals": {RESOURCE_TAG_KEY: PRINCIPAL_TAG}},
        },
        {
            "Sid": "OwnSpacesAndApps",
            "Effect": "Allow",
            "Action": list(SPACE_AND_APP_ACTIONS),
            "Resource": list(SPACE_AND_APP_ARNS),
            "Condition": {"ArnLike": {"sagemaker:OwnerUserProfileArn": OWN_PROFILE_ARN}},
        },
    ]


def read_only_guards() -> list[dict[str, Any]]:
    """Preprod/prod: look, never touch. Only the pipeline's deploy role changes these accounts."""
    return [
        {"Sid": "DenySageMakerWrites", "Effect": "Deny", "Action": list(SAGEMAKER_WRITE_PATTERNS), "Resource": "*"},
        {"Sid": "DenyPassRole", "Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"},
        {"Sid": "DenyObjectWrites", "Effect": "Deny", "Action": ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"], "Resource": "*"},
    ]


def pipeline_admin_grants() -> dict[str, Any]:
    """The one write path of PipelineAdmin: becoming the pipeline administration role of the account."""
    return {
        "Sid": "AssumeThePipelineAdminRole",
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": f"arn:aws:iam::*:role/{PIPELINE_ADMIN_ROLE}",
    }


@dataclass(frozen=True)
class PermissionSetSpec:
    name: PermissionSetName
    """Permission set name (1-32 characters), as shown in the AWS access portal."""
    description: str
    session_duration: str
    """ISO 8601 duration, PT1H-PT12H."""
    managed_policies: tuple[str, ...] = ()
    """AWS managed policy ARNs attached with ManagedPolicyAttachment."""
    inline_policy: dict[str, Any] | None = None
    """Inline policy document (plain data)."""

    def __post_init__(self) -> None:
        match = _ISO_DURATION.match(self.session_duration)
        minutes = (int(match.group(1) or 0) * 60 + int(match.group(2) or 0)) if match else 0
        if not 60 <= minutes <= 720:
            raise ValueError(f"permission set {self.name}: session duration {self.session_duration!r} must be PT1H-PT12H")
        if not 1 <= len(self.name) <= 32:
            raise ValueError(f"permission set name {self.name!r} must be 1-32 characters")


def standard_permission_sets() -> tuple[PermissionSetSpec, ...]:
    """The six permission sets; session lengths shrink as power grows."""
    return (
        PermissionSetSpec(
            PermissionSetName.DATA_SCIENTIST,
            "Data scientists in sandbox and dev: their own Studio profile, spaces and apps only.",
            "PT8H",
            managed_policies=(),
            inline_policy=_document(*studio_user_grants(), *studio_abac_guards()),
        ),
        PermissionSetSpec(
            PermissionSetName.ML_ENGINEER,
            "ML engineers in sandbox and dev: SageMaker builders, Studio limited to their own profile.",
            "PT8H",
            managed_policies=(AWS_MANAGED + "AmazonSageMakerFullAccess",),
            inline_policy=_document(*studio_abac_guards()),
        ),
        PermissionSetSpec(
            PermissionSetName.ML_ENGINEER_READ_ONLY,
            "ML engineers in preprod, prod and automation accounts: read-only; the pipeline deploys.",
            "PT4H",
            managed_policies=(AWS_MANAGED + "AmazonSageMakerReadOnly", AWS_MANAGED + "job-function/ViewOnlyAccess"),
            inline_policy=_document(*read_only_guards()),
        ),
        PermissionSetSpec(
            PermissionSetName.PLATFORM_ADMIN,
            "The ML platform team only: administers the landing zone. Short sessions.",
            "PT1H",
            managed_policies=(AWS_MANAGED + "AdministratorAccess",),
        ),
        PermissionSetSpec(
            PermissionSetName.PIPELINE_ADMIN,
            "The ML platform team on automation accounts: look, and assume the pipeline administration role.",
            "PT1H",
            managed_policies=(AWS_MANAGED + "job-function/ViewOnlyAccess",),
            inline_policy=_document(pipeline_admin_grants()),
        ),
        PermissionSetSpec(
            PermissionSetName.SECURITY_AUDIT,
            "Security team: read-only audit of configuration across the organization.",
            "PT4H",
            managed_policies=(AWS_MANAGED + "SecurityAudit", AWS_MANAGED + "ReadOnlyAccess"),
        ),
    )


@dataclass(frozen=True)
class PermissionSetsArgs:
    instance_arn: pulumi.Input[str]
    """ARN of the organization's IAM Identity Center instance."""
    specs: tuple[PermissionSetSpec, ...] = field(default_factory=standard_permission_sets)
    """Permission sets to create; names must be unique."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags on every permission set."""


class PermissionSets(pulumi.ComponentResource):
    """The organization's permission sets (DataScientist, MLEngineer, MLEngineerReadOnly, PlatformAdmin,
    SecurityAudit) with their managed and inline policies; the stacks assign them by role, never
    by person.
    """

    def __init__(self, name: str, args: PermissionSetsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:permission_sets:PermissionSets", name, None, opts)
        names = [spec.name for spec in args.specs]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate permission set names in {names}")
        child = pulumi.ResourceOptions(parent=self)
        self.permission_sets: dict[str, aws.ssoadmin.PermissionSet] = {}
        for spec in args.specs:
            permission_set = aws.ssoadmin.PermissionSet(
                child_name(name, spec.name),
                name=spec.name.value,
                description=spec.description,
                instance_arn=args.instance_arn,
                session_duration=spec.session_duration,
                tags=args.tags,
                opts=child,
            )
            self.permission_sets[spec.name.value] = permission_set
            for policy_arn in spec.managed_policies:
                aws.ssoadmin.ManagedPolicyAttachment(
                    child_name(name, spec.name, policy_arn.rsplit("/", 1)[-1]),
                    instance_arn=args.instance_arn,
                    permission_set_arn=permission_set.arn,
                    managed_policy_arn=policy_arn,
                    opts=child,
                )
            if spec.inline_policy is not None:
                aws.ssoadmin.PermissionSetInlinePolicy(
                    child_name(name, spec.name, "inline"),
                    instance_arn=args.instance_arn,
                    permission_set_arn=permission_set.arn,
                    inline_policy=json.dumps(spec.inline_policy, separators=(",", ":")),
                    opts=child,
                )
        self.arns = {key: permission_set.arn for key, permission_set in self.permission_sets.items()}
        self.register_outputs({"permissionSets": self.arns})
