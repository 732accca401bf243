"""Settings of the `shared` stack: what the platform runs inside the core accounts.

The shared stack reads the org stack (core account ids, organization id) and
the environment stacks (each project's account ids), so it is planned after
them; environment stacks never read it back (that would be a cycle). Which
projects exist comes from the same catalogue the environment stacks read
(``projectsFile``), so the set of registries, shares and grants is known
without waiting for any Output.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from pydantic import Field

from mlgov.config.environment import Project
from mlgov.config.errors import ConfigIssue
from mlgov import aws_rules
from mlgov.config.fields import ConfigModel, RoleName, TagValue, Text, pattern_field, rule_checker, text_field
from mlgov.constants import CURATED_ZONE, Environment, StackKind
from mlgov.environments import DEPLOYING_STAGES, SHARED_READ_STAGES

NS = "mlgov:"

"""The zone project dev accounts may read."""
DEFAULT_ZONES = ("raw", CURATED_ZONE, "features")

UPSTREAMS = {"pypi": "public:pypi"}
"""CodeArtifact external connections by the name used in config."""



# Zone names become part of bucket names and Glue database names: keep them short and plain.
ZoneName = pattern_field(
    r"^[a-z][a-z0-9]{1,19}$",
    "is not a data-lake zone name (2-20 lower-case letters and digits, starting with a letter)",
    "use a name such as 'raw', 'curated' or 'features'",
)
EcrRepositoryName = text_field(
    rule_checker(
        lambda: aws_rules.member_rule(
            "ecr", "CreateRepository", "repositoryName", "an ECR repository name", "lower-case letters and digits joined by '.', '_' or '-', path parts separated by '/'"
        ),
        "use a name such as 'ml/training-base'",
    )
)
CodeArtifactDomain = text_field(
    rule_checker(
        lambda: aws_rules.member_rule("codeartifact", "CreateDomain", "domain", "a CodeArtifact domain name", "lower-case letters, digits and '-', starting with a letter"),
        "use a name such as 'examplecorp'",
    )
)
CodeArtifactRepository = text_field(
    rule_checker(
        lambda: aws_rules.member_rule("codeartifact", "CreateRepository", "repository", "a CodeArtifact repository name", "letters, digits, '.', '_' and '-', starting with a letter or digit"),
        "use a name such as 'approved-python'",
    )
)
PortfolioName = text_field(rule_checker(lambda: aws_rules.member_rule("servicecatalog", "CreatePortfolio", "DisplayName", "a Service Catalog portfolio name"), "use a shorter name"))
ProviderName = text_field(rule_checker(lambda: aws_rules.member_rule("servicecatalog", "CreatePortfolio", "ProviderName", "a Service Catalog provider name"), "use a shorter name"))


class CodeArtifactSettings(ConfigModel):
    domain: CodeArtifactDomain = "mlgov"
    """CodeArtifact domain (2-50 lower-case letters, digits, '-'), one per organization."""
    repository: CodeArtifactRepository = "approved-python"
    """Repository of approved Python packages that project accounts install from."""
    upstream: Literal["pypi"] = "pypi"
    """Public upstream the repository proxies (external connection public:pypi)."""


class ServiceCatalogSettings(ConfigModel):
    portfolio_name: PortfolioName = "mlgov ML platform"
    """Portfolio shown to the projects' dev accounts (1-100 characters)."""
    provider_name: ProviderName = "ML platform team"
    """Who provides the portfolio (shown in the Service Catalog console)."""


class LogArchiveSettings(ConfigModel):
    retention_days: int = Field(default=365, ge=1, le=36_500)
    """Object Lock default retention (GOVERNANCE mode) of the organization's log bucket."""
    break_glass_role_name: RoleName = "mlgov-break-glass"
    """Role in the log-archive account that alone may delete logs or change the bucket's lifecycle."""
    organization_trail: bool = False
    """Create an organization CloudTrail trail (in the management account) delivering to this bucket.
    Leave off where Control Tower's landing zone already runs the organization trail."""


