"""s3-public-access-block: every bucket blocks all public access."""

from __future__ import annotations

from pulumi_policy import Severity

from .. import s3
from ..tokens import TypeToken
from ._s3 import s3_companion_policy

NAME = "s3-public-access-block"
REMEDIATION = "Create an s3.BucketPublicAccessBlock for the bucket with all four flags True."

POLICY = s3_companion_policy(
    name=NAME,
    description="Every S3 bucket has a BucketPublicAccessBlock with all four flags true.",
    severity=Severity.CRITICAL,
    remediation=REMEDIATION,
    companion=TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK,
    check=lambda _cfg: s3.public_access_blocked,
    wrong="does not set all four block/ignore/restrict flags to true",
    fix="Add s3.BucketPublicAccessBlock with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all True.",
)
