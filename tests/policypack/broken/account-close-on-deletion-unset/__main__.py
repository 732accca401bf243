"""Broken on purpose: A protected member account that leaves closeOnDeletion to the provider default."""

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config

# The defect: close_on_deletion is not set explicitly to False.
aws.organizations.Account("ml-dev", name="ML Dev", email="aws+ml-dev@example.com", parent_id=ROOT_ID,
                          opts=pulumi.ResourceOptions(protect=True))
