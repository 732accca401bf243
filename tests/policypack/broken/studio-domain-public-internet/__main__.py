"""Broken on purpose: A Studio domain with a KMS key, in the VPC, but with PublicInternetOnly network access."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import TAGS, execution_role, kms_key, shared_network  # noqa: E402

network = shared_network()
aws.sagemaker.Domain(
    "studio", domain_name="churn-model-studio", auth_mode="IAM",
    vpc_id=network.vpc_id, subnet_ids=[network.subnet_id],
    default_user_settings={"execution_role": execution_role().arn, "security_groups": [network.security_group_id]},
    kms_key_id=kms_key("ml", "SageMaker key").arn,
    app_network_access_type="PublicInternetOnly",  # the defect: Studio traffic over the internet
    tags=TAGS)
