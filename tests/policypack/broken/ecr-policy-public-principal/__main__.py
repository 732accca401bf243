"""Broken on purpose: An ECR repository whose policy lets Principal '*' pull images, with no aws:PrincipalOrgID condition."""

import sys
from pathlib import Path

import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
from compliant import document, kms_key  # noqa: E402

repository = aws.ecr.Repository(
    "images", name="ml-training-base", image_tag_mutability="IMMUTABLE",
    encryption_configurations=[{"encryption_type": "KMS", "kms_key": kms_key("images", "ECR images key").arn}])
# The defect: pull for Principal "*" with no Condition {"StringEquals": {"aws:PrincipalOrgID": <org id>}}.
aws.ecr.RepositoryPolicy("images", repository=repository.name, policy=document({
    "Sid": "PullFromAnyone", "Effect": "Allow", "Principal": "*",
    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]}))
