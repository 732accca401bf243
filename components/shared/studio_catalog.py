"""The Service Catalog portfolio of approved ML products, shared to the projects' dev accounts.

One product today: "SageMaker Studio user profile", whose CloudFormation templates
are kept, one file per version, in ``templates/studio-user-profile/`` with the
manifest ``versions.yaml`` (``components.shared.product_versions``). Service
Catalog reads a template from S3, so each version is uploaded to an encrypted
bucket of the team shared services account under a key that contains its hash.
The first version is the Product's own artifact, which never changes (a change
would replace the Product); every later version is a ProvisioningArtifact.

Sharing (Service Catalog administrator guide, "Sharing a portfolio" and "Principal
name sharing"): the portfolio is shared to each dev account as an organizational
share (``ORGANIZATION_MEMBER_ACCOUNT``), which AWS accepts on the recipient's behalf;
an ``ACCOUNT`` share would wait for an acceptance that nothing gives. The share
carries the portfolio's ``IAM_PATTERN`` principal associations, so the Identity
Center roles of the recipient account (``AWSReservedSSO_<permission set>_<suffix>``)
see the product without any association made there. Organizational shares need
organizations access for Service Catalog and this account registered as its
delegated administrator: the org stack does both.

The launch constraint names a *local* role (``LocalRoleName``): in a dev
account that received the portfolio, the product is provisioned by the role of
that name in that account, not with the end user's own permissions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.baseline.catalog_launch_role import catalog_launch_role
from components.baseline.secure_bucket import SecureBucket, SecureBucketArgs
from components.naming import child_name, kebab
from components.shared.product_versions import TemplateVersion, check_versions, load_versions
from mlgov.constants import SERVICE_CATALOG_LAUNCH_ROLE

TEMPLATES = Path(__file__).with_name("templates") / "studio-user-profile"
PRODUCT_NAME = "SageMaker Studio user profile"
TEMPLATE_TYPE = "CLOUD_FORMATION_TEMPLATE"
SHARE_TYPE = "ORGANIZATION_MEMBER_ACCOUNT"
MAX_PATTERN_PRINCIPALS = 10
"""AssociatePrincipalWithPortfolio: at most 10 IAM_PATTERN principals per portfolio."""
_PATTERN = re.compile(r"^arn:aws[a-z-]*:iam:::(role|user|group)/\S+$")


def identity_center_role_pattern(permission_set: str) -> str:
    """IAM_PATTERN of the roles Identity Center creates for a permission set in every account
    (``/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<name>_<suffix>``). Nobody
    but Identity Center can create a role under that path, so the pattern cannot be squatted."""
    return f"arn:aws:iam:::role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{permission_set}_*"


def template_key(version: TemplateVersion) -> str:
    return f"products/studio-user-profile/{version.digest[:16]}.yaml"


def check_launcher_patterns(patterns: tuple[str, ...]) -> list[str]:
    errors = [f"'{p}' is not an IAM_PATTERN ARN (arn:aws:iam:::role/<path>/<name>, no account id)" for p in patterns if not _PATTERN.match(p)]
    if len(set(patterns)) != len(patterns):
        errors.append("a principal pattern is listed twice")
    if len(patterns) > MAX_PATTERN_PRINCIPALS:
        errors.append(f"{len(patterns)} principal patterns; Service Catalog allows {MAX_PATTERN_PRINCIPALS} per portfolio")
    return errors


@dataclass(frozen=True)
class StudioCatalogArgs:
    portfolio_name: str
    """Name of the portfolio, as users see it."""
    provider_name: str
    """Shown as the portfolio's provider."""
    account_id: pulumi.Input[str]
    """The team shared services account (owner of the portfolio)."""
    region: str
    """Region of the portfolio and of the template bucket."""
    template_bucket: pulumi.Input[str]
    """Name of the bucket that holds the product templates."""
    kms_key_arn: pulumi.Input[str]
    """Key of the template bucket."""
    share_account_ids: dict[str, pulumi.Input[str]]
    """Accounts of the organization the portfolio is shared to, by a stable key (the project name)."""
    launcher_role_patterns: tuple[str, ...]
    """IAM_PATTERN ARNs of the roles that may launch the products in every recipient account (at most 10)."""
    tag_options: dict[str, tuple[str, ...]]
    """Allowed values per tag key, enforced on every provisioned product."""
    owner: str = "ML platform team"
    """Owner shown on the product."""
    tags: dict[str, str] = field(default_factory=dict)
    """Cost-allocation tags of the bucket, portfolio and product."""
    versions: tuple[TemplateVersion, ...] = field(default_factory=lambda: load_versions(TEMPLATES))
    """The product's versions, oldest first (default: the manifest kept in the repository)."""


