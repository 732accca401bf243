"""Broken on purpose: A real-time endpoint (model in a VPC, KMS-encrypted endpoint config) in a dev stack."""

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

model = aws.sagemaker.Model(
    "churn", execution_role_arn=role.arn,
    primary_container={"image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1",
                       "model_data_url": "s3://churn-model-artifacts/model.tar.gz"},
    vpc_config={"subnets": [network.require("subnetId")], "security_group_ids": [network.require("securityGroupId")]},
    tags=TAGS)

# The defect: endpoints are forbidden where mlgov:environment is dev.
config = aws.sagemaker.EndpointConfiguration(
    "churn", kms_key_arn=key.arn,
    production_variants=[{"variant_name": "primary", "model_name": model.name,
                          "instance_type": "ml.m5.large", "initial_instance_count": 1}],
    tags=TAGS)
aws.sagemaker.Endpoint("churn", endpoint_config_name=config.name, tags=TAGS)
