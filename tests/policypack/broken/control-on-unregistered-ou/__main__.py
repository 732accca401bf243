"""Broken on purpose: S3 Control Tower controls on a Workloads_Prod OU that Control Tower does not govern."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import baseline_org, root_id, workload_ou  # noqa: E402

ROOT_ID = root_id()
baseline_org(ROOT_ID)
# The defect: the OU has its controls, but no controltower.Baseline registers it (EnableControl would fail).
workload_ou("workloads-prod", "Workloads_Prod", ROOT_ID, registered=False)
