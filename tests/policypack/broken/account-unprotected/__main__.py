"""Broken on purpose: A member account without protect=True."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import member_account  # noqa: E402

# The defect: no protect=True, so `pulumi destroy` may remove the account.
member_account("ml-dev", protect=False)
