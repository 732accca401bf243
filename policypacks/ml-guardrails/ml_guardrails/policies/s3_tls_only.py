"""s3-tls-only: every bucket policy denies requests without TLS."""

from __future__ import annotations

from pulumi_policy import Severity

from .. import s3
from ..tokens import TypeToken
from ._s3 import s3_companion_policy

NAME = "s3-tls-only"
REMEDIATION = "Attach a bucket policy with a Deny on s3:* conditioned on {'Bool': {'aws:SecureTransport': 'false'}}."

POLICY = s3_companion_policy(
    name=NAME,
    description="Every S3 bucket has a BucketPolicy that denies requests without TLS (aws:SecureTransport false).",
    severity=Severity.HIGH,
    remediation=REMEDIATION,
    companion=TypeToken.S3_BUCKET_POLICY,
    check=lambda _cfg: s3.denies_insecure_transport,
    wrong="does not deny requests where aws:SecureTransport is false",
    fix="Add an s3.BucketPolicy with a Deny statement for s3:* on the bucket when Bool aws:SecureTransport is 'false'.",
)
