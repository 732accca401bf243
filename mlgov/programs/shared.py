"""The `shared` stack: services inside the core accounts, each through its own account provider.

Reads the org stack (core account ids, organization id, access role) and the
stacks of the stages the environment rules give shared services to (each
project's account ids; dev, preprod and prod today). Which projects get a
registry, a portfolio share or a data-lake grant comes from the project
catalogue, so the resource set is known before any Output resolves; only the
account ids arrive through the stack references.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.account_provider import account_provider
from components.baseline.secure_bucket import bucket_name
from components.identity.access_rules import STAGE_ACCESS, AccountKind
from components.shared.container_repositories import ContainerRepositories, ContainerRepositoriesArgs
from components.shared.data_lake import DataLake, DataLakeArgs
from components.shared.key import SharedKey, SharedKeyArgs
from components.shared.log_archive import LogArchive, LogArchiveArgs
from components.shared.model_registry import ModelRegistry, ModelRegistryArgs, RegistryProject
from components.shared.package_repository import PackageRepository, PackageRepositoryArgs
from components.shared.studio_catalog import StudioCatalog, StudioCatalogArgs, identity_center_role_pattern
from mlgov.config.environment import Project
from mlgov.config.shared import UPSTREAMS, SharedStackConfig
from mlgov.constants import CURATED_ZONE, PROJECT, CoreAccountRole, Environment
from mlgov.environments import CATALOG_STAGES, DATA_LAKE_STAGES, DEPLOYING_STAGES, SHARED_READ_STAGES, rules_for
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
        self.stacks = {env: config.environment_stacks[env] for env in SHARED_READ_STAGES if env in config.environment_stacks}
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

    def accounts_by_project(self, stages: tuple[Environment, ...], projects: list[Project]) -> dict[str, pulumi.Output[str]]:
        """The account ids of ``projects`` in ``stages``, keyed by project name.

        The keys name resources (shares, grants); where the rules give a service to
        several stages, each key also carries the stage so that names stay unique.
        """
        several = len(stages) > 1
        return {
            f"{project.name}-{env.value}" if several else project.name: self.account(env, project.name)
            for project in projects for env in stages if env in project.stages
        }


def _management_provider(org: pulumi.StackReference, region: str, tags: dict[str, str]) -> aws.Provider:
    """The credentials the stack runs with, pinned to the management account (no assume-role)."""
    return aws.Provider(
        "provider-management",
        region=region,
        allowed_account_ids=[org.require_output("managementAccountId")],
        default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
    )


@dataclass(frozen=True)
class _Shared:
    """What every step of the shared stack reads: settings, the org stack's outputs, one provider per core account."""

    config: SharedStackConfig
    tags: dict[str, str]
    region: str
    org: pulumi.StackReference
    organization_id: pulumi.Output[str]
    role_name: pulumi.Output[str]
    envs: _Environments
    account_ids: dict[CoreAccountRole, pulumi.Output[str]]
    providers: dict[CoreAccountRole, aws.Provider]

    def opts(self, role: CoreAccountRole) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(provider=self.providers[role])


def _connect(config: SharedStackConfig) -> _Shared:
    """Read the org and environment stacks; pin a provider into each core account the stack acts in."""
    tags = platform_tags(config)
    region = pulumi.Config("aws").require("region")
    org = pulumi.StackReference(config.org_stack)
    role_name = org.require_output("accountAccessRoleName")
    account_ids = {role: core_account_id(org.require_output("accounts"), role) for role in SHARED_ACCOUNTS}
    providers = {
        role: account_provider(f"provider-{role.value}", account_ids[role], role_name, region, tags=tags, session_name=f"mlgov-shared-{role.value}")
        for role in SHARED_ACCOUNTS
    }
    return _Shared(
        config=config, tags=tags, region=region, org=org, organization_id=org.require_output("organizationId"), role_name=role_name,
        envs=_Environments(config), account_ids=account_ids, providers=providers,
    )


def _model_registry(shared: _Shared) -> ModelRegistry:
    """A model package group per project that deploys: its pipelines register, its preprod/prod accounts read."""
    team, envs, deploying = CoreAccountRole.TEAM_SHARED_SERVICES, shared.envs, DEPLOYING_STAGES
    return ModelRegistry(
        "model-registry",
        ModelRegistryArgs(
            account_id=shared.account_ids[team],
            region=shared.region,
            projects=tuple(
                RegistryProject(
                    name=project.name,
                    writer_account_ids=tuple(envs.account(env, project.name, "automationAccountId") for env in deploying if env in project.stages),
                    reader_account_ids=tuple(envs.account(env, project.name) for env in deploying if env in project.stages),
                    tags={**shared.tags, "mlgov:owner-project": project.name},
                )
                for project in shared.config.registry_projects()
            ),
        ),
        opts=shared.opts(team),
    )


def launcher_permission_sets() -> tuple[str, ...]:
    """Permission sets people hold in the accounts that provision catalog products (the rules table)."""
    return tuple(sorted({
        grant.permission_set.value
        for env, grants in STAGE_ACCESS.items() if rules_for(env).provisions_catalog_products
        for grant in grants if grant.account == AccountKind.WORKLOAD
    }))


