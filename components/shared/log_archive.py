"""The organization's log bucket in the log-archive account: Object Lock, deny-delete, KMS.

Logs are evidence. The bucket is created with Object Lock (GOVERNANCE mode,
default retention from config) and versioning, and its policy denies every
way of losing logs (delete, lifecycle change, governance bypass) to everyone but
the break-glass role. The settings the stack itself manages (versioning, the
Object Lock retention, the policy) may be changed by break-glass and by the role
the platform deploys with, and by nobody else: denying them to the deploying role
would fail the next change of ``retentionDays``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.baseline.secure_bucket import ObjectLockRetention, SecureBucket, SecureBucketArgs, bucket_name
from components.naming import child_name
from components.shared.key import SharedKey, SharedKeyArgs
from components.shared.policies import LogSources, log_bucket_statements, log_writer_key_statements
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
    """The organization's log bucket and its key (and, when asked, the organization trail):
    evidence that nobody but break-glass can delete, written by CloudTrail and Config."""

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
                extra_statements=log_writer_key_statements(LogSources(args.organization_id, args.management_account_id)),
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
                # The lock configuration was once a child of this component: same name, new parent.
                object_lock=ObjectLockRetention("GOVERNANCE", args.retention_days, aliases=(pulumi.Alias(parent=self),)),
                extra_statements=log_bucket_statements(bucket, args.account_id, args.break_glass_role_name, args.deploy_role_name, args.organization_id),
            ),
            opts=child,
        )
        self.object_lock = self.bucket.object_lock
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
