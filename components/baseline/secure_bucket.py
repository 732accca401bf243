"""An S3 bucket with every companion pulumi-aws 7 splits out: versioning, SSE-KMS, public access block, TLS-only policy.

In pulumi-aws 7 the bucket's inline ``versioning`` / ``server_side_encryption_configuration``
arguments are deprecated; the companions are separate resources whose ``bucket``
input is the bucket's id, which records the link (propertyDependencies) the
policy pack uses to tell which companion belongs to which bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.baseline._policy import document
from components.naming import child_name

BUCKET_NAME_MAX = 63
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")


def data_lake_bucket(prefix: str, zone: str, account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Name of a data-lake zone's bucket: the shared stack creates it, environment stacks grant reads on it."""
    return pulumi.Output.concat(bucket_name(prefix.rstrip("-"), zone), account_id)


def bucket_name(*parts: str, account_id_length: int = 12) -> str:
    """Check the static parts of ``<parts...>-<account id>`` against S3's rules; return the prefix with a trailing dash.

    The account id is usually an Output, so only the static part is checked; a 12-digit
    id is assumed for the length.
    """
    prefix = "-".join(parts)
    if not _BUCKET_NAME.match(prefix) or "--" in prefix:
        raise ValueError(f"bucket name prefix '{prefix}' must be lowercase letters, digits and single dashes")
    if len(prefix) + 1 + account_id_length > BUCKET_NAME_MAX:
        raise ValueError(
            f"bucket name '{prefix}-<account id>' is {len(prefix) + 1 + account_id_length} characters; S3 allows {BUCKET_NAME_MAX}. "
            "Shorten the project name or the purpose."
        )
    return prefix + "-"


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
    object_lock_enabled: bool = False
    """Create the bucket with S3 Object Lock (only possible at creation; needs versioning, which is always on)."""


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
    """A bucket with versioning, SSE-KMS, a full public access block and a TLS-only policy.

    Every bucket of the product goes through here so none can miss a companion the
    guardrails require.
    """

    def __init__(self, name: str, args: SecureBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:secure_bucket:SecureBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            child_name(name, "bucket"),
            bucket=args.bucket,
            force_destroy=args.force_destroy,
            tags=args.tags,
            # Passed only when asked for, so the inputs of existing buckets stay as they were.
            **({"object_lock_enabled": True} if args.object_lock_enabled else {}),
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
        self.policy = aws.s3.BucketPolicy(
            child_name(name, "policy"),
            bucket=self.bucket.id,
            policy=tls_only_policy(self.bucket.arn, *args.extra_statements),
            # S3 rejects concurrent PutBucketPolicy / PutPublicAccessBlock on one bucket.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.public_access_block]),
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})
