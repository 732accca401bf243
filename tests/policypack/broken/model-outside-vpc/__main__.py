"""Broken on purpose: A SageMaker model without a vpc_config in a preprod stack."""

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

# The defect: no vpc_config, so the container runs outside the VPC.
aws.sagemaker.Model(
    "churn", execution_role_arn=role.arn,
    primary_container={"image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1",
                       "model_data_url": "s3://churn-model-artifacts/model.tar.gz"},
    tags=TAGS)
