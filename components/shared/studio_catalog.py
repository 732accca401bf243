"""The Service Catalog portfolio of approved ML products, shared to the projects' dev accounts.

One product today: "SageMaker Studio user profile", a CloudFormation template
kept in ``templates/studio-user-profile.yaml``. Service Catalog reads a
template from S3, so the template is uploaded to an encrypted bucket of the
team shared services account, under a key that contains its hash: a changed
template is a new object, and the product's provisioning artifact follows.

The launch constraint names a *local* role (``LocalRoleName``): in a dev
account that imported the portfolio, the product is provisioned by the role of
that name in that account, not with the end user's own permissions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.baseline.catalog_launch_role import catalog_launch_role
from components.baseline.secure_bucket import SecureBucket, SecureBucketArgs
from components.naming import child_name, kebab
from mlgov.constants import SERVICE_CATALOG_LAUNCH_ROLE

TEMPLATE = Path(__file__).with_name("templates") / "studio-user-profile.yaml"
PRODUCT_NAME = "SageMaker Studio user profile"


def template_key(text: str) -> str:
    return f"products/studio-user-profile/{hashlib.sha256(text.encode()).hexdigest()[:16]}.yaml"


@dataclass(frozen=True)
class StudioCatalogArgs:
    portfolio_name: str
    provider_name: str
    """Shown as the portfolio's provider."""
    account_id: pulumi.Input[str]
    """The team shared services account (owner of the portfolio)."""
    region: str
    template_bucket: pulumi.Input[str]
    """Name of the bucket that holds the product templates."""
    kms_key_arn: pulumi.Input[str]
    """Key of the template bucket."""
    share_account_ids: dict[str, pulumi.Input[str]]
    """Accounts the portfolio is shared to, by a stable key (the project name)."""
    tag_options: dict[str, tuple[str, ...]]
    """Allowed values per tag key, enforced on every provisioned product."""
    owner: str = "ML platform team"
    tags: dict[str, str] = field(default_factory=dict)
    template_text: str = field(default_factory=lambda: TEMPLATE.read_text())
    """The product's CloudFormation template (default: the one kept in the repository)."""


class StudioCatalog(pulumi.ComponentResource):
    """The Service Catalog portfolio with the Studio user-profile product, its launch constraint,
    tag options and the shares to project dev accounts: self-service inside the guardrails.
    """

    def __init__(self, name: str, args: StudioCatalogArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:studio_catalog:StudioCatalog", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = SecureBucket(
            child_name(name, "templates"),
            SecureBucketArgs(bucket=args.template_bucket, kms_key_arn=args.kms_key_arn, tags={**args.tags, "mlgov:purpose": "catalog-templates"}),
            opts=child,
        )
        key = template_key(args.template_text)
        template = aws.s3.BucketObjectv2(
            child_name(name, "studio-user-profile-template"),
            bucket=self.bucket.bucket.id,
            key=key,
            content=args.template_text,
            content_type="application/x-yaml",
            server_side_encryption="aws:kms",
            kms_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=child,
        )
        self.portfolio = aws.servicecatalog.Portfolio(
            child_name(name, "portfolio"),
            name=args.portfolio_name,
            provider_name=args.provider_name,
            description="Approved ML products of the platform team",
            tags=args.tags,
            opts=child,
        )
        self.product = aws.servicecatalog.Product(
            child_name(name, "studio-user-profile"),
            name=PRODUCT_NAME,
            owner=args.owner,
            type="CLOUD_FORMATION_TEMPLATE",
            description="A Studio user profile in the project's VPC-only domain, tagged for attribute-based access",
            provisioning_artifact_parameters={
                "name": key.rsplit("/", 1)[-1].removesuffix(".yaml"),
                "type": "CLOUD_FORMATION_TEMPLATE",
                "template_url": pulumi.Output.concat("https://", template.bucket, ".s3.", args.region, ".amazonaws.com/", template.key),
            },
            tags=args.tags,
            opts=child,
        )
        association = aws.servicecatalog.ProductPortfolioAssociation(
            child_name(name, "studio-user-profile-association"),
            portfolio_id=self.portfolio.id,
            product_id=self.product.id,
            opts=child,
        )
        aws.servicecatalog.Constraint(
            child_name(name, "studio-user-profile-launch"),
            portfolio_id=self.portfolio.id,
            product_id=self.product.id,
            type="LAUNCH",
            parameters=json.dumps({"LocalRoleName": SERVICE_CATALOG_LAUNCH_ROLE}),
            description="Provisioned by the platform's launch role of the launching account",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[association]),
        )
        # The role of the same name here lets the platform team test the product in this account.
        catalog_launch_role(child_name(name, "launch-role"), args.account_id, args.tags, child)
        self.tag_options: dict[tuple[str, str], aws.servicecatalog.TagOption] = {}
        for tag_key, values in args.tag_options.items():
            for value in values:
                option = aws.servicecatalog.TagOption(child_name(name, "tag", tag_key, value), key=tag_key, value=value, opts=child)
                aws.servicecatalog.TagOptionResourceAssociation(
                    child_name(name, "tag", tag_key, value, "portfolio"), resource_id=self.portfolio.id, tag_option_id=option.id, opts=child
                )
                self.tag_options[(tag_key, value)] = option
        self.shares: dict[str, aws.servicecatalog.PortfolioShare] = {
            key: aws.servicecatalog.PortfolioShare(
                child_name(name, "share", kebab(key)),
                portfolio_id=self.portfolio.id,
                principal_id=account_id,
                type="ACCOUNT",
                share_tag_options=True,
                opts=child,
            )
            for key, account_id in args.share_account_ids.items()
        }
        self.portfolio_id = self.portfolio.id
        self.register_outputs({"portfolioId": self.portfolio.id, "productId": self.product.id})
