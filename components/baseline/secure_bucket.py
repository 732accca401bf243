"""An S3 bucket with every companion pulumi-aws 7 splits out: versioning, SSE-KMS, public access block,
optional Object Lock, TLS-only policy.

In pulumi-aws 7 the bucket's inline ``versioning`` / ``server_side_encryption_configuration``
arguments are deprecated; the companions are separate resources whose ``bucket``
input is the bucket's id, which records the link (propertyDependencies) the
policy pack uses to tell which companion belongs to which bucket.

The policy comes last: it depends on every other companion, because S3 refuses
concurrent configuration changes of one bucket, and because a policy that protects a
setting (a log bucket's versioning or Object Lock) must not be in force before the
stack has applied that setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.baseline._policy import document
from components.naming import child_name
from mlgov.aws_rules import bucket_name_problem
from mlgov.naming import SAMPLE_ACCOUNT_ID, bucket_prefix, data_lake_bucket_prefix


def data_lake_bucket(prefix: str, zone: str, account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Name of a data-lake zone's bucket: the shared stack creates it, environment stacks grant reads on it."""
    return pulumi.Output.concat(checked_bucket_prefix(data_lake_bucket_prefix(prefix, zone)), account_id)


def bucket_name(*parts: str) -> str:
    """The prefix ``<parts...>-`` of a bucket name the owner's account id completes, checked against S3's rules.

    The account id is usually an Output, so only the static part is checked; a 12-digit
    id is assumed for the length. The config checks make the same names first, so this
    only fires for a caller that skipped them.
    """
    return checked_bucket_prefix(bucket_prefix(*parts))


def checked_bucket_prefix(prefix: str) -> str:
    problem = bucket_name_problem(prefix + SAMPLE_ACCOUNT_ID)
    if problem:
        raise ValueError(f"the prefix '{prefix}' {problem}")
    return prefix


@dataclass(frozen=True)
class SecureBucketArgs:
    bucket: pulumi.Input[str]
    """Full, globally unique bucket name (see ``bucket_name``)."""
    kms_key_arn: pulumi.Input[str]
    """ARN of the customer managed key used for default encryption."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags for the bucket (the companions are not taggable)."""
    force_destroy: bool = False
    """Leave False: a destroy must never silently delete project data."""
    extra_statements: tuple[dict[str, Any], ...] = ()
    """More bucket-policy statements (values may be Outputs); the TLS-only deny always stays first."""
    object_lock: "ObjectLockRetention | None" = None
    """Create the bucket with S3 Object Lock and this default retention (Object Lock can only be
    enabled at creation; it needs versioning, which is always on)."""
    abort_incomplete_uploads_days: int | None = None
    """Abort multipart uploads left unfinished this many days (a writer killed mid-upload leaves
    parts that S3 keeps and bills); None: no lifecycle configuration."""
    eventbridge_notifications: bool = False
    """Send the bucket's events (Object Created ...) to EventBridge."""


@dataclass(frozen=True)
class ObjectLockRetention:
    mode: str
    """``GOVERNANCE`` (break-glass may bypass it) or ``COMPLIANCE`` (nobody may)."""
    days: int
    """Default retention of every new object version."""
    aliases: tuple[pulumi.Alias, ...] = ()
    """Earlier identities of the lock configuration resource (e.g. when its caller created it),
    so moving it under the bucket component is not a replacement."""


def tls_only_statement(bucket_arn: pulumi.Input[str]) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def tls_only_policy(bucket_arn: pulumi.Input[str], *extra_statements: dict[str, Any]) -> pulumi.Output[str]:
    """The TLS-only deny, followed by ``extra_statements``: the policy pack looks for the deny in every bucket policy."""
    return document(tls_only_statement(bucket_arn), *extra_statements)


class SecureBucket(pulumi.ComponentResource):
    """A bucket with versioning, SSE-KMS, a public access block, optional Object Lock, and a
    TLS-only policy applied after all of them: the shape every bucket of the platform has."""

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:secure_bucket:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            child_name(name, "bucket"),
            bucket=args.bucket,
            force_destroy=args.force_destroy,
            tags=args.tags,
            # Passed only when asked for, so the inputs of existing buckets stay as they were.
            **({"object_lock_enabled": True} if args.object_lock is not None else {}),
            opts=child,
        )
        self.versioning = aws.s3.BucketVersioning(
            child_name(name, "versioning"),
            bucket=self.bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            child_name(name, "encryption"),
            bucket=self.bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn},
                    # S3 bucket keys cut KMS request costs by orders of magnitude for ML datasets.
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            child_name(name, "public-access-block"),
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        self.object_lock: aws.s3.BucketObjectLockConfiguration | None = None
        if args.object_lock is not None:
            self.object_lock = aws.s3.BucketObjectLockConfiguration(
                child_name(name, "object-lock"),
                bucket=self.bucket.id,
                object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": args.object_lock.mode, "days": args.object_lock.days}},
                # Object Lock needs versioning on first.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.versioning], aliases=list(args.object_lock.aliases)),
            )
        self.lifecycle: aws.s3.BucketLifecycleConfiguration | None = None
        if args.abort_incomplete_uploads_days is not None:
            self.lifecycle = aws.s3.BucketLifecycleConfiguration(
                child_name(name, "lifecycle"),
                bucket=self.bucket.id,
                rules=[
                    {
                        "id": "abort-incomplete-uploads",
                        "status": "Enabled",
                        "filter": {"prefix": ""},
                        "abort_incomplete_multipart_upload": {"days_after_initiation": args.abort_incomplete_uploads_days},
                    }
                ],
                opts=child,
            )
        self.notification: aws.s3.BucketNotification | None = None
        if args.eventbridge_notifications:
            self.notification = aws.s3.BucketNotification(child_name(name, "events"), bucket=self.bucket.id, eventbridge=True, opts=child)
        # The policy comes last: a deny in it must never stop the deployer from the settings above.
        settings = [self.versioning, self.encryption, self.public_access_block]
        settings += [setting for setting in (self.object_lock, self.lifecycle, self.notification) if setting is not None]
        self.policy = aws.s3.BucketPolicy(
            child_name(name, "policy"),
            bucket=self.bucket.id,
            policy=tls_only_policy(self.bucket.arn, *args.extra_statements),
            opts=pulumi.ResourceOptions(parent=self, depends_on=settings),
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})
