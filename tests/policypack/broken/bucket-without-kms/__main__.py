"""Broken on purpose: A data bucket encrypted with SSE-S3 (AES256) instead of a customer managed KMS key."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import compliant_bucket  # noqa: E402

# The defect: SSE-S3, no KMS key.
compliant_bucket("data", sse="AES256")
