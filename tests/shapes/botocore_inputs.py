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
from mlgov.constants import TypeToken

# (type token, input property path, service, operation, member path); '[*]' walks a list.
MEMBERS: tuple[tuple[str, str, str, str, str], ...] = (
    (TypeToken.ACCOUNT, "name", "organizations", "CreateAccount", "AccountName"),
    (TypeToken.ACCOUNT, "email", "organizations", "CreateAccount", "Email"),
    (TypeToken.ACCOUNT, "roleName", "organizations", "CreateAccount", "RoleName"),
    (TypeToken.ACCOUNT, "iamUserAccessToBilling", "organizations", "CreateAccount", "IamUserAccessToBilling"),
    (TypeToken.ORGANIZATIONAL_UNIT, "name", "organizations", "CreateOrganizationalUnit", "Name"),
    (TypeToken.POLICY, "name", "organizations", "CreatePolicy", "Name"),
    (TypeToken.POLICY, "description", "organizations", "CreatePolicy", "Description"),
    (TypeToken.POLICY, "content", "organizations", "CreatePolicy", "Content"),
    (TypeToken.POLICY, "type", "organizations", "CreatePolicy", "Type"),
    (TypeToken.ORGANIZATION, "featureSet", "organizations", "CreateOrganization", "FeatureSet"),
    (TypeToken.DELEGATED_ADMINISTRATOR, "servicePrincipal", "organizations", "RegisterDelegatedAdministrator", "ServicePrincipal"),
    (TypeToken.IAM_ROLE, "name", "iam", "CreateRole", "RoleName"),
    (TypeToken.IAM_ROLE, "description", "iam", "CreateRole", "Description"),
    (TypeToken.IAM_ROLE, "assumeRolePolicy", "iam", "CreateRole", "AssumeRolePolicyDocument"),
    (TypeToken.IAM_ROLE, "maxSessionDuration", "iam", "CreateRole", "MaxSessionDuration"),
    ("aws:iam/policy:Policy", "name", "iam", "CreatePolicy", "PolicyName"),
    ("aws:iam/policy:Policy", "description", "iam", "CreatePolicy", "Description"),
    ("aws:iam/policy:Policy", "policy", "iam", "CreatePolicy", "PolicyDocument"),
    (TypeToken.IAM_ROLE_POLICY, "policy", "iam", "PutRolePolicy", "PolicyDocument"),
    (TypeToken.IAM_OIDC_PROVIDER, "url", "iam", "CreateOpenIDConnectProvider", "Url"),
    (TypeToken.IAM_OIDC_PROVIDER, "clientIdLists[*]", "iam", "CreateOpenIDConnectProvider", "ClientIDList"),
    (TypeToken.KMS_ALIAS, "name", "kms", "CreateAlias", "AliasName"),
    (TypeToken.KMS_KEY, "description", "kms", "CreateKey", "Description"),
    (TypeToken.KMS_KEY, "policy", "kms", "CreateKey", "Policy"),
    (TypeToken.KMS_KEY, "deletionWindowInDays", "kms", "ScheduleKeyDeletion", "PendingWindowInDays"),
    (TypeToken.SAGEMAKER_DOMAIN, "domainName", "sagemaker", "CreateDomain", "DomainName"),
    (TypeToken.SAGEMAKER_DOMAIN, "authMode", "sagemaker", "CreateDomain", "AuthMode"),
    (TypeToken.SAGEMAKER_DOMAIN, "appNetworkAccessType", "sagemaker", "CreateDomain", "AppNetworkAccessType"),
    (TypeToken.SAGEMAKER_DOMAIN, "tagPropagation", "sagemaker", "CreateDomain", "TagPropagation"),
    (TypeToken.SAGEMAKER_USER_PROFILE, "userProfileName", "sagemaker", "CreateUserProfile", "UserProfileName"),
    (TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP, "modelPackageGroupName", "sagemaker", "CreateModelPackageGroup", "ModelPackageGroupName"),
    (TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP, "modelPackageGroupDescription", "sagemaker", "CreateModelPackageGroup", "ModelPackageGroupDescription"),
    (TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP_POLICY, "resourcePolicy", "sagemaker", "PutModelPackageGroupPolicy", "ResourcePolicy"),
    (TypeToken.BUDGET, "name", "budgets", "CreateBudget", "Budget.BudgetName"),
    (TypeToken.BUDGET, "budgetType", "budgets", "CreateBudget", "Budget.BudgetType"),
    (TypeToken.BUDGET, "timeUnit", "budgets", "CreateBudget", "Budget.TimeUnit"),
    (TypeToken.BUDGET, "limitAmount", "budgets", "CreateBudget", "Budget.BudgetLimit.Amount"),
    (TypeToken.BUDGET, "limitUnit", "budgets", "CreateBudget", "Budget.BudgetLimit.Unit"),
    (TypeToken.BUDGET, "notifications[*].comparisonOperator", "budgets", "CreateBudget", "NotificationsWithSubscribers.Notification.ComparisonOperator"),
    (TypeToken.BUDGET, "notifications[*].notificationType", "budgets", "CreateBudget", "NotificationsWithSubscribers.Notification.NotificationType"),
    (TypeToken.BUDGET, "notifications[*].thresholdType", "budgets", "CreateBudget", "NotificationsWithSubscribers.Notification.ThresholdType"),
    (TypeToken.BUDGET, "notifications[*].threshold", "budgets", "CreateBudget", "NotificationsWithSubscribers.Notification.Threshold"),
    (TypeToken.BUDGET_ACTION, "actionType", "budgets", "CreateBudgetAction", "ActionType"),
    (TypeToken.BUDGET_ACTION, "approvalModel", "budgets", "CreateBudgetAction", "ApprovalModel"),
    (TypeToken.BUDGET_ACTION, "notificationType", "budgets", "CreateBudgetAction", "NotificationType"),
    (TypeToken.BUDGET_ACTION, "actionThreshold.actionThresholdType", "budgets", "CreateBudgetAction", "ActionThreshold.ActionThresholdType"),
    (TypeToken.ECR_REPOSITORY, "name", "ecr", "CreateRepository", "repositoryName"),
    (TypeToken.ECR_REPOSITORY, "imageTagMutability", "ecr", "CreateRepository", "imageTagMutability"),
    (TypeToken.ECR_REPOSITORY_POLICY, "policy", "ecr", "SetRepositoryPolicy", "policyText"),
    (TypeToken.CODEARTIFACT_DOMAIN, "domain", "codeartifact", "CreateDomain", "domain"),
    (TypeToken.CODEARTIFACT_REPOSITORY, "domain", "codeartifact", "CreateRepository", "domain"),
    (TypeToken.CODEARTIFACT_REPOSITORY, "repository", "codeartifact", "CreateRepository", "repository"),
    (TypeToken.CODEARTIFACT_REPOSITORY, "description", "codeartifact", "CreateRepository", "description"),
    (TypeToken.CODEARTIFACT_DOMAIN_PERMISSIONS, "policyDocument", "codeartifact", "PutDomainPermissionsPolicy", "policyDocument"),
    (TypeToken.CODEARTIFACT_REPOSITORY_PERMISSIONS, "policyDocument", "codeartifact", "PutRepositoryPermissionsPolicy", "policyDocument"),
    (TypeToken.SERVICECATALOG_PORTFOLIO, "name", "servicecatalog", "CreatePortfolio", "DisplayName"),
    (TypeToken.SERVICECATALOG_PORTFOLIO, "providerName", "servicecatalog", "CreatePortfolio", "ProviderName"),
    (TypeToken.SERVICECATALOG_PORTFOLIO, "description", "servicecatalog", "CreatePortfolio", "Description"),
    (TypeToken.SERVICECATALOG_PRODUCT, "name", "servicecatalog", "CreateProduct", "Name"),
    (TypeToken.SERVICECATALOG_PRODUCT, "owner", "servicecatalog", "CreateProduct", "Owner"),
    (TypeToken.SERVICECATALOG_PRODUCT, "type", "servicecatalog", "CreateProduct", "ProductType"),
    (TypeToken.SERVICECATALOG_PRODUCT, "description", "servicecatalog", "CreateProduct", "Description"),
    (TypeToken.SERVICECATALOG_TAG_OPTION, "key", "servicecatalog", "CreateTagOption", "Key"),
    (TypeToken.SERVICECATALOG_TAG_OPTION, "value", "servicecatalog", "CreateTagOption", "Value"),
    (TypeToken.SERVICECATALOG_CONSTRAINT, "type", "servicecatalog", "CreateConstraint", "Type"),
    (TypeToken.SERVICECATALOG_CONSTRAINT, "description", "servicecatalog", "CreateConstraint", "Description"),
    (TypeToken.SSO_PERMISSION_SET, "name", "sso-admin", "CreatePermissionSet", "Name"),
    (TypeToken.SSO_PERMISSION_SET, "description", "sso-admin", "CreatePermissionSet", "Description"),
    (TypeToken.SSO_PERMISSION_SET, "sessionDuration", "sso-admin", "CreatePermissionSet", "SessionDuration"),
    (TypeToken.SSO_PERMISSION_SET_INLINE_POLICY, "inlinePolicy", "sso-admin", "PutInlinePolicyToPermissionSet", "InlinePolicy"),
    (TypeToken.SSO_ACCOUNT_ASSIGNMENT, "principalType", "sso-admin", "CreateAccountAssignment", "PrincipalType"),
    (TypeToken.SSO_ACCOUNT_ASSIGNMENT, "targetType", "sso-admin", "CreateAccountAssignment", "TargetType"),
    (TypeToken.GLUE_CATALOG_DATABASE, "name", "glue", "CreateDatabase", "DatabaseInput.Name"),
    (TypeToken.GLUE_CATALOG_DATABASE, "description", "glue", "CreateDatabase", "DatabaseInput.Description"),
    (TypeToken.LAKEFORMATION_PERMISSIONS, "permissions[*]", "lakeformation", "GrantPermissions", "Permissions"),
    (TypeToken.EC2_VPC_ENDPOINT, "vpcEndpointType", "ec2", "CreateVpcEndpoint", "VpcEndpointType"),
    ("aws:ec2/natGateway:NatGateway", "connectivityType", "ec2", "CreateNatGateway", "ConnectivityType"),
    ("aws:ec2/eip:Eip", "domain", "ec2", "AllocateAddress", "Domain"),
    (TypeToken.S3_BUCKET_VERSIONING, "versioningConfiguration.status", "s3", "PutBucketVersioning", "VersioningConfiguration.Status"),
    (
        TypeToken.S3_BUCKET_SSE,
        "rules[*].applyServerSideEncryptionByDefault.sseAlgorithm",
        "s3",
        "PutBucketEncryption",
        "ServerSideEncryptionConfiguration.Rules.ApplyServerSideEncryptionByDefault.SSEAlgorithm",
    ),
    (TypeToken.S3_BUCKET_OBJECT_LOCK, "rule.defaultRetention.mode", "s3", "PutObjectLockConfiguration", "ObjectLockConfiguration.Rule.DefaultRetention.Mode"),
    (TypeToken.S3_OBJECT, "key", "s3", "PutObject", "Key"),
    (TypeToken.S3_OBJECT, "serverSideEncryption", "s3", "PutObject", "ServerSideEncryption"),
    (TypeToken.CONFIG_ORGANIZATION_MANAGED_RULE, "name", "config", "PutOrganizationConfigRule", "OrganizationConfigRuleName"),
    (TypeToken.CONFIG_ORGANIZATION_MANAGED_RULE, "ruleIdentifier", "config", "PutOrganizationConfigRule", "OrganizationManagedRuleMetadata.RuleIdentifier"),
    (TypeToken.CONFIG_ORGANIZATION_MANAGED_RULE, "description", "config", "PutOrganizationConfigRule", "OrganizationManagedRuleMetadata.Description"),
    (TypeToken.CONTROL_TOWER_CONTROL, "controlIdentifier", "controltower", "EnableControl", "controlIdentifier"),
    (TypeToken.CONTROL_TOWER_CONTROL, "targetIdentifier", "controltower", "EnableControl", "targetIdentifier"),
)

