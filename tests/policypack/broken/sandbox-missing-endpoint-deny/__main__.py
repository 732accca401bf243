"""Broken on purpose: A Sandbox OU without the mlgov-deny-sagemaker-endpoints SCP."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import baseline_org, root_id, scp  # noqa: E402

ROOT_ID = root_id()
baseline_org(ROOT_ID)

# The defect: mlgov-deny-sagemaker-endpoints is neither on Sandbox nor on the root.
sandbox = aws.organizations.OrganizationalUnit("sandbox", name="Sandbox", parent_id=ROOT_ID)
scp("mlgov-sandbox-deny-marketplace", "aws-marketplace:Subscribe", at=(("sandbox", sandbox.id),))
