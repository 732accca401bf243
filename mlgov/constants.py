"""Identifiers that several parts of mlgov must spell the same way.

Resource type tokens, Control Tower control identifiers, the names of the OUs the
product creates, and AWS limits. One place, tested, so no copy drifts apart.
The policy pack is self-contained (``pulumi policy publish`` uploads only its
own folder) and keeps its own copy of the tokens it needs; a test checks that
both copies agree.
"""

from __future__ import annotations

from enum import StrEnum

PROJECT = "mlgov"
CONFIG_NAMESPACE = PROJECT


class TypeToken(StrEnum):
    """Pulumi type tokens as the engine, the mocks and the policy pack see them."""

    STACK = "pulumi:pulumi:Stack"
    STACK_REFERENCE = "pulumi:pulumi:StackReference"
    AWS_PROVIDER = "pulumi:providers:aws"
    ORGANIZATION = "aws:organizations/organization:Organization"
    ORGANIZATIONAL_UNIT = "aws:organizations/organizationalUnit:OrganizationalUnit"
    ACCOUNT = "aws:organizations/account:Account"
    POLICY = "aws:organizations/policy:Policy"
    POLICY_ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"
    DELEGATED_ADMINISTRATOR = "aws:organizations/delegatedAdministrator:DelegatedAdministrator"
    CONTROL_TOWER_CONTROL = "aws:controltower/controlTowerControl:ControlTowerControl"
    CONTROL_TOWER_BASELINE = "aws:controltower/baseline:Baseline"
    CONTROL_TOWER_LANDING_ZONE = "aws:controltower/landingZone:LandingZone"
    CONFIG_ORGANIZATION_MANAGED_RULE = "aws:cfg/organizationManagedRule:OrganizationManagedRule"
    GUARDDUTY_DETECTOR = "aws:guardduty/detector:Detector"
    GUARDDUTY_ORGANIZATION_ADMIN_ACCOUNT = "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount"
    GUARDDUTY_ORGANIZATION_CONFIGURATION = "aws:guardduty/organizationConfiguration:OrganizationConfiguration"
    SECURITYHUB_ACCOUNT = "aws:securityhub/account:Account"
    SECURITYHUB_ORGANIZATION_ADMIN_ACCOUNT = "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount"
    SECURITYHUB_ORGANIZATION_CONFIGURATION = "aws:securityhub/organizationConfiguration:OrganizationConfiguration"
    S3_BUCKET = "aws:s3/bucket:Bucket"
    S3_BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
    S3_BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    S3_BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
    S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
    KMS_KEY = "aws:kms/key:Key"
    KMS_ALIAS = "aws:kms/alias:Alias"
    SAGEMAKER_DOMAIN = "aws:sagemaker/domain:Domain"
    SAGEMAKER_USER_PROFILE = "aws:sagemaker/userProfile:UserProfile"
    SAGEMAKER_NOTEBOOK_INSTANCE = "aws:sagemaker/notebookInstance:NotebookInstance"
    SAGEMAKER_ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
    SAGEMAKER_ENDPOINT_CONFIGURATION = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
    SAGEMAKER_MODEL = "aws:sagemaker/model:Model"
    BUDGET = "aws:budgets/budget:Budget"
    BUDGET_ACTION = "aws:budgets/budgetAction:BudgetAction"
    SSO_PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
    SSO_PERMISSION_SET_INLINE_POLICY = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
    SSO_MANAGED_POLICY_ATTACHMENT = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
    SSO_ACCOUNT_ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"
    IAM_ROLE = "aws:iam/role:Role"
    IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
    IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
    IAM_OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
    # shared stack
    SAGEMAKER_MODEL_PACKAGE_GROUP = "aws:sagemaker/modelPackageGroup:ModelPackageGroup"
    SAGEMAKER_MODEL_PACKAGE_GROUP_POLICY = "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy"
    ECR_REPOSITORY = "aws:ecr/repository:Repository"
    ECR_REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
    SERVICECATALOG_PORTFOLIO = "aws:servicecatalog/portfolio:Portfolio"
    SERVICECATALOG_PRODUCT = "aws:servicecatalog/product:Product"
    SERVICECATALOG_CONSTRAINT = "aws:servicecatalog/constraint:Constraint"
    SERVICECATALOG_TAG_OPTION = "aws:servicecatalog/tagOption:TagOption"
    SERVICECATALOG_TAG_OPTION_ASSOCIATION = "aws:servicecatalog/tagOptionResourceAssociation:TagOptionResourceAssociation"
    SERVICECATALOG_PORTFOLIO_SHARE = "aws:servicecatalog/portfolioShare:PortfolioShare"
    SERVICECATALOG_PRINCIPAL_ASSOCIATION = "aws:servicecatalog/principalPortfolioAssociation:PrincipalPortfolioAssociation"
    SERVICECATALOG_PROVISIONING_ARTIFACT = "aws:servicecatalog/provisioningArtifact:ProvisioningArtifact"
    SERVICECATALOG_ORGANIZATIONS_ACCESS = "aws:servicecatalog/organizationsAccess:OrganizationsAccess"
    EC2_VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
    EC2_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
    CODEARTIFACT_DOMAIN = "aws:codeartifact/domain:Domain"
    CODEARTIFACT_REPOSITORY = "aws:codeartifact/repository:Repository"
    CODEARTIFACT_DOMAIN_PERMISSIONS = "aws:codeartifact/domainPermissions:DomainPermissions"
    CODEARTIFACT_REPOSITORY_PERMISSIONS = "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy"
    LAKEFORMATION_DATA_LAKE_SETTINGS = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
    LAKEFORMATION_PERMISSIONS = "aws:lakeformation/permissions:Permissions"
    GLUE_CATALOG_DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
    S3_BUCKET_OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
    S3_OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
    # dev data export (the project's prod account)
    S3_BUCKET_NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
    S3_BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
    MACIE_ACCOUNT = "aws:macie2/account:Account"
    LAMBDA_FUNCTION = "aws:lambda/function:Function"
    EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
    EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
    LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
    LOG_SUBSCRIPTION_FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"


