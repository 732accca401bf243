"""Resource policies of the shared services, as data: who outside the account may do what.

Each function returns statements (values may be Outputs); ``document`` turns
them into JSON. No statement here names ``"*"`` as principal without an
``aws:PrincipalOrgID`` (or ``aws:SourceOrgID``) condition, except the
deny statements, which only take rights away.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components.baseline._policy import account_root, bucket_arn, document, organization_statement, role_arn

REGISTRY_WRITE_ACTIONS = (
    "sagemaker:CreateModelPackage",
    "sagemaker:UpdateModelPackage",
    "sagemaker:DescribeModelPackage",
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:ListModelPackages",
)
"""What the project's automation accounts (its pipelines) may do in its registry."""
REGISTRY_READ_ACTIONS = (
    "sagemaker:DescribeModelPackage",
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:ListModelPackages",
)
"""What the project's preprod/prod accounts may do: find and read versions, never change them."""
REGISTRABLE_STATUSES = ("PendingManualApproval", "Rejected")
"""Statuses a pipeline may set: approval is a person's act in the registry account, not the pipeline's."""

ECR_PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")
CODEARTIFACT_READ_ACTIONS = (
    "codeartifact:GetAuthorizationToken",
    "codeartifact:GetRepositoryEndpoint",
    "codeartifact:ReadFromRepository",
    "codeartifact:DescribePackageVersion",
    "codeartifact:DescribeRepository",
    "codeartifact:ListPackages",
    "codeartifact:ListPackageVersions",
    "codeartifact:ListPackageVersionAssets",
    "codeartifact:GetPackageVersionAsset",
    "codeartifact:GetPackageVersionReadme",
)
LOG_PROTECTION_ACTIONS = (
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:DeleteBucket",
    "s3:PutLifecycleConfiguration",
    "s3:BypassGovernanceRetention",
)
"""Ways to lose logs that the stack never uses: only the break-glass role may use them on the log bucket."""
LOG_SETTING_ACTIONS = (
    "s3:PutBucketVersioning",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
)
"""Changes of the protections themselves. The stack manages these settings (versioning, the
Object Lock retention, the policy), so the deploying role keeps them besides break-glass:
denying them to it fails the next ``pulumi up`` that changes one."""


@dataclass(frozen=True)
class LogSources:
    """Where the organization's logs come from: what the writers' key statements are confined to."""

    organization_id: pulumi.Input[str]
    management_account_id: pulumi.Input[str]
    """Account of the organization trail (its ARN is in CloudTrail's encryption context)."""


