"""Evaluate a request against the service control policies on its path, offline.

Why our own evaluator: no maintained Python library evaluates SCPs correctly
(principalmapper gets ``ForAnyValue:StringNotLike`` wrong and does not import on
Python >= 3.10; iamprover lacks ``Null``/``ForAnyValue``/``IfExists``). The one
good evaluator we found,
``@cloud-copilot/iam-simulate``, is Node and AGPL: the tests use it as an
independent oracle through a subprocess, product code never does.

Scope: the SCP layer only. Identity policies, resource policies, RCPs, session
policies and permission boundaries are out of scope; the question answered is
"could *anything* in this account do this, given the guardrails above it?".

Semantics (AWS documentation, "Policy evaluation logic" and "Condition operators"):

- An explicit ``Deny`` at any level wins. The first one in root -> account order
  (then policy order, then statement order) is reported.
- Otherwise every level (root, each OU on the path, the account) needs at least one
  matching ``Allow``; the first level that lacks one is reported.
- Actions match case-insensitively with ``*``/``?`` wildcards; resource ARNs match
  case-sensitively, segment by segment (a wildcard never spans the colons of the
  first five segments). A request for resource ``"*"`` is matched literally: only a
  policy resource ``"*"`` (or a pattern that matches the string ``*``) covers it.
- Condition keys are case-insensitive; values are case-sensitive except for the
  ``...IgnoreCase`` operators and ``Bool``. Several values for one key are ORed
  (NORed for negated operators), several keys in one operator ANDed, several
  operators ANDed.
- Missing keys: a positive operator is false, a negated operator
  (``StringNotEquals``, ``StringNotLike``, ``ArnNotLike``, ``NotIpAddress``...) is
  true, any ``...IfExists`` is true, ``Null`` tests presence;
  ``ForAnyValue:`` is false and ``ForAllValues:`` is true (an empty list behaves the
  same way). A multi-valued key tested without a set qualifier is false.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

__all__ = [
    "AttachedPolicy",
    "Decision",
    "FULL_AWS_ACCESS",
    "Level",
    "PolicyError",
    "Request",
    "evaluate",
]

ContextValue = str | bool | int | float | Sequence[str]


class PolicyError(ValueError):
    """A policy document the evaluator cannot interpret (bad JSON, unknown operator...)."""


@dataclass(frozen=True)
class Request:
    """One API call as the SCP layer sees it."""

    action: str
    resource: str = "*"
    principal_arn: str = "arn:aws:iam::111122223333:role/DataScientist"
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class AttachedPolicy:
    """An SCP attached to one target; ``document`` is a dict or its JSON text."""

    name: str
    document: Mapping[str, Any] | str


@dataclass(frozen=True)
class Level:
    """One target on the request's path: the root, an OU, or the account."""

    target: str
    policies: tuple[AttachedPolicy, ...]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: Literal["explicit-deny", "no-allow", "allowed"]
    level: str | None
    policy: str | None
    sid: str | None
    detail: str


FULL_AWS_ACCESS = AttachedPolicy(
    name="FullAWSAccess",
    document={
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    },
)


# --------------------------------------------------------------------------- helpers


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _context_value(value: ContextValue) -> str | list[str]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_scalar_text(v) for v in value]
    return _scalar_text(value)


def _split_arn(arn: str) -> list[str] | None:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts


