"""Broken on purpose: A data bucket whose bucket policy has no Deny for aws:SecureTransport false."""

import json

import pulumi_aws as aws

TAGS = {"mlgov:project": "churn-model", "mlgov:cost-center": "cc-1234"}

key = aws.kms.Key("data", description="data bucket key", enable_key_rotation=True, tags=TAGS)
bucket = aws.s3.Bucket("data", tags=TAGS)
aws.s3.BucketVersioning("data", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
aws.s3.BucketServerSideEncryptionConfiguration(
    "data", bucket=bucket.id,
    rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}])
aws.s3.BucketPublicAccessBlock(
    "data", bucket=bucket.id,
    block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
# The defect: the policy only denies deleting the bucket; plain-HTTP requests are allowed.
aws.s3.BucketPolicy("data", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyBucketDeletion", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": arn}],
})))
