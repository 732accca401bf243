"""Rules that relate several config values: references, uniqueness, tree shape.

They read the raw (already YAML/JSON-decoded) values rather than the pydantic
model, so they still run when some unrelated field failed to parse: one run of
``mlgov plan`` then reports every mistake in the file, not just the first kind.
Values of the wrong shape are skipped here; the model reports those.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from mlgov.config.errors import ConfigIssue
from mlgov.config.fields import email_problem
from mlgov.naming import email_from_template
from mlgov.constants import (
    ROOT,
    STANDARD_OU_TREE,
    CoreAccountRole,
    Limit,
)

NS = "mlgov:"


def _entries(raw: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    value = raw.get(key)
    if isinstance(value, list):
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                yield index, entry


def ou_parents(raw: dict[str, Any]) -> dict[str, str]:
    """OU name -> parent name as configured (standard tree when the key is absent)."""
    if "organizationalUnits" in raw:
        parents = {
            str(entry.get("name")): str(entry.get("parent", ROOT))
            for _, entry in _entries(raw, "organizationalUnits")
            if isinstance(entry.get("name"), str)
        }
    else:
        parents = {str(name): str(parent) for name, parent in STANDARD_OU_TREE}
    regulated = raw.get("regulatedOu")
    if isinstance(regulated, dict) and regulated.get("enabled") is True:
        parents.setdefault(str(regulated.get("name", "Workloads_Regulated")), str(regulated.get("parent", "Workloads")))
    return parents


def ou_depth(name: str, parents: dict[str, str]) -> int | None:
    """Levels below the root (a top-level OU is 1); None on a cycle or an unknown parent."""
    depth, seen, current = 0, set(), name
    while current != ROOT:
        if current in seen or current not in parents:
            return None
        seen.add(current)
        current = parents[current]
        depth += 1
    return depth


def core_account_ous(raw: dict[str, Any]) -> dict[str, str]:
    """Core account role -> the OU it is placed in, as configured."""
    return {
        str(entry.get("role")): str(entry.get("ou"))
        for _, entry in _entries(raw, "coreAccounts")
        if isinstance(entry.get("role"), str) and isinstance(entry.get("ou"), str)
    }


def _known_target(name: str, parents: dict[str, str]) -> bool:
    return name == ROOT or name in parents


def _unknown_ou_issue(path: str, name: Any, parents: dict[str, str]) -> ConfigIssue:
    known = ", ".join(sorted(parents)) or "none"
    return ConfigIssue(path, "names an OU that does not exist", f"use 'Root' or one of the OUs: {known}", name)


def check_ou_tree(raw: dict[str, Any]) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    parents = ou_parents(raw)
    key = NS + "organizationalUnits"
    seen_names: Counter[str] = Counter()
    by_parent: Counter[tuple[str, str]] = Counter()
    for index, entry in _entries(raw, "organizationalUnits"):
        name, parent = entry.get("name"), entry.get("parent", ROOT)
        if not isinstance(name, str):
            continue
        seen_names[name] += 1
        by_parent[(str(parent), name)] += 1
        path = f"{key}[{index}]"
        if by_parent[(str(parent), name)] == 2:
            issues.append(ConfigIssue(f"{path}.name", f"duplicates an OU name under the same parent '{parent}'", "remove the duplicate entry or rename it", name))
        elif seen_names[name] == 2:
            issues.append(ConfigIssue(f"{path}.name", "duplicates an OU name used elsewhere in the tree; OUs are referred to by name, so names must be unique", "rename one of them", name))
        if not _known_target(str(parent), parents):
            issues.append(_unknown_ou_issue(f"{path}.parent", parent, parents))
            continue
        depth = ou_depth(name, parents)
        if depth is None:
            issues.append(ConfigIssue(f"{path}.parent", "makes the OU tree circular", "point the chain of parents back to 'Root'", parent))
        elif depth > Limit.OU_MAX_DEPTH:
            issues.append(ConfigIssue(f"{path}.parent", f"puts OU '{name}' {depth} levels below the root; AWS allows at most {Limit.OU_MAX_DEPTH}", "attach the OU higher up the tree", parent))
    if "organizationalUnits" in raw and isinstance(raw["organizationalUnits"], list):
        for name, parent in STANDARD_OU_TREE:
            if parents.get(name) != parent:
                issues.append(ConfigIssue(key, f"lacks the standard OU '{name}' under '{parent}'; the guardrails are attached to it", f"add {{name: {name}, parent: {parent}}}"))
    regulated = raw.get("regulatedOu")
    if isinstance(regulated, dict) and regulated.get("enabled") is True:
        name = regulated.get("name", "Workloads_Regulated")
        if name in {str(entry.get("name")) for _, entry in _entries(raw, "organizationalUnits")}:
            issues.append(ConfigIssue(NS + "regulatedOu.name", "clashes with an OU of organizationalUnits", "choose another name for the regulated OU", name))
        parent = regulated.get("parent", "Workloads")
        if not _known_target(str(parent), parents):
            issues.append(_unknown_ou_issue(NS + "regulatedOu.parent", parent, parents))
        elif (depth := ou_depth(str(name), parents)) is not None and depth > Limit.OU_MAX_DEPTH:
            issues.append(ConfigIssue(NS + "regulatedOu.parent", f"puts the regulated OU {depth} levels deep; AWS allows {Limit.OU_MAX_DEPTH}", "attach it higher up", parent))
    return issues


def _core_account_emails(raw: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(key path, email, set explicitly?) per core account; the template fills the gaps."""
    organization = raw.get("organization")
    template = organization.get("accountEmailTemplate") if isinstance(organization, dict) else None
    if not (isinstance(template, str) and "{account}" in template):
        template = "aws+{account}@example.com"
    emails = []
    for index, entry in _entries(raw, "coreAccounts"):
        explicit = entry.get("email")
        email = explicit or email_from_template(template, str(entry.get("role")))
        if isinstance(email, str):
            emails.append((f"{NS}coreAccounts[{index}].email", email, bool(explicit)))
    return emails


