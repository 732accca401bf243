"""Broken on purpose: Ten SCPs attached to one OU: with FullAWSAccess that is 11, over the limit of 10."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import baseline_org, root_id, scp  # noqa: E402

ROOT_ID = root_id()
baseline_org(ROOT_ID)

research = aws.organizations.OrganizationalUnit("research", name="Research", parent_id=ROOT_ID)
# The defect: 10 SCPs from this stack + FullAWSAccess = 11 on one OU.
for action in ("ec2:CreateVpc", "ec2:CreateInternetGateway", "ec2:CreateNatGateway", "ec2:AllocateAddress",
               "iam:CreateUser", "iam:CreateAccessKey", "s3:PutBucketPublicAccessBlock", "kms:ScheduleKeyDeletion",
               "sagemaker:CreatePresignedDomainUrl", "route53:CreateHostedZone"):
    scp(f"mlgov-research-deny-{action.split(':')[1].lower()}", action, at=(("research", research.id),))
