"""Planned resource inputs checked against the create operations of botocore's service models.

Each row maps one Pulumi input property of one resource type to the API member the
provider sends it as (the AWS provider passes these values through unchanged), so the
member's ``min``/``max``/``pattern``/``enum`` from the model apply to the planned value.
Tags are checked against each service's tag key and value shapes.

Covered: every property whose value comes from a setting or a fixed name or enum the
program writes (names, descriptions, policy documents, enums, tags, lengths of lists).
Not covered, and why:
- ids, ARNs and references to other resources (``vpcId``, ``subnetIds``, ``kmsKeyId``,
  ``policyId``, ``targetId``, ``role``...): the offline engine fakes them, so they say
  nothing about what a setting produces;
- properties whose API member carries no rule in the model (EC2 ``Description`` and
  tags, S3 bucket names and tags, CloudTrail names, S3 bucket policies): checked by
  mlgov's own rules where AWS documents one (S3 bucket names: ``bucket_name_problem``;
  EC2 CIDRs and zones below), otherwise nothing to check against;
- nested blocks the provider reshapes before calling the API (security group rules,
  budget subscribers, the Service Catalog provisioning artifact, the domain's user
  settings): the mapping is not one property to one member.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mlgov import aws_rules
from mlgov.aws_rules import ValueRule

# (type token, input property path, service, operation, member path); '[*]' walks a list.
MEMBERS: tuple[tuple[str, str, str, str, str], ...] = (
    ("aws:organizations/account:Account", "name", "organizations", "CreateAccount", "AccountName"),
    ("aws:organizations/account:Account", "email", "organizations", "CreateAccount", "Email"),
    ("aws:organizations/account:Account", "roleName", "organizations", "CreateAccount", "RoleName"),
    ("aws:organizations/account:Account", "iamUserAccessToBilling", "organizations", "CreateAccount", "IamUserAccessToBilling"),
    ("aws:organizations/organizationalUnit:OrganizationalUnit", "name", "organizations", "CreateOrganizationalUnit", "Name"),
    ("aws:organizations/policy:Policy", "name", "organizations", "CreatePolicy", "Name"),
    ("aws:organizations/policy:Policy", "description", "organizations", "CreatePolicy", "Description"),
    ("aws:organizations/policy:Policy", "content", "organizations", "CreatePolicy", "Content"),
    ("aws:organizations/policy:Policy", "type", "organizations", "CreatePolicy", "Type"),
    ("aws:organizations/organization:Organization", "featureSet", "organizations", "CreateOrganization", "FeatureSet"),
    ("aws:organizations/delegatedAdministrator:DelegatedAdministrator", "servicePrincipal", "organizations", "RegisterDelegatedAdministrator", "ServicePrincipal"),
    ("aws:iam/role:Role", "name", "iam", "CreateRole", "RoleName"),
    ("aws:iam/role:Role", "description", "iam", "CreateRole", "Description"),
    ("aws:iam/role:Role", "assumeRolePolicy", "iam", "CreateRole", "AssumeRolePolicyDocument"),
    ("aws:iam/role:Role", "maxSessionDuration", "iam", "CreateRole", "MaxSessionDuration"),
    ("aws:iam/policy:Policy", "name", "iam", "CreatePolicy", "PolicyName"),
    ("aws:iam/policy:Policy", "description", "iam", "CreatePolicy", "Description"),
    ("aws:iam/policy:Policy", "policy", "iam", "CreatePolicy", "PolicyDocument"),
    ("aws:iam/rolePolicy:RolePolicy", "policy", "iam", "PutRolePolicy", "PolicyDocument"),
    ("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "url", "iam", "CreateOpenIDConnectProvider", "Url"),
    ("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "clientIdLists[*]", "iam", "CreateOpenIDConnectProvider", "ClientIDList"),
    ("aws:kms/alias:Alias", "name", "kms", "CreateAlias", "AliasName"),
    ("aws:kms/key:Key", "description", "kms", "CreateKey", "Description"),
    ("aws:kms/key:Key", "policy", "kms", "CreateKey", "Policy"),
    ("aws:kms/key:Key", "deletionWindowInDays", "kms", "ScheduleKeyDeletion", "PendingWindowInDays"),
    ("aws:sagemaker/domain:Domain", "domainName", "sagemaker", "CreateDomain", "DomainName"),
    ("aws:sagemaker/domain:Domain", "authMode", "sagemaker", "CreateDomain", "AuthMode"),
    ("aws:sagemaker/domain:Domain", "appNetworkAccessType", "sagemaker", "CreateDomain", "AppNetworkAccessType"),
    ("aws:sagemaker/domain:Domain", "tagPropagation", "sagemaker", "CreateDomain", "TagPropagation"),
    ("aws:sagemaker/userProfile:UserProfile", "userProfileName", "sagemaker", "CreateUserProfile", "UserProfileName"),
    ("aws:sagemaker/modelPackageGroup:ModelPackageGroup", "modelPackageGroupName", "sagemaker", "CreateModelPackageGroup", "ModelPackageGroupName"),
    ("aws:sagemaker/modelPackageGroup:ModelPackageGroup", "modelPackageGroupDescription", "sagemaker", "CreateModelPackageGroup", "ModelPackageGroupDescription"),
    ("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy", "resourcePolicy", "sagemaker", "PutModelPackageGroupPolicy", "ResourcePolicy"),
    ("aws:budgets/budget:Budget", "name", "budgets", "CreateBudget", "Budget.BudgetName"),
    ("aws:budgets/budget:Budget", "budgetType", "budgets", "CreateBudget", "Budget.BudgetType"),
    ("aws:budgets/budget:Budget", "timeUnit", "budgets", "CreateBudget", "Budget.TimeUnit"),
    ("aws:budgets/budget:Budget", "limitAmount", "budgets", "CreateBudget", "Budget.BudgetLimit.Amount"),
    ("aws:budgets/budget:Budget", "limitUnit", "budgets", "CreateBudget", "Budget.BudgetLimit.Unit"),
    ("aws:budgets/budget:Budget", "notifications[*].comparisonOperator", "budgets", "CreateBudget", "NotificationsWithSubscribers.Notification.ComparisonOperator"),
    ("aws:budgets/budget:Budget", "notifications[*].notificationType", "budgets", "CreateBudget", "NotificationsWithSubscribers.Notification.NotificationType"),
    ("aws:budgets/budget:Budget", "notifications[*].thresholdType", "budgets", "CreateBudget", "NotificationsWithSubscribers.Notification.ThresholdType"),
    ("aws:budgets/budget:Budget", "notifications[*].threshold", "budgets", "CreateBudget", "NotificationsWithSubscribers.Notification.Threshold"),
    ("aws:budgets/budgetAction:BudgetAction", "actionType", "budgets", "CreateBudgetAction", "ActionType"),
    ("aws:budgets/budgetAction:BudgetAction", "approvalModel", "budgets", "CreateBudgetAction", "ApprovalModel"),
    ("aws:budgets/budgetAction:BudgetAction", "notificationType", "budgets", "CreateBudgetAction", "NotificationType"),
    ("aws:budgets/budgetAction:BudgetAction", "actionThreshold.actionThresholdType", "budgets", "CreateBudgetAction", "ActionThreshold.ActionThresholdType"),
    ("aws:ecr/repository:Repository", "name", "ecr", "CreateRepository", "repositoryName"),
    ("aws:ecr/repository:Repository", "imageTagMutability", "ecr", "CreateRepository", "imageTagMutability"),
    ("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy", "ecr", "SetRepositoryPolicy", "policyText"),
    ("aws:codeartifact/domain:Domain", "domain", "codeartifact", "CreateDomain", "domain"),
    ("aws:codeartifact/repository:Repository", "domain", "codeartifact", "CreateRepository", "domain"),
    ("aws:codeartifact/repository:Repository", "repository", "codeartifact", "CreateRepository", "repository"),
    ("aws:codeartifact/repository:Repository", "description", "codeartifact", "CreateRepository", "description"),
    ("aws:codeartifact/domainPermissions:DomainPermissions", "policyDocument", "codeartifact", "PutDomainPermissionsPolicy", "policyDocument"),
    ("aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy", "policyDocument", "codeartifact", "PutRepositoryPermissionsPolicy", "policyDocument"),
    ("aws:servicecatalog/portfolio:Portfolio", "name", "servicecatalog", "CreatePortfolio", "DisplayName"),
    ("aws:servicecatalog/portfolio:Portfolio", "providerName", "servicecatalog", "CreatePortfolio", "ProviderName"),
    ("aws:servicecatalog/portfolio:Portfolio", "description", "servicecatalog", "CreatePortfolio", "Description"),
    ("aws:servicecatalog/product:Product", "name", "servicecatalog", "CreateProduct", "Name"),
    ("aws:servicecatalog/product:Product", "owner", "servicecatalog", "CreateProduct", "Owner"),
    ("aws:servicecatalog/product:Product", "type", "servicecatalog", "CreateProduct", "ProductType"),
    ("aws:servicecatalog/product:Product", "description", "servicecatalog", "CreateProduct", "Description"),
    ("aws:servicecatalog/tagOption:TagOption", "key", "servicecatalog", "CreateTagOption", "Key"),
    ("aws:servicecatalog/tagOption:TagOption", "value", "servicecatalog", "CreateTagOption", "Value"),
    ("aws:servicecatalog/constraint:Constraint", "type", "servicecatalog", "CreateConstraint", "Type"),
    ("aws:servicecatalog/constraint:Constraint", "description", "servicecatalog", "CreateConstraint", "Description"),
    ("aws:ssoadmin/permissionSet:PermissionSet", "name", "sso-admin", "CreatePermissionSet", "Name"),
    ("aws:ssoadmin/permissionSet:PermissionSet", "description", "sso-admin", "CreatePermissionSet", "Description"),
    ("aws:ssoadmin/permissionSet:PermissionSet", "sessionDuration", "sso-admin", "CreatePermissionSet", "SessionDuration"),
    ("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", "inlinePolicy", "sso-admin", "PutInlinePolicyToPermissionSet", "InlinePolicy"),
    ("aws:ssoadmin/accountAssignment:AccountAssignment", "principalType", "sso-admin", "CreateAccountAssignment", "PrincipalType"),
    ("aws:ssoadmin/accountAssignment:AccountAssignment", "targetType", "sso-admin", "CreateAccountAssignment", "TargetType"),
    ("aws:glue/catalogDatabase:CatalogDatabase", "name", "glue", "CreateDatabase", "DatabaseInput.Name"),
    ("aws:glue/catalogDatabase:CatalogDatabase", "description", "glue", "CreateDatabase", "DatabaseInput.Description"),
    ("aws:lakeformation/permissions:Permissions", "permissions[*]", "lakeformation", "GrantPermissions", "Permissions"),
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "vpcEndpointType", "ec2", "CreateVpcEndpoint", "VpcEndpointType"),
    ("aws:ec2/natGateway:NatGateway", "connectivityType", "ec2", "CreateNatGateway", "ConnectivityType"),
    ("aws:ec2/eip:Eip", "domain", "ec2", "AllocateAddress", "Domain"),
    ("aws:s3/bucketVersioning:BucketVersioning", "versioningConfiguration.status", "s3", "PutBucketVersioning", "VersioningConfiguration.Status"),
    (
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "rules[*].applyServerSideEncryptionByDefault.sseAlgorithm",
        "s3",
        "PutBucketEncryption",
        "ServerSideEncryptionConfiguration.Rules.ApplyServerSideEncryptionByDefault.SSEAlgorithm",
    ),
    ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "rule.defaultRetention.mode", "s3", "PutObjectLockConfiguration", "ObjectLockConfiguration.Rule.DefaultRetention.Mode"),
    ("aws:s3/bucketObjectv2:BucketObjectv2", "key", "s3", "PutObject", "Key"),
    ("aws:s3/bucketObjectv2:BucketObjectv2", "serverSideEncryption", "s3", "PutObject", "ServerSideEncryption"),
    ("aws:cfg/organizationManagedRule:OrganizationManagedRule", "name", "config", "PutOrganizationConfigRule", "OrganizationConfigRuleName"),
    ("aws:cfg/organizationManagedRule:OrganizationManagedRule", "ruleIdentifier", "config", "PutOrganizationConfigRule", "OrganizationManagedRuleMetadata.RuleIdentifier"),
    ("aws:cfg/organizationManagedRule:OrganizationManagedRule", "description", "config", "PutOrganizationConfigRule", "OrganizationManagedRuleMetadata.Description"),
    ("aws:controltower/controlTowerControl:ControlTowerControl", "controlIdentifier", "controltower", "EnableControl", "controlIdentifier"),
    ("aws:controltower/controlTowerControl:ControlTowerControl", "targetIdentifier", "controltower", "EnableControl", "targetIdentifier"),
)

# Resource type -> (service, tag structure, key member, value member) of the service that receives its tags.
TAGS: dict[str, tuple[str, str, str, str]] = {
    "aws:organizations/account:Account": ("organizations", "Tag", "Key", "Value"),
    "aws:organizations/organizationalUnit:OrganizationalUnit": ("organizations", "Tag", "Key", "Value"),
    "aws:organizations/policy:Policy": ("organizations", "Tag", "Key", "Value"),
    "aws:iam/role:Role": ("iam", "Tag", "Key", "Value"),
    "aws:iam/policy:Policy": ("iam", "Tag", "Key", "Value"),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ("iam", "Tag", "Key", "Value"),
    "aws:kms/key:Key": ("kms", "Tag", "TagKey", "TagValue"),
    "aws:sagemaker/domain:Domain": ("sagemaker", "Tag", "Key", "Value"),
    "aws:sagemaker/userProfile:UserProfile": ("sagemaker", "Tag", "Key", "Value"),
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": ("sagemaker", "Tag", "Key", "Value"),
    "aws:budgets/budget:Budget": ("budgets", "ResourceTag", "Key", "Value"),
    "aws:budgets/budgetAction:BudgetAction": ("budgets", "ResourceTag", "Key", "Value"),
    "aws:ecr/repository:Repository": ("ecr", "Tag", "Key", "Value"),
    "aws:codeartifact/domain:Domain": ("codeartifact", "Tag", "key", "value"),
    "aws:codeartifact/repository:Repository": ("codeartifact", "Tag", "key", "value"),
    "aws:servicecatalog/portfolio:Portfolio": ("servicecatalog", "Tag", "Key", "Value"),
    "aws:servicecatalog/product:Product": ("servicecatalog", "Tag", "Key", "Value"),
    "aws:ssoadmin/permissionSet:PermissionSet": ("sso-admin", "Tag", "Key", "Value"),
}

SECRET = "[secret]"


@dataclass(frozen=True)
class Finding:
    urn: str
    where: str
    value: Any
    problem: str

    def __str__(self) -> str:
        return f"{self.urn} {self.where} = {self.value!r}: {self.problem}"


def _member_shape(service: str, operation: str, member: str):
    shape = aws_rules.service_model(service).operation_model(operation).input_shape
    for part in member.split("."):
        shape = shape.members[part]
        while shape.type_name == "list":
            shape = shape.member
    return shape


def values_at(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) for a property path with '[*]' list steps."""
    head, _, rest = path.partition(".")
    name, star = (head[:-3], True) if head.endswith("[*]") else (head, False)
    if not isinstance(value, dict) or name not in value:
        return
    found = value[name]
    items = list(enumerate(found)) if star and isinstance(found, list) else [(None, found)]
    for index, item in items:
        where = name if index is None else f"{name}[{index}]"
        if rest:
            for inner, leaf in values_at(item, rest):
                yield f"{where}.{inner}", leaf
        else:
            yield where, item


