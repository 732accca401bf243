"""Run a CrossGuard policy pack over a planned resource list, as the Pulumi engine does.

What the engine does (pulumi/pulumi pkg/resource/plugin, pkg/resource/deploy/step_generator.go,
pkg/resource/analyzer/config.go) and what this module reproduces:

- start ``python -u -m pulumi.policy <engine-address> .`` in the pack directory with
  PULUMI_CONFIG (JSON object of ``<project>:<key>`` -> string), PULUMI_PROJECT,
  PULUMI_STACK, PULUMI_DRY_RUN and PULUMI_ORGANIZATION; the pack prints its port;
- GetAnalyzerInfo; reconcile policy config: schema defaults, then the pack's initial
  config, then an ``all`` enforcement level, then the user's config; validate every
  policy's properties against its JSON schema; Configure; ConfigureStack;
- for every registered resource (the engine does not skip the Stack, components or
  provider resources during preview/up; only ``pulumi policy check`` skips providers):
  Remediate, then Analyze with the (remediated) inputs, the options and the provider;
- AnalyzeStack once with every resource's outputs, parent, dependencies and
  property dependencies;
- a ``remediate`` diagnostic is reported as ``mandatory``; a stack diagnostic without
  a URN of the stack is attributed to the root Stack resource.

Not reproduced: the engine's provider ``Check`` (inputs here are as the program
registered them, without provider defaults), secrets (the plan carries "[secret]"),
and Remediate's property rewrites are only fed to Analyze, never back to the plan.
Values unknown at preview must appear in the resource dicts as the engine's unknown
sentinel (``pulumi.runtime.rpc.UNKNOWN``); they travel as in the real protocol.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import grpc
import jsonschema
from google.protobuf import empty_pb2, json_format, struct_pb2

from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from mlgov.constants import TypeToken
from mlgov.engine.model import Violation

LEVELS = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
_LEVEL_VALUES = {v: k for k, v in LEVELS.items()}
START_TIMEOUT_S = 30.0


class PolicyConfigError(Exception):
    """The policy config given (like ``--policy-pack-config``) does not fit the pack."""


class PolicyPackError(RuntimeError):
    """The policy pack failed to start or died; the message carries its stderr."""


class AnalyzerStub(Protocol):
    def GetAnalyzerInfo(self, request: Any) -> Any: ...
    def Configure(self, request: Any) -> Any: ...
    def ConfigureStack(self, request: Any) -> Any: ...
    def Remediate(self, request: Any) -> Any: ...
    def Analyze(self, request: Any) -> Any: ...
    def AnalyzeStack(self, request: Any) -> Any: ...


# --------------------------------------------------------------------------- config
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
        if level is not None and level not in _LEVEL_VALUES:
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


def _config_request(config: dict[str, dict[str, Any]]) -> Any:
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, entry in config.items():
        pc = request.policyConfig[name]
        pc.enforcementLevel = _LEVEL_VALUES[entry["enforcementLevel"]]
        if entry["properties"]:
            pc.properties.update(entry["properties"])
    return request


# ------------------------------------------------------------------------- requests
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


def _engine_config(stack_config: Mapping[str, Any]) -> dict[str, str]:
    """Config as the engine hands it to plugins: every value a string, objects as JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in stack_config.items()}


# --------------------------------------------------------------------------- running
@dataclass
class Analysis:
    """What one run of the pack reported: the violations, and for every policy that declared
    itself not applicable (``AnalyzeResponse.not_applicable``) the URNs it did so for (the
    root Stack's URN for stack policies)."""

    violations: list[Violation]
    not_applicable: dict[str, set[str]] = field(default_factory=dict)


def analyze(stub: AnalyzerStub, resources: list[Mapping[str, Any]], *, project: str, stack: str,
            stack_config: Mapping[str, Any], policy_config: Mapping[str, Any] | None = None,
            dry_run: bool = True, organization: str = "organization") -> list[Violation]:
    """Speak the analyzer protocol to a started pack (gRPC stub or in-process adapter)."""
    return analyze_full(stub, resources, project=project, stack=stack, stack_config=stack_config,
                        policy_config=policy_config, dry_run=dry_run, organization=organization).violations


