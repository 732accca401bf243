"""The pack's own copy of the resource type tokens it inspects.

``tests/policypack/test_tokens.py`` checks every member equals the member of the same
name in ``mlgov.constants.TypeToken`` so the two copies cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum


class TypeToken(StrEnum):
    STACK = "pulumi:pulumi:Stack"
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
    GUARDDUTY_ORGANIZATION_ADMIN_ACCOUNT = "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount"
    GUARDDUTY_ORGANIZATION_CONFIGURATION = "aws:guardduty/organizationConfiguration:OrganizationConfiguration"
    SECURITYHUB_ORGANIZATION_ADMIN_ACCOUNT = "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount"
    SECURITYHUB_ORGANIZATION_CONFIGURATION = "aws:securityhub/organizationConfiguration:OrganizationConfiguration"
    S3_BUCKET = "aws:s3/bucket:Bucket"
    S3_BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
    S3_BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    S3_BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
    S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
    KMS_KEY = "aws:kms/key:Key"
    SAGEMAKER_DOMAIN = "aws:sagemaker/domain:Domain"
    SAGEMAKER_USER_PROFILE = "aws:sagemaker/userProfile:UserProfile"
    SAGEMAKER_NOTEBOOK_INSTANCE = "aws:sagemaker/notebookInstance:NotebookInstance"
    SAGEMAKER_ENDPOINT = "aws:sagemaker/endpoint:Endpoint"
    SAGEMAKER_ENDPOINT_CONFIGURATION = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
    SAGEMAKER_MODEL = "aws:sagemaker/model:Model"
    BUDGET = "aws:budgets/budget:Budget"
    SSO_PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
    SSO_PERMISSION_SET_INLINE_POLICY = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
    SSO_MANAGED_POLICY_ATTACHMENT = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
    IAM_ROLE = "aws:iam/role:Role"
    SAGEMAKER_MODEL_PACKAGE_GROUP_POLICY = "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy"
    ECR_REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
    CODEARTIFACT_DOMAIN_PERMISSIONS = "aws:codeartifact/domainPermissions:DomainPermissions"
    CODEARTIFACT_REPOSITORY_PERMISSIONS = "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy"


# Tokens the pack needs that the program does not create (yet), so they have no
# counterpart in mlgov.constants; kept apart so the drift test stays exact.
EC2_VPC = "aws:ec2/vpc:Vpc"
EC2_SUBNET = "aws:ec2/subnet:Subnet"
EC2_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
EC2_VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
CONFIG_ORGANIZATION_CUSTOM_RULE = "aws:cfg/organizationCustomRule:OrganizationCustomRule"
CONFIG_ORGANIZATION_CUSTOM_POLICY_RULE = "aws:cfg/organizationCustomPolicyRule:OrganizationCustomPolicyRule"
CONFIG_ORGANIZATION_CONFORMANCE_PACK = "aws:cfg/organizationConformancePack:OrganizationConformancePack"

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"