class StudioCatalog(pulumi.ComponentResource):
    """The approved-products portfolio: template bucket, the Studio profile product and its
    versions, the launch constraint and tag options, organizational shares to the dev
    accounts with the launcher roles associated by pattern."""


    def __init__(self, name: str, args: StudioCatalogArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:studio_catalog:StudioCatalog", name, None, opts)
        errors = check_versions(args.versions) + check_launcher_patterns(args.launcher_role_patterns)
        if errors:
            raise ValueError(f"Service Catalog product '{PRODUCT_NAME}': " + "; ".join(errors))
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = SecureBucket(
            child_name(name, "templates"),
            SecureBucketArgs(bucket=args.template_bucket, kms_key_arn=args.kms_key_arn, tags={**args.tags, "mlgov:purpose": "catalog-templates"}),
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
        self.product, self.artifacts = self._product(name, args)
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
        self.launchers = [
            aws.servicecatalog.PrincipalPortfolioAssociation(
                child_name(name, "launcher", str(index)),
                portfolio_id=self.portfolio.id,
                principal_arn=pattern,
                principal_type="IAM_PATTERN",
                opts=child,
            )
            for index, pattern in enumerate(args.launcher_role_patterns)
        ]
        self.shares: dict[str, aws.servicecatalog.PortfolioShare] = {
            key: aws.servicecatalog.PortfolioShare(
                child_name(name, "share", kebab(key)),
                portfolio_id=self.portfolio.id,
                principal_id=account_id,
                type=SHARE_TYPE,
                share_principals=True,
                share_tag_options=True,
                opts=child,
            )
            for key, account_id in args.share_account_ids.items()
        }
        self.portfolio_id = self.portfolio.id
        self.register_outputs({"portfolioId": self.portfolio.id, "productId": self.product.id})

    def _template_url(self, name: str, args: StudioCatalogArgs, version: TemplateVersion, aliases: tuple[str, ...] = ()) -> pulumi.Output[str]:
        """Upload one version's template and return the URL Service Catalog reads it from."""
        template = aws.s3.BucketObjectv2(
            child_name(name, "studio-user-profile-template", version.name),
            bucket=self.bucket.bucket.id,
            key=template_key(version),
            content=version.text,
            content_type="application/x-yaml",
            server_side_encryption="aws:kms",
            kms_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(name=alias) for alias in aliases]),
        )
        return pulumi.Output.concat("https://", template.bucket, ".s3.", args.region, ".amazonaws.com/", template.key)

    def _product(self, name: str, args: StudioCatalogArgs) -> tuple[aws.servicecatalog.Product, dict[str, aws.servicecatalog.ProvisioningArtifact]]:
        first, *later = args.versions
        product = aws.servicecatalog.Product(
            child_name(name, "studio-user-profile"),
            name=PRODUCT_NAME,
            owner=args.owner,
            type=TEMPLATE_TYPE,
            description="A Studio user profile in the project's VPC-only domain, tagged for attribute-based access",
            provisioning_artifact_parameters={
                "name": first.name,
                "description": first.description,
                "type": TEMPLATE_TYPE,
                # Before versions, the one template object had no version in its name: an alias
                # keeps it, since replacing an object under the same key would delete the key.
                "template_url": self._template_url(name, args, first, aliases=(child_name(name, "studio-user-profile-template"),)),
            },
            tags=args.tags,
            # The first artifact is created with the product and never changed from here:
            # a change would replace the product. New templates are new artifacts below.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["provisioningArtifactParameters"]),
        )
        artifacts = {
            version.name: aws.servicecatalog.ProvisioningArtifact(
                child_name(name, "studio-user-profile", version.name),
                product_id=product.id,
                name=version.name,
                description=version.description,
                type=TEMPLATE_TYPE,
                template_url=self._template_url(name, args, version),
                active=version.active,
                guidance=version.guidance,
                # Removing an entry from the manifest leaves the version in Service Catalog:
                # provisioned products may still use it. Withdraw it with active/guidance.
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            for version in later
        }
        return product, artifacts