def analyze_full(stub: AnalyzerStub, resources: list[Mapping[str, Any]], *, project: str, stack: str,
                 stack_config: Mapping[str, Any], policy_config: Mapping[str, Any] | None = None,
                 dry_run: bool = True, organization: str = "organization") -> Analysis:
    """``analyze``, also returning the policies reported not applicable."""
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    if info.supportsConfig:
        stub.Configure(_config_request(reconcile_config(info, policy_config)))
    elif policy_config:
        raise PolicyConfigError(f"Policy pack '{info.name}' does not accept config; Fix: drop the policy config.")
    if hasattr(analyzer_pb2, "AnalyzerStackConfigureRequest"):
        stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project=project, organization=organization, dry_run=dry_run,
            config=_engine_config(stack_config)))

    by_urn = {r["urn"]: r for r in resources}
    root_urn = next((r["urn"] for r in resources if r["type"] == TypeToken.STACK),
                    f"urn:pulumi:{stack}::{project}::{TypeToken.STACK}::{project}-{stack}")
    seen: dict[tuple[str, str, str, str], None] = {}
    not_applicable: dict[str, set[str]] = {}

    def note_not_applicable(response: Any, urn: str) -> None:
        for entry in response.not_applicable:
            not_applicable.setdefault(entry.policy_name, set()).add(urn)

    def collect(diags: Any, default_urn: str, *, use_diag_urn: bool) -> None:
        for d in diags:
            level = LEVELS.get(d.enforcementLevel, "advisory")
            if level == "remediate":
                level = "mandatory"  # the engine downgrades remediate violations to mandatory
            if level == "disabled":
                continue
            urn = d.urn if use_diag_urn and d.urn in by_urn else default_urn
            message = d.message
            if d.description and message.startswith(d.description + "\n"):
                message = message[len(d.description) + 1:]
            seen.setdefault((d.policyName, level, urn, message), None)

    for res in resources:
        request = analyze_request(res, by_urn)
        inputs: Mapping[str, Any] | None = None
        remediation = stub.Remediate(request)
        for rem in remediation.remediations:
            if rem.diagnostic:
                seen.setdefault((rem.policyName, "advisory", res["urn"], rem.diagnostic), None)
            elif rem.HasField("properties"):
                inputs = json_format.MessageToDict(rem.properties)
        if inputs is not None:  # Remediate rewrote the inputs: Analyze sees the rewritten ones
            request = analyze_request(res, by_urn, inputs)
        response = stub.Analyze(request)
        collect(response.diagnostics, res["urn"], use_diag_urn=False)
        note_not_applicable(response, res["urn"])

    response = stub.AnalyzeStack(analyze_stack_request(resources))
    collect(response.diagnostics, root_urn, use_diag_urn=True)
    note_not_applicable(response, root_urn)
    return Analysis([Violation(*key) for key in seen], not_applicable)


@contextmanager
def started_pack(pack_dir: Path, *, project: str, stack: str, stack_config: Mapping[str, Any],
                 dry_run: bool = True, organization: str = "organization",
                 python: str = sys.executable) -> Iterator[AnalyzerStub]:
    """Start the pack as the engine does and yield a gRPC stub; always stops it."""
    env = dict(os.environ)
    env.update({
        "PULUMI_CONFIG": json.dumps(_engine_config(stack_config)),
        "PULUMI_PROJECT": project,
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": "true" if dry_run else "false",
        "PULUMI_ORGANIZATION": organization,
    })
    # The engine address is required on the command line but the Python SDK never dials it.
    proc = subprocess.Popen(
        [python, "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."],
        cwd=str(pack_dir), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stderr_chunks: list[bytes] = []
    err_thread = threading.Thread(target=lambda: stderr_chunks.extend(iter(proc.stderr.readline, b"")), daemon=True)
    err_thread.start()
    channel = None
    try:
        port = _read_port(proc, stderr_chunks)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
        grpc.channel_ready_future(channel).result(timeout=START_TIMEOUT_S)
        yield _GrpcStub(analyzer_pb2_grpc.AnalyzerStub(channel), proc, stderr_chunks)
    finally:
        if channel is not None:
            channel.close()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()
        err_thread.join(timeout=2)
        proc.stderr.close()


def _read_port(proc: subprocess.Popen, stderr_chunks: list[bytes]) -> int:
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=START_TIMEOUT_S)
    except queue.Empty:
        raise PolicyPackError(f"policy pack printed no port within {START_TIMEOUT_S:.0f}s") from None
    try:
        return int(line.strip())
    except ValueError:
        proc.wait(timeout=5) if proc.poll() is None and not line else None
        raise PolicyPackError(
            f"policy pack failed to start (exit code {proc.poll()}); stdout {line!r}; stderr:\n"
            + b"".join(stderr_chunks).decode(errors="replace")) from None


class _GrpcStub:
    """Adds the pack's stderr to any RPC failure, so a crashed policy is diagnosable."""

    def __init__(self, stub: Any, proc: subprocess.Popen, stderr_chunks: list[bytes]) -> None:
        self._stub, self._proc, self._stderr = stub, proc, stderr_chunks

    def __getattr__(self, method: str) -> Any:
        rpc = getattr(self._stub, method)

        def call(request: Any) -> Any:
            try:
                return rpc(request)
            except grpc.RpcError as exc:
                raise PolicyPackError(
                    f"policy pack RPC {method} failed: {exc.code().name}: {exc.details()}\n"
                    f"pack exit code: {self._proc.poll()}; stderr:\n" + b"".join(self._stderr).decode(errors="replace")
                ) from exc
        return call


def run_policy_pack(pack_dir: Path, resources: list[dict], *, project: str, stack: str,
                    stack_config: dict[str, Any], policy_config: dict | None = None, dry_run: bool = True,
                    organization: str = "organization", python: str = sys.executable) -> list[Violation]:
    """Start the pack in ``pack_dir``, analyze ``resources`` (plan-format dicts), stop the pack."""
    with started_pack(Path(pack_dir), project=project, stack=stack, stack_config=stack_config,
                      dry_run=dry_run, organization=organization, python=python) as stub:
        return analyze(stub, resources, project=project, stack=stack, stack_config=stack_config,
                       policy_config=policy_config, dry_run=dry_run, organization=organization)