def _studio_catalog(shared: _Shared, key: SharedKey) -> StudioCatalog:
    """The approved-products portfolio, shared to every project account of the stages that provision products."""
    team, config = CoreAccountRole.TEAM_SHARED_SERVICES, shared.config
    launching_projects = config.projects_in(*CATALOG_STAGES)
    return StudioCatalog(
        "catalog",
        StudioCatalogArgs(
            portfolio_name=config.service_catalog.portfolio_name,
            provider_name=config.service_catalog.provider_name,
            account_id=shared.account_ids[team],
            region=shared.region,
            template_bucket=pulumi.Output.concat(bucket_name(PROJECT, "catalog"), shared.account_ids[team]),
            kms_key_arn=key.arn,
            share_account_ids=shared.envs.accounts_by_project(CATALOG_STAGES, launching_projects),
            launcher_role_patterns=tuple(identity_center_role_pattern(name) for name in launcher_permission_sets()),
            tag_options={
                "mlgov:project": tuple(project.name for project in launching_projects),
                "mlgov:cost-center": tuple(sorted({project.cost_center for project in launching_projects})),
            },
            owner=config.service_catalog.provider_name,
            tags=shared.tags,
        ),
        opts=shared.opts(team),
    )


def _team_shared_services(shared: _Shared) -> tuple[ModelRegistry, ContainerRepositories, StudioCatalog]:
    """Model registry, approved images and approved products, in the team shared services account."""
    team = CoreAccountRole.TEAM_SHARED_SERVICES
    key = SharedKey(
        "team-shared-key",
        SharedKeyArgs(alias="team-shared-services", account_id=shared.account_ids[team], region=shared.region, services=("ecr", "s3"), tags=shared.tags),
        opts=shared.opts(team),
    )
    images = ContainerRepositories(
        "images",
        ContainerRepositoriesArgs(names=tuple(shared.config.ecr_repositories), organization_id=shared.organization_id, kms_key_arn=key.arn, tags=shared.tags),
        opts=shared.opts(team),
    )
    return _model_registry(shared), images, _studio_catalog(shared, key)


def _package_repository(shared: _Shared) -> PackageRepository:
    """Approved Python packages in the infrastructure shared services account."""
    infra, config = CoreAccountRole.SHARED_SERVICES, shared.config
    key = SharedKey(
        "packages-key",
        SharedKeyArgs(alias="codeartifact", account_id=shared.account_ids[infra], region=shared.region, services=("codeartifact", "s3"), tags=shared.tags),
        opts=shared.opts(infra),
    )
    return PackageRepository(
        "packages",
        PackageRepositoryArgs(
            domain=config.code_artifact.domain,
            repository=config.code_artifact.repository,
            external_connection=UPSTREAMS[config.code_artifact.upstream],
            organization_id=shared.organization_id,
            kms_key_arn=key.arn,
            tags=shared.tags,
        ),
        opts=shared.opts(infra),
    )


def _data_lake(shared: _Shared) -> DataLake:
    """The zone buckets and Lake Formation; project accounts of the stages with data-lake access read the curated zone."""
    return DataLake(
        "data-lake",
        DataLakeArgs(
            account_id=shared.account_ids[CoreAccountRole.DATA_LAKE],
            region=shared.region,
            bucket_prefix=shared.org.require_output("dataLakeBucketPrefix"),
            zones=tuple(shared.config.data_lake_zones),
            readable_zone=CURATED_ZONE,
            reader_account_ids=shared.envs.accounts_by_project(DATA_LAKE_STAGES, shared.config.projects_in(*DATA_LAKE_STAGES)),
            deploy_role_name=shared.role_name,
            tags=shared.tags,
        ),
        opts=shared.opts(CoreAccountRole.DATA_LAKE),
    )


def _log_archive(shared: _Shared) -> LogArchive:
    """The organization's log bucket (and, when asked, the organization trail in the management account)."""
    settings, org = shared.config.log_archive, shared.org
    return LogArchive(
        "log-archive",
        LogArchiveArgs(
            account_id=shared.account_ids[CoreAccountRole.LOG_ARCHIVE],
            management_account_id=org.require_output("managementAccountId"),
            organization_id=shared.organization_id,
            region=shared.region,
            retention_days=settings.retention_days,
            break_glass_role_name=settings.break_glass_role_name,
            deploy_role_name=shared.role_name,
            tags=shared.tags,
            management_provider=_management_provider(org, shared.region, shared.tags) if settings.organization_trail else None,
        ),
        opts=shared.opts(CoreAccountRole.LOG_ARCHIVE),
    )


def build_shared_stack(config: SharedStackConfig) -> None:
    shared = _connect(config)
    registry, images, catalog = _team_shared_services(shared)
    packages = _package_repository(shared)
    lake = _data_lake(shared)
    logs = _log_archive(shared)

    pulumi.export("modelPackageGroups", {name: group.arn for name, group in registry.groups.items()})
    pulumi.export("ecrRepositories", {name: repo.repository_url for name, repo in images.repositories.items()})
    pulumi.export("portfolioId", catalog.portfolio_id)
    pulumi.export("codeArtifact", {"domain": packages.domain.domain, "repository": packages.repository.repository})
    pulumi.export("dataLakeBuckets", lake.bucket_names)
    pulumi.export("logBucket", logs.bucket_name)
