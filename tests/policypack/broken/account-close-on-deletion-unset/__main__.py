"""Broken on purpose: A protected member account that leaves closeOnDeletion to the provider default."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import member_account  # noqa: E402

# The defect: close_on_deletion is not set explicitly to False.
member_account("ml-dev", close_on_deletion=None)