# Data-source tokens the program calls; the offline engine answers each of them.
class InvokeToken(StrEnum):
    CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
    REGION = "aws:index/getRegion:getRegion"
    PARTITION = "aws:index/getPartition:getPartition"
    ORGANIZATION = "aws:organizations/getOrganization:getOrganization"
    SSO_INSTANCES = "aws:ssoadmin/getInstances:getInstances"
    IDENTITY_STORE_GROUP = "aws:identitystore/getGroup:getGroup"


class OuName(StrEnum):
    """The OU tree the product builds: the multi-account layout AWS recommends for ML workloads."""

    SECURITY = "Security"
    INFRASTRUCTURE = "Infrastructure"
    SANDBOX = "Sandbox"
    WORKLOADS = "Workloads"
    WORKLOADS_DEV = "Workloads_Dev"
    WORKLOADS_PREPROD = "Workloads_PreProd"
    WORKLOADS_PROD = "Workloads_Prod"
    DEPLOYMENTS = "Deployments"
    DEPLOYMENTS_PREPROD = "Deployments_PreProd"
    DEPLOYMENTS_PROD = "Deployments_Prod"


ROOT = "Root"

# (name, parent) in creation order; parents come before children.
STANDARD_OU_TREE: tuple[tuple[str, str], ...] = (
    (OuName.SECURITY, ROOT),
    (OuName.INFRASTRUCTURE, ROOT),
    (OuName.SANDBOX, ROOT),
    (OuName.WORKLOADS, ROOT),
    (OuName.WORKLOADS_DEV, OuName.WORKLOADS),
    (OuName.WORKLOADS_PREPROD, OuName.WORKLOADS),
    (OuName.WORKLOADS_PROD, OuName.WORKLOADS),
    (OuName.DEPLOYMENTS, ROOT),
    (OuName.DEPLOYMENTS_PREPROD, OuName.DEPLOYMENTS),
    (OuName.DEPLOYMENTS_PROD, OuName.DEPLOYMENTS),
)


