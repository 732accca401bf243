"""The Service Catalog launch role, in every account that provisions the approved ML products.

The portfolio of the team shared services account is shared to the projects'
dev accounts; its launch constraint names a *local* role
(``LocalRoleName``), so each account that launches the product must have a
role of that name. Products are then provisioned with this role's narrow
rights, not with the end user's own.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.baseline._policy import document
from mlgov.constants import SERVICE_CATALOG_LAUNCH_ROLE


def catalog_launch_role(resource_name: str, account_id: pulumi.Input[str], tags: dict[str, str], opts: pulumi.ResourceOptions) -> aws.iam.Role:
    """The role, and its rights as an ``iam.RolePolicy`` (``Role.inline_policies`` is deprecated in pulumi-aws 7)."""
    role = aws.iam.Role(
        resource_name,
        name=SERVICE_CATALOG_LAUNCH_ROLE,
        description="Service Catalog launch role for the approved ML products",
        assume_role_policy=document({"Effect": "Allow", "Principal": {"Service": "servicecatalog.amazonaws.com"}, "Action": "sts:AssumeRole"}),
        tags=tags,
        opts=opts,
    )
    aws.iam.RolePolicy(
        f"{resource_name}-policy",
        name="provision-studio-user-profiles",
        role=role.id,
        policy=document(
            {
                "Effect": "Allow",
                "Action": [
                    "cloudformation:CreateStack", "cloudformation:DeleteStack", "cloudformation:UpdateStack",
                    "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents",
                    "cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate",
                ],
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Action": ["sagemaker:CreateUserProfile", "sagemaker:DeleteUserProfile", "sagemaker:DescribeUserProfile", "sagemaker:UpdateUserProfile", "sagemaker:AddTags"],
                "Resource": "*",
            },
            {
                # Only roles of this account, and only to SageMaker (the profile's execution role).
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": pulumi.Output.concat("arn:aws:iam::", account_id, ":role/*"),
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
            {
                # Service Catalog's own copies of product templates carry this tag (AWS launch-role guidance).
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/servicecatalog:provisioning": "true"}},
            },
        ),
        opts=opts,
    )
    return role
