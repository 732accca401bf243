"""Broken on purpose: A VPC-only Studio domain whose security group allows HTTPS to the VPC range only, so its S3 gateway endpoint is out of reach."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import HTTPS_TO_VPC, private_network, studio_domain  # noqa: E402

# The defect: the S3 gateway endpoint routes to S3's prefix list, which the VPC range does not
# cover; Studio and jobs cannot read their buckets.
network = private_network("project", workload_egress=lambda s3_endpoint: [HTTPS_TO_VPC])
studio_domain("churn-model", network)