class SharedStackConfig(ConfigModel):
    kind: Literal[StackKind.SHARED]
    org_stack: Text = Field(default="org", min_length=1)
    """Name of the org stack read through a StackReference ('org' or 'acme/mlgov/org')."""
    environment_stacks: dict[Environment, Text] = Field(
        default_factory=lambda: {env: env.value for env in SHARED_READ_STAGES}
    )
    """Environment stacks read for project account ids: keys dev, preprod, prod."""
    projects_file: Text = "projects.yaml"
    """Project catalogue, relative to the stack files' folder (the one the environment stacks read)."""
    cost_center: TagValue = Field(min_length=1, max_length=64)
    """Cost centre of the platform team (tag mlgov:cost-center on every shared resource)."""
    data_lake_zones: list[ZoneName] = Field(default_factory=lambda: list(DEFAULT_ZONES), min_length=1)
    """Data-lake zones, one bucket each; must include 'curated' (readable by project dev accounts)."""
    code_artifact: CodeArtifactSettings = Field(default_factory=CodeArtifactSettings)
    ecr_repositories: list[EcrRepositoryName] = Field(default_factory=list)
    """ECR repositories in the team shared services account, pullable from inside the organization."""
    service_catalog: ServiceCatalogSettings = Field(default_factory=ServiceCatalogSettings)
    log_archive: LogArchiveSettings = Field(default_factory=LogArchiveSettings)
    projects: list[Project] = Field(default_factory=list)
    """Filled from projects_file by the loader."""

    def referenced_stacks(self) -> list[str]:
        return [_short(self.org_stack)] + [_short(self.environment_stacks[env]) for env in SHARED_READ_STAGES if env in self.environment_stacks]

    def projects_in(self, *stages: Environment) -> list[Project]:
        """Projects that use any of ``stages``, in catalogue order."""
        return [project for project in self.projects if any(stage in project.stages for stage in stages)]

    def registry_projects(self) -> list[Project]:
        """Projects that deploy through a pipeline (preprod or prod) and so get a model registry."""
        return self.projects_in(*DEPLOYING_STAGES)


def _short(stack: str) -> str:
    return stack.rsplit("/", 1)[-1]


def check_shared(raw: dict[str, Any]) -> list[ConfigIssue]:
    """Rules across values: duplicates by position, required zone, environment stack keys."""
    issues: list[ConfigIssue] = []
    for key, what in (("ecrRepositories", "ECR repository"), ("dataLakeZones", "data-lake zone")):
        values = raw.get(key)
        if not isinstance(values, list):
            continue
        seen: Counter[str] = Counter()
        for index, value in enumerate(values):
            if not isinstance(value, str):
                continue
            seen[value] += 1
            if seen[value] == 2:
                issues.append(ConfigIssue(f"{NS}{key}[{index}]", f"names the same {what} as an earlier entry", "list each name once", value))
    zones = raw.get("dataLakeZones")
    if isinstance(zones, list) and CURATED_ZONE not in zones:
        issues.append(ConfigIssue(f"{NS}dataLakeZones", f"lacks the '{CURATED_ZONE}' zone, the one project dev accounts read", f"add '{CURATED_ZONE}'", zones))
    stacks = raw.get("environmentStacks")
    if isinstance(stacks, dict):
        for env in SHARED_READ_STAGES:
            if env.value not in stacks:
                issues.append(ConfigIssue(f"{NS}environmentStacks", f"lacks '{env.value}': the shared stack reads every project's {env.value} accounts", f"add '{env.value}: <stack name>'"))
        for env in Environment:
            if env.value in stacks and env not in SHARED_READ_STAGES:
                issues.append(ConfigIssue(
                    f"{NS}environmentStacks.{env.value}", f"is not read: {env.value} accounts get no shared services", "remove this key", stacks[env.value],
                ))
    return issues
