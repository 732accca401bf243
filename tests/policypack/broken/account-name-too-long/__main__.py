"""Broken on purpose: A member account whose name is over the 50-character limit."""

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config

# The defect: 64 characters; AWS allows 50.
aws.organizations.Account("ml-dev", name="Machine Learning Customer Churn Prediction Development Workspace",
                          email="aws+ml-dev@example.com", parent_id=ROOT_ID,
                          close_on_deletion=False, opts=pulumi.ResourceOptions(protect=True))
