"""Broken on purpose: The region allow-list SCP attached to an OU instead of the root."""

import json

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config


def scp(name: str, action, condition: dict | None = None, *, at: tuple = ()) -> aws.organizations.Policy:
    """A one-statement deny SCP, attached to each (label, target id) in ``at``."""
    statement = {"Sid": "".join(p.title() for p in name.split("-")), "Effect": "Deny", "Action": action, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    policy = aws.organizations.Policy(name, name=name, type="SERVICE_CONTROL_POLICY",
                                      content=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    for label, target_id in at:
        aws.organizations.PolicyAttachment(f"{name}-{label}", policy_id=policy.id, target_id=target_id)
    return policy


# The baseline SCPs at the root (baseline-scps-at-root).
ROOT = (("root", ROOT_ID),)
scp("mlgov-deny-leave-organization", "organizations:LeaveOrganization", at=ROOT)
scp("mlgov-deny-root-user", "*", {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}, at=ROOT)
scp("mlgov-protect-security-services", ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "guardduty:DeleteDetector"], at=ROOT)

security = aws.organizations.OrganizationalUnit("security", name="Security", parent_id=ROOT_ID)
# The defect: the region allow-list sits on one OU, not at the root.
scp("mlgov-region-allow-list", "ec2:RunInstances", {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}},
    at=(("security", security.id),))
