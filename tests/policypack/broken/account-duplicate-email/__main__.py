"""Broken on purpose: Two member accounts that share one email address."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import member_account  # noqa: E402

member_account("ml-dev", name="ML Dev", email="aws+ml@example.com")
# The defect: the same address again (AWS rejects the second CreateAccount).
member_account("ml-prod", name="ML Prod", email="aws+ml@example.com")
