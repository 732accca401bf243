"""Broken on purpose: A log bucket whose policy denies versioning changes to everyone but break-glass, the role that deploys its versioning included."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import account_provider, compliant_bucket, deny_insecure_transport  # noqa: E402

LOG_ARCHIVE = "444455556666"
BREAK_GLASS = f"arn:aws:iam::{LOG_ARCHIVE}:role/mlgov-break-glass"

# The defect: versioning is managed by this stack through OrganizationAccountAccessRole, yet the
# policy lets only break-glass change it; the next versioning update fails with AccessDenied.
compliant_bucket("logs", provider=account_provider("log-archive", LOG_ARCHIVE), policy=lambda arn: [
    *deny_insecure_transport(arn),
    {"Sid": "DenyVersioningChangesExceptBreakGlass", "Effect": "Deny", "Principal": "*", "Action": "s3:PutBucketVersioning",
     "Resource": arn, "Condition": {"ArnNotLike": {"aws:PrincipalArn": BREAK_GLASS}}}])
