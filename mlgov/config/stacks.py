"""Every stack file of a plan, validated together before any program runs.

One stack's settings can be fine on their own and still contradict another's:
an environment stack assigning Identity Center groups while the org stack has
Identity Center off, a region the org's allow-list denies, a stack reference
to a missing stack or to a stack of the wrong kind, a project stage with no
stack to vend it. Reading every stack involved first (the ones asked for and
the ones they reference) lets one run report all of it, file by file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgov import aws_rules
from mlgov.config.errors import ConfigError, ConfigIssue
from mlgov.config.fields import email_problem, is_secret
from mlgov.config.loader import StackSettings, namespace_values, settings_from_config
from mlgov.config.rules import data_lake_bucket_problem
from mlgov.config.stack_files import read_stack_file, stack_file
from mlgov.constants import CONFIG_NAMESPACE, Environment, StackKind
from mlgov.environments import rules_for
from mlgov.naming import email_from_template, project_account_key

NS = CONFIG_NAMESPACE + ":"
_STACK_NAME = re.compile(r"^(?:[A-Za-z0-9_.-]+/){0,2}[A-Za-z0-9_.-]+$")
"""A Pulumi stack name, alone or qualified as '<org>/<project>/<stack>'."""


@dataclass
class _Stack:
    name: str
    path: Path
    config: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    settings: Any = None
    issues: list[ConfigIssue] = field(default_factory=list)

    @property
    def kind(self) -> Any:
        return self.raw.get("kind")


@dataclass(frozen=True)
class ValidatedStacks:
    """The settings and ``config:`` maps of every stack read (those asked for and those they reference)."""

    settings: dict[str, StackSettings]
    configs: dict[str, dict[str, Any]]


def short_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1]


def validate_stacks(stacks_dir: Path, wanted: Sequence[str]) -> ValidatedStacks:
    """Validate ``wanted`` and every stack they reference; raise one ConfigError naming every mistake in every file.

    Stacks asked for whose file does not exist are skipped (the caller reports them).
    """
    stacks: dict[str, _Stack] = {}
    catalogue_issues: dict[Path, list[ConfigIssue]] = {}
    pending = [name for name in wanted if stack_file(stacks_dir, name).exists()]
    while pending:
        name = pending.pop(0)
        if name in stacks:
            continue
        stack = _read(stacks_dir, name, catalogue_issues)
        stacks[name] = stack
        for path, reference in _references(stack):
            if not isinstance(reference, str) or is_secret(reference) or not _STACK_NAME.match(reference):
                continue
            if stack_file(stacks_dir, short_name(reference)).exists():
                pending.append(short_name(reference))
    _cross_stack_rules(stacks_dir, stacks, catalogue_issues)
    errors = [ConfigError(name, str(stack.path), stack.issues) for name, stack in stacks.items() if stack.issues]
    errors += [ConfigError("", str(path), issues) for path, issues in catalogue_issues.items() if issues]
    if errors:
        raise ConfigError.combine(errors)
    return ValidatedStacks({name: stack.settings for name, stack in stacks.items()}, {name: stack.config for name, stack in stacks.items()})


def _read(stacks_dir: Path, name: str, catalogue_issues: dict[Path, list[ConfigIssue]]) -> _Stack:
    path = stack_file(stacks_dir, name)
    read = read_stack_file(path, name)
    stack = _Stack(name, path, read.config, namespace_values(read.config), issues=list(read.issues))
    if not _STACK_NAME.match(name) or "/" in name:
        stack.issues.append(ConfigIssue(path.name, f"names the stack '{name}'; Pulumi stack names hold only letters, digits, '-', '_' and '.'", "rename the file, such as Pulumi.dev.yaml"))
    if not read.readable:
        return stack
    try:
        stack.settings = settings_from_config(stacks_dir, name, read.config)
    except ConfigError as error:
        # The catalogue's mistakes are listed once, under the catalogue, not under every stack that reads it.
        catalogue = _catalogue_path(stacks_dir, stack.raw)
        prefix = f"{catalogue.name}: " if catalogue else None
        for issue in error.issues:
            if prefix and (issue.path.startswith(prefix) or issue.path == catalogue.name):
                known = catalogue_issues.setdefault(catalogue, [])
                if issue not in known:
                    known.append(issue)
            else:
                stack.issues.append(issue)
    return stack


def _catalogue_path(stacks_dir: Path, raw: dict[str, Any]) -> Path | None:
    if raw.get("kind") not in (StackKind.ENVIRONMENT, StackKind.SHARED):
        return None
    name = raw.get("projectsFile", "projects.yaml")
    return stacks_dir / name if isinstance(name, str) and not is_secret(name) else None


def _references(stack: _Stack) -> Iterator[tuple[str, Any]]:
    """(key path, stack name) of every stack reference in the raw settings."""
    if stack.kind in (StackKind.ENVIRONMENT, StackKind.SHARED):
        yield f"{NS}orgStack", stack.raw.get("orgStack", "org")
    if stack.kind == StackKind.SHARED:
        environments = stack.raw.get("environmentStacks")
        if environments is None:
            environments = {env.value: env.value for env in (Environment.DEV, Environment.PREPROD, Environment.PROD)}
        if isinstance(environments, dict):
            for env, reference in environments.items():
                yield f"{NS}environmentStacks.{env}", reference


# ------------------------------------------------------------------ rules across stacks
def _cross_stack_rules(stacks_dir: Path, stacks: dict[str, _Stack], catalogue_issues: dict[Path, list[ConfigIssue]]) -> None:
    present = _stack_kinds(stacks_dir, stacks)
    for stack in stacks.values():
        stack.issues += _reference_issues(stack, present)
        if stack.kind == StackKind.ENVIRONMENT:
            stack.issues += _environment_name_issues(stack)
        if stack.kind == StackKind.SHARED:
            stack.issues += _shared_reads_the_same(stack, stacks)
        org = _org_of(stack, stacks)
        if org is not None:
            stack.issues += _org_rules(stack, org)
        elif stack.kind == StackKind.ORG:
            stack.issues += _home_region_issues(stack)
    for catalogue, projects, readers in _catalogues(stacks):
        catalogue_issues.setdefault(stacks_dir / catalogue, []).extend(_catalogue_rules(stacks_dir, catalogue, projects, readers, present, stacks))


def _stack_kinds(stacks_dir: Path, stacks: dict[str, _Stack]) -> dict[str, tuple[Any, Any]]:
    """(kind, environment) of every stack file in the folder, read leniently: enough to check references."""
    found: dict[str, tuple[Any, Any]] = {}
    for path in sorted(stacks_dir.glob("Pulumi.*.yaml")):
        name = path.name[len("Pulumi."):-len(".yaml")]
        raw = stacks[name].raw if name in stacks else namespace_values(read_stack_file(path, name).config)
        found[name] = (raw.get("kind"), raw.get("environment"))
    return found


def _reference_issues(stack: _Stack, present: dict[str, tuple[Any, Any]]) -> list[ConfigIssue]:
    issues = []
    for path, reference in _references(stack):
        if stack.issues and any(issue.path == path for issue in stack.issues):
            continue
        if not isinstance(reference, str) or is_secret(reference) or not _STACK_NAME.match(reference):
            issues.append(ConfigIssue(path, "is not a stack name ('<stack>' or '<org>/<project>/<stack>')", "name a stack of this project, such as 'org'", reference))
            continue
        wanted_kind = StackKind.ORG if path.endswith("orgStack") else StackKind.ENVIRONMENT
        wanted_env = None if wanted_kind == StackKind.ORG else path.rsplit(".", 1)[-1]
        candidates = sorted(name for name, (kind, env) in present.items() if kind == wanted_kind and (wanted_env is None or env == wanted_env))
        fix = f"set {path} to {' or '.join(repr(name) for name in candidates)}" if candidates else f"create the {wanted_env or 'org'} stack file, or point {path} at it"
        target = present.get(short_name(reference))
        if target is None:
            issues.append(ConfigIssue(path, f"names the stack '{short_name(reference)}', which has no stack file (Pulumi.{short_name(reference)}.yaml)", fix, reference))
        elif target[0] != wanted_kind:
            issues.append(ConfigIssue(path, f"names the stack '{short_name(reference)}', which is of kind {target[0]!r}, not {str(wanted_kind)!r}", fix, reference))
        elif wanted_env is not None and target[1] != wanted_env:
            issues.append(ConfigIssue(path, f"names the stack '{short_name(reference)}', which vends {target[1]!r}, not {wanted_env!r}", fix, reference))
    return issues


def _environment_name_issues(stack: _Stack) -> list[ConfigIssue]:
    environment = stack.raw.get("environment")
    if not isinstance(environment, str) or environment == stack.name or environment not in {env.value for env in Environment}:
        return []
    return [
        ConfigIssue(
            f"{NS}environment",
            f"differs from the stack's name '{stack.name}'; this stack would vend the {environment} accounts a second time",
            f"set mlgov:environment to '{stack.name}' if the stack is named right, or rename the file to Pulumi.{environment}.yaml",
            environment,
        )
    ]


def _shared_reads_the_same(shared: _Stack, stacks: dict[str, _Stack]) -> list[ConfigIssue]:
    """The shared stack finds each project's accounts in the environment stacks' outputs: it must read
    the catalogue they vend from, and the same org stack, or it looks for accounts nobody created."""
    issues = []
    for path, reference in _references(shared):
        if not path.startswith(f"{NS}environmentStacks.") or not isinstance(reference, str):
            continue
        environment = stacks.get(short_name(reference))
        if environment is None or environment.kind != StackKind.ENVIRONMENT:
            continue
        for key, default in (("projectsFile", "projects.yaml"), ("orgStack", "org")):
            mine, theirs = shared.raw.get(key, default), environment.raw.get(key, default)
            if isinstance(mine, str) and isinstance(theirs, str) and short_name(mine) != short_name(theirs) and not is_secret(mine):
                issues.append(
                    ConfigIssue(
                        f"{NS}{key}",
                        f"is '{mine}', but the environment stack '{environment.name}' ({path}) reads '{theirs}'; the shared stack would look for project accounts that stack does not create",
                        f"set mlgov:{key} to '{theirs}' here, or point {path} at a stack that reads '{mine}'",
                        mine,
                    )
                )
    return list({issue.path: issue for issue in issues}.values())


def _org_of(stack: _Stack, stacks: dict[str, _Stack]) -> _Stack | None:
    if stack.kind not in (StackKind.ENVIRONMENT, StackKind.SHARED):
        return None
    reference = stack.raw.get("orgStack", "org")
    org = stacks.get(short_name(reference)) if isinstance(reference, str) else None
    return org if org is not None and org.kind == StackKind.ORG and org.settings is not None else None


def _home_region_issues(org: _Stack) -> list[ConfigIssue]:
    region, settings = org.config.get("aws:region"), org.settings
    if settings is None or not isinstance(region, str) or is_secret(region) or any(issue.path == "aws:region" for issue in org.issues):
        return []
    home = settings.organization.home_region
    if region == home or is_secret(home):
        return []
    return [ConfigIssue("aws:region", f"differs from organization.homeRegion '{home}'; the org stack manages Control Tower and Identity Center in the home region", f"set aws:region to '{home}'", region)]


def _org_rules(stack: _Stack, org: _Stack) -> list[ConfigIssue]:
    issues = []
    settings = org.settings
    region = stack.config.get("aws:region")
    allowed = [name for name in settings.organization.allowed_regions if not is_secret(name)]
    if isinstance(region, str) and not is_secret(region) and not aws_rules.region_problem(region) and allowed and region not in allowed:
        issues.append(
            ConfigIssue(
                "aws:region",
                f"is outside the org stack's organization.allowedRegions ({', '.join(allowed)}); the region guardrail denies it",
                f"use one of {', '.join(allowed)}, or add '{region}' to organization.allowedRegions in the org stack",
                region,
            )
        )
    if stack.kind == StackKind.ENVIRONMENT and not settings.identity_center.enabled and stack.raw.get("identityAssignments", True) is True:
        issues.append(
            ConfigIssue(
                f"{NS}identityAssignments",
                f"is on (the default), but the org stack '{org.name}' has identityCenter.enabled false: there are no permission sets to assign",
                "set mlgov:identityAssignments: false in this stack, or enable mlgov:identityCenter in the org stack",
                stack.raw.get("identityAssignments", True),
            )
        )
    if stack.kind == StackKind.SHARED and stack.settings is not None:
        prefix = settings.organization.data_lake_bucket_prefix
        zones = list(stack.settings.data_lake_zones)
        for index, zone in enumerate(zones):
            problem = None if is_secret(prefix) else data_lake_bucket_problem(prefix, zone)
            if problem:
                issues.append(
                    ConfigIssue(
                        f"{NS}dataLakeZones[{index}]",
                        f"with the org's dataLakeBucketPrefix '{prefix}' {problem}",
                        "use a shorter zone name, or a shorter organization.dataLakeBucketPrefix in the org stack",
                        zone,
                    )
                )
    return issues


def _catalogues(stacks: dict[str, _Stack]) -> Iterator[tuple[str, list, list[_Stack]]]:
    """(catalogue file name, its projects, the stacks that read it) for every catalogue that validated."""
    seen: dict[str, tuple[list, list[_Stack]]] = {}
    for stack in stacks.values():
        if stack.settings is None or stack.kind not in (StackKind.ENVIRONMENT, StackKind.SHARED):
            continue
        name = str(stack.settings.projects_file)
        seen.setdefault(name, (list(stack.settings.projects), []))[1].append(stack)
    for name, (projects, readers) in seen.items():
        yield name, projects, readers


def _catalogue_rules(
    stacks_dir: Path, catalogue: str, projects: list, readers: list[_Stack], present: dict[str, tuple[Any, Any]], stacks: dict[str, _Stack]
) -> list[ConfigIssue]:
    environments = {env for kind, env in present.values() if kind == StackKind.ENVIRONMENT}
    issues: list[ConfigIssue] = []
    for index, project in enumerate(projects):
        path = f"{catalogue}: projects[{index}]"
        for stage_index, stage in enumerate(project.stages):
            if stage.value not in environments:
                issues.append(
                    ConfigIssue(
                        f"{path}.stages[{stage_index}]",
                        f"has no environment stack: no stack file in {stacks_dir} has mlgov:environment {stage.value}, so nothing would vend it",
                        f"create {stack_file(stacks_dir, stage.value).name} (mlgov:kind: environment, mlgov:environment: {stage.value}), or remove the stage",
                        stage.value,
                    )
                )
    orgs = {org.name: org for reader in readers if (org := _org_of(reader, stacks)) is not None}
    for org in orgs.values():
        issues += _project_email_issues(catalogue, projects, org)
        issues += _instance_type_issues(catalogue, projects, org)
    return issues


def _project_email_issues(catalogue: str, projects: list, org: _Stack) -> list[ConfigIssue]:
    settings = org.settings
    template = settings.organization.account_email_template
    if is_secret(template):
        return []
    taken: dict[str, str] = {settings.account_email(account).lower(): f"the core account {account.role.value}" for account in settings.core_accounts if not is_secret(settings.account_email(account))}
    issues = []
    for index, project in enumerate(projects):
        for stage in project.stages:
            for automation in (False, True) if rules_for(stage).automation_ou else (False,):
                account = project_account_key(project.name, stage.value, automation)
                email = email_from_template(template, account)
                problem = email_problem(email)
                if problem:
                    issues.append(
                        ConfigIssue(
                            f"{catalogue}: projects[{index}].name",
                            f"makes the account email '{email}' (organization.accountEmailTemplate of '{org.name}'), which {problem}",
                            "shorten the project name or the org's accountEmailTemplate",
                            project.name,
                        )
                    )
                    break
                if email.lower() in taken:
                    issues.append(
                        ConfigIssue(
                            f"{catalogue}: projects[{index}].name",
                            f"gives the account {account} the email '{email}', already used by {taken[email.lower()]}",
                            "give the core account its own email address",
                            project.name,
                        )
                    )
                taken[email.lower()] = f"the account {account}"
    return issues


def _instance_type_issues(catalogue: str, projects: list, org: _Stack) -> list[ConfigIssue]:
    import fnmatch

    allowed_by_env = org.settings.sagemaker_instance_types
    issues = []
    for index, project in enumerate(projects):
        for type_index, wanted in enumerate(project.instance_types):
            covered = aws_rules.instance_types_matching(wanted)
            # A type may be meant for some stages only (training in prod, not in dev): refused when no stage allows it.
            denied = {}
            for stage in project.stages:
                allowed = allowed_by_env.get(stage)
                if allowed is None or any(fnmatch.fnmatchcase(candidate, pattern) for candidate in covered for pattern in allowed):
                    break
                denied[stage.value] = allowed
            else:
                if denied:
                    where = "; ".join(f"{stage} allows {', '.join(allowed)}" for stage, allowed in denied.items())
                    issues.append(
                        ConfigIssue(
                            f"{catalogue}: projects[{index}].instanceTypes[{type_index}]",
                            f"is denied in every stage of the project by the org's instance-type guardrail ({where})",
                            f"ask for an allowed type, or add it to mlgov:sagemakerInstanceTypes of a stage in the org stack '{org.name}'",
                            wanted,
                        )
                    )
    return issues
