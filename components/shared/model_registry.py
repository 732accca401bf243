"""The central model registry: one SageMaker model package group per project that deploys.

Lives in the team shared services account. A project's pipelines (its
automation accounts) register versions, but cannot approve them; its
preprod/prod accounts read versions to deploy them. No other account appears
in the group's resource policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from components.shared.policies import model_package_group_arns, registry_policy


@dataclass(frozen=True)
class RegistryProject:
    name: str
    """Project key; also the model package group's name."""
    writer_account_ids: tuple[pulumi.Input[str], ...]
    """The project's automation accounts (preprod, prod): their pipelines register versions."""
    reader_account_ids: tuple[pulumi.Input[str], ...]
    """The project's preprod/prod workload accounts: they read versions to deploy."""
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelRegistryArgs:
    account_id: pulumi.Input[str]
    """The team shared services account (where the groups live)."""
    region: str
    projects: tuple[RegistryProject, ...]
    """One group per entry."""


class ModelRegistry(pulumi.ComponentResource):
    """A model package group per project that deploys, with a resource policy that lets the project's
    automation accounts register versions and its preprod/prod accounts read them.
    """

    def __init__(self, name: str, args: ModelRegistryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:model_registry:ModelRegistry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.groups: dict[str, aws.sagemaker.ModelPackageGroup] = {}
        for project in args.projects:
            group = aws.sagemaker.ModelPackageGroup(
                child_name(name, project.name),
                model_package_group_name=project.name,
                model_package_group_description=f"Model versions of project {project.name}, registered by its pipelines",
                tags=project.tags,
                opts=child,
            )
            group_arn, packages_arn = model_package_group_arns(args.region, args.account_id, project.name)
            aws.sagemaker.ModelPackageGroupPolicy(
                child_name(name, project.name, "policy"),
                model_package_group_name=group.model_package_group_name,
                resource_policy=registry_policy(group_arn, packages_arn, project.writer_account_ids, project.reader_account_ids),
                opts=child,
            )
            self.groups[project.name] = group
        self.register_outputs({"groups": {key: group.arn for key, group in self.groups.items()}})
