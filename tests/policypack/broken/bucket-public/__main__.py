"""Broken on purpose: A data bucket with every companion, but its public-access block sets all four flags false."""

import json

import pulumi_aws as aws

TAGS = {"mlgov:project": "churn-model", "mlgov:cost-center": "cc-1234"}

key = aws.kms.Key("data", description="data bucket key", enable_key_rotation=True, tags=TAGS)
bucket = aws.s3.Bucket("data", tags=TAGS)
aws.s3.BucketVersioning("data", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
aws.s3.BucketServerSideEncryptionConfiguration(
    "data", bucket=bucket.id,
    rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}])
# The defect: all four flags false, so public ACLs and public bucket policies are allowed.
aws.s3.BucketPublicAccessBlock(
    "data", bucket=bucket.id,
    block_public_acls=False, block_public_policy=False, ignore_public_acls=False, restrict_public_buckets=False)
aws.s3.BucketPolicy("data", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
})))