def check_unique_emails(emails: Iterable[tuple[str, str]]) -> list[ConfigIssue]:
    """Account emails must be unique across all of AWS, so at least across the organization."""
    first_seen: dict[str, str] = {}
    issues = []
    for path, email in emails:
        normalised = email.strip().lower()
        if normalised in first_seen:
            issues.append(ConfigIssue(path, f"is already used by {first_seen[normalised]}; every AWS account needs its own email", "give this account another address", email))
        else:
            first_seen[normalised] = path
    return issues


def check_core_accounts(raw: dict[str, Any]) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    parents = ou_parents(raw)
    key = NS + "coreAccounts"
    roles: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for index, entry in _entries(raw, "coreAccounts"):
        path = f"{key}[{index}]"
        ou = entry.get("ou")
        if isinstance(ou, str) and not _known_target(ou, parents) or ou == ROOT:
            issues.append(_unknown_ou_issue(f"{path}.ou", ou, parents) if ou != ROOT else ConfigIssue(f"{path}.ou", "places a core account at the root, outside every guardrail OU", "put it in an OU such as 'Security'", ou))
        role = entry.get("role")
        roles[str(role)] += 1
        if roles[str(role)] == 2:
            issues.append(ConfigIssue(f"{path}.role", "appears twice; each core account role exists once", "remove the duplicate entry", role))
        name = entry.get("name")
        names[str(name)] += 1
        if isinstance(name, str) and names[name] == 2:
            issues.append(ConfigIssue(f"{path}.name", "is the name of another core account", "give each account its own name", name))
    if isinstance(raw.get("coreAccounts"), list):
        missing = [role.value for role in CoreAccountRole if roles[role.value] == 0]
        if missing:
            issues.append(ConfigIssue(key, f"lacks the core account roles {', '.join(missing)}", "add one entry per missing role, e.g. {role: log-archive, name: Log Archive, ou: Security}"))
    emails = _core_account_emails(raw)
    for path, email, explicit in emails:
        # Explicit emails are format-checked by the model; only template-made ones are checked here.
        problem = None if explicit else email_problem(email)
        if problem:
            issues.append(ConfigIssue(path, f"the address made from organization.accountEmailTemplate {problem}", "shorten the template or set 'email' on this account", email))
    issues += check_unique_emails((path, email) for path, email, _ in emails)
    return issues


def check_regions(raw: dict[str, Any]) -> list[ConfigIssue]:
    organization = raw.get("organization")
    if not isinstance(organization, dict):
        return []
    home, allowed = organization.get("homeRegion"), organization.get("allowedRegions")
    if isinstance(home, str) and isinstance(allowed, list) and home not in allowed:
        return [ConfigIssue(NS + "organization.allowedRegions", f"does not include the home region '{home}'; the region guardrail would lock the platform out", f"add '{home}' to the list", allowed)]
    return []


def check_guardrail_targets(raw: dict[str, Any], known_policies: Iterable[str]) -> list[ConfigIssue]:
    attachments = raw.get("guardrailAttachments")
    if not isinstance(attachments, dict):
        return []
    issues = []
    parents = ou_parents(raw)
    known = sorted(known_policies)
    for policy, targets in attachments.items():
        path = f"{NS}guardrailAttachments.{policy}"
        if policy not in known:
            issues.append(ConfigIssue(path, "is not a guardrail the catalogue builds with these settings", f"use one of: {', '.join(known)}", policy))
        for index, target in enumerate(targets if isinstance(targets, list) else []):
            if not _known_target(str(target), parents):
                issues.append(_unknown_ou_issue(f"{path}[{index}]", target, parents))
    return issues


def check_identity_center(raw: dict[str, Any]) -> list[ConfigIssue]:
    """With Identity Center on, the platform team's group is required: it administers the core accounts
    and, through PipelineAdmin, the delivery pipelines (no one else can reach mlgov-pipeline-admin)."""
    settings = raw.get("identityCenter")
    settings = settings if isinstance(settings, dict) else {}
    if settings.get("enabled", True) is True and not settings.get("platformAdminsGroup"):
        return [ConfigIssue(NS + "identityCenter.platformAdminsGroup", "is required while identityCenter.enabled is true: without it nobody can administer the core accounts or reach the pipeline administration role", "name the platform team's Identity Center group, e.g. ml-platform-admins")]
    return []
