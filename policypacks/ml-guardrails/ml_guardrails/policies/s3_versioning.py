"""s3-versioning: every bucket has a BucketVersioning with status Enabled."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from .. import s3
from ..common import violation
from ..graph import StackView
from ..tokens import TypeToken

NAME = "s3-versioning"
REMEDIATION = "Create an s3.BucketVersioning for the bucket with versioning_configuration.status 'Enabled'."
SCHEMA = None


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    if not view.of_type(TypeToken.S3_BUCKET):
        args.not_applicable("no S3 buckets in this stack")
    for bucket, why in s3.check(view, TypeToken.S3_BUCKET_VERSIONING, s3.versioning_enabled):
        name = bucket.get("bucket") or bucket.name
        if why == "missing":
            what = f"bucket '{name}' has no BucketVersioning."
        else:
            what = f"bucket '{name}' has a BucketVersioning that does not enable versioning."
        report_violation(violation(what, "Add s3.BucketVersioning(bucket=<bucket>.id, versioning_configuration={'status': 'Enabled'})."), bucket.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description='Every S3 bucket has versioning enabled through its BucketVersioning companion.',
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.MEDIUM,
    remediation_steps=REMEDIATION,
)
