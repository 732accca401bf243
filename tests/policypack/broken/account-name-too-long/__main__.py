"""Broken on purpose: A member account whose name is over the 50-character limit."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import member_account  # noqa: E402

# The defect: 64 characters; AWS allows 50.
member_account("ml-dev", name="Machine Learning Customer Churn Prediction Development Workspace")
