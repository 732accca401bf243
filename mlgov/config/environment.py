"""Settings of an environment stack (`sandbox`, `dev`, `preprod`, `prod`) and the project catalogue.

The ML projects live in one catalogue, ``stacks/projects.yaml``, which every
environment stack reads: a project names the stages it uses once, and each
environment stack vends the projects that use its stage. One file means one
pull request to vend a project, and no copies of a project that drift apart
across four stack files.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, PositiveFloat, ValidationInfo, field_validator

from mlgov import aws_rules
from mlgov.config.dev_export import DevDataExportSettings, check_dev_export
from mlgov.config.fields import (
    ConfigModel,
    Email,
    GroupName,
    InstanceType,
    ResourceKey,
    TagValue,
    Text,
    checker,
    invalid,
    pattern_field,
    text_field,
)
from mlgov.constants import Environment, StackKind

MAX_BUDGET_ALERT_EMAILS = 10
"""AWS Budgets allows at most 10 email subscribers per notification."""


StudioUser = pattern_field(
    r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    "is not a valid SageMaker Studio user profile name (letters, digits and '-', at most 63)",
    "use the person's user name, such as 'alice-smith'",
)
Cidr = text_field(checker(aws_rules.vpc_cidr_problem, lambda value: "use a private /16 to /24 block written with its network address, such as '10.20.0.0/16'"))


class TeamMember(ConfigModel):
    user: StudioUser
    """Identity Center user name; also the Studio user profile name and its ABAC tag value."""
    role: Literal["data-scientist", "ml-engineer"]


class ProjectGroups(ConfigModel):
    data_scientists: GroupName
    """Identity Center group of the project's data scientists."""
    ml_engineers: GroupName
    """Identity Center group of the project's ML engineers."""