def _organization_trail_key(sources: LogSources) -> dict[str, Any]:
    return {
        "Sid": "OrganizationTrailEncrypts",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": pulumi.Output.concat("arn:aws:cloudtrail:*:", sources.management_account_id, ":trail/*")}},
    }


def _config_delivery_key(sources: LogSources) -> dict[str, Any]:
    # Config delivers from every account of the organization, so the organization confines it.
    return {
        "Sid": "ConfigDeliveryEncrypts",
        "Effect": "Allow",
        "Principal": {"Service": "config.amazonaws.com"},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceOrgID": sources.organization_id}},
    }


# The organization's log writers (the organization trail, AWS Config) -> the key-policy
# statement that lets the service encrypt what it delivers: the bucket encrypts with its
# KMS key on the writer's behalf, so a writer the bucket policy lets in but the key does
# not fails every delivery ("Permissions for the KMS key", AWS Config and CloudTrail guides).
LOG_WRITERS: dict[str, Callable[[LogSources], dict[str, Any]]] = {
    "cloudtrail.amazonaws.com": _organization_trail_key,
    "config.amazonaws.com": _config_delivery_key,
}
LOG_SERVICES = {"Service": sorted(LOG_WRITERS)}
"""Principal of the bucket statements that let the log writers in."""


def log_writer_key_statements(sources: LogSources) -> tuple[dict[str, Any], ...]:
    """Key-policy statements for every log writer of ``LOG_WRITERS``, one per service."""
    return tuple(statement(sources) for statement in LOG_WRITERS.values())


def model_package_group_arns(region: str, account_id: pulumi.Input[str], group: str) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """(group ARN, ARN pattern of its versions); the versions' ARNs are ``model-package/<group>/<n>``."""
    prefix = pulumi.Output.concat("arn:aws:sagemaker:", region, ":", account_id)
    return (
        pulumi.Output.concat(prefix, ":model-package-group/", group),
        pulumi.Output.concat(prefix, ":model-package/", group, "/*"),
    )


def registry_policy(
    group_arn: pulumi.Input[str],
    packages_arn: pulumi.Input[str],
    writer_account_ids: Sequence[pulumi.Input[str]],
    reader_account_ids: Sequence[pulumi.Input[str]],
) -> pulumi.Output[str]:
    """The model package group's resource policy: its pipelines register, its preprod/prod accounts read."""
    return document(
        {
            "Sid": "PipelinesRegisterVersions",
            "Effect": "Allow",
            "Principal": {"AWS": [account_root(account) for account in writer_account_ids]},
            "Action": list(REGISTRY_WRITE_ACTIONS),
            "Resource": [group_arn, packages_arn],
            "Condition": {"StringEqualsIfExists": {"sagemaker:ModelApprovalStatus": list(REGISTRABLE_STATUSES)}},
        },
        {
            "Sid": "DeploymentAccountsReadVersions",
            "Effect": "Allow",
            "Principal": {"AWS": [account_root(account) for account in reader_account_ids]},
            "Action": list(REGISTRY_READ_ACTIONS),
            "Resource": [group_arn, packages_arn],
        },
    )


def ecr_pull_policy(organization_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Pull from anywhere inside the organization, push from nowhere outside the account."""
    return document(organization_statement("PullFromOrganization", ECR_PULL_ACTIONS, organization_id))


def codeartifact_read_policy(resource: pulumi.Input[str], organization_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Read (and fetch through the upstream) for principals of the organization; publishing stays in the account."""
    return document(organization_statement("ReadFromOrganization", CODEARTIFACT_READ_ACTIONS, organization_id, resource))


def read_only_bucket_statements(bucket: pulumi.Input[str], reader_account_ids: Sequence[pulumi.Input[str]]) -> tuple[dict[str, Any], ...]:
    """Read (list + get) for other accounts; each account's IAM still decides which of its principals."""
    if not reader_account_ids:
        return ()
    arn = bucket_arn(bucket)
    principals = {"AWS": [account_root(account) for account in reader_account_ids]}
    return (
        {"Sid": "ProjectDevAccountsList", "Effect": "Allow", "Principal": principals, "Action": "s3:ListBucket", "Resource": arn},
        {"Sid": "ProjectDevAccountsRead", "Effect": "Allow", "Principal": principals, "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": pulumi.Output.concat(arn, "/*")},
    )


def log_bucket_statements(
    bucket: pulumi.Input[str],
    log_archive_account_id: pulumi.Input[str],
    break_glass_role_name: str,
    deploy_role_name: pulumi.Input[str],
    organization_id: pulumi.Input[str],
) -> tuple[dict[str, Any], ...]:
    """Deny-delete for everyone but break-glass, setting changes for everyone but break-glass and
    the deploying role, and writes from the organization's log services."""
    arn = bucket_arn(bucket)
    objects = pulumi.Output.concat(arn, "/*")
    break_glass = role_arn(log_archive_account_id, break_glass_role_name)
    return (
        {
            "Sid": "DenyLogDeletionExceptBreakGlass",
            "Effect": "Deny",
            "Principal": "*",
            "Action": list(LOG_PROTECTION_ACTIONS),
            "Resource": [arn, objects],
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": break_glass}},
        },
        {
            "Sid": "DenySettingChangesExceptBreakGlassAndDeployer",
            "Effect": "Deny",
            "Principal": "*",
            "Action": list(LOG_SETTING_ACTIONS),
            "Resource": arn,
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": [break_glass, role_arn(log_archive_account_id, deploy_role_name)]}},
        },
        {
            "Sid": "LogServicesCheckAcl",
            "Effect": "Allow",
            "Principal": LOG_SERVICES,
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": arn,
            "Condition": {"StringEquals": {"aws:SourceOrgID": organization_id}},
        },
        {
            "Sid": "LogServicesWriteFromOrganization",
            "Effect": "Allow",
            "Principal": LOG_SERVICES,
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": {"StringEquals": {"aws:SourceOrgID": organization_id, "s3:x-amz-acl": "bucket-owner-full-control"}},
        },
    )

