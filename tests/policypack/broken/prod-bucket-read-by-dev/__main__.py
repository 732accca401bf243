"""Broken on purpose: a raw data bucket in a prod stack whose policy lets another account's role read it, tagged like an export bucket but not built by DevDataExport."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import TAGS, compliant_bucket, deny_insecure_transport  # noqa: E402

PROD_ACCOUNT, DEV_ACCOUNT = "111122223333", "444455556666"
prod = aws.Provider("prod-account", region="us-east-1", allowed_account_ids=[PROD_ACCOUNT])

# The defect: a dev account's Studio role may read the raw prod bucket. The export tag alone
# does not make it an export bucket: no DevDataExport component built it.
compliant_bucket(
    "raw-data",
    tags={**TAGS, "mlgov:purpose": "dev-export"},
    provider=prod,
    policy=lambda arn: [
        *deny_insecure_transport(arn),
        {"Sid": "DevReadsRawData", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{DEV_ACCOUNT}:role/mlgov-churn-model-sagemaker-execution"},
         "Action": ["s3:GetObject"], "Resource": f"{arn}/*"}])
