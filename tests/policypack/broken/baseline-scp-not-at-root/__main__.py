"""Broken on purpose: The region allow-list SCP attached to an OU instead of the root."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import baseline_org, root_id  # noqa: E402

ROOT_ID = root_id()
security = aws.organizations.OrganizationalUnit("security", name="Security", parent_id=ROOT_ID)
# The defect: the region allow-list sits on one OU, not at the root.
baseline_org(ROOT_ID, attach={"mlgov-region-allow-list": (("security", security.id),)})
