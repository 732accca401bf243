"""The organization's log bucket in the log-archive account: Object Lock, deny-delete, KMS.

Logs are evidence. The bucket is created with Object Lock (GOVERNANCE mode,
default retention from config) and versioning, and its policy denies every
way of losing logs (delete, lifecycle, versioning or lock changes, governance
bypass) to everyone but the break-glass role; changing the policy itself is
left to break-glass and the role the platform deploys with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.baseline.secure_bucket import SecureBucket, SecureBucketArgs, bucket_name
from components.naming import child_name
from components.shared.key import SharedKey, SharedKeyArgs
from components.shared.policies import log_bucket_statements
from mlgov.constants import PROJECT

ORGANIZATION_TRAIL = "mlgov-organization-trail"


@dataclass(frozen=True)
class LogArchiveArgs:
    account_id: pulumi.Input[str]
    """The log-archive core account."""
    management_account_id: pulumi.Input[str]
    """Where the organization trail lives (its ARN is in the encryption context)."""
    organization_id: pulumi.Input[str]
    region: str
    retention_days: int
    """Object Lock default retention, GOVERNANCE mode."""
    break_glass_role_name: str
    deploy_role_name: pulumi.Input[str]
    tags: dict[str, str] = field(default_factory=dict)
    management_provider: aws.Provider | None = None
    """Provider pinned to the management account; when given, the organization trail is created."""


class LogArchive(pulumi.ComponentResource):
    """The organization's log bucket: Object Lock in GOVERNANCE mode, versioning, KMS, a policy that
    lets the organization's CloudTrail and Config write and nobody but break-glass lose logs.
    """

    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:log_archive:LogArchive", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = SharedKey(
            child_name(name, "key"),
            SharedKeyArgs(
                alias="log-archive",
                account_id=args.account_id,
                region=args.region,
                services=("s3",),
                extra_statements=(
                    {
                        "Sid": "OrganizationTrailEncrypts",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
                        "Resource": "*",
                        "Condition": {
                            "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": pulumi.Output.concat("arn:aws:cloudtrail:*:", args.management_account_id, ":trail/*")}
                        },
                    },
                ),
                tags=args.tags,
            ),
            opts=child,
        )
        bucket = pulumi.Output.concat(bucket_name(PROJECT, "org-logs"), args.account_id)
        self.bucket = SecureBucket(
            child_name(name, "logs"),
            SecureBucketArgs(
                bucket=bucket,
                kms_key_arn=self.key.arn,
                tags={**args.tags, "mlgov:purpose": "organization-logs"},
                object_lock_enabled=True,
                extra_statements=log_bucket_statements(bucket, args.account_id, args.break_glass_role_name, args.deploy_role_name, args.organization_id),
            ),
            opts=child,
        )
        self.object_lock = aws.s3.BucketObjectLockConfiguration(
            child_name(name, "logs", "object-lock"),
            bucket=self.bucket.bucket.id,
            object_lock_enabled="Enabled",
            rule={"default_retention": {"mode": "GOVERNANCE", "days": args.retention_days}},
            # Object Lock needs versioning on first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.bucket.versioning]),
        )
        self.trail = None
        if args.management_provider is not None:
            self.trail = aws.cloudtrail.Trail(
                child_name(name, "organization-trail"),
                name=ORGANIZATION_TRAIL,
                s3_bucket_name=self.bucket.name,
                kms_key_id=self.key.arn,
                is_organization_trail=True,
                is_multi_region_trail=True,
                include_global_service_events=True,
                enable_log_file_validation=True,
                tags=args.tags,
                # Organization trails live in the management account; the bucket policy must exist first.
                opts=pulumi.ResourceOptions(parent=self, provider=args.management_provider, depends_on=[self.bucket.policy, self.object_lock]),
            )
        self.bucket_name = self.bucket.name
        self.register_outputs({"bucket": self.bucket.name, "keyArn": self.key.arn})
