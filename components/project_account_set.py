"""One ML project in one environment: its accounts and the baseline inside them.

The workload account goes into the environment's OU; environments that
deploy through a pipeline (preprod, prod) also get the project's automation
account in the matching Deployments OU. Everything inside the workload
account is created through a provider that assumes the organization access
role there, pinned with ``allowed_account_ids`` so a mistake can never land
in the management account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.account_provider import account_provider
from components.baseline.project_baseline import ProjectBaseline, ProjectBaselineArgs
from components.baseline.studio import DataLakeRead
from components.delivery.pipeline_roles import PipelineRoles, PipelineRolesArgs
from components.member_accounts import AccountSpec, CreationWaves, protected_account
from mlgov.environments import EnvironmentRules
from mlgov.naming import email_from_template


@dataclass(frozen=True)
class ProjectAccountSetArgs:
    project: str
    """Project key: names the accounts (``<project>-<stage>``), roles and the Studio domain."""
    tags: Mapping[str, str]
    """Cost-allocation and ownership tags on the accounts and every taggable resource."""
    members: tuple[tuple[str, str], ...]
    """(user, role) of the people who get a Studio user profile."""
    monthly_budget_usd: float
    """Budget of each account of the project in this stage."""
    vpc_cidr: str
    """CIDR block of the project VPC."""
    rules: EnvironmentRules
    """This environment's row of the rules table."""
    workload_ou_id: pulumi.Input[str]
    automation_ou_id: pulumi.Input[str] | None
    """Deployments OU id, for environments with an automation account."""
    email_template: pulumi.Input[str]
    """Organization's account email template ('{account}' is replaced)."""
    role_name: pulumi.Input[str]
    """Organization access role created in each account and assumed by the platform."""
    region: str
    availability_zones: tuple[str, ...]
    budget_alert_emails: tuple[str, ...]
    waves: CreationWaves
    """Shared by every project of the stack: at most 5 accounts in creation at once."""
    data_lake: DataLakeRead | None = None
    """Curated data-lake zone, for environments whose rules grant data-lake access."""
    pipeline_trust: Literal["codepipeline", "github"] = "codepipeline"
    """Who assumes the pipeline role in the automation account (preprod, prod)."""
    pipeline_repository: str | None = None
    """GitHub 'owner/name' whose workflows deploy (trust 'github')."""
    pipeline_branch: str = "main"
    """Branch whose workflows may assume the pipeline role (trust 'github')."""


class ProjectAccountSet(pulumi.ComponentResource):
    """One project's accounts in one stage (workload, plus automation where a pipeline deploys),
    an assume-role provider pinned to each, the baseline inside the workload account and
    the delivery roles, so vending a project is one component per stage.
    """

    def __init__(self, name: str, args: ProjectAccountSetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:project_account_set:ProjectAccountSet", name, None, opts)
        project, environment = args.project, args.rules.environment.value
        tags = dict(args.tags)

        automation_tags = {**tags, "mlgov:account-purpose": "automation"}
        workload_suffix, automation_suffix = environment, f"{environment}-automation"

        def member(suffix: str, parent_id: pulumi.Input[str], account_tags: dict[str, str]) -> aws.organizations.Account:
            """The account ``<project>-<suffix>`` (also its key and the ``{account}`` of its email)."""
            account = f"{project}-{suffix}"
            email = pulumi.Output.from_input(args.email_template).apply(lambda template: email_from_template(template, account))
            return protected_account(
                AccountSpec(key=account, name=account, email=email, parent_id=parent_id, tags=account_tags), args.role_name, args.waves, self
            )

        def pinned_provider(resource_name: str, account: aws.organizations.Account, suffix: str, provider_tags: dict[str, str]) -> aws.Provider:
            # The session name tells CloudTrail readers which project account the platform acted in.
            return account_provider(
                resource_name, account.id, args.role_name, args.region, tags=provider_tags, parent=self, session_name=f"mlgov-{project}-{suffix}"
            )

        self.workload = member(workload_suffix, args.workload_ou_id, tags)
        self.automation = None
        if args.rules.automation_ou is not None and args.automation_ou_id is not None:
            self.automation = member(automation_suffix, args.automation_ou_id, automation_tags)
        self.provider = pinned_provider(f"{name}-provider", self.workload, workload_suffix, tags)
        self.baseline = ProjectBaseline(
            f"{name}-baseline",
            ProjectBaselineArgs(
                project=project,
                environment=args.rules.environment,
                account_id=self.workload.id,
                region=args.region,
                rules=args.rules,
                members=args.members,
                monthly_budget_usd=args.monthly_budget_usd,
                budget_alert_emails=args.budget_alert_emails,
                tags=tags,
                vpc_cidr=args.vpc_cidr,
                availability_zones=args.availability_zones,
                data_lake=args.data_lake,
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=self.provider),
        )
        # Cross-account delivery: the automation account gets its own pinned provider,
        # the pipeline role lives there and the deploy role in the workload account.
        self.automation_provider = None
        self.delivery = None
        if self.automation is not None:
            self.automation_provider = pinned_provider(f"{name}-automation-provider", self.automation, automation_suffix, automation_tags)
            self.delivery = PipelineRoles(
                f"{name}-delivery",
                PipelineRolesArgs(
                    project=project,
                    environment=environment,
                    region=args.region,
                    automation_account_id=self.automation.id,
                    workload_account_id=self.workload.id,
                    automation_provider=self.automation_provider,
                    workload_provider=self.provider,
                    trust=args.pipeline_trust,
                    repository=args.pipeline_repository,
                    branch=args.pipeline_branch,
                    tags=tags,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs(
            {
                "accountId": self.workload.id,
                "automationAccountId": self.automation.id if self.automation else None,
                "pipelineRoleArn": self.delivery.pipeline_role.arn if self.delivery else None,
                "deployRoleArn": self.delivery.deploy_role.arn if self.delivery else None,
            }
        )
