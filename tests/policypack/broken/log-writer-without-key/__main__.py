"""Broken on purpose: A log bucket whose policy lets AWS Config write, encrypted with a key whose policy does not let Config use it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import compliant_bucket, deny_insecure_transport  # noqa: E402

ORGANIZATION = "o-abcdefghij"

# The defect: Config may put objects, but the bucket's key keeps AWS's default policy (the account
# only), so every delivery fails on kms:GenerateDataKey.
compliant_bucket("config-logs", policy=lambda arn: [
    *deny_insecure_transport(arn),
    {"Sid": "ConfigWrites", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
     "Resource": f"{arn}/*", "Condition": {"StringEquals": {"aws:SourceOrgID": ORGANIZATION}}}])
