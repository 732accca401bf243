"""s3-public-access-block: every bucket blocks all public access."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from .. import s3
from ..common import violation
from ..graph import StackView
from ..tokens import TypeToken

NAME = "s3-public-access-block"
REMEDIATION = 'Create an s3.BucketPublicAccessBlock for the bucket with all four flags True.'
SCHEMA = None


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    if not view.of_type(TypeToken.S3_BUCKET):
        args.not_applicable("no S3 buckets in this stack")
    for bucket, why in s3.check(view, TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK, s3.public_access_blocked):
        name = bucket.get("bucket") or bucket.name
        if why == "missing":
            what = f"bucket '{name}' has no BucketPublicAccessBlock."
        else:
            what = f"bucket '{name}' has a BucketPublicAccessBlock that does not set all four block/ignore/restrict flags to true."
        report_violation(violation(what, 'Add s3.BucketPublicAccessBlock with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all True.'), bucket.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description='Every S3 bucket has a BucketPublicAccessBlock with all four flags true.',
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.CRITICAL,
    remediation_steps=REMEDIATION,
)
