"""Broken on purpose: An SCP that denies the non-existent action sagemaker:CreateEndpoints (typo for CreateEndpoint)."""

import json

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config

policy = aws.organizations.Policy("deny-endpoints", name="mlgov-deny-endpoints-typo", type="SERVICE_CONTROL_POLICY",
                                  content=json.dumps({"Version": "2012-10-17", "Statement": [{
                                      "Sid": "DenyEndpoints", "Effect": "Deny",
                                      "Action": ["sagemaker:CreateEndpoints"],  # the defect: no such action
                                      "Resource": "*"}]}))
aws.organizations.PolicyAttachment("deny-endpoints-root", policy_id=policy.id, target_id=ROOT_ID)
