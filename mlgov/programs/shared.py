"""The `shared` stack: services inside the core accounts, each through its own account provider.

Reads the org stack (core account ids, organization id, access role) and the
dev/preprod/prod stacks (each project's account ids). Which projects get a
registry, a portfolio share or a data-lake grant comes from the project
catalogue, so the resource set is known before any Output resolves; only the
account ids arrive through the stack references.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.account_provider import account_provider
from components.baseline.secure_bucket import bucket_name
from components.shared.container_repositories import ContainerRepositories, ContainerRepositoriesArgs
from components.shared.data_lake import DataLake, DataLakeArgs
from components.shared.key import SharedKey, SharedKeyArgs
from components.shared.log_archive import LogArchive, LogArchiveArgs
from components.shared.model_registry import ModelRegistry, ModelRegistryArgs, RegistryProject
from components.shared.package_repository import PackageRepository, PackageRepositoryArgs
from components.shared.studio_catalog import StudioCatalog, StudioCatalogArgs
from mlgov.config.shared import UPSTREAMS, SharedStackConfig
from mlgov.constants import CURATED_ZONE, PROJECT, CoreAccountRole, Environment
from mlgov.programs.org_outputs import core_account_id

PLATFORM_PROJECT = "platform"
"""Value of mlgov:project on everything the platform team owns."""

# The core accounts the shared stack acts in.
SHARED_ACCOUNTS = (
    CoreAccountRole.TEAM_SHARED_SERVICES,
    CoreAccountRole.SHARED_SERVICES,
    CoreAccountRole.DATA_LAKE,
    CoreAccountRole.LOG_ARCHIVE,
)


class MissingProjectAccount(Exception):
    pass


def platform_tags(config: SharedStackConfig) -> dict[str, str]:
    return {
        "mlgov:project": PLATFORM_PROJECT,
        "mlgov:cost-center": config.cost_center,
        "mlgov:managed-by": "pulumi",
        "mlgov:stack": pulumi.get_stack(),
    }


class _Environments:
    """Project account ids from the environment stacks' ``projects`` outputs."""

    def __init__(self, config: SharedStackConfig):
        self.stacks = {env: config.environment_stacks[env] for env in config.environment_stacks if env != Environment.SANDBOX}
        self.references = {env: pulumi.StackReference(stack) for env, stack in self.stacks.items()}

    def account(self, env: Environment, project: str, key: str = "accountId") -> pulumi.Output[str]:
        stack = self.stacks[env]

        def pick(projects: dict) -> str:
            value = (projects or {}).get(project, {}).get(key)
            if not value:
                raise MissingProjectAccount(
                    f"stack '{stack}' exports no {key} for project '{project}'; run 'pulumi up' on '{stack}' before the shared stack"
                )
            return value

        return self.references[env].require_output("projects").apply(pick)


def _management_provider(org: pulumi.StackReference, region: str, tags: dict[str, str]) -> aws.Provider:
    """The credentials the stack runs with, pinned to the management account (no assume-role)."""
    return aws.Provider(
        "provider-management",
        region=region,
        allowed_account_ids=[org.require_output("managementAccountId")],
        default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
    )


