"""An environment stack: every project that uses this stage gets its accounts and baseline."""

from __future__ import annotations

import pulumi

from components.identity.access_rules import AccountKind, PlatformGroup, TeamGroup
from components.identity.assignments import ProjectAccess, ProjectAccessArgs
from components.baseline._policy import bucket_arn
from components.baseline.secure_bucket import data_lake_bucket
from components.baseline.studio import DataLakeRead
from components.member_accounts import CreationWaves
from components.project_account_set import ProjectAccountSet, ProjectAccountSetArgs
from mlgov.config.environment import EnvironmentStackConfig, Project
from mlgov.constants import CURATED_ZONE, CoreAccountRole
from mlgov.environments import rules_for
from mlgov.programs.org_outputs import core_account_id, org_platform_group


def _ou_id(ous: pulumi.Output, name: str) -> pulumi.Output[str]:
    return ous.apply(lambda units: units[name]["id"])


def _curated_zone(org: pulumi.StackReference) -> DataLakeRead:
    """The curated data-lake bucket, named as the shared stack names it, in the data-lake core account."""
    account_id = core_account_id(org.require_output("accounts"), CoreAccountRole.DATA_LAKE)
    bucket = org.require_output("dataLakeBucketPrefix").apply(lambda prefix: data_lake_bucket(prefix, CURATED_ZONE, account_id))
    return DataLakeRead(bucket_arn=bucket_arn(bucket), account_id=account_id)


def project_tags(project: Project, environment: str) -> dict[str, str]:
    """Cost-allocation and ownership tags on every account and taggable resource of the project."""
    return {
        "mlgov:project": project.name,
        "mlgov:cost-center": project.cost_center,
        "mlgov:team": project.team,
        "mlgov:environment": environment,
        "mlgov:data-classification": project.data_classification,
        "mlgov:managed-by": "pulumi",
    }


def build_environment_stack(config: EnvironmentStackConfig) -> None:
    rules = rules_for(config.environment)
    org = pulumi.StackReference(config.org_stack)
    ous = org.require_output("organizationalUnits")
    region = pulumi.Config("aws").require("region")
    data_lake = _curated_zone(org) if rules.data_lake_access else None
    waves = CreationWaves()
    projects = {}
    for project in config.vended_projects():
        projects[project.name] = ProjectAccountSet(
            f"{project.name}-{config.environment.value}",
            ProjectAccountSetArgs(
                project=project.name,
                tags=project_tags(project, config.environment.value),
                members=tuple((member.user, member.role) for member in project.members),
                monthly_budget_usd=project.monthly_budget_usd,
                vpc_cidr=project.vpc_cidr,
                rules=rules,
                workload_ou_id=_ou_id(ous, rules.workload_ou),
                automation_ou_id=_ou_id(ous, rules.automation_ou) if rules.automation_ou else None,
                email_template=org.require_output("accountEmailTemplate"),
                role_name=org.require_output("accountAccessRoleName"),
                region=region,
                availability_zones=tuple(config.availability_zones),
                budget_alert_emails=tuple(config.budget_alert_emails),
                waves=waves,
                data_lake=data_lake,
                pipeline_trust=project.pipeline.trust,
                pipeline_repository=project.pipeline.repository,
                pipeline_branch=project.pipeline.branch,
            ),
        )
    if config.identity_assignments:
        for project in config.vended_projects():
            _assign_groups(config, org, project, projects[project.name])
    pulumi.export("environment", config.environment.value)
    pulumi.export(
        "projects",
        {
            name: {
                "accountId": account_set.workload.id,
                "automationAccountId": account_set.automation.id if account_set.automation else None,
            }
            for name, account_set in projects.items()
        },
    )


def _platform_groups(config: EnvironmentStackConfig, org: pulumi.StackReference, account_set: ProjectAccountSet) -> dict[PlatformGroup, pulumi.Input[str]]:
    """Security auditors from this stack's settings; where there is an automation account, the platform
    admins the org stack names (they administer its pipelines through PipelineAdmin)."""
    groups: dict[PlatformGroup, pulumi.Input[str]] = {}
    if config.security_auditors_group:
        groups[PlatformGroup.SECURITY_AUDITORS] = config.security_auditors_group
    if account_set.automation is not None:
        groups[PlatformGroup.PLATFORM_ADMINS] = org_platform_group(org.require_output("platformGroups"), PlatformGroup.PLATFORM_ADMINS.value)
    return groups


def _assign_groups(config: EnvironmentStackConfig, org: pulumi.StackReference, project: Project, account_set: ProjectAccountSet) -> None:
    """The project's groups on its accounts, per the stage table; through the management account's provider."""
    accounts = {AccountKind.WORKLOAD: account_set.workload.id}
    if account_set.automation is not None:
        accounts[AccountKind.AUTOMATION] = account_set.automation.id
    ProjectAccess(
        f"{project.name}-{config.environment.value}-access",
        ProjectAccessArgs(
            environment=config.environment,
            groups={TeamGroup.DATA_SCIENTISTS: project.groups.data_scientists, TeamGroup.ML_ENGINEERS: project.groups.ml_engineers},
            accounts=accounts,
            instance_arn=org.require_output("identityCenterInstanceArn"),
            identity_store_id=org.require_output("identityStoreId"),
            permission_set_arns=org.require_output("permissionSets"),
            platform_groups=_platform_groups(config, org, account_set),
        ),
    )
