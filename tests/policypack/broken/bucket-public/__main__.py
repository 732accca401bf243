"""Broken on purpose: A data bucket with every companion, but its public-access block sets all four flags false."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import compliant_bucket  # noqa: E402

# The defect: all four flags false, so public ACLs and public bucket policies are allowed.
compliant_bucket("data", public_access_block=False)
