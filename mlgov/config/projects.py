"""The project catalogue: reading it, and the rules no single field can check.

A project's name turns into many AWS names (accounts, buckets, roles, budgets,
the Studio domain, the registry's model package group ...), each with its own
limits, and which of them exist depends on the project's stages. Every one is
computed here with the same functions the components use (``mlgov.naming``) and
checked against the rule AWS applies, so a name that would fail at apply is
refused at plan time, at ``projects[i].name``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mlgov import naming
from mlgov import aws_rules
from mlgov.config.errors import ConfigIssue, format_path, pydantic_issues
from mlgov.config.yaml_files import YamlFileError, load_yaml
from mlgov.constants import Environment
from mlgov.environments import rules_for


def read_catalogue(path: Path) -> tuple[list | None, list[ConfigIssue]]:
    """The catalogue's validated projects, or None and every issue found in it."""
    from mlgov.config.environment import ProjectCatalogue

    prefix = f"{path.name}: "
    try:
        document = load_yaml(path, lambda parts: prefix + format_path(parts))
    except YamlFileError as error:
        return None, error.issues
    if not isinstance(document, dict) or not isinstance(document.get("projects"), list):
        return None, [ConfigIssue(path.name, "must be a map with a 'projects' list", "start the file with 'projects:' followed by one '- name: ...' entry per project")]
    rules = check_projects(document, prefix)
    try:
        catalogue = ProjectCatalogue.model_validate(document)
    except ValidationError as error:
        fields = pydantic_issues(error, prefix)
        # A value its field refuses is reported once, by the field; the names derived from it are moot.
        return None, fields + [issue for issue in rules if issue.path not in {found.path for found in fields}]
    return (catalogue.projects, rules) if not rules else (None, rules)


def check_projects(document: Any, prefix: str) -> list[ConfigIssue]:
    projects = document.get("projects") if isinstance(document, dict) else None
    if not isinstance(projects, list):
        return []
    issues: list[ConfigIssue] = []
    first: dict[str, int] = {}
    for index, project in enumerate(projects):
        if not isinstance(project, dict):
            continue
        path = f"{prefix}projects[{index}]"
        name = project.get("name")
        if isinstance(name, str):
            if name in first:
                issues.append(ConfigIssue(f"{path}.name", f"is the name of another project (projects[{first[name]}]); project names key accounts and resources", "rename one of the projects", name))
            first.setdefault(name, index)
            issues += _derived_name_issues(f"{path}.name", name, _stages(project))
        issues += _member_issues(path, project.get("members"))
    return issues


def _stages(project: dict[str, Any]) -> list[Environment]:
    stages = project.get("stages")
    valid = {env.value for env in Environment}
    return [Environment(stage) for stage in stages if isinstance(stage, str) and stage in valid] if isinstance(stages, list) else []


def derived_names(name: str, stages: list[Environment]) -> Iterator[tuple[str, aws_rules.ValueRule | None]]:
    """(AWS name or value, the rule it must follow; None for an S3 bucket name) for a project with these stages."""
    yield name, aws_rules.tag_value_rule()
    yield naming.execution_role_name(name), aws_rules.role_name_rule()
    yield naming.studio_domain_name(name), aws_rules.sagemaker_name_rule("CreateDomain", "DomainName", "a SageMaker domain name")
    yield naming.project_key_alias(name), aws_rules.member_rule("kms", "CreateAlias", "AliasName", "a KMS alias", "letters, digits and : / _ -")
    automation = [stage for stage in stages if rules_for(stage).automation_ou is not None]
    if automation:
        yield naming.deploy_role_name(name), aws_rules.role_name_rule()
        yield naming.model_package_group_name(name), aws_rules.sagemaker_name_rule("CreateModelPackageGroup", "ModelPackageGroupName", "a model package group name")
    for stage in stages:
        accounts = [naming.project_account_key(name, stage)]
        if stage in automation:
            accounts.append(naming.project_account_key(name, stage, automation=True))
            yield naming.pipeline_role_name(name, stage), aws_rules.role_name_rule()
        for account in accounts:
            yield account, aws_rules.account_name_rule()
            yield naming.project_session_name(account), aws_rules.session_name_rule()
        for purpose in naming.BUCKET_PURPOSES:
            yield naming.project_bucket_prefix(name, stage, purpose) + naming.SAMPLE_ACCOUNT_ID, None
        budget = naming.budget_name(name, stage)
        yield budget, aws_rules.member_rule("budgets", "CreateBudget", "Budget.BudgetName", "a budget name", "any characters but ':' and '\\\\'")
        if rules_for(stage).spend_limit_action:
            yield naming.budget_deny_policy_name(budget), aws_rules.policy_name_rule()


def derived_name_problem(name: str, stages: list[Environment]) -> str | None:
    """The first AWS name made from ``name`` that AWS would refuse, as a sentence, or None."""
    for value, rule in derived_names(name, stages):
        if rule is None:
            problem = aws_rules.bucket_name_problem(value)
            if problem:
                return problem.replace(naming.SAMPLE_ACCOUNT_ID, "<account id>")
            continue
        problem = rule.problem(value)
        if problem:
            return f"makes {rule.what} '{value}' that AWS refuses: {problem}"
    return None


def longest_name(stages: list[Environment], limit: int = 64) -> int:
    """The longest project name whose derived names all fit, for these stages (0 if none does)."""
    return max((length for length in range(1, limit + 1) if derived_name_problem("a" * length, stages) is None), default=0)


def _derived_name_issues(path: str, name: str, stages: list[Environment]) -> list[ConfigIssue]:
    problem = derived_name_problem(name, stages)
    if problem is None:
        return []
    longest = longest_name(stages)
    where = ", ".join(stage.value for stage in stages) or "no stages"
    return [ConfigIssue(path, problem, f"use a project name of at most {longest} characters for a project with stages {where}", name)]


def _member_issues(path: str, members: Any) -> list[ConfigIssue]:
    issues = []
    first: dict[str, tuple[int, str]] = {}
    for index, member in enumerate(members if isinstance(members, list) else []):
        user = member.get("user") if isinstance(member, dict) else None
        if not isinstance(user, str):
            continue
        profile = naming.profile_name(user)
        if profile in first:
            other_index, other = first[profile]
            problem = "is listed twice in this project" if other == user else f"maps to the Studio user profile '{profile}', like members[{other_index}] ('{other}')"
            issues.append(ConfigIssue(f"{path}.members[{index}].user", problem, "list each person once", user))
        first.setdefault(profile, (index, user))
    return issues
