"""s3-versioning: every bucket has a BucketVersioning with status Enabled."""

from __future__ import annotations

from pulumi_policy import Severity

from .. import s3
from ..tokens import TypeToken
from ._s3 import s3_companion_policy

NAME = "s3-versioning"
REMEDIATION = "Create an s3.BucketVersioning for the bucket with versioning_configuration.status 'Enabled'."

POLICY = s3_companion_policy(
    name=NAME,
    description="Every S3 bucket has versioning enabled through its BucketVersioning companion.",
    severity=Severity.MEDIUM,
    remediation=REMEDIATION,
    companion=TypeToken.S3_BUCKET_VERSIONING,
    check=lambda _cfg: s3.versioning_enabled,
    wrong="does not enable versioning",
    fix="Add s3.BucketVersioning(bucket=<bucket>.id, versioning_configuration={'status': 'Enabled'}).",
)