def build_shared_stack(config: SharedStackConfig) -> None:
    tags = platform_tags(config)
    region = pulumi.Config("aws").require("region")
    org = pulumi.StackReference(config.org_stack)
    accounts = org.require_output("accounts")
    organization_id = org.require_output("organizationId")
    role_name = org.require_output("accountAccessRoleName")
    envs = _Environments(config)

    account_ids = {role: core_account_id(accounts, role) for role in SHARED_ACCOUNTS}
    providers = {
        role: account_provider(f"provider-{role.value}", account_ids[role], role_name, region, tags=tags, session_name=f"mlgov-shared-{role.value}")
        for role in SHARED_ACCOUNTS
    }

    def opts(role: CoreAccountRole) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(provider=providers[role])

    # ---- team shared services: model registry, images, approved products ----------------------
    team = CoreAccountRole.TEAM_SHARED_SERVICES
    registry = ModelRegistry(
        "model-registry",
        ModelRegistryArgs(
            account_id=account_ids[team],
            region=region,
            projects=tuple(
                RegistryProject(
                    name=project.name,
                    writer_account_ids=tuple(envs.account(env, project.name, "automationAccountId") for env in (Environment.PREPROD, Environment.PROD) if env in project.stages),
                    reader_account_ids=tuple(envs.account(env, project.name) for env in (Environment.PREPROD, Environment.PROD) if env in project.stages),
                    tags={**tags, "mlgov:owner-project": project.name},
                )
                for project in config.registry_projects()
            ),
        ),
        opts=opts(team),
    )
    team_key = SharedKey("team-shared-key", SharedKeyArgs(alias="team-shared-services", account_id=account_ids[team], region=region, services=("ecr", "s3"), tags=tags), opts=opts(team))
    images = ContainerRepositories(
        "images",
        ContainerRepositoriesArgs(names=tuple(config.ecr_repositories), organization_id=organization_id, kms_key_arn=team_key.arn, tags=tags),
        opts=opts(team),
    )
    dev_projects = config.projects_in(Environment.DEV)
    catalog = StudioCatalog(
        "catalog",
        StudioCatalogArgs(
            portfolio_name=config.service_catalog.portfolio_name,
            provider_name=config.service_catalog.provider_name,
            account_id=account_ids[team],
            region=region,
            template_bucket=pulumi.Output.concat(bucket_name(PROJECT, "catalog"), account_ids[team]),
            kms_key_arn=team_key.arn,
            share_account_ids={project.name: envs.account(Environment.DEV, project.name) for project in dev_projects},
            tag_options={
                "mlgov:project": tuple(project.name for project in dev_projects),
                "mlgov:cost-center": tuple(sorted({project.cost_center for project in dev_projects})),
            },
            owner=config.service_catalog.provider_name,
            tags=tags,
        ),
        opts=opts(team),
    )

    # ---- infrastructure shared services: approved Python packages -----------------------------
    infra = CoreAccountRole.SHARED_SERVICES
    packages_key = SharedKey("packages-key", SharedKeyArgs(alias="codeartifact", account_id=account_ids[infra], region=region, services=("codeartifact", "s3"), tags=tags), opts=opts(infra))
    packages = PackageRepository(
        "packages",
        PackageRepositoryArgs(
            domain=config.code_artifact.domain,
            repository=config.code_artifact.repository,
            external_connection=UPSTREAMS[config.code_artifact.upstream],
            organization_id=organization_id,
            kms_key_arn=packages_key.arn,
            tags=tags,
        ),
        opts=opts(infra),
    )

    # ---- data lake ------------------------------------------------------------------------------
    lake = DataLake(
        "data-lake",
        DataLakeArgs(
            account_id=account_ids[CoreAccountRole.DATA_LAKE],
            region=region,
            bucket_prefix=org.require_output("dataLakeBucketPrefix"),
            zones=tuple(config.data_lake_zones),
            readable_zone=CURATED_ZONE,
            reader_account_ids={project.name: envs.account(Environment.DEV, project.name) for project in dev_projects},
            deploy_role_name=role_name,
            tags=tags,
        ),
        opts=opts(CoreAccountRole.DATA_LAKE),
    )

    # ---- log archive ----------------------------------------------------------------------------
    logs = LogArchive(
        "log-archive",
        LogArchiveArgs(
            account_id=account_ids[CoreAccountRole.LOG_ARCHIVE],
            management_account_id=org.require_output("managementAccountId"),
            organization_id=organization_id,
            region=region,
            retention_days=config.log_archive.retention_days,
            break_glass_role_name=config.log_archive.break_glass_role_name,
            deploy_role_name=role_name,
            tags=tags,
            management_provider=_management_provider(org, region, tags) if config.log_archive.organization_trail else None,
        ),
        opts=opts(CoreAccountRole.LOG_ARCHIVE),
    )

    pulumi.export("modelPackageGroups", {name: group.arn for name, group in registry.groups.items()})
    pulumi.export("ecrRepositories", {name: repo.repository_url for name, repo in images.repositories.items()})
    pulumi.export("portfolioId", catalog.portfolio_id)
    pulumi.export("codeArtifact", {"domain": packages.domain.domain, "repository": packages.repository.repository})
    pulumi.export("dataLakeBuckets", lake.bucket_names)
    pulumi.export("logBucket", logs.bucket_name)
