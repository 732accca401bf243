"""Helpers shared by the policies: unknown values, config, environment, messages."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, Severity, StackValidationPolicy

# pulumi_policy.proxy sentinels for values unknown during preview.
UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


class _Unknown:
    """A value the engine cannot know during preview. Policies skip checks that need it."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:  # an unknown is never proof of compliance nor of a violation
        return False


UNKNOWN = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def plain(value: Any) -> Any:
    """Unwrap pulumi_policy's unknown-checking proxies into dicts/lists with UNKNOWN markers.

    The proxies raise UnknownValueError on access, which the SDK turns into an advisory
    "can't run policy during preview" diagnostic. Unwrapping lets a policy check what is
    known and stay silent about what is not, so previews give no false verdicts.
    """
    if isinstance(value, Mapping):
        target = value["__target"] if _is_proxy(value) else value
        return {k: plain(_raw_item(target, k)) for k in target}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        target = value["__target"] if _is_proxy(value) else value
        return [plain(v) for v in _raw_list(target)]
    if isinstance(value, str) and value in UNKNOWN_SENTINELS:
        return UNKNOWN
    return value


def _is_proxy(value: Any) -> bool:
    return type(value).__name__ in {"_DictProxy", "_ListProxy"}


def _raw_item(target: Any, key: Any) -> Any:
    # target is a plain dict whose children may still be proxies; plain() recurses.
    return dict.__getitem__(target, key) if isinstance(target, dict) else target[key]


def _raw_list(target: Any) -> list[Any]:
    return list.copy(target) if isinstance(target, list) else list(target)


def dig(props: Any, *path: Any) -> Any:
    """props[path...] on plain values; None when absent, UNKNOWN when unknown on the way."""
    cur = props
    for key in path:
        if is_unknown(cur):
            return UNKNOWN
        if isinstance(cur, Mapping):
            if key not in cur:
                return None
            cur = cur[key]
        elif isinstance(cur, list) and isinstance(key, int):
            if key >= len(cur):
                return None
            cur = cur[key]
        else:
            return None
    return cur


def schema_defaults(schema: PolicyConfigSchema | None) -> dict[str, Any]:
    if schema is None:
        return {}
    return {k: v["default"] for k, v in schema.properties.items() if "default" in v}


def policy_config(args: Any, schema: PolicyConfigSchema | None) -> dict[str, Any]:
    """Schema defaults overlaid with what the engine sent (it sends reconciled config,
    but a policy called without config, e.g. from a unit test, still sees the defaults)."""
    merged = schema_defaults(schema)
    merged.update(plain(dict(args.get_config() or {})))
    return merged


def as_int(value: Any) -> int:
    # Config crosses gRPC as a protobuf Struct, where every number is a double.
    return int(value)


def stack_config() -> dict[str, str]:
    raw = os.environ.get("PULUMI_CONFIG") or "{}"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def stack_setting(key: str) -> Any:
    """The stack's ``mlgov:<key>`` (or ``<project>:<key>``) setting, JSON objects decoded; None when absent."""
    cfg = stack_config()
    project = os.environ.get("PULUMI_PROJECT", "mlgov")
    value = cfg.get(f"mlgov:{key}", cfg.get(f"{project}:{key}"))
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def environment() -> str | None:
    """The stack's environment (sandbox|dev|preprod|prod) from stack config, or None for
    stacks without one (org, shared)."""
    cfg = stack_config()
    project = os.environ.get("PULUMI_PROJECT", "mlgov")
    value = cfg.get("mlgov:environment", cfg.get(f"{project}:environment"))
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def violation(what: str, fix: str) -> str:
    return f"Violation: {what} Fix: {fix}"


def int_prop(description: str, default: int, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "default": default, "description": description}


def string_list_prop(description: str, default: list[str]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "default": default, "description": description}


def mandatory_stack_policy(*, name: str, description: str, validate: Any, schema: PolicyConfigSchema | None,
                           severity: Severity, remediation: str) -> StackValidationPolicy:
    """The StackValidationPolicy the policy factories (_coverage, _s3) build: mandatory by default."""
    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=schema,
        severity=severity,
        remediation_steps=remediation,
    )
