"""Broken on purpose: A SageMaker model without a vpc_config in a preprod stack."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import execution_role, model  # noqa: E402

# The defect: no vpc_config, so the container runs outside the VPC.
model("churn", execution_role(), network=None)
