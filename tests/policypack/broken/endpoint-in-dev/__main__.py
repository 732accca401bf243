"""Broken on purpose: A real-time endpoint (model in a VPC, KMS-encrypted endpoint config) in a dev stack."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import TAGS, execution_role, kms_key, model, shared_network  # noqa: E402

key = kms_key("ml", "SageMaker key")
churn = model("churn", execution_role(), shared_network())

# The defect: endpoints are forbidden where mlgov:environment is dev.
config = aws.sagemaker.EndpointConfiguration(
    "churn", kms_key_arn=key.arn,
    production_variants=[{"variant_name": "primary", "model_name": churn.name,
                          "instance_type": "ml.m5.large", "initial_instance_count": 1}],
    tags=TAGS)
aws.sagemaker.Endpoint("churn", endpoint_config_name=config.name, tags=TAGS)
