"""Broken on purpose: an organization Config rule that covers an account in an OU Control Tower does not govern."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import baseline_org, member_account, root_id  # noqa: E402

ROOT_ID = root_id()
baseline_org(ROOT_ID)
research = aws.organizations.OrganizationalUnit("research", name="Research", parent_id=ROOT_ID)
member_account("research-account", name="Research", email="aws+research@example.com", parent_id=research.id)
# The defect: the rule reaches the Research account, which has no AWS Config recorder (its OU is not registered).
aws.cfg.OrganizationManagedRule("s3-encryption", name="s3-encryption", rule_identifier="S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED")
