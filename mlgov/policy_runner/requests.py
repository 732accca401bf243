"""The analyzer requests the engine sends for a planned resource (plan-format dicts).

``Analyze`` carries a resource's inputs, options and provider; ``AnalyzeStack``
carries every resource's outputs, parent, dependencies and property dependencies.
Values unknown at preview travel as the engine's unknown sentinel
(``pulumi.runtime.rpc.UNKNOWN``), as in the real protocol.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2

from pulumi.runtime.proto import analyzer_pb2


def _struct(values: Mapping[str, Any] | None) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    if values:
        s.update(_jsonable(values))
    return s


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _provider_urn(reference: str) -> str:
    # "<provider urn>::<provider id>": the URN itself contains "::", the id does not.
    return reference.rsplit("::", 1)[0] if reference else ""


def _provider_message(res: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> Any | None:
    urn = _provider_urn(res.get("provider") or "")
    prov = by_urn.get(urn)
    if not urn or prov is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=prov["type"], properties=_struct(prov.get("inputs")), urn=urn, name=prov["name"])


def _options(res: Mapping[str, Any]) -> Any:
    return analyzer_pb2.AnalyzerResourceOptions(protect=bool(res.get("protect")), parent=res.get("parent") or "")


def analyze_request(res: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]], inputs: Mapping[str, Any] | None = None) -> Any:
    request = analyzer_pb2.AnalyzeRequest(
        type=res["type"], properties=_struct(res.get("inputs") if inputs is None else inputs),
        urn=res["urn"], name=res["name"], options=_options(res))
    provider = _provider_message(res, by_urn)
    if provider is not None:
        request.provider.CopyFrom(provider)
    return request


def analyze_stack_request(resources: list[Mapping[str, Any]]) -> Any:
    by_urn = {r["urn"]: r for r in resources}
    request = analyzer_pb2.AnalyzeStackRequest()
    for res in resources:
        msg = request.resources.add(
            type=res["type"], properties=_struct(res.get("outputs")), urn=res["urn"], name=res["name"],
            options=_options(res), parent=res.get("parent") or "", dependencies=list(res.get("dependencies") or []))
        for key, urns in (res.get("property_dependencies") or {}).items():
            msg.propertyDependencies[key].urns.extend(urns)
        provider = _provider_message(res, by_urn)
        if provider is not None:
            msg.provider.CopyFrom(provider)
    return request


def engine_config(stack_config: Mapping[str, Any]) -> dict[str, str]:
    """Config as the engine hands it to plugins: every value a string, objects as JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in stack_config.items()}
