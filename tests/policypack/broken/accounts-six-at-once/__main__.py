"""Broken on purpose: Six member accounts with no depends_on chain, so all six CreateAccount calls start together."""

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config

# The defect: no depends_on between the accounts; AWS allows 5 concurrent creations.
for team in ("churn", "fraud", "forecast", "vision", "search", "pricing"):
    aws.organizations.Account(f"ml-{team}", name=f"ML {team.title()}", email=f"aws+ml-{team}@example.com",
                              parent_id=ROOT_ID, close_on_deletion=False, opts=pulumi.ResourceOptions(protect=True))
