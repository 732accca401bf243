"""Broken on purpose: An SCP that denies the non-existent action sagemaker:CreateEndpoints (typo for CreateEndpoint)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import root_id, scp  # noqa: E402

scp("mlgov-deny-endpoints-typo", ["sagemaker:CreateEndpoints"],  # the defect: no such action
    at=(("root", root_id()),))
