"""Broken on purpose: A KMS key tagged with the project but without the mlgov:cost-center tag."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import kms_key  # noqa: E402

# The defect: no mlgov:cost-center tag.
kms_key("artifacts", "model artifacts key", tags={"mlgov:project": "churn-model"})
