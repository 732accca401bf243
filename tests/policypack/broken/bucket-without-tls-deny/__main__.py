"""Broken on purpose: A data bucket whose bucket policy has no Deny for aws:SecureTransport false."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import compliant_bucket  # noqa: E402

# The defect: the policy only denies deleting the bucket; plain-HTTP requests are allowed.
compliant_bucket("data", policy=lambda arn: [
    {"Sid": "DenyBucketDeletion", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": arn}])
