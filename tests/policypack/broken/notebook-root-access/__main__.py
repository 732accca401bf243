"""Broken on purpose: A notebook instance in a VPC subnet with a KMS key and no direct internet access, but with root access."""

import json

import pulumi
import pulumi_aws as aws

TAGS = {"mlgov:project": "churn-model", "mlgov:cost-center": "cc-1234"}
network = pulumi.Config("network")  # ids of the shared VPC, from the stack config

key = aws.kms.Key("ml", description="SageMaker key", enable_key_rotation=True, tags=TAGS)
role = aws.iam.Role("sagemaker-execution", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}))

aws.sagemaker.NotebookInstance(
    "exploration", name="churn-model-exploration", instance_type="ml.t3.medium", role_arn=role.arn,
    subnet_id=network.require("subnetId"), security_groups=[network.require("securityGroupId")],
    kms_key_id=key.arn, direct_internet_access="Disabled",
    root_access="Enabled",  # the defect
    tags=TAGS)
