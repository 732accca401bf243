"""Broken on purpose: A data bucket whose BucketVersioning is Suspended."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import compliant_bucket  # noqa: E402

# The defect: versioning suspended.
compliant_bucket("data", versioning="Suspended")
