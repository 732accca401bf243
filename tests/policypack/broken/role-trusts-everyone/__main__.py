"""Broken on purpose: An IAM role whose trust policy lets any AWS principal ({'AWS': '*'}) assume it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import execution_role  # noqa: E402

# The defect: any AWS principal anywhere may assume the role.
execution_role("deploy", principal={"AWS": "*"})
