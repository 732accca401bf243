"""One project's delivery path in one stage (preprod or prod).

- In the project's **automation account** (Deployments_* OU): the pipeline role
  ``mlgov-pipeline-<project>-<env>``, assumable by GitHub Actions of one
  repository and branch (OIDC) or by AWS CodePipeline of that account, and the
  pipeline administration role ``mlgov-pipeline-admin``, the only role the SCP
  ``protect-pipelines`` lets change pipeline resources (besides the platform's
  own access role). People reach it through the PipelineAdmin permission set,
  which the environment stacks assign to the platform team on automation accounts.
- In the project's **workload account** (Workloads_PreProd / Workloads_Prod):
  the deploy role ``mlgov-deploy-<project>``, trusted by exactly that pipeline
  role's ARN: no account root, no wildcard, no other principal.

Each side is created through its own account's pinned provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.baseline._policy import account_root, document, role_arn, service_trust
from components.baseline.studio import execution_role_name
from components.identity.access_rules import PermissionSetName, sso_role_pattern
from components.naming import child_name
from mlgov.constants import DEPLOY_ROLE_PREFIX, GITHUB_OIDC_HOST, PIPELINE_ADMIN_ROLE, PIPELINE_ROLE_PREFIX

GITHUB_AUDIENCE = "sts.amazonaws.com"
AWS_MANAGED = "arn:aws:iam::aws:policy/"
ADMIN_MANAGED_POLICIES = ("AWSCodePipeline_FullAccess", "AWSCodeBuildAdminAccess")
PIPELINE_ADMIN_SSO_ROLE = sso_role_pattern(PermissionSetName.PIPELINE_ADMIN)
"""The Identity Center role of the permission set assigned to the platform team on automation accounts."""


def pipeline_role_name(project: str, environment: str) -> str:
    return f"{PIPELINE_ROLE_PREFIX}{project}-{environment}"


def deploy_role_name(project: str) -> str:
    return f"{DEPLOY_ROLE_PREFIX}{project}"


def github_subject(repository: str, branch: str) -> str:
    return f"repo:{repository}:ref:refs/heads/{branch}"


@dataclass(frozen=True)
class PipelineRolesArgs:
    project: str
    """Project key; names the roles."""
    environment: str
    """preprod or prod."""
    region: str
    automation_account_id: pulumi.Input[str]
    """The project's automation account of this stage."""
    workload_account_id: pulumi.Input[str]
    """The project's workload account of this stage (where models are deployed)."""
    automation_provider: pulumi.ProviderResource
    """Provider pinned to the automation account."""
    workload_provider: pulumi.ProviderResource
    """Provider pinned to the workload account."""
    trust: Literal["codepipeline", "github"] = "codepipeline"
    """Who assumes the pipeline role."""
    repository: str | None = None
    """GitHub 'owner/name' (trust 'github')."""
    branch: str = "main"
    """Branch whose workflows may assume the pipeline role (trust 'github')."""
    tags: dict[str, str] = field(default_factory=dict)


def pipeline_trust(args: PipelineRolesArgs, oidc_provider_arn: pulumi.Input[str] | None) -> pulumi.Output[str]:
    if args.trust == "github":
        if not args.repository or oidc_provider_arn is None:
            raise ValueError(f"project {args.project}: trust 'github' needs a repository and the OIDC provider")
        return document(
            {
                "Sid": "GitHubActionsOfOneRepositoryAndBranch",
                "Effect": "Allow",
                "Principal": {"Federated": oidc_provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{GITHUB_OIDC_HOST}:aud": GITHUB_AUDIENCE,
                        f"{GITHUB_OIDC_HOST}:sub": github_subject(args.repository, args.branch),
                    }
                },
            }
        )
    return service_trust("codepipeline.amazonaws.com", args.automation_account_id)