# Resource type -> (service, tag structure, key member, value member) of the service that receives its tags.
TAGS: dict[str, tuple[str, str, str, str]] = {
    TypeToken.ACCOUNT: ("organizations", "Tag", "Key", "Value"),
    TypeToken.ORGANIZATIONAL_UNIT: ("organizations", "Tag", "Key", "Value"),
    TypeToken.POLICY: ("organizations", "Tag", "Key", "Value"),
    TypeToken.IAM_ROLE: ("iam", "Tag", "Key", "Value"),
    "aws:iam/policy:Policy": ("iam", "Tag", "Key", "Value"),
    TypeToken.IAM_OIDC_PROVIDER: ("iam", "Tag", "Key", "Value"),
    TypeToken.KMS_KEY: ("kms", "Tag", "TagKey", "TagValue"),
    TypeToken.SAGEMAKER_DOMAIN: ("sagemaker", "Tag", "Key", "Value"),
    TypeToken.SAGEMAKER_USER_PROFILE: ("sagemaker", "Tag", "Key", "Value"),
    TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP: ("sagemaker", "Tag", "Key", "Value"),
    TypeToken.BUDGET: ("budgets", "ResourceTag", "Key", "Value"),
    TypeToken.BUDGET_ACTION: ("budgets", "ResourceTag", "Key", "Value"),
    TypeToken.ECR_REPOSITORY: ("ecr", "Tag", "Key", "Value"),
    TypeToken.CODEARTIFACT_DOMAIN: ("codeartifact", "Tag", "key", "value"),
    TypeToken.CODEARTIFACT_REPOSITORY: ("codeartifact", "Tag", "key", "value"),
    TypeToken.SERVICECATALOG_PORTFOLIO: ("servicecatalog", "Tag", "Key", "Value"),
    TypeToken.SERVICECATALOG_PRODUCT: ("servicecatalog", "Tag", "Key", "Value"),
    TypeToken.SSO_PERMISSION_SET: ("sso-admin", "Tag", "Key", "Value"),
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
    if kind == TypeToken.S3_BUCKET and isinstance(inputs.get("bucket"), str) and not _skipped(inputs["bucket"]):
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
