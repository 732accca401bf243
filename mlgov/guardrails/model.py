"""Service control policies as frozen data.

The catalogue is data rather than JSON text so that tests, the policy pack and the
review reports can inspect a guardrail (its actions, condition keys, targets)
without parsing strings, and so that rendering is one deterministic function:
the same settings always give byte-identical policy text, hence no spurious
diffs in `pulumi preview`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from mlgov.constants import Limit

_SID = re.compile(r"^[A-Za-z0-9]+$")
_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# AWS Organizations policy names: printable characters; we keep to a safe subset.
_POLICY_NAME = re.compile(r"^[A-Za-z0-9+=,.@_-]+$")

ConditionValue = str | bool | tuple[str, ...]


def _as_tuple(value: object) -> tuple[str, ...]:
    # A bare string would otherwise become a tuple of characters.
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


def _freeze_condition(condition: Mapping[str, Mapping[str, object]]) -> Mapping[str, Mapping[str, ConditionValue]]:
    frozen: dict[str, Mapping[str, ConditionValue]] = {}
    for operator, block in condition.items():
        if not block:
            raise ValueError(f"condition operator {operator!r} has no keys")
        inner: dict[str, ConditionValue] = {}
        for key, value in block.items():
            if isinstance(value, (str, bool)):
                inner[key] = value
            else:
                values = _as_tuple(value)
                if not values:
                    raise ValueError(f"condition {operator}/{key} has no values")
                inner[key] = values
        frozen[operator] = MappingProxyType(inner)
    return MappingProxyType(frozen)


def _render_value(value: ConditionValue) -> str | list[str]:
    # IAM accepts JSON booleans, but the documented and canonical form is the string.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass(frozen=True)
class Statement:
    """One IAM policy statement; Deny by default because SCPs here only deny.

    Action/Resource lists are always rendered as JSON lists, and condition values
    keep their shape (a string stays a string, a tuple becomes a list), so the
    rendered text is stable.
    """

    sid: str
    effect: Literal["Allow", "Deny"] = "Deny"
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ("*",)
    not_resources: tuple[str, ...] = ()
    condition: Mapping[str, Mapping[str, ConditionValue]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("actions", "not_actions", "resources", "not_resources"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        object.__setattr__(self, "condition", _freeze_condition(self.condition))
        if not _SID.match(self.sid):
            raise ValueError(f"Sid {self.sid!r} must be alphanumeric (AWS rejects other characters in SCPs)")
        if self.effect not in ("Allow", "Deny"):
            raise ValueError(f"{self.sid}: effect must be Allow or Deny, not {self.effect!r}")
        if bool(self.actions) == bool(self.not_actions):
            raise ValueError(f"{self.sid}: exactly one of actions / not_actions must be non-empty")
        if bool(self.resources) == bool(self.not_resources):
            raise ValueError(
                f"{self.sid}: exactly one of resources / not_resources must be non-empty "
                "(pass resources=() together with not_resources)"
            )

    def document(self) -> dict:
        doc: dict = {"Sid": self.sid, "Effect": self.effect}
        if self.actions:
            doc["Action"] = list(self.actions)
        else:
            doc["NotAction"] = list(self.not_actions)
        if self.resources:
            doc["Resource"] = list(self.resources)
        else:
            doc["NotResource"] = list(self.not_resources)
        if self.condition:
            doc["Condition"] = {
                operator: {key: _render_value(value) for key, value in block.items()}
                for operator, block in self.condition.items()
            }
        return doc


@dataclass(frozen=True)
class ServiceControlPolicy:
    """A guardrail: one SCP plus where it is attached unless config overrides it."""

    key: str
    name: str
    description: str
    statements: tuple[Statement, ...]
    default_targets: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "statements", tuple(self.statements))
        object.__setattr__(self, "default_targets", _as_tuple(self.default_targets))
        if not _KEY.match(self.key):
            raise ValueError(f"guardrail key {self.key!r} must be kebab-case")
        if not (1 <= len(self.name) <= Limit.POLICY_NAME_MAX) or not _POLICY_NAME.match(self.name):
            raise ValueError(f"{self.key}: policy name {self.name!r} must be 1-{Limit.POLICY_NAME_MAX} safe characters")
        if not self.description or len(self.description) > Limit.POLICY_DESCRIPTION_MAX:
            raise ValueError(f"{self.key}: description must be 1-{Limit.POLICY_DESCRIPTION_MAX} characters")
        if not self.statements:
            raise ValueError(f"{self.key}: a policy needs at least one statement")
        sids = [s.sid for s in self.statements]
        duplicates = sorted({sid for sid in sids if sids.count(sid) > 1})
        if duplicates:
            raise ValueError(f"{self.key}: duplicate Sids {duplicates}")
        if len(set(self.default_targets)) != len(self.default_targets):
            raise ValueError(f"{self.key}: duplicate default targets {self.default_targets}")

    def document(self) -> dict:
        return {"Version": "2012-10-17", "Statement": [s.document() for s in self.statements]}

    def render(self) -> str:
        """Minified JSON: AWS counts whitespace against the SCP size limit (10,240 characters)."""
        return json.dumps(self.document(), separators=(",", ":"), sort_keys=False)