# GitHub: owners are 1-39 letters, digits and single inner dashes; repositories 1-100 of letters, digits, '.', '_', '-' (not '.' or '..').
_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}/(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$")


def branch_problem(value: str) -> str | None:
    """A branch name as the GitHub OIDC subject carries it (``ref:refs/heads/<branch>``), by git's ref rules."""
    if value.startswith("refs/"):
        return "is a full ref; the trust condition adds 'refs/heads/' itself, so this would never match"
    # git check-ref-format: no '..', '@{', control characters, space, ~ ^ : ? * [ \\, no leading/trailing '/' or '.', no '.lock' end.
    if (
        not re.fullmatch(r"[A-Za-z0-9._/+@=,#%!&'()-]{1,200}", value)
        or ".." in value
        or "//" in value
        or "@{" in value
        or value == "@"
        or value.startswith(("/", ".", "-"))
        or value.endswith(("/", ".", ".lock"))
        or "/." in value
    ):
        return "is not a git branch name (no wildcards, spaces, '..', '~', '^', ':', '?', '[', '\\', nor a leading or trailing '/' or '.')"
    return None


Branch = text_field(checker(branch_problem, "use the branch name alone, such as 'main' or 'release/1.x'"))


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
    team: TagValue = Field(min_length=1, max_length=64)
    """Owning team (tag mlgov:team)."""
    cost_center: TagValue = Field(min_length=1, max_length=64)
    """Cost centre (cost-allocation tag mlgov:cost-center)."""
    groups: ProjectGroups
    """Identity Center groups of the team; required, access is granted to groups only."""
    stages: list[Environment] = Field(min_length=1)
    """Environments the project uses; each environment stack vends the projects that list it."""
    monthly_budget_usd: PositiveFloat
    """Monthly budget per account; in sandbox also the hard spending limit. AWS Budgets takes whole cents."""
    data_classification: Literal["public", "internal", "confidential", "restricted"]
    instance_types: list[InstanceType] = Field(default_factory=list)
    """SageMaker instance types the project asks for (documentation; the org SCPs enforce per OU)."""
    members: list[TeamMember] = Field(default_factory=list)
    """People who get a Studio user profile."""
    vpc_cidr: Cidr = "10.0.0.0/16"
    """CIDR of the project VPC. Accounts are never connected, so projects may share ranges."""
    pipeline: PipelineSettings = PipelineSettings()
    """How the project's pipeline authenticates in its automation accounts (preprod, prod)."""
    studio_home_retention: Literal["Retain", "Delete"] = "Retain"
    """What deleting the project's Studio domain does to its users' home directories (EFS):
    keep them (the default: nothing lost) or delete them, which lets a retired project's VPC
    be deleted in one ``pulumi up``. Applied when the domain is deleted, so set it before."""
    dev_data_export: DevDataExportSettings | None = None
    """Redacted copies of prod data for the project's dev account (needs the dev and prod stages)."""

    _dev_export = field_validator("dev_data_export")(check_dev_export)

    def exports_to_dev(self) -> bool:
        return self.dev_data_export is not None and self.dev_data_export.enabled

    @field_validator("stages")
    @classmethod
    def _unique_stages(cls, stages: list[Environment]) -> list[Environment]:
        if len(set(stages)) != len(stages):
            raise invalid("lists a stage twice", "list each stage once")
        return stages

    @field_validator("monthly_budget_usd")
    @classmethod
    def _whole_cents(cls, value: float) -> float:
        if round(value, 2) <= 0:
            raise invalid("rounds to 0.00 USD; the budget limit is sent to AWS Budgets in whole cents", "use at least 0.01")
        return value


class ProjectCatalogue(ConfigModel):
    projects: list[Project]


class EnvironmentStackConfig(ConfigModel):
    kind: Literal[StackKind.ENVIRONMENT]
    environment: Environment
    """Which environment this stack vends (selects the OU and the rules table row)."""
    org_stack: Text = Field(default="org", min_length=1)
    """Name of the org stack read through a StackReference ('org' or 'acme/mlgov/org')."""
    projects_file: Text = "projects.yaml"
    """Project catalogue, relative to the stack files' folder."""
    budget_alert_emails: list[Email] = Field(min_length=1, max_length=MAX_BUDGET_ALERT_EMAILS)
    """Who is told when a project account nears its budget (1-10 distinct addresses: AWS Budgets' subscriber limit)."""
    availability_zones: list[Text] = Field(min_length=2, max_length=3)
    """AZs of the project VPCs' private subnets, in the stack's aws:region (named here so plans stay deterministic)."""
    identity_assignments: bool = True
    """Assign each project's Identity Center groups to its accounts (needs the org stack's permission sets)."""
    security_auditors_group: GroupName | None = None
    """Identity Center group given read-only SecurityAudit on every project account of this stack."""
    dev_stack: str = Field(default="dev", min_length=1)
    """The dev stack, read by the prod stack for the dev accounts that may read a project's data export."""
    projects: list[Project] = Field(default_factory=list)
    """Filled from projects_file by the loader."""

    def referenced_stacks(self) -> list[str]:
        stacks = [self.org_stack.rsplit("/", 1)[-1]]
        if self.export_projects():
            # The export bucket's policy names each dev account's Studio role: dev is planned (and applied) first.
            stacks.append(self.dev_stack.rsplit("/", 1)[-1])
        return stacks

    def export_projects(self) -> list[Project]:
        """Projects whose prod data this (prod) stack exports to their dev accounts."""
        if self.environment != Environment.PROD:
            return []
        return [project for project in self.vended_projects() if project.exports_to_dev()]

    def vended_projects(self) -> list[Project]:
        return [project for project in self.projects if self.environment in project.stages]

    def plan_inputs(self) -> dict:
        """Every setting, and of the catalogue only the projects this stack vends: the program reads no other
        (a project of another stage changes nothing here, so the stack's cached plan stays valid)."""
        inputs = super().plan_inputs()
        inputs["projects"] = [project.model_dump(mode="json", by_alias=True) for project in self.vended_projects()]
        return inputs
