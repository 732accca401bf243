"""Broken on purpose: GuardDuty's administrator registered with organizations.DelegatedAdministrator."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import baseline_org, root_id  # noqa: E402

baseline_org(root_id())
# The defect: GuardDuty designates its administrator through guardduty.OrganizationAdminAccount, per region;
# this registration makes no administrator and conflicts with the real one.
aws.organizations.DelegatedAdministrator("guardduty-admin", account_id="111122223333", service_principal="guardduty.amazonaws.com")