def _arn_match(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals and Resource matching: six segments, each matched on its own."""
    if pattern == "*":
        return True
    p = _split_arn(pattern)
    if p is None:
        # A short ARN with a trailing wildcard is padded with "*" segments, as AWS does
        # for resources ("arn:aws:s3:*" -> every S3 ARN); anything else matches literally.
        segments = pattern.split(":")
        if segments[0] == "arn" and segments[-1].endswith("*") and len(segments) < 6:
            p = segments + ["*"] * (6 - len(segments))
        else:
            return _glob_match(pattern, value)
    v = _split_arn(value)
    if v is None:
        return False
    return all(_glob_match(ps, vs) for ps, vs in zip(p, v))


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _parse_date(text: str) -> float | None:
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text)
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    try:
        parsed = _dt.datetime.fromisoformat(t)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed.timestamp()


def _ip_in(value: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(value.strip()) in ipaddress.ip_network(network.strip(), strict=False)
    except ValueError:
        return False


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _cmp(parse, op):
    def compare(value: str, policy_value: str) -> bool:
        a, b = parse(value), parse(policy_value)
        return a is not None and b is not None and op(a, b)

    return compare


# Positive comparison of one request value against one policy value. Negated
# operators are the NOR of their positive twin over the policy values.
_POSITIVE: dict[str, Any] = {
    "stringequals": lambda v, p: v == p,
    "stringequalsignorecase": lambda v, p: v.casefold() == p.casefold(),
    "stringlike": lambda v, p: _glob_match(p, v),
    "numericequals": _cmp(_parse_number, lambda a, b: a == b),
    "numericlessthan": _cmp(_parse_number, lambda a, b: a < b),
    "numericlessthanequals": _cmp(_parse_number, lambda a, b: a <= b),
    "numericgreaterthan": _cmp(_parse_number, lambda a, b: a > b),
    "numericgreaterthanequals": _cmp(_parse_number, lambda a, b: a >= b),
    "dateequals": _cmp(_parse_date, lambda a, b: a == b),
    "datelessthan": _cmp(_parse_date, lambda a, b: a < b),
    "datelessthanequals": _cmp(_parse_date, lambda a, b: a <= b),
    "dategreaterthan": _cmp(_parse_date, lambda a, b: a > b),
    "dategreaterthanequals": _cmp(_parse_date, lambda a, b: a >= b),
    "bool": lambda v, p: v.lower() in ("true", "false") and v.lower() == p.lower(),
    "binaryequals": lambda v, p: _b64(v) is not None and _b64(v) == _b64(p),
    "ipaddress": _ip_in,
    "arnequals": lambda v, p: _arn_match(p, v),
    "arnlike": lambda v, p: _arn_match(p, v),
}
_NEGATED: dict[str, str] = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "numericnotequals": "numericequals",
    "datenotequals": "dateequals",
    "notipaddress": "ipaddress",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
}


@dataclass(frozen=True)
class _Operator:
    text: str
    qualifier: Literal["", "foranyvalue", "forallvalues"]
    base: str  # lower-case, without IfExists
    if_exists: bool

    @property
    def negated(self) -> bool:
        return self.base in _NEGATED


@lru_cache(maxsize=1024)
def _parse_operator(text: str) -> _Operator:
    rest = text
    qualifier: Literal["", "foranyvalue", "forallvalues"] = ""
    lowered = rest.lower()
    for q in ("foranyvalue", "forallvalues"):
        if lowered.startswith(q + ":"):
            qualifier = q  # type: ignore[assignment]
            rest = rest[len(q) + 1 :]
            break
    base = rest.lower()
    if_exists = base.endswith("ifexists") and base != "ifexists"
    if if_exists:
        base = base[: -len("ifexists")]
    if base != "null" and base not in _POSITIVE and base not in _NEGATED:
        raise PolicyError(f"unknown condition operator {text!r}")
    if base == "null" and if_exists:
        raise PolicyError(f"{text!r}: Null cannot take IfExists")
    return _Operator(text, qualifier, base, if_exists)


def _value_matches(op: _Operator, value: str, policy_values: list[str]) -> bool:
    """One request value against the policy values: OR for positive, NOR for negated."""
    if op.negated:
        positive = _POSITIVE[_NEGATED[op.base]]
        return not any(positive(value, p) for p in policy_values)
    positive = _POSITIVE[op.base]
    return any(positive(value, p) for p in policy_values)


_MISSING = object()


def _condition_key_holds(op: _Operator, present: Any, policy_values: list[str]) -> bool:
    if op.base == "null":
        want_missing = [p.lower() == "true" for p in policy_values if p.lower() in ("true", "false")]
        is_missing = present is _MISSING
        return any(w == is_missing for w in want_missing)
    if present is _MISSING:
        if op.if_exists:
            return True
        if op.qualifier == "forallvalues":
            return True
        if op.qualifier == "foranyvalue":
            return False
        return op.negated
    if op.qualifier:
        values = present if isinstance(present, list) else [present]
        if op.qualifier == "forallvalues":
            return all(_value_matches(op, v, policy_values) for v in values)
        return any(_value_matches(op, v, policy_values) for v in values)
    if isinstance(present, list):
        # A multi-valued key needs ForAnyValue/ForAllValues; a plain operator never matches it.
        return False
    return _value_matches(op, present, policy_values)


def _conditions_hold(condition: Mapping[str, Any], context: Mapping[str, Any]) -> tuple[bool, str]:
    if not isinstance(condition, Mapping):
        raise PolicyError("Condition must be an object")
    for op_text, block in condition.items():
        op = _parse_operator(op_text)
        if not isinstance(block, Mapping):
            raise PolicyError(f"Condition operator {op_text!r} must map keys to values")
        for key, raw_values in block.items():
            policy_values = [_scalar_text(v) for v in _as_list(raw_values)]
            present = context.get(key.lower(), _MISSING)
            if not _condition_key_holds(op, present, policy_values):
                shown = "absent" if present is _MISSING else json.dumps(present)
                return False, f"{op_text} {key} {json.dumps(policy_values)} is false (request: {shown})"
    return True, ""


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "Action" in statement:
        return any(_glob_match(str(p), action, ignore_case=True) for p in _as_list(statement["Action"]))
    if "NotAction" in statement:
        return not any(_glob_match(str(p), action, ignore_case=True) for p in _as_list(statement["NotAction"]))
    raise PolicyError("statement has neither Action nor NotAction")


def _resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    if "Resource" in statement:
        return any(_arn_match(str(p), resource) for p in _as_list(statement["Resource"]))
    if "NotResource" in statement:
        return not any(_arn_match(str(p), resource) for p in _as_list(statement["NotResource"]))
    # SCPs must name Resource; AWS rejects the document otherwise. Treat as "*" to stay useful.
    return True


def _statements(policy: AttachedPolicy) -> list[Mapping[str, Any]]:
    document = policy.document
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"policy {policy.name!r} is not valid JSON: {exc}") from exc
    if not isinstance(document, Mapping):
        raise PolicyError(f"policy {policy.name!r} must be a JSON object")
    statements = _as_list(document.get("Statement"))
    for s in statements:
        if not isinstance(s, Mapping) or s.get("Effect") not in ("Allow", "Deny"):
            raise PolicyError(f"policy {policy.name!r}: every statement needs Effect Allow or Deny")
    return statements


def _normalise_context(request: Request) -> dict[str, str | list[str]]:
    context = {str(k).lower(): _context_value(v) for k, v in request.context.items()}
    context.setdefault("aws:principalarn", request.principal_arn)
    return context


def _statement_applies(statement: Mapping[str, Any], request: Request, context: Mapping[str, Any]) -> tuple[bool, str]:
    if not _action_matches(statement, request.action):
        return False, "action does not match"
    if not _resource_matches(statement, request.resource):
        return False, "resource does not match"
    if "Condition" in statement:
        return _conditions_hold(statement["Condition"], context)
    return True, ""


def evaluate(request: Request, levels: Sequence[Level]) -> Decision:
    """Decide ``request`` against the SCPs of ``levels`` (root first, the account last)."""
    context = _normalise_context(request)
    first_missing_allow: Level | None = None
    for level in levels:
        allowed_here = False
        for policy in level.policies:
            for index, statement in enumerate(_statements(policy)):
                applies, _why = _statement_applies(statement, request, context)
                if not applies:
                    continue
                if statement["Effect"] == "Deny":
                    sid = statement.get("Sid")
                    label = sid or f"statement #{index + 1}"
                    return Decision(
                        allowed=False,
                        reason="explicit-deny",
                        level=level.target,
                        policy=policy.name,
                        sid=sid,
                        detail=f"denied by {policy.name} ({label}) attached to {level.target}",
                    )
                allowed_here = True
        if not allowed_here and first_missing_allow is None:
            first_missing_allow = level
    if first_missing_allow is not None:
        return Decision(
            allowed=False,
            reason="no-allow",
            level=first_missing_allow.target,
            policy=None,
            sid=None,
            detail=f"no SCP attached to {first_missing_allow.target} allows {request.action}",
        )
    return Decision(
        allowed=True,
        reason="allowed",
        level=None,
        policy=None,
        sid=None,
        detail="allowed at every level and no explicit deny",
    )
