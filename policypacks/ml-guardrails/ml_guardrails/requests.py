"""Does a policy statement apply to a request? Actions, resources, principals, and the
conditions whose keys the pack can know.

Enough of the IAM evaluation logic to answer "would this Deny stop that principal doing
that action on that resource" and "does this Allow let that principal do it", for the
requests the pack reasons about (a deploying role changing a bucket setting, a service
writing logs). A condition on a key the pack cannot know (anything but the keys of the
``context`` it is given) makes the answer UNKNOWN: no verdict rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .common import UNKNOWN, is_unknown
from .documents import as_list


@lru_cache(maxsize=512)
def _glob(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    """IAM wildcards: ``*`` any run of characters, ``?`` one character."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", 0 if case_sensitive else re.IGNORECASE)


def matches(pattern: Any, value: str, *, case_sensitive: bool = True) -> Any:
    """``value`` against one IAM pattern; UNKNOWN when the pattern is unknown."""
    if is_unknown(pattern):
        return UNKNOWN
    return isinstance(pattern, str) and bool(_glob(pattern, case_sensitive).match(value))


def any_match(patterns: Any, value: str, *, case_sensitive: bool = True) -> Any:
    """True when one pattern matches, UNKNOWN when none does but one is unknown."""
    if is_unknown(patterns):
        return UNKNOWN
    verdicts = [matches(p, value, case_sensitive=case_sensitive) for p in as_list(patterns)]
    if any(v is True for v in verdicts):
        return True
    return UNKNOWN if any(is_unknown(v) for v in verdicts) else False


def covers_action(stmt: Mapping[str, Any], action: str) -> Any:
    """The statement names ``action`` (Action, or everything but NotAction); actions are case-insensitive."""
    if "NotAction" in stmt:
        hit = any_match(stmt["NotAction"], action, case_sensitive=False)
        return UNKNOWN if is_unknown(hit) else not hit
    return any_match(stmt.get("Action"), action, case_sensitive=False)


def covers_resource(stmt: Mapping[str, Any], arn: Any) -> Any:
    """The statement covers the resource ``arn`` (UNKNOWN when the ARN is unknown and not '*')."""
    if "NotResource" in stmt:
        if is_unknown(arn):
            return UNKNOWN
        hit = any_match(stmt["NotResource"], arn)
        return UNKNOWN if is_unknown(hit) else not hit
    resources = stmt.get("Resource", "*")
    if is_unknown(resources):
        return UNKNOWN
    if "*" in as_list(resources):
        return True
    return UNKNOWN if is_unknown(arn) else any_match(resources, arn)


def names_principal(stmt: Mapping[str, Any], kind: str, principal: str, *aliases: str) -> Any:
    """The statement's Principal (or NotPrincipal) includes ``principal`` of ``kind`` ('AWS',
    'Service'); ``aliases`` are other spellings of the same principal (its account root for a
    role). ``"*"`` names everyone."""
    names = (principal, *aliases)
    if "NotPrincipal" in stmt:
        listed = _principal_values(stmt["NotPrincipal"], kind)
        if is_unknown(listed):
            return UNKNOWN
        return not any(v in names for v in listed)
    listed = _principal_values(stmt.get("Principal"), kind)
    if is_unknown(listed):
        return UNKNOWN
    return any(v == "*" or v in names for v in listed)


def _principal_values(principal: Any, kind: str) -> Any:
    if is_unknown(principal):
        return UNKNOWN
    if principal == "*":
        return ["*"]
    if not isinstance(principal, Mapping):
        return []
    values = principal.get(kind)
    if is_unknown(values):
        return UNKNOWN
    # {"AWS": "*"} also names every principal, services included.
    star = ["*"] if "*" in as_list(principal.get("AWS")) else []
    return [v for v in as_list(values) if isinstance(v, str) or is_unknown(v)] + star


# Operator family -> (how values compare, whether the operator is negated).
_OPERATORS = {
    "stringequals": ("equals", False), "stringnotequals": ("equals", True),
    "stringequalsignorecase": ("iequals", False), "stringnotequalsignorecase": ("iequals", True),
    "stringlike": ("like", False), "stringnotlike": ("like", True),
    "arnequals": ("like", False), "arnlike": ("like", False),
    "arnnotequals": ("like", True), "arnnotlike": ("like", True),
    "bool": ("iequals", False),
}


def conditions_hold(stmt: Mapping[str, Any], context: Mapping[str, str]) -> Any:
    """True when every condition of the statement holds for a request with ``context``
    (condition key, lower-case -> value); UNKNOWN when one needs a key outside the context,
    an operator the pack does not evaluate, or a value unknown at preview."""
    condition = stmt.get("Condition") or {}
    if is_unknown(condition):
        return UNKNOWN
    if not isinstance(condition, Mapping):
        return UNKNOWN
    verdict: Any = True
    for operator, block in condition.items():
        if is_unknown(block) or not isinstance(block, Mapping):
            return UNKNOWN
        for key, values in block.items():
            held = _condition(operator, key, values, context)
            if held is False:
                return False
            if is_unknown(held):
                verdict = UNKNOWN
    return verdict


def _condition(operator: str, key: str, values: Any, context: Mapping[str, str]) -> Any:
    qualifier, _, base = operator.rpartition(":")
    # The key is always in the context when it is evaluated, so ...IfExists compares like the plain operator.
    base = base.lower().removesuffix("ifexists")
    if base not in _OPERATORS or qualifier.lower() not in ("", "foranyvalue", "forallvalues"):
        return UNKNOWN
    if key.lower() not in context:
        return UNKNOWN  # the pack cannot know whether the request carries this key
    value = context[key.lower()]
    how, negated = _OPERATORS[base]
    hits = []
    for pattern in as_list(values):
        if is_unknown(pattern):
            return UNKNOWN
        pattern = str(pattern).lower() if isinstance(pattern, bool) else str(pattern)
        if how == "equals":
            hits.append(pattern == value)
        elif how == "iequals":
            hits.append(pattern.lower() == value.lower())
        else:
            hits.append(bool(_glob(pattern, True).match(value)))
    return not any(hits) if negated else any(hits)


def applies(stmt: Mapping[str, Any], *, action: str, resource: Any, principal: tuple[str, str, tuple[str, ...]] | None,
            context: Mapping[str, str]) -> Any:
    """Whether ``stmt`` applies to the request: True, False or UNKNOWN. ``principal`` is
    (kind, name, aliases), or None when who makes the request is not known (then only a
    statement naming everyone can be proven to apply)."""
    checks: list[Any] = [covers_action(stmt, action), covers_resource(stmt, resource)]
    if principal is None:
        checks.append(_names_everyone(stmt))
    else:
        kind, name, aliases = principal
        checks.append(names_principal(stmt, kind, name, *aliases))
    checks.append(conditions_hold(stmt, context))
    if any(c is False for c in checks):
        return False
    return UNKNOWN if any(is_unknown(c) for c in checks) else True


def _names_everyone(stmt: Mapping[str, Any]) -> Any:
    if "NotPrincipal" in stmt:
        return UNKNOWN
    principal = stmt.get("Principal")
    if is_unknown(principal):
        return UNKNOWN
    if principal == "*" or (isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))):
        return True
    return UNKNOWN