def deploy_trust(pipeline_role_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """Exactly one principal: the pipeline role's ARN (never the account root, never '*')."""
    return document(
        {
            "Sid": "OnlyThePipelineRole",
            "Effect": "Allow",
            "Principal": {"AWS": pipeline_role_arn},
            "Action": "sts:AssumeRole",
        }
    )


def deploy_policy(args: PipelineRolesArgs) -> pulumi.Output[str]:
    """Model deployment in the workload account; passes only the project's SageMaker execution role."""
    account, region = args.workload_account_id, args.region
    return document(
        {
            "Sid": "DeployModels",
            "Effect": "Allow",
            "Action": [
                "sagemaker:CreateModel", "sagemaker:DeleteModel", "sagemaker:DescribeModel",
                "sagemaker:CreateEndpointConfig", "sagemaker:DeleteEndpointConfig", "sagemaker:DescribeEndpointConfig",
                "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DeleteEndpoint", "sagemaker:DescribeEndpoint",
                "sagemaker:AddTags", "sagemaker:ListTags",
            ],
            "Resource": [
                pulumi.Output.concat(f"arn:aws:sagemaker:{region}:", account, f":{kind}/*") for kind in ("model", "endpoint-config", "endpoint")
            ],
        },
        {
            "Sid": "PassOnlyTheProjectExecutionRole",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": role_arn(account, execution_role_name(args.project)),
            "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        },
    )


class PipelineRoles(pulumi.ComponentResource):
    """The pipeline and pipeline-admin roles in the automation account and the deploy role in the
    workload account, each through its own account's provider.

    Changes reach preprod and prod only through this path: the deploy role trusts exactly
    the pipeline role.
    """

    def __init__(self, name: str, args: PipelineRolesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:pipeline_roles:PipelineRoles", name, None, opts)
        in_automation = pulumi.ResourceOptions(parent=self, provider=args.automation_provider)
        in_workload = pulumi.ResourceOptions(parent=self, provider=args.workload_provider)

        self.oidc_provider = None
        if args.trust == "github":
            self.oidc_provider = aws.iam.OpenIdConnectProvider(
                child_name(name, "github-oidc"),
                url=f"https://{GITHUB_OIDC_HOST}",
                client_id_lists=[GITHUB_AUDIENCE],
                tags=args.tags,
                opts=in_automation,
            )
        self.pipeline_role = aws.iam.Role(
            child_name(name, "pipeline-role"),
            name=pipeline_role_name(args.project, args.environment),
            description=f"Delivery pipeline of project {args.project} ({args.environment}); assumes the deploy role",
            assume_role_policy=pipeline_trust(args, self.oidc_provider.arn if self.oidc_provider else None),
            max_session_duration=3600,
            tags=args.tags,
            opts=in_automation,
        )
        self.deploy_role = aws.iam.Role(
            child_name(name, "deploy-role"),
            name=deploy_role_name(args.project),
            description=f"Deploys project {args.project} models; trusted only by {pipeline_role_name(args.project, args.environment)}",
            assume_role_policy=deploy_trust(self.pipeline_role.arn),
            max_session_duration=3600,
            tags=args.tags,
            opts=in_workload,
        )
        self.deploy_policy = aws.iam.RolePolicy(
            child_name(name, "deploy-policy"),
            role=self.deploy_role.id,
            policy=deploy_policy(args),
            opts=in_workload,
        )
        self.pipeline_policy = aws.iam.RolePolicy(
            child_name(name, "pipeline-policy"),
            role=self.pipeline_role.id,
            policy=document(
                {"Sid": "AssumeTheDeployRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": self.deploy_role.arn}
            ),
            opts=in_automation,
        )
        # The only role the SCP protect-pipelines lets reconfigure the pipeline; for the platform team.
        self.admin_role = aws.iam.Role(
            child_name(name, "pipeline-admin-role"),
            name=PIPELINE_ADMIN_ROLE,
            description="Administers the delivery pipelines of this automation account (SCP protect-pipelines)",
            assume_role_policy=document(
                {
                    "Sid": "PipelineAdminsOfThisAccount",
                    "Effect": "Allow",
                    "Principal": {"AWS": account_root(args.automation_account_id)},
                    "Action": "sts:AssumeRole",
                    "Condition": {"ArnLike": {"aws:PrincipalArn": role_arn(args.automation_account_id, PIPELINE_ADMIN_SSO_ROLE)}},
                }
            ),
            max_session_duration=3600,
            tags=args.tags,
            opts=in_automation,
        )
        for policy in ADMIN_MANAGED_POLICIES:
            aws.iam.RolePolicyAttachment(
                child_name(name, "pipeline-admin", policy),
                role=self.admin_role.name,
                policy_arn=AWS_MANAGED + policy,
                opts=in_automation,
            )
        self.register_outputs(
            {
                "pipelineRoleArn": self.pipeline_role.arn,
                "deployRoleArn": self.deploy_role.arn,
                "pipelineAdminRoleArn": self.admin_role.arn,
            }
        )
