"""Broken on purpose: Six member accounts with no depends_on chain, so all six CreateAccount calls start together."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import member_account  # noqa: E402

# The defect: no depends_on between the accounts; AWS allows 5 concurrent creations.
for team in ("churn", "fraud", "forecast", "vision", "search", "pricing"):
    member_account(f"ml-{team}", name=f"ML {team.title()}", email=f"aws+ml-{team}@example.com")
