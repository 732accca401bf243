"""Settings of an environment stack (`sandbox`, `dev`, `preprod`, `prod`) and the project catalogue.

The ML projects live in one catalogue, ``stacks/projects.yaml``, which every
environment stack reads: a project names the stages it uses once, and each
environment stack vends the projects that use its stage. One file means one
pull request to vend a project, and no copies of a project that drift apart
across four stack files.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PositiveFloat, ValidationInfo, field_validator

from mlgov.config.fields import ConfigModel, Email, GroupName, ResourceKey, invalid, pattern_field
from mlgov.constants import Environment, StackKind

_CIDR = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,2})$")


def _cidr(value: str) -> str:
    match = _CIDR.match(value)
    if not match or any(int(octet) > 255 for octet in match.groups()[:4]) or not 16 <= int(match.group(5)) <= 24:
        raise invalid("is not an IPv4 CIDR block between /16 and /24", "use a private range such as '10.20.0.0/16'")
    return value


StudioUser = pattern_field(
    r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    "is not a valid SageMaker Studio user profile name (letters, digits and '-', at most 63)",
    "use the person's user name, such as 'alice-smith'",
)
Cidr = Annotated[str, AfterValidator(_cidr)]
InstanceType = pattern_field(
    r"^ml\.[a-z0-9*]+\.[a-z0-9*]+$|^ml\.[a-z0-9]+\.\*$", "is not a SageMaker instance type or pattern", "use a value such as 'ml.m5.large' or 'ml.g5.*'"
)


class TeamMember(ConfigModel):
    user: StudioUser
    """Identity Center user name; also the Studio user profile name and its ABAC tag value."""
    role: Literal["data-scientist", "ml-engineer"]


class ProjectGroups(ConfigModel):
    data_scientists: GroupName
    """Identity Center group of the project's data scientists."""
    ml_engineers: GroupName
    """Identity Center group of the project's ML engineers."""


_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")
# No '*' among the allowed characters: a branch, never a pattern of branches.
Branch = pattern_field(r"^[A-Za-z0-9._/-]{1,200}$", "is not a branch name (no wildcards)", "use the protected release branch, such as 'main'")


class PipelineSettings(ConfigModel):
    trust: Literal["codepipeline", "github"] = "codepipeline"
    """Who may assume the pipeline role in the automation account: AWS CodePipeline there, or GitHub Actions (OIDC)."""
    repository: str | None = Field(default=None, validate_default=True)
    """GitHub repository 'owner/name' whose workflows deploy (required for trust 'github')."""
    branch: Branch = "main"
    """Only workflows running on this branch may assume the role (trust 'github')."""

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("trust") == "github":
                raise invalid("is required when trust is 'github'", "name the repository whose workflows deploy, such as 'examplecorp/churn-model'")
            return value
        if not _REPOSITORY.match(value):
            raise invalid("is not a GitHub repository 'owner/name'", "write it as 'examplecorp/churn-model'")
        return value


class Project(ConfigModel):
    name: ResourceKey
    """Project key: lower-case, used in account names, emails and resource names. Never rename."""
    team: str = Field(min_length=1, max_length=64)
    """Owning team (tag mlgov:team)."""
    cost_center: str = Field(min_length=1, max_length=64)
    """Cost centre (cost-allocation tag mlgov:cost-center)."""
    groups: ProjectGroups
    """Identity Center groups of the team; required, access is granted to groups only."""
    stages: list[Environment] = Field(min_length=1)
    """Environments the project uses; each environment stack vends the projects that list it."""
    monthly_budget_usd: PositiveFloat
    """Monthly budget per account; in sandbox also the hard spending limit."""
    data_classification: Literal["public", "internal", "confidential", "restricted"]
    instance_types: list[InstanceType] = Field(default_factory=list)
    """SageMaker instance types the project asks for (documentation; the org SCPs enforce per OU)."""
    members: list[TeamMember] = Field(default_factory=list)
    """People who get a Studio user profile."""
    vpc_cidr: Cidr = "10.0.0.0/16"
    """CIDR of the project VPC. Accounts are never connected, so projects may share ranges."""
    pipeline: PipelineSettings = PipelineSettings()
    """How the project's pipeline authenticates in its automation accounts (preprod, prod)."""

    @field_validator("stages")
    @classmethod
    def _unique_stages(cls, stages: list[Environment]) -> list[Environment]:
        if len(set(stages)) != len(stages):
            raise invalid("lists a stage twice", "list each stage once")
        return stages


class ProjectCatalogue(ConfigModel):
    projects: list[Project]


class EnvironmentStackConfig(ConfigModel):
    kind: Literal[StackKind.ENVIRONMENT]
    environment: Environment
    """Which environment this stack vends (selects the OU and the rules table row)."""
    org_stack: str = Field(default="org", min_length=1)
    """Name of the org stack read through a StackReference ('org' or 'acme/mlgov/org')."""
    projects_file: str = "projects.yaml"
    """Project catalogue, relative to the stack files' folder."""
    budget_alert_emails: list[Email] = Field(min_length=1)
    """Who is told when a project account nears its budget."""
    availability_zones: list[str] = Field(min_length=2, max_length=3)
    """AZs of the project VPCs' private subnets (named here so plans stay deterministic)."""
    identity_assignments: bool = True
    """Assign each project's Identity Center groups to its accounts (needs the org stack's permission sets)."""
    security_auditors_group: GroupName | None = None
    """Identity Center group given read-only SecurityAudit on every project account of this stack."""
    projects: list[Project] = Field(default_factory=list)
    """Filled from projects_file by the loader."""

    def referenced_stacks(self) -> list[str]:
        return [self.org_stack.rsplit("/", 1)[-1]]

    def vended_projects(self) -> list[Project]:
        return [project for project in self.projects if self.environment in project.stages]

    def plan_inputs(self) -> dict:
        """Every setting, and of the catalogue only the projects this stack vends: the program reads no other
        (a project of another stage changes nothing here, so the stack's cached plan stays valid)."""
        inputs = super().plan_inputs()
        inputs["projects"] = [project.model_dump(mode="json", by_alias=True) for project in self.vended_projects()]
        return inputs
