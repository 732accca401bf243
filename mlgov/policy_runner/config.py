"""Policy config as the engine reconciles it before ``Configure``.

Order (pulumi/pulumi ``pkg/resource/analyzer/config.go``): each policy's schema
defaults, then the pack's initial config, then an ``all`` enforcement level, then
the user's config (``--policy-pack-config``); the result is validated against each
policy's JSON schema.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import jsonschema
from google.protobuf import json_format

from pulumi.runtime.proto import analyzer_pb2

LEVELS = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
LEVEL_VALUES = {v: k for k, v in LEVELS.items()}


class PolicyConfigError(Exception):
    """The policy config given (like ``--policy-pack-config``) does not fit the pack."""


def _schema_properties(info: Any) -> dict[str, dict[str, Any]]:
    """Each policy's config schema properties as JSON (converted once per run)."""
    return {policy.name: json_format.MessageToDict(policy.configSchema.properties) for policy in info.policies}


def _schema_defaults(info: Any, schema_props: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for policy in info.policies:
        entry: dict[str, Any] = {"enforcementLevel": LEVELS[policy.enforcementLevel]}
        props = schema_props[policy.name]
        entry["properties"] = {k: v["default"] for k, v in props.items() if isinstance(v, dict) and "default" in v}
        result[policy.name] = entry
    return result


def _normalise_user_config(policy_config: Mapping[str, Any]) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """``{"policy": "mandatory"}`` or ``{"policy": {"enforcementLevel": ..., **props}}``."""
    result: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for name, value in policy_config.items():
        if isinstance(value, str):
            level, props = value, {}
        elif isinstance(value, Mapping):
            props = dict(value)
            level = props.pop("enforcementLevel", None)
        else:
            raise PolicyConfigError(
                f"Policy config '{name}': {value!r} is not valid; Fix: give an enforcement level string "
                "('advisory', 'mandatory', 'remediate', 'disabled') or an object of properties.")
        if level is not None and level not in LEVEL_VALUES:
            raise PolicyConfigError(
                f"Policy config '{name}.enforcementLevel': {level!r} is not an enforcement level; "
                "Fix: use one of advisory, mandatory, remediate, disabled.")
        result[name] = (level, props)
    return result


def reconcile_config(info: Any, policy_config: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """defaults -> pack initial config -> "all" level -> user config, then JSON-schema validation."""
    schema_props = _schema_properties(info)
    result = _schema_defaults(info, schema_props)
    # proto3 cannot tell an unset level from ADVISORY (0); like the engine, take it as
    # given, which is why the pack always states the level in its initial config.
    for name, entry in info.initialConfig.items():
        _apply(result, name, LEVELS[entry.enforcementLevel], json_format.MessageToDict(entry.properties))
    user = _normalise_user_config(policy_config or {})
    known = set(result) | {"all"}
    unknown = sorted(set(user) - known)
    if unknown:
        raise PolicyConfigError(
            f"Policy config names unknown policy {', '.join(repr(u) for u in unknown)}; "
            f"Fix: use one of {', '.join(sorted(result))} (or 'all' for an enforcement level).")
    _apply(result, "all", user.get("all", (None, {}))[0], {})  # before the per-policy entries
    for name, (level, props) in user.items():
        if name != "all":
            _apply(result, name, level, props)
    _validate(info, schema_props, result)
    return result


def _apply(result: dict[str, dict[str, Any]], name: str, level: str | None, props: Mapping[str, Any]) -> None:
    if name == "all":
        if level:
            for entry in result.values():
                entry["enforcementLevel"] = level
        return
    if name not in result:
        return
    if level:
        result[name]["enforcementLevel"] = level
    result[name]["properties"].update(props)


def _validate(info: Any, schema_props: Mapping[str, dict[str, Any]], config: dict[str, dict[str, Any]]) -> None:
    errors: list[str] = []
    for policy in info.policies:
        props = schema_props[policy.name]
        if not props and not policy.configSchema.required:
            continue
        schema: dict[str, Any] = {"type": "object", "properties": props}
        if policy.configSchema.required:
            schema["required"] = list(policy.configSchema.required)
        validator = jsonschema.Draft7Validator(schema)
        for err in sorted(validator.iter_errors(config[policy.name]["properties"]), key=lambda e: list(e.path)):
            path = ".".join([policy.name, *(str(p) for p in err.path)])
            expected = err.schema.get("description") if isinstance(err.schema, dict) else None
            hint = f" ({expected})" if expected else ""
            errors.append(f"Policy config '{path}': {err.instance!r} is invalid: {err.message}; "
                          f"Fix: give a value matching {json.dumps(_public_schema(err.schema))}{hint}.")
    if errors:
        raise PolicyConfigError("\n".join(errors))


def _public_schema(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: v for k, v in schema.items() if k not in ("description", "default")}
    return schema


def config_request(config: dict[str, dict[str, Any]]) -> Any:
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, entry in config.items():
        pc = request.policyConfig[name]
        pc.enforcementLevel = LEVEL_VALUES[entry["enforcementLevel"]]
        if entry["properties"]:
            pc.properties.update(entry["properties"])
    return request
