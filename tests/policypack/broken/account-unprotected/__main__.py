"""Broken on purpose: A member account without protect=True."""

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config

# The defect: no protect=True, so `pulumi destroy` may remove the account.
aws.organizations.Account("ml-dev", name="ML Dev", email="aws+ml-dev@example.com", parent_id=ROOT_ID,
                          close_on_deletion=False)
