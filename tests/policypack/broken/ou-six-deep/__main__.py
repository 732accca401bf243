"""Broken on purpose: An OU chain six levels below the root (AWS allows five)."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import baseline_org, root_id  # noqa: E402

ROOT_ID = root_id()
baseline_org(ROOT_ID)

# The defect: six nested OUs.
parent = ROOT_ID
for level in ("Platform", "Data", "Analytics", "Teams", "Forecasting", "Experiments"):
    parent = aws.organizations.OrganizationalUnit(level.lower(), name=level, parent_id=parent).id
