"""Which input changes make the provider replace a resource, for every type the program uses.

Offline nothing can ask the provider (no ``Diff`` call), so this table is the
program's knowledge of replacement: ``mlgov diff`` marks replacements with it and
the local provider of the real-engine tests answers ``Diff`` from it.

Source: the ``ForceNew`` flags (``RequiresReplace`` plan modifiers for
plugin-framework resources) of hashicorp/terraform-provider-aws, file
``internal/service/<SOURCES[token]>``, in the v6 line that pulumi-aws 7.x bridges
(pulumi-aws 7.37 bridges v6.54, 7.43 bridges v6.61 according to its release
notes; 7.51.1 bridges a later v6 release). Pulumi names the properties in camelCase
(``role_name`` -> ``roleName``) and flattens single-item blocks
(``provisioning_artifact_parameters.0.template_url`` ->
``provisioningArtifactParameters.templateUrl``); a ForceNew inside a list or set
block is written with the block's path.

Every regional type also replaces on a change of ``region``: v6 injects that
argument into every regional resource and forces a new resource when it changes
(``forceNewIfRegionChanges``, ``internal/provider/sdkv2``). Global types (IAM,
Organizations, Budgets) have no ``region`` argument.

Conservative choices (flag rather than miss):

- Organization ``featureSet``: the provider replaces only when going from ``ALL``
  to ``CONSOLIDATED_BILLING``; any change is counted.
- Account ``name`` and ``parentId`` are *not* listed: renames use the Account
  Management API (PutAccountName, terraform-provider-aws#42350) and moves use
  MoveAccount, both in place.
- ProvisioningArtifact ``productId``: not ForceNew upstream, but a version
  belongs to one product and cannot move, so it is counted.
- NatGateway ``vpcId`` and ``availabilityMode``, Bucket ``bucketNamespace``,
  CatalogDatabase ``federatedDatabase``: identity settings of newer provider
  releases that no update API changes; counted.

Types that are not cloud resources are handled explicitly:

- ``pulumi:pulumi:Stack`` (the root, no inputs) and ``pulumi:pulumi:StackReference``
  (a read of another stack's outputs, read again when its name changes) are in the
  table with no ForceNew property: nothing is replaced.
- ``pulumi:providers:aws``: the engine replaces a provider when its ``DiffConfig``
  marks a changed key as forcing provider replacement
  (pulumi-terraform-bridge ``pkg/tfbridge/provider.go``), and replacing a provider
  replaces every resource created with it. ``region`` is listed (conservative: a
  provider moved to another region cannot manage what it created); other
  provider packages are unknown types.
- Component resources (``mlgov:<module>:<Name>``) are logical: the engine diffs
  only custom resources through a provider, so a component is never replaced for
  its inputs. ``replace_causes`` returns ``[]`` for them; they are not in the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from mlgov.constants import PROJECT

REGION = "region"
COMPONENT_PREFIX = f"{PROJECT}:"
PROVIDER_PREFIX = "pulumi:providers:"


class UnknownResourceType(KeyError):
    """A type token that is in neither the force-replace table nor the explicit cases."""

    def __init__(self, type_token: str) -> None:
        super().__init__(type_token)
        self.type_token = type_token

    def __str__(self) -> str:
        return (f"{self.type_token}: not in the force-replace table (mlgov/force_replace.py). "
                "Fix: add the type with the ForceNew properties of its upstream resource file")


# (type token, upstream file under internal/service/, regional, ForceNew paths)
_ROWS: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    # Organizations (global)
    ("aws:organizations/organization:Organization", "organizations/organization.go", False, ("featureSet",)),
    ("aws:organizations/organizationalUnit:OrganizationalUnit", "organizations/organizational_unit.go", False, ("parentId",)),
    ("aws:organizations/account:Account", "organizations/account.go", False, ("email", "iamUserAccessToBilling", "roleName")),
    ("aws:organizations/policy:Policy", "organizations/policy.go", False, ("type",)),
    ("aws:organizations/policyAttachment:PolicyAttachment", "organizations/policy_attachment.go", False, ("policyId", "targetId")),
    ("aws:organizations/delegatedAdministrator:DelegatedAdministrator", "organizations/delegated_administrator.go", False,
     ("accountId", "servicePrincipal")),
    # Control Tower
    ("aws:controltower/controlTowerControl:ControlTowerControl", "controltower/control.go", True, ("controlIdentifier", "targetIdentifier")),
    ("aws:controltower/landingZone:LandingZone", "controltower/landing_zone.go", True, ()),
    ("aws:controltower/baseline:Baseline", "controltower/baseline.go", True, ("baselineIdentifier", "baselineVersion", "targetIdentifier")),
    # AWS Config
    ("aws:cfg/organizationManagedRule:OrganizationManagedRule", "configservice/organization_managed_rule.go", True, ("name", "ruleIdentifier")),
    ("aws:cfg/recorder:Recorder", "configservice/configuration_recorder.go", True, ("name",)),
    ("aws:cfg/recorderStatus:RecorderStatus", "configservice/configuration_recorder_status.go", True, ("name",)),
    ("aws:cfg/deliveryChannel:DeliveryChannel", "configservice/delivery_channel.go", True, ("name",)),
    # GuardDuty, Security Hub, Macie
    ("aws:guardduty/detector:Detector", "guardduty/detector.go", True, ()),
    ("aws:guardduty/organizationAdminAccount:OrganizationAdminAccount", "guardduty/organization_admin_account.go", True, ("adminAccountId",)),
    ("aws:guardduty/organizationConfiguration:OrganizationConfiguration", "guardduty/organization_configuration.go", True, ("detectorId",)),
    ("aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature",
     "guardduty/organization_configuration_feature.go", True, ("detectorId", "name")),
    ("aws:securityhub/account:Account", "securityhub/account.go", True, ("enableDefaultStandards",)),
    ("aws:securityhub/organizationAdminAccount:OrganizationAdminAccount", "securityhub/organization_admin_account.go", True,
     ("adminAccountId",)),
    ("aws:securityhub/organizationConfiguration:OrganizationConfiguration", "securityhub/organization_configuration.go", True, ()),
    ("aws:securityhub/standardsSubscription:StandardsSubscription", "securityhub/standards_subscription.go", True, ("standardsArn",)),
    ("aws:macie2/account:Account", "macie2/account.go", True, ()),
    ("aws:macie2/classificationJob:ClassificationJob", "macie2/classification_job.go", True,
     ("customDataIdentifierIds", "description", "initialRun", "jobType", "name", "namePrefix", "s3JobDefinition",
      "samplingPercentage", "scheduleFrequency")),
    # S3
    ("aws:s3/bucket:Bucket", "s3/bucket.go", True, ("bucket", "bucketNamespace", "bucketPrefix", "objectLockEnabled")),
    ("aws:s3/bucketVersioning:BucketVersioning", "s3/bucket_versioning.go", True, ("bucket", "expectedBucketOwner")),
    ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
     "s3/bucket_server_side_encryption_configuration.go", True, ("bucket", "expectedBucketOwner")),
    ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "s3/bucket_public_access_block.go", True, ("bucket",)),
    ("aws:s3/bucketPolicy:BucketPolicy", "s3/bucket_policy.go", True, ("bucket",)),
    ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "s3/bucket_object_lock_configuration.go", True,
     ("bucket", "expectedBucketOwner", "objectLockEnabled")),
    ("aws:s3/bucketObjectv2:BucketObjectv2", "s3/object.go", True, ("bucket", "key")),
    ("aws:s3/bucketNotification:BucketNotification", "s3/bucket_notification.go", True, ("bucket",)),
    ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "s3/bucket_lifecycle_configuration.go", True,
     ("bucket", "expectedBucketOwner")),
    ("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "s3/bucket_ownership_controls.go", True, ("bucket",)),
    # KMS
    ("aws:kms/key:Key", "kms/key.go", True, ("customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId")),
    ("aws:kms/alias:Alias", "kms/alias.go", True, ("name", "namePrefix")),
    ("aws:kms/grant:Grant", "kms/grant.go", True,
     ("constraints", "grantCreationTokens", "granteePrincipal", "keyId", "name", "operations", "retireOnDelete", "retiringPrincipal")),
    # SageMaker
    ("aws:sagemaker/domain:Domain", "sagemaker/domain.go", True,
     ("appNetworkAccessType", "appSecurityGroupManagement", "authMode", "domainName", "domainSettings.securityGroupIds",
      "kmsKeyId", "retentionPolicy", "subnetIds", "vpcId")),
    ("aws:sagemaker/userProfile:UserProfile", "sagemaker/user_profile.go", True,
     ("domainId", "singleSignOnUserIdentifier", "singleSignOnUserValue", "userProfileName")),
    ("aws:sagemaker/modelPackageGroup:ModelPackageGroup", "sagemaker/model_package_group.go", True,
     ("modelPackageGroupDescription", "modelPackageGroupName")),
    ("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy", "sagemaker/model_package_group_policy.go", True,
     ("modelPackageGroupName",)),
    ("aws:sagemaker/notebookInstance:NotebookInstance", "sagemaker/notebook_instance.go", True,
     ("directInternetAccess", "kmsKeyId", "name", "platformIdentifier", "securityGroups", "subnetId")),
    ("aws:sagemaker/endpoint:Endpoint", "sagemaker/endpoint.go", True, ("name",)),
    ("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "sagemaker/endpoint_configuration.go", True,
     ("asyncInferenceConfig", "dataCaptureConfig", "executionRoleArn", "kmsKeyArn", "name", "namePrefix", "productionVariants",
      "shadowProductionVariants")),
    ("aws:sagemaker/model:Model", "sagemaker/model.go", True,
     ("containers", "enableNetworkIsolation", "executionRoleArn", "inferenceExecutionConfig", "name", "primaryContainer", "vpcConfig")),
    # Budgets (global)
    ("aws:budgets/budget:Budget", "budgets/budget.go", False, ("accountId", "name", "namePrefix")),
    ("aws:budgets/budgetAction:BudgetAction", "budgets/budget_action.go", False, ("accountId", "budgetName")),
    # IAM Identity Center
    ("aws:ssoadmin/permissionSet:PermissionSet", "ssoadmin/permission_set.go", True, ("instanceArn", "name")),
    ("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", "ssoadmin/permission_set_inline_policy.go", True,
     ("instanceArn", "permissionSetArn")),
    ("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment", "ssoadmin/managed_policy_attachment.go", True,
     ("instanceArn", "managedPolicyArn", "permissionSetArn")),
    ("aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
     "ssoadmin/customer_managed_policy_attachment.go", True, ("customerManagedPolicyReference", "instanceArn", "permissionSetArn")),
    ("aws:ssoadmin/accountAssignment:AccountAssignment", "ssoadmin/account_assignment.go", True,
     ("instanceArn", "permissionSetArn", "principalId", "principalType", "targetId", "targetType")),
    # IAM (global)
    ("aws:iam/role:Role", "iam/role.go", False, ("name", "namePrefix", "path")),
    ("aws:iam/rolePolicy:RolePolicy", "iam/role_policy.go", False, ("name", "namePrefix", "role")),
    ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "iam/role_policy_attachment.go", False, ("policyArn", "role")),
    ("aws:iam/policy:Policy", "iam/policy.go", False, ("description", "name", "namePrefix", "path")),
    ("aws:iam/policyAttachment:PolicyAttachment", "iam/policy_attachment.go", False, ("name", "policyArn")),
    ("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "iam/openid_connect_provider.go", False, ("url",)),
    # Shared services: ECR, CodeArtifact, Service Catalog
    ("aws:ecr/repository:Repository", "ecr/repository.go", True, ("encryptionConfigurations", "name")),
    ("aws:ecr/repositoryPolicy:RepositoryPolicy", "ecr/repository_policy.go", True, ("repository",)),
    ("aws:codeartifact/domain:Domain", "codeartifact/domain.go", True, ("domain", "encryptionKey")),
    ("aws:codeartifact/repository:Repository", "codeartifact/repository.go", True, ("domain", "domainOwner", "repository")),
    ("aws:codeartifact/domainPermissions:DomainPermissions", "codeartifact/domain_permissions_policy.go", True, ("domain", "domainOwner")),
    ("aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy", "codeartifact/repository_permissions_policy.go", True,
     ("domain", "domainOwner", "repository")),
    ("aws:servicecatalog/portfolio:Portfolio", "servicecatalog/portfolio.go", True, ()),
    ("aws:servicecatalog/product:Product", "servicecatalog/product.go", True, ("provisioningArtifactParameters",)),
    ("aws:servicecatalog/provisioningArtifact:ProvisioningArtifact", "servicecatalog/provisioning_artifact.go", True,
     ("disableTemplateValidation", "productId", "templatePhysicalId", "templateUrl", "type")),
    ("aws:servicecatalog/productPortfolioAssociation:ProductPortfolioAssociation", "servicecatalog/product_portfolio_association.go", True,
     ("acceptLanguage", "portfolioId", "productId", "sourcePortfolioId")),
    ("aws:servicecatalog/principalPortfolioAssociation:PrincipalPortfolioAssociation",
     "servicecatalog/principal_portfolio_association.go", True, ("acceptLanguage", "portfolioId", "principalArn", "principalType")),
    ("aws:servicecatalog/constraint:Constraint", "servicecatalog/constraint.go", True, ("portfolioId", "productId", "type")),
    ("aws:servicecatalog/tagOption:TagOption", "servicecatalog/tag_option.go", True, ("key",)),
    ("aws:servicecatalog/tagOptionResourceAssociation:TagOptionResourceAssociation",
     "servicecatalog/tag_option_resource_association.go", True, ("resourceId", "tagOptionId")),
    ("aws:servicecatalog/portfolioShare:PortfolioShare", "servicecatalog/portfolio_share.go", True, ("portfolioId", "principalId", "type")),
    # Data lake: Lake Formation, Glue
    ("aws:lakeformation/dataLakeSettings:DataLakeSettings", "lakeformation/data_lake_settings.go", True, ("catalogId",)),
    ("aws:lakeformation/permissions:Permissions", "lakeformation/permissions.go", True,  # no update: every argument
     ("catalogId", "catalogResource", "dataCellsFilter", "dataLocation", "database", "lfTag", "lfTagPolicy", "permissions",
      "permissionsWithGrantOptions", "principal", "table", "tableWithColumns")),
    ("aws:lakeformation/resource:Resource", "lakeformation/resource.go", True,  # no update: every argument
     ("arn", "hybridAccessEnabled", "roleArn", "useServiceLinkedRole", "withFederation", "withPrivilegedAccess")),
    ("aws:glue/catalogDatabase:CatalogDatabase", "glue/catalog_database.go", True, ("catalogId", "federatedDatabase", "name", "targetDatabase")),
    # Networking
    ("aws:ec2/vpc:Vpc", "ec2/vpc_.go", True, ("cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength")),
    ("aws:ec2/subnet:Subnet", "ec2/vpc_subnet.go", True,
     ("availabilityZone", "availabilityZoneId", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6Native", "outpostArn", "vpcId")),
    ("aws:ec2/internetGateway:InternetGateway", "ec2/vpc_internet_gateway.go", True, ()),
    ("aws:ec2/natGateway:NatGateway", "ec2/vpc_nat_gateway.go", True,
     ("allocationId", "availabilityMode", "connectivityType", "privateIp", "subnetId", "vpcId")),
    ("aws:ec2/eip:Eip", "ec2/ec2_eip.go", True,
     ("address", "customerOwnedIpv4Pool", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool")),
    ("aws:ec2/route:Route", "ec2/vpc_route.go", True,
     ("destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId", "routeTableId")),
    ("aws:ec2/routeTable:RouteTable", "ec2/vpc_route_table.go", True, ("vpcId",)),
    ("aws:ec2/routeTableAssociation:RouteTableAssociation", "ec2/vpc_route_table_association.go", True, ("gatewayId", "subnetId")),
    ("aws:ec2/securityGroup:SecurityGroup", "ec2/vpc_security_group.go", True, ("description", "name", "namePrefix", "vpcId")),
    ("aws:ec2/securityGroupRule:SecurityGroupRule", "ec2/vpc_security_group_rule.go", True,  # only description updates
     ("cidrBlocks", "fromPort", "ipv6CidrBlocks", "prefixListIds", "protocol", "securityGroupId", "self", "sourceSecurityGroupId",
      "toPort", "type")),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ec2/vpc_security_group_ingress_rule.go", True, ("securityGroupId",)),
    ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "ec2/vpc_security_group_egress_rule.go", True, ("securityGroupId",)),
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "ec2/vpc_endpoint.go", True,
     ("resourceConfigurationArn", "serviceName", "serviceNetworkArn", "serviceRegion", "vpcEndpointType", "vpcId")),
    ("aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation", "ec2/vpc_endpoint_route_table_association.go", True,
     ("routeTableId", "vpcEndpointId")),
    # EFS (Studio home directories)
    ("aws:efs/fileSystem:FileSystem", "efs/file_system.go", True,
     ("availabilityZoneName", "creationToken", "encrypted", "kmsKeyId", "performanceMode")),
    ("aws:efs/mountTarget:MountTarget", "efs/mount_target.go", True, ("fileSystemId", "ipAddress", "ipAddressType", "ipv6Address", "subnetId")),
    # Events and functions
    ("aws:lambda/function:Function", "lambda/function.go", True, ("name", "packageType")),
    ("aws:lambda/permission:Permission", "lambda/permission.go", True,  # no update: every argument
     ("action", "eventSourceToken", "function", "functionUrlAuthType", "principal", "principalOrgId", "qualifier", "sourceAccount",
      "sourceArn", "statementId", "statementIdPrefix")),
    ("aws:cloudwatch/eventRule:EventRule", "events/rule.go", True, ("eventBusName", "name", "namePrefix")),
    ("aws:cloudwatch/eventTarget:EventTarget", "events/target.go", True, ("eventBusName", "rule", "targetId")),
    ("aws:cloudwatch/logGroup:LogGroup", "logs/group.go", True, ("logGroupClass", "name", "namePrefix")),
)

# Not cloud resources: see the module docstring.
_ENGINE_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pulumi:pulumi:Stack", "the stack root has no inputs", ()),
    ("pulumi:pulumi:StackReference", "a read of another stack, read again on change", ()),
    ("pulumi:providers:aws", "pulumi-terraform-bridge pkg/tfbridge/provider.go (DiffConfig)", (REGION,)),
)


def _build() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    table: dict[str, frozenset[str]] = {}
    sources: dict[str, str] = {}
    for token, source, regional, paths in _ROWS:
        if token in table:
            raise ValueError(f"{token}: listed twice in the force-replace table")
        table[token] = frozenset(paths + ((REGION,) if regional else ()))
        sources[token] = source
    for token, source, paths in _ENGINE_ROWS:
        table[token] = frozenset(paths)
        sources[token] = source
    return table, sources


_TABLE, _SOURCES = _build()

FORCE_NEW: Mapping[str, frozenset[str]] = MappingProxyType(_TABLE)
"""Type token -> camelCase input property paths whose change replaces the resource."""

SOURCES: Mapping[str, str] = MappingProxyType(_SOURCES)
"""Type token -> where its entry comes from (a file under ``internal/service/`` upstream, or why)."""

REGIONAL_TYPES: frozenset[str] = frozenset(token for token, _, regional, _ in _ROWS if regional)

STATEFUL_TYPES: Mapping[str, str] = MappingProxyType({
    # Replacing or deleting these loses something that a new one does not bring back:
    # an account and everything in it, the OU/organization structure and its
    # attachments, data, keys (and what they encrypt), registered models, images,
    # packages, findings, logs.
    "aws:organizations/account:Account": "account",
    "aws:organizations/organizationalUnit:OrganizationalUnit": "OU",
    "aws:organizations/organization:Organization": "organization",
    "aws:organizations/policy:Policy": "policy",
    "aws:controltower/landingZone:LandingZone": "landing zone",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:kms/key:Key": "KMS key",
    "aws:sagemaker/domain:Domain": "SageMaker domain",
    "aws:sagemaker/userProfile:UserProfile": "user profile",
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": "model package group",
    "aws:servicecatalog/product:Product": "Service Catalog product",
    "aws:servicecatalog/portfolio:Portfolio": "Service Catalog portfolio",
    "aws:ecr/repository:Repository": "ECR repository",
    "aws:codeartifact/domain:Domain": "CodeArtifact domain",
    "aws:codeartifact/repository:Repository": "CodeArtifact repository",
    "aws:glue/catalogDatabase:CatalogDatabase": "Glue database",
    "aws:efs/fileSystem:FileSystem": "EFS file system",
    "aws:guardduty/detector:Detector": "GuardDuty detector",
    "aws:securityhub/account:Account": "Security Hub account",
    "aws:macie2/account:Account": "Macie account",
    "aws:cloudwatch/logGroup:LogGroup": "log group",
})
"""Type token -> noun, for resources whose replacement or deletion loses something."""

_NAME = re.compile(r"[^.\[\]]+")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def path_segments(path: str) -> tuple[str, ...]:
    """A changed path as property names, list indices dropped.

    Accepts Pulumi property paths (``vpcConfig.subnetIds``, ``rules[0].bucketKeyEnabled``)
    and the JSON pointers of ``mlgov diff`` (``/rules/0/bucketKeyEnabled``); whatever
    follows ``#`` (a path inside a JSON document held in a string) belongs to the
    property before it.
    """
    path = path.split("#", 1)[0]
    if path.startswith("/"):
        names = [_unescape(part) for part in path[1:].split("/")]
    else:
        names = _NAME.findall(path)
    return tuple(name for name in names if name and not name.isdigit())


def is_component(type_token: str) -> bool:
    return type_token.startswith(COMPONENT_PREFIX)


def replace_causes(type_token: str, changed_paths: Iterable[str]) -> list[str]:
    """The ForceNew paths of ``type_token`` that ``changed_paths`` hit, sorted.

    A change hits a ForceNew path when it is at or below it (``vpcConfig.subnetIds.0``
    hits ``vpcConfig.subnetIds``) or when it changes a whole block that contains it
    (``vpcConfig`` hits ``vpcConfig.subnetIds``). An empty path is the whole resource.
    Raises :class:`UnknownResourceType` for a type not in the table (component
    types return ``[]``: see the module docstring).
    """
    if is_component(type_token):
        return []
    try:
        force_new = FORCE_NEW[type_token]
    except KeyError:
        raise UnknownResourceType(type_token) from None
    changed = [path_segments(path) for path in changed_paths]
    hits = set()
    for candidate in force_new:
        target = tuple(candidate.split("."))
        if any(target[:len(change)] == change or change[:len(target)] == target for change in changed):
            hits.add(candidate)
    return sorted(hits)
