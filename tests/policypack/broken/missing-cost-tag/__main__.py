"""Broken on purpose: A KMS key tagged with the project but without the mlgov:cost-center tag."""

import pulumi_aws as aws

# The defect: no mlgov:cost-center tag.
aws.kms.Key("artifacts", description="model artifacts key", enable_key_rotation=True,
            tags={"mlgov:project": "churn-model"})