def _problem(shape, value: Any) -> str | None:
    metadata = shape.metadata
    if shape.type_name in ("integer", "long", "double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"is not a number ({shape.type_name})"
        if "min" in metadata and value < metadata["min"] or "max" in metadata and value > metadata["max"]:
            return f"is outside {metadata.get('min')}-{metadata.get('max')}"
        return None
    if shape.type_name != "string":
        return None
    if not isinstance(value, str):
        value = json.dumps(value, separators=(",", ":"))  # a policy document the provider serialises
    rule = ValueRule(shape.name, metadata.get("min"), metadata.get("max"), (metadata["pattern"],) if metadata.get("pattern") else (), tuple(shape.enum or ()))
    return rule.problem(value)


def _skipped(value: Any) -> bool:
    return value is None or isinstance(value, str) and SECRET in value


def check_resource(resource: dict[str, Any]) -> list[Finding]:
    """Every mapped input of one planned resource that botocore's model (or mlgov's S3 / EC2 rules) refuses."""
    findings: list[Finding] = []
    kind, inputs, urn = resource["type"], resource.get("inputs") or {}, resource["urn"]
    for token, path, service, operation, member in MEMBERS:
        if token != kind:
            continue
        shape = _member_shape(service, operation, member)
        for where, value in values_at(inputs, path):
            if _skipped(value):
                continue
            problem = _problem(shape, value)
            if problem:
                findings.append(Finding(urn, where, value, f"{service} {operation} {member}: {problem}"))
    if kind in TAGS and isinstance(inputs.get("tags"), dict):
        service, structure, key_member, value_member = TAGS[kind]
        members = aws_rules.service_model(service).shape_for(structure).members
        for key, value in inputs["tags"].items():
            for shape, item in ((members[key_member], key), (members[value_member], value)):
                problem = None if _skipped(item) else _problem(shape, item)
                if problem:
                    findings.append(Finding(urn, f"tags[{key!r}]", item, f"{service} {structure}.{shape.name}: {problem}"))
    findings += _documented_rules(resource)
    return findings


def _documented_rules(resource: dict[str, Any]) -> list[Finding]:
    """Rules AWS documents that botocore's model does not carry: bucket names, VPC and subnet CIDRs, zones."""
    kind, inputs, urn = resource["type"], resource.get("inputs") or {}, resource["urn"]
    findings = []
    if kind == "aws:s3/bucket:Bucket" and isinstance(inputs.get("bucket"), str) and not _skipped(inputs["bucket"]):
        problem = aws_rules.bucket_name_problem(inputs["bucket"])
        if problem:
            findings.append(Finding(urn, "bucket", inputs["bucket"], problem))
    if kind in ("aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet") and isinstance(inputs.get("cidrBlock"), str):
        try:
            network = ipaddress.ip_network(inputs["cidrBlock"])  # strict: host bits refused, as CreateVpc does
            if not 16 <= network.prefixlen <= 28:
                findings.append(Finding(urn, "cidrBlock", inputs["cidrBlock"], "VPC and subnet blocks are /16 to /28"))
        except ValueError as error:
            findings.append(Finding(urn, "cidrBlock", inputs["cidrBlock"], str(error)))
    if kind == "aws:ec2/subnet:Subnet" and isinstance(inputs.get("availabilityZone"), str):
        problem = aws_rules.zone_problem(inputs["availabilityZone"], None)
        if problem:
            findings.append(Finding(urn, "availabilityZone", inputs["availabilityZone"], problem))
    return findings


def check_plan(stacks: list[dict[str, Any]]) -> tuple[list[Finding], int]:
    """(findings, number of values checked) over the resources of planned stacks (plan-format dicts)."""
    findings: list[Finding] = []
    checked = 0
    for stack in stacks:
        for resource in stack["resources"]:
            findings += check_resource(resource)
            checked += sum(1 for token, path, *_ in MEMBERS if token == resource["type"] for _ in values_at(resource.get("inputs") or {}, path))
            checked += len((resource.get("inputs") or {}).get("tags") or {}) if resource["type"] in TAGS else 0
    return findings, checked
