"""Rules of one stack's settings beyond single fields, per stack kind.

Each rule reads the raw (decoded) values, like ``references.py``, so it still
runs when an unrelated field failed: one run reports every mistake. Rules that
need the whole validated model (guardrail coverage) get it when it exists.
Every issue names the key path of the setting that produced the bad value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mlgov import aws_rules
from mlgov.config.errors import ConfigIssue
from mlgov.config.fields import is_secret
from mlgov.config.control_tower import check_control_tower
from mlgov.config.references import (
    check_core_accounts,
    check_guardrail_targets,
    check_identity_center,
    check_ou_tree,
    check_regions,
    core_account_ous,
    list_entries,
    ou_parents,
)
from mlgov.config.shared import check_shared
from mlgov.constants import CONFIG_NAMESPACE, ENVIRONMENT_OU, ROOT, Environment, StackKind
from mlgov.naming import SAMPLE_ACCOUNT_ID, data_lake_bucket_prefix, kebab

NS = CONFIG_NAMESPACE + ":"
DEFAULT_DATA_LAKE_ZONES = ("raw", "curated", "features", "feature-store")
"""Zones of the shared stack's defaults plus the feature store's bucket: what an org stack alone is checked with."""

# Services each stack kind creates resources of in its aws:region; botocore's endpoint data lists where they exist.
REGIONAL_SERVICES: dict[str, tuple[str, ...]] = {
    StackKind.ORG: ("controltower", "sso", "organizations"),
    StackKind.ENVIRONMENT: ("sagemaker", "kms", "ec2", "sts"),
    StackKind.SHARED: ("sagemaker", "servicecatalog", "codeartifact", "ecr", "lakeformation", "glue", "kms", "cloudtrail"),
}


def stack_rules(kind: str, raw: dict[str, Any], provider: dict[str, Any] | None, settings: Any = None) -> list[ConfigIssue]:
    """Every rule of a stack kind; ``provider`` (the ``aws:`` values) adds the region rules when known."""
    issues = _RULES[kind](raw)
    if settings is not None and kind == StackKind.ORG:
        issues += check_guardrail_coverage(settings, raw)
    region_issues = check_stack_region(kind, raw, provider) if provider is not None else []
    issues += region_issues
    if kind == StackKind.ENVIRONMENT:
        region = provider.get("region") if provider is not None and not region_issues else None
        issues += check_zones(raw, region)
    return issues


# ------------------------------------------------------------------ every kind
def check_stack_region(kind: str, raw: dict[str, Any], provider: dict[str, Any]) -> list[ConfigIssue]:
    region = provider.get("region")
    if region is None:
        home = raw.get("organization", {}).get("homeRegion") if isinstance(raw.get("organization"), dict) else None
        example = home if isinstance(home, str) else "eu-west-1"
        return [ConfigIssue("aws:region", "is missing; every mlgov stack deploys to one region", f"add 'aws:region: {example}'")]
    if is_secret(region):
        return [ConfigIssue("aws:region", "is a secret; the region must be readable to plan", "write the region in plain text", region)]
    if not isinstance(region, str):
        return [ConfigIssue("aws:region", "is not a region name", aws_rules.region_fix(str(region)), region)]
    problem = aws_rules.region_problem(region)
    if problem:
        return [ConfigIssue("aws:region", problem, aws_rules.region_fix(region), region)]
    missing = [service for service in REGIONAL_SERVICES.get(kind, ()) if aws_rules.service_regions(service) and region not in aws_rules.service_regions(service)]
    if missing:
        return [
            ConfigIssue(
                "aws:region",
                f"has no {', '.join(missing)} (botocore's endpoint data), which the {kind} stack uses",
                "deploy this stack to a region that offers them, and list it in organization.allowedRegions",
                region,
            )
        ]
    return []


def _strings(raw: dict[str, Any], key: str) -> Iterator[tuple[int, str]]:
    value = raw.get(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str) and not is_secret(item):
                yield index, item


def check_distinct(
    raw: dict[str, Any], key: str, what: str, normalise: Callable[[str], str] = str, why: str = "", parent: str = NS
) -> list[ConfigIssue]:
    """Entries of a list that are the same once normalised (case, separators), each named at its later position.

    ``raw`` holds ``key``; ``parent`` is the key path of ``raw`` itself (``mlgov:`` for the stack's top level).
    """
    first: dict[str, int] = {}
    issues = []
    for index, value in _strings(raw, key):
        normal = normalise(value)
        if normal in first:
            same = "" if normalise(normal) == value else f" once normalised ('{normal}')"
            issues.append(ConfigIssue(f"{parent}{key}[{index}]", f"is the same {what} as {key}[{first[normal]}]{same}{why}", "list each one once", value))
        else:
            first[normal] = index
    return issues


# ------------------------------------------------------------------ org
def _org_rules(raw: dict[str, Any]) -> list[ConfigIssue]:
    return (
        check_ou_tree(raw)
        + check_ou_names_distinct(raw)
        + check_core_accounts(raw)
        + check_regions(raw)
        + check_distinct(_organization(raw), "allowedRegions", "region", parent=f"{NS}organization.")
        + check_guardrail_targets(raw, _buildable_guardrails(raw))
        + check_instance_type_lists(raw)
        + check_cost_allocation_tags(raw)
        + check_data_lake_prefix(raw)
        + check_control_tower(raw, ou_parents(raw), core_account_ous(raw))
        + check_identity_center(raw)
    )


def _organization(raw: dict[str, Any]) -> dict[str, Any]:
    organization = raw.get("organization")
    return organization if isinstance(organization, dict) else {}


def check_ou_names_distinct(raw: dict[str, Any]) -> list[ConfigIssue]:
    """OU names become resource names ('ou-<name>') and guardrail keys in lower case with dashes:
    two OUs that differ only in case or separators would get the same URN."""
    names: list[tuple[str, str]] = [(f"{NS}organizationalUnits[{index}].name", entry["name"]) for index, entry in list_entries(raw, "organizationalUnits") if isinstance(entry.get("name"), str)]
    regulated = raw.get("regulatedOu")
    if isinstance(regulated, dict) and regulated.get("enabled") is True and isinstance(regulated.get("name"), str):
        names.append((f"{NS}regulatedOu.name", regulated["name"]))
    first: dict[str, tuple[str, str]] = {}
    issues = []
    for path, name in names:
        normal = kebab(name)
        if normal in first and first[normal][1] != name:
            issues.append(
                ConfigIssue(path, f"differs from the OU '{first[normal][1]}' ({first[normal][0]}) only in case or separators; both would be named '{normal}' in the stack", "give the OUs distinct names", name)
            )
        first.setdefault(normal, (path, name))
    return issues


def _buildable_guardrails(raw: dict[str, Any]) -> list[str]:
    """Guardrail keys the catalogue builds for these settings: what an attachment override may name."""
    from mlgov.guardrails import guardrail_keys
    from mlgov.guardrails.catalogue import INSTANCE_TYPES_KEY_PREFIX, instance_types_key

    keys = [key for key in guardrail_keys() if not key.startswith(INSTANCE_TYPES_KEY_PREFIX)]
    instance_types = raw.get("sagemakerInstanceTypes")
    if isinstance(instance_types, dict):
        keys += [instance_types_key(ENVIRONMENT_OU[Environment(env)]) for env in instance_types if env in set(Environment)]
    if raw.get("networkIsolationEnvironments") == []:
        keys.remove("sagemaker-require-network-isolation")
    return keys


def check_instance_type_lists(raw: dict[str, Any]) -> list[ConfigIssue]:
    types = raw.get("sagemakerInstanceTypes")
    if not isinstance(types, dict):
        return []
    issues = []
    for env, patterns in types.items():
        if isinstance(patterns, list) and not patterns:
            issues.append(
                ConfigIssue(
                    f"{NS}sagemakerInstanceTypes.{env}",
                    f"is empty; the instance-type guardrail would deny every SageMaker job, notebook and endpoint in {env}",
                    "list the allowed instance types, or remove the key to allow every type",
                    patterns,
                )
            )
    return issues


def check_cost_allocation_tags(raw: dict[str, Any]) -> list[ConfigIssue]:
    """The SCP denies creating SageMaker resources without these tags, and the platform itself creates
    Studio domains and profiles: it must be able to carry every required tag."""
    from mlgov.naming import project_tags

    applied = sorted(project_tags(_TagProbe(), "dev"))
    organization = _organization(raw)
    issues = check_distinct(organization, "costAllocationTags", "tag key", parent=f"{NS}organization.")
    for index, key in _strings(organization, "costAllocationTags"):
        if key not in applied:
            issues.append(
                ConfigIssue(
                    f"{NS}organization.costAllocationTags[{index}]",
                    "is a tag key the platform never sets, so the tag guardrail would deny creating the projects' own Studio domains and profiles",
                    f"require only tags the platform applies: {', '.join(applied)}",
                    key,
                )
            )
    return issues


class _TagProbe:
    """Stands in for a project: only the tag keys matter."""

    name = cost_center = team = data_classification = "x"


def data_lake_bucket_problem(prefix: str, zone: str) -> str | None:
    return aws_rules.bucket_name_problem(data_lake_bucket_prefix(prefix, zone) + SAMPLE_ACCOUNT_ID)


def check_data_lake_prefix(raw: dict[str, Any], zones: tuple[str, ...] = DEFAULT_DATA_LAKE_ZONES) -> list[ConfigIssue]:
    """Bucket names '<prefix>-<zone>-<account id>' for the longest zone (the shared stack checks its own zones)."""
    prefix = _organization(raw).get("dataLakeBucketPrefix")
    if not isinstance(prefix, str) or is_secret(prefix):
        return []
    for zone in sorted(zones, key=len, reverse=True):
        problem = data_lake_bucket_problem(prefix, zone)
        if problem:
            return [ConfigIssue(f"{NS}organization.dataLakeBucketPrefix", problem, "use a shorter prefix of lower-case letters, digits and single dashes, such as 'examplecorp-datalake-'", prefix)]
    return []


PLACEMENT_CHECKED_BY_THE_PACK = frozenset(
    {
        # baseline-scps-at-root
        "deny-leave-organization", "deny-root-user", "protect-security-services", "region-allow-list",
        # workload-ou-ml-scps
        "sagemaker-require-vpc", "sagemaker-require-kms", "sagemaker-require-encryption-in-transit", "sagemaker-require-tags",
        # endpoint-deny-attachment
        "deny-sagemaker-endpoints",
    }
)
"""Guardrails whose placement a policy of the pack checks: moving one off its OU is a mandatory
policy violation (exit 1, with the pack's remediation), so the config rule below leaves them to it."""


def check_guardrail_coverage(settings: Any, raw: dict[str, Any]) -> list[ConfigIssue]:
    """An attachment override may add targets or move a guardrail up the tree, never off an OU the settings put it on.

    Only for guardrails no pack policy places (network isolation, instance types, sandbox
    isolation, endpoints through the VPC, pipeline protection): nothing else would notice.
    """
    from mlgov.guardrails import build_catalogue

    overrides = settings.guardrail_attachments
    if not overrides:
        return []
    try:
        catalogue = {policy.key: policy for policy in build_catalogue(settings.guardrail_settings())}
    except ValueError:
        return []  # the settings themselves are wrong; other rules name them
    parents = ou_parents(raw)
    issues = []
    for key, targets in overrides.items():
        policy = catalogue.get(key)
        if policy is None or key in PLACEMENT_CHECKED_BY_THE_PACK:
            continue
        for required in policy.default_targets:
            if not _covered(required, targets, parents):
                problem, fix = _coverage_words(key, required, settings)
                issues.append(ConfigIssue(f"{NS}guardrailAttachments.{key}", problem, fix, list(targets)))
    return issues


def _covered(required: str, targets: list[str], parents: dict[str, str]) -> bool:
    current, seen = required, set()
    while current not in seen:
        if current in targets:
            return True
        if current == ROOT:
            return False
        seen.add(current)
        current = parents.get(current, ROOT)
    return False


def _coverage_words(key: str, required: str, settings: Any) -> tuple[str, str]:
    environments = [env.value for env, ou in ENVIRONMENT_OU.items() if ou == required]
    if key == "sagemaker-require-network-isolation" and environments:
        return (
            f"no longer covers {required}, yet mlgov:networkIsolationEnvironments lists {environments[0]}: its SageMaker jobs would run without network isolation",
            f"add '{required}' (or an OU above it) to the list, or remove {environments[0]} from mlgov:networkIsolationEnvironments",
        )
    if key.startswith("sagemaker-instance-types-") and environments:
        return (
            f"no longer covers {required}, so mlgov:sagemakerInstanceTypes.{environments[0]} would restrict nothing there",
            f"add '{required}' (or an OU above it) to the list, or remove mlgov:sagemakerInstanceTypes.{environments[0]}",
        )
    return (
        f"no longer covers {required}, where the settings put this guardrail",
        f"keep '{required}' (or an OU above it) in the list: an override may add targets or move a guardrail up the tree, not off an OU",
    )


# ------------------------------------------------------------------ environment
def _environment_rules(raw: dict[str, Any]) -> list[ConfigIssue]:
    return check_distinct(raw, "budgetAlertEmails", "address", str.lower, "; AWS Budgets takes each subscriber once") + check_distinct(
        raw, "availabilityZones", "availability zone", why="; each private subnet needs its own zone"
    )


def check_zones(raw: dict[str, Any], region: str | None) -> list[ConfigIssue]:
    issues = []
    for index, zone in _strings(raw, "availabilityZones"):
        problem = aws_rules.zone_problem(zone, region)
        if problem:
            example = f"{region}a" if region else "eu-west-1a"
            issues.append(ConfigIssue(f"{NS}availabilityZones[{index}]", problem, f"use zones of the stack's region, such as '{example}'", zone))
    return issues


# ------------------------------------------------------------------ shared
def _shared_rules(raw: dict[str, Any]) -> list[ConfigIssue]:
    return check_shared(raw) + [
        issue
        for issue in check_distinct(raw, "ecrRepositories", "ECR repository", kebab, "; both would get the same resource name")
        if "once normalised" in issue.problem
    ]


_RULES: dict[str, Callable[[dict[str, Any]], list[ConfigIssue]]] = {
    StackKind.ORG: _org_rules,
    StackKind.ENVIRONMENT: _environment_rules,
    StackKind.SHARED: _shared_rules,
}

