"""Broken on purpose: An SCP that conditions on the deprecated key sagemaker:VolumeKmsKey (sagemaker:VolumeKmsKeyArn is current)."""

import json

import pulumi
import pulumi_aws as aws

ROOT_ID = pulumi.Config("org").require("rootId")  # the organization root, from the stack config

policy = aws.organizations.Policy("require-kms", name="mlgov-require-volume-kms", type="SERVICE_CONTROL_POLICY",
                                  content=json.dumps({"Version": "2012-10-17", "Statement": [{
                                      "Sid": "DenyTrainingWithoutVolumeKey", "Effect": "Deny",
                                      "Action": ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"],
                                      "Resource": "*",
                                      # the defect: deprecated key; the condition never matches
                                      "Condition": {"Null": {"sagemaker:VolumeKmsKey": "true"}}}]}))
aws.organizations.PolicyAttachment("require-kms-root", policy_id=policy.id, target_id=ROOT_ID)
