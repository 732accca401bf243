"""Broken on purpose: A Studio domain with a KMS key, in the VPC, but with PublicInternetOnly network access."""

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

aws.sagemaker.Domain(
    "studio", domain_name="churn-model-studio", auth_mode="IAM",
    vpc_id=network.require("vpcId"), subnet_ids=[network.require("subnetId")],
    default_user_settings={"execution_role": role.arn, "security_groups": [network.require("securityGroupId")]},
    kms_key_id=key.arn,
    app_network_access_type="PublicInternetOnly",  # the defect: Studio traffic over the internet
    tags=TAGS)
