"""Broken on purpose: Two member accounts that share one email address."""

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config

aws.organizations.Account("ml-dev", name="ML Dev", email="aws+ml@example.com", parent_id=ROOT_ID,
                          close_on_deletion=False, opts=pulumi.ResourceOptions(protect=True))
# The defect: the same address again (AWS rejects the second CreateAccount).
aws.organizations.Account("ml-prod", name="ML Prod", email="aws+ml@example.com", parent_id=ROOT_ID,
                          close_on_deletion=False, opts=pulumi.ResourceOptions(protect=True))