class ControlIdentifier(StrEnum):
    """Control Tower detective controls (AWS Control Tower controls reference); the region is filled in per deployment."""

    S3_PUBLIC_READ_PROHIBITED = "AWS-GR_S3_BUCKET_PUBLIC_READ_PROHIBITED"
    S3_PUBLIC_WRITE_PROHIBITED = "AWS-GR_S3_BUCKET_PUBLIC_WRITE_PROHIBITED"
    S3_VERSIONING_ENABLED = "AWS-GR_S3_VERSIONING_ENABLED"

    def arn(self, region: str) -> str:
        return f"arn:aws:controltower:{region}::control/{self.value}"


# There is no AWS-GR control for unencrypted buckets; the AWS Config managed rule
# is deployed organization-wide instead.
S3_ENCRYPTION_CONFIG_RULE = "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"


class Limit:
    """AWS Organizations limits ("Quotas for AWS Organizations"). The policy pack holds them as policy config."""

    SCP_MAX_CHARS = 10_240
    OU_MAX_DEPTH = 5
    ACCOUNT_NAME_MAX = 50
    OU_NAME_MAX = 128
    POLICY_NAME_MAX = 128
    POLICY_DESCRIPTION_MAX = 512
    EMAIL_MIN = 6
    EMAIL_MAX = 64
    CONCURRENT_ACCOUNT_CREATIONS = 5


class Environment(StrEnum):
    """The environment stacks; each maps to one workload OU (ENVIRONMENT_OU)."""

    SANDBOX = "sandbox"
    DEV = "dev"
    PREPROD = "preprod"
    PROD = "prod"


ENVIRONMENT_OU: dict[Environment, str] = {
    Environment.SANDBOX: OuName.SANDBOX,
    Environment.DEV: OuName.WORKLOADS_DEV,
    Environment.PREPROD: OuName.WORKLOADS_PREPROD,
    Environment.PROD: OuName.WORKLOADS_PROD,
}


class StackKind(StrEnum):
    ORG = "org"
    SHARED = "shared"
    ENVIRONMENT = "environment"


class CoreAccountRole(StrEnum):
    """The core accounts of the organization; other stacks find them by role."""

    LOG_ARCHIVE = "log-archive"
    SECURITY_TOOLING = "security-tooling"
    SECURITY_READ_ONLY = "security-read-only"
    BREAK_GLASS = "break-glass"
    NETWORK = "network"
    SHARED_SERVICES = "shared-services"
    TEAM_SHARED_SERVICES = "team-shared-services"
    DATA_LAKE = "data-lake"


# AWS service principals the organization trusts (Control Tower, Identity Center, Config, CloudTrail ...).
SERVICE_ACCESS_PRINCIPALS: tuple[str, ...] = (
    "controltower.amazonaws.com",
    "sso.amazonaws.com",
    "config.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "servicecatalog.amazonaws.com",
    "ram.amazonaws.com",
)


# Cross-account delivery (components/delivery, SCP protect-pipelines): one spelling of the role names.
PIPELINE_ROLE_PREFIX = "mlgov-pipeline-"
"""Every pipeline role in an automation account is named ``mlgov-pipeline-<project>-<environment>``."""
PIPELINE_ADMIN_ROLE = "mlgov-pipeline-admin"
# Local role named by the Service Catalog launch constraint; exists in every account that launches the products.
SERVICE_CATALOG_LAUNCH_ROLE = "mlgov-servicecatalog-launch"
# The data-lake zone project dev accounts may read (shared stack grants it, environment baselines use it).
CURATED_ZONE = "curated"
"""The only role (with the platform's exempt roles) allowed to change pipeline resources."""
DEPLOY_ROLE_PREFIX = "mlgov-deploy-"
"""Deploy role in a preprod/prod workload account, assumable only by its automation account's pipeline role."""
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
