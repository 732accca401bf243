"""Resource-by-resource comparison of a real deployment with the offline plan.

The real side is ``pulumi stack export`` (``deployment.resources``), the
offline side is ``mlgov plan`` of the same stack. Every field the offline
engine claims to reproduce is compared: URN, type, custom, id, parent,
provider, protect, retainOnDelete, dependencies, property dependencies,
inputs and outputs. Three things are normalised, all engine-generated and
none derived from the program:

- secret values: the state holds ciphertext, the plan ``[secret]``;
- assets and archives: the state holds the engine's record (path, content
  hash), the plan the file name and SHA-256 of its content;
- provider references ``<urn>::<id>``: the engine gives every provider
  resource a random UUID as its id, so a reference is compared by its URN,
  and checked separately to point at a provider resource of the same stack.

Anything else that differs is reported; an empty list means conformance.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

# The engine stores secrets, assets and archives as objects tagged under this key, with the kind's signature.
SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIGNATURE = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIGNATURE = "0def7320c3a5731c473e5ecbe6d01bc7"
SECRET = "[secret]"
FIELDS = (
    "type", "custom", "id", "parent", "provider", "protect", "retain_on_delete",
    "dependencies", "property_dependencies", "inputs", "outputs",
)


def _unsecret(value: Any) -> Any:
    if isinstance(value, dict):
        signature = value.get(SIGNATURE_KEY)
        if signature in (ASSET_SIGNATURE, ARCHIVE_SIGNATURE):
            return _asset(value, "asset" if signature == ASSET_SIGNATURE else "archive")
        if signature is not None:
            return SECRET
        return {key: _unsecret(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unsecret(item) for item in value]
    return value


def _asset(value: dict[str, Any], kind: str) -> Any:
    """A state asset or archive as the plan shows it: by file name and content hash (or by its parts)."""
    if "assets" in value:
        return {"assets": {name: _unsecret(item) for name, item in sorted((value["assets"] or {}).items())}}
    if "text" in value:
        return {"text": {"sha256": value.get("hash")}}
    if "path" in value:
        return {kind: {"file": PurePath(str(value["path"])).name, "sha256": value.get("hash")}}
    return {"uri": value.get("uri")}


def _provider_urn(reference: str) -> str:
    return reference.rsplit("::", 1)[0] if reference else ""


def from_export(resource: dict[str, Any]) -> dict[str, Any]:
    """A state resource of ``pulumi stack export`` in the plan's field names."""
    return {
        "urn": resource["urn"],
        "type": resource["type"],
        "custom": bool(resource.get("custom", False)),
        "id": resource.get("id", ""),
        "parent": resource.get("parent", ""),
        "provider": _provider_urn(resource.get("provider", "")),
        "protect": bool(resource.get("protect", False)),
        "retain_on_delete": bool(resource.get("retainOnDelete", False)),
        "dependencies": sorted(set(resource.get("dependencies") or [])),
        "property_dependencies": {
            key: sorted(set(urns)) for key, urns in sorted((resource.get("propertyDependencies") or {}).items()) if urns
        },
        "inputs": _unsecret(resource.get("inputs") or {}),
        "outputs": _unsecret(resource.get("outputs") or {}),
    }


def from_plan(resource: dict[str, Any]) -> dict[str, Any]:
    """A planned resource (``PlannedResource.to_dict()``) in the same shape."""
    return {
        "urn": resource["urn"],
        "type": resource["type"],
        "custom": bool(resource["custom"]),
        "id": resource["id"],
        "parent": resource["parent"],
        "provider": _provider_urn(resource["provider"]),
        "protect": bool(resource["protect"]),
        "retain_on_delete": bool(resource.get("retain_on_delete", False)),
        "dependencies": sorted(set(resource["dependencies"])),
        "property_dependencies": {key: sorted(set(urns)) for key, urns in sorted(resource["property_dependencies"].items()) if urns},
        "inputs": _unsecret(resource["inputs"]),
        "outputs": _unsecret(resource["outputs"]),
    }


def _ignores_provider_id(resource: dict[str, Any]) -> bool:
    return resource["type"].startswith("pulumi:providers:")


def dangling_provider_references(exported: list[dict[str, Any]]) -> list[str]:
    """References ``<urn>::<id>`` in the state that name no provider resource of the stack."""
    providers = {f"{item['urn']}::{item.get('id', '')}" for item in exported if item["type"].startswith("pulumi:providers:")}
    return [
        f"{item['urn']}: provider reference {item['provider']} names no provider resource of the stack"
        for item in exported
        if item.get("provider") and item["provider"] not in providers
    ]


def differences(exported: list[dict[str, Any]], planned: list[dict[str, Any]]) -> list[str]:
    """Every difference between the real state and the offline plan, one line each."""
    real = {item["urn"]: from_export(item) for item in exported}
    offline = {item["urn"]: from_plan(item) for item in planned}
    found = dangling_provider_references(exported)
    for urn in sorted(set(real) - set(offline)):
        found.append(f"{urn}: in the real state, missing from the plan")
    for urn in sorted(set(offline) - set(real)):
        found.append(f"{urn}: in the plan, missing from the real state")
    for urn in sorted(set(real) & set(offline)):
        for name in FIELDS:
            if name == "id" and _ignores_provider_id(real[urn]):
                continue
            if real[urn][name] != offline[urn][name]:
                found.append(f"{urn}: {name} differs: real {real[urn][name]!r} != plan {offline[urn][name]!r}")
    return found
