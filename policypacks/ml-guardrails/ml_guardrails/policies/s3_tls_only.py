"""s3-tls-only: every bucket policy denies requests without TLS."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from .. import s3
from ..common import violation
from ..graph import StackView
from ..tokens import TypeToken

NAME = "s3-tls-only"
REMEDIATION = "Attach a bucket policy with a Deny on s3:* conditioned on {'Bool': {'aws:SecureTransport': 'false'}}."
SCHEMA = None


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    if not view.of_type(TypeToken.S3_BUCKET):
        args.not_applicable("no S3 buckets in this stack")
    for bucket, why in s3.check(view, TypeToken.S3_BUCKET_POLICY, s3.denies_insecure_transport):
        name = bucket.get("bucket") or bucket.name
        if why == "missing":
            what = f"bucket '{name}' has no BucketPolicy."
        else:
            what = f"bucket '{name}' has a BucketPolicy that does not deny requests where aws:SecureTransport is false."
        report_violation(violation(what, "Add an s3.BucketPolicy with a Deny statement for s3:* on the bucket when Bool aws:SecureTransport is 'false'."), bucket.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description='Every S3 bucket has a BucketPolicy that denies requests without TLS (aws:SecureTransport false).',
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
