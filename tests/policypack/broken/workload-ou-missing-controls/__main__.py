"""Broken on purpose: A Workloads_Prod OU with the ML SCP set but without the S3 Control Tower controls."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import baseline_org, root_id, workload_ou  # noqa: E402

ROOT_ID = root_id()
baseline_org(ROOT_ID)
# The defect: the OU has the ML SCP set, but no aws.controltower.ControlTowerControl targets it.
workload_ou("workloads-prod", "Workloads_Prod", ROOT_ID, controls=())
