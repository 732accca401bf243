"""s3-kms-encryption: every bucket has default encryption with a KMS key."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, Severity, StackValidationPolicy

from .. import s3
from ..common import policy_config, violation
from ..graph import StackView
from ..tokens import TypeToken

NAME = "s3-kms-encryption"
REMEDIATION = "Create an s3.BucketServerSideEncryptionConfiguration whose rule uses sse_algorithm 'aws:kms' and a customer managed KMS key."
SCHEMA = PolicyConfigSchema(properties={"allowedAlgorithms": {"type": "array", "items": {"type": "string"}, "default": ["aws:kms", "aws:kms:dsse"], "description": "Accepted sseAlgorithm values."}})


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    if not view.of_type(TypeToken.S3_BUCKET):
        args.not_applicable("no S3 buckets in this stack")
    cfg = policy_config(args, SCHEMA)
    for bucket, why in s3.check(view, TypeToken.S3_BUCKET_SSE, s3.kms_encrypted(list(cfg['allowedAlgorithms']))):
        name = bucket.get("bucket") or bucket.name
        if why == "missing":
            what = f"bucket '{name}' has no BucketServerSideEncryptionConfiguration."
        else:
            what = f"bucket '{name}' has a BucketServerSideEncryptionConfiguration that does not set sseAlgorithm aws:kms with a kmsMasterKeyId."
        report_violation(violation(what, "Add s3.BucketServerSideEncryptionConfiguration with apply_server_side_encryption_by_default sse_algorithm 'aws:kms' and kms_master_key_id=<key arn>."), bucket.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description='Every S3 bucket defaults to SSE-KMS with a named KMS key (BucketServerSideEncryptionConfiguration).',
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
