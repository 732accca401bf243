"""s3-kms-encryption: every bucket has default encryption with a KMS key."""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, Severity

from .. import s3
from ..common import string_list_prop
from ..tokens import TypeToken
from ._s3 import s3_companion_policy

NAME = "s3-kms-encryption"
REMEDIATION = "Create an s3.BucketServerSideEncryptionConfiguration whose rule uses sse_algorithm 'aws:kms' and a customer managed KMS key."
SCHEMA = PolicyConfigSchema(properties={"allowedAlgorithms": string_list_prop("Accepted sseAlgorithm values.", ["aws:kms", "aws:kms:dsse"])})

POLICY = s3_companion_policy(
    name=NAME,
    description="Every S3 bucket defaults to SSE-KMS with a named KMS key (BucketServerSideEncryptionConfiguration).",
    severity=Severity.HIGH,
    remediation=REMEDIATION,
    companion=TypeToken.S3_BUCKET_SSE,
    check=lambda cfg: s3.kms_encrypted(list(cfg["allowedAlgorithms"])),
    wrong="does not set sseAlgorithm aws:kms with a kmsMasterKeyId",
    fix="Add s3.BucketServerSideEncryptionConfiguration with apply_server_side_encryption_by_default sse_algorithm 'aws:kms' and kms_master_key_id=<key arn>.",
    schema=SCHEMA,
)
