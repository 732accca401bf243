"""Pulumi property values on the provider wire: google.protobuf.Struct with signature keys.

Unknown values (at preview) travel as a sentinel string, secrets as an object
with a signature key. Providers see them as they are; this module only turns
a Struct into plain Python values and back, and tells which keys are unknown
or secret.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format, struct_pb2

from mlgov.engine.monitor import whole_numbers

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIGNATURE = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"


def to_python(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    if struct is None:
        return {}
    return whole_numbers(json_format.MessageToDict(struct))


def to_struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIGNATURE) == SECRET_SIGNATURE


def reveal(value: Any) -> Any:
    """The value with every secret wrapper removed (the fakes derive ids from plain values)."""
    if is_secret(value):
        return reveal(value.get("value"))
    if isinstance(value, dict):
        return {key: reveal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [reveal(item) for item in value]
    return value


def contains_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_unknown(item) for item in value)
    return False


def changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths (camelCase, as the engine names properties) whose values differ.

    Objects are compared key by key; a list or scalar that differs is one change
    at its own path.
    """
    if isinstance(old, dict) and isinstance(new, dict) and not is_secret(old) and not is_secret(new):
        paths: list[str] = []
        for key in sorted(set(old) | set(new)):
            if key == "__defaults":
                continue
            paths += changed_paths(old.get(key), new.get(key), f"{prefix}.{key}" if prefix else key)
        return paths
    if reveal(old) == reveal(new) and not contains_unknown(new):
        return []
    return [prefix]
