"""Broken on purpose: A data bucket with every companion whose policy also allows s3:GetObject to Principal '*' with no organization condition."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import compliant_bucket, deny_insecure_transport  # noqa: E402

# The defect: next to the TLS-only deny, an Allow for Principal "*" without an aws:PrincipalOrgID condition.
compliant_bucket("data", policy=lambda arn: [
    *deny_insecure_transport(arn),
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{arn}/*"}])
