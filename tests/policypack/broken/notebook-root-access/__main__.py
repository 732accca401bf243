"""Broken on purpose: A notebook instance in a VPC subnet with a KMS key and no direct internet access, but with root access."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import TAGS, execution_role, kms_key, shared_network  # noqa: E402

network = shared_network()
aws.sagemaker.NotebookInstance(
    "exploration", name="churn-model-exploration", instance_type="ml.t3.medium", role_arn=execution_role().arn,
    subnet_id=network.subnet_id, security_groups=[network.security_group_id],
    kms_key_id=kms_key("ml", "SageMaker key").arn, direct_internet_access="Disabled",
    root_access="Enabled",  # the defect
    tags=TAGS)
