"""Broken on purpose: A data bucket with versioning, SSE-KMS and a TLS-only policy, but no BucketPublicAccessBlock at all."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import compliant_bucket  # noqa: E402

# The defect: no aws.s3.BucketPublicAccessBlock for the bucket.
compliant_bucket("data", public_access_block=None)
