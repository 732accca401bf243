"""One analysis session: configure a started pack, analyze every resource, then the stack.

For every registered resource the engine calls Remediate, then Analyze with the
(remediated) inputs; the engine does not skip the Stack, components or provider
resources during preview/up (only ``pulumi policy check`` skips providers). Then
AnalyzeStack once. A ``remediate`` diagnostic is reported as ``mandatory``; a stack
diagnostic without a URN of the stack is attributed to the root Stack resource.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2, json_format

from pulumi.runtime.proto import analyzer_pb2

from mlgov.constants import TypeToken
from mlgov.policy_runner.config import LEVELS, PolicyConfigError, config_request, reconcile_config
from mlgov.policy_runner.process import started_pack
from mlgov.policy_runner.protocol import AnalyzerStub
from mlgov.policy_runner.requests import analyze_request, analyze_stack_request, engine_config
from mlgov.violation import Violation

# Analyzer calls on the wire at once; the pack's gRPC server has 4 threads, a few more keep it busy.
IN_FLIGHT = 16


@dataclass
class Analysis:
    """What one run of the pack reported: the violations, and for every policy that declared
    itself not applicable (``AnalyzeResponse.not_applicable``) the URNs it did so for (the
    root Stack's URN for stack policies)."""

    violations: list[Violation]
    not_applicable: dict[str, set[str]] = field(default_factory=dict)


def analyze(stub: AnalyzerStub, resources: list[Mapping[str, Any]], *, project: str, stack: str,
            stack_config: Mapping[str, Any], policy_config: Mapping[str, Any] | None = None,
            dry_run: bool = True, organization: str = "organization",
            progress: Callable[[int, int], None] | None = None) -> list[Violation]:
    """Speak the analyzer protocol to a started pack (gRPC stub or in-process adapter)."""
    return analyze_full(stub, resources, project=project, stack=stack, stack_config=stack_config,
                        policy_config=policy_config, dry_run=dry_run, organization=organization,
                        progress=progress).violations


def analyze_full(stub: AnalyzerStub, resources: list[Mapping[str, Any]], *, project: str, stack: str,
                 stack_config: Mapping[str, Any], policy_config: Mapping[str, Any] | None = None,
                 dry_run: bool = True, organization: str = "organization",
                 progress: Callable[[int, int], None] | None = None) -> Analysis:
    """``analyze``, also returning the policies reported not applicable; ``progress(done, total)`` as resources are analyzed."""
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    if info.supportsConfig:
        stub.Configure(config_request(reconcile_config(info, policy_config)))
    elif policy_config:
        raise PolicyConfigError(f"Policy pack '{info.name}' does not accept config; Fix: drop the policy config.")
    if hasattr(analyzer_pb2, "AnalyzerStackConfigureRequest"):
        stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project=project, organization=organization, dry_run=dry_run,
            config=engine_config(stack_config)))

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

    for res, remediation, response in _remediate_and_analyze(stub, resources, by_urn, progress):
        for rem in remediation.remediations:
            if rem.diagnostic:
                seen.setdefault((rem.policyName, "advisory", res["urn"], rem.diagnostic), None)
        collect(response.diagnostics, res["urn"], use_diag_urn=False)
        note_not_applicable(response, res["urn"])

    response = stub.AnalyzeStack(analyze_stack_request(resources))
    collect(response.diagnostics, root_urn, use_diag_urn=True)
    note_not_applicable(response, root_urn)
    return Analysis([Violation(*key) for key in seen], not_applicable)


def _remediate_and_analyze(stub: AnalyzerStub, resources: list[Mapping[str, Any]],
                           by_urn: Mapping[str, Mapping[str, Any]],
                           progress: Callable[[int, int], None] | None) -> Iterator[tuple[Mapping[str, Any], Any, Any]]:
    """(resource, Remediate response, Analyze response) for every resource, in resource order.

    With a stub that can start calls without waiting (gRPC futures), up to
    ``IN_FLIGHT`` Remediate and as many Analyze calls are on the wire at once:
    the pack serves them from its thread pool while this side encodes the next
    requests, instead of one round trip after the other. A resource's Analyze
    still goes out only after its own Remediate answered, with the inputs a
    remediation rewrote. A stub without futures (in-process tests) is called in turn.
    """
    total, done = len(resources), 0
    step = max(1, total // 100)
    remediating: deque[tuple[Mapping[str, Any], Any, Any]] = deque()
    analyzing: deque[tuple[Mapping[str, Any], Any, Any]] = deque()

    def analyze_next() -> None:
        res, request, call = remediating.popleft()
        remediation = call.result()
        inputs: Mapping[str, Any] | None = None
        for rem in remediation.remediations:
            if not rem.diagnostic and rem.HasField("properties"):
                inputs = json_format.MessageToDict(rem.properties)
        if inputs is not None:  # Remediate rewrote the inputs: Analyze sees the rewritten ones
            request = analyze_request(res, by_urn, inputs)
        analyzing.append((res, remediation, _start(stub, "Analyze", request)))

    def finished() -> tuple[Mapping[str, Any], Any, Any]:
        nonlocal done
        res, remediation, call = analyzing.popleft()
        done += 1
        if progress and (done % step == 0 or done == total):
            progress(done, total)
        return res, remediation, call.result()

    for res in resources:
        request = analyze_request(res, by_urn)
        remediating.append((res, request, _start(stub, "Remediate", request)))
        if len(remediating) >= IN_FLIGHT:
            analyze_next()
        if len(analyzing) >= IN_FLIGHT:
            yield finished()
    while remediating:
        analyze_next()
    while analyzing:
        yield finished()


class _Done:
    """A call already made, in the shape of a gRPC future."""

    def __init__(self, value: Any):
        self._value = value

    def result(self) -> Any:
        return self._value


def _start(stub: AnalyzerStub, method: str, request: Any) -> Any:
    """Start the call without waiting when the stub can (``future``), else make it now."""
    rpc = getattr(stub, method)
    starter = getattr(rpc, "future", None)
    return starter(request) if starter is not None else _Done(rpc(request))


def run_policy_pack(pack_dir: Path, resources: list[dict] | Callable[[], list[dict]], *, project: str, stack: str,
                    stack_config: dict[str, Any], policy_config: dict | None = None, dry_run: bool = True,
                    organization: str = "organization", python: str = sys.executable,
                    progress: Callable[[int, int], None] | None = None) -> list[Violation]:
    """Start the pack in ``pack_dir``, analyze ``resources`` (plan-format dicts), stop the pack.

    ``resources`` may be a function that waits for them (a program still running): the
    pack process starts first, so its start-up overlaps the program.
    """
    with started_pack(Path(pack_dir), project=project, stack=stack, stack_config=stack_config,
                      dry_run=dry_run, organization=organization, python=python) as stub:
        return analyze(stub, resources() if callable(resources) else resources, project=project, stack=stack,
                       stack_config=stack_config, policy_config=policy_config, dry_run=dry_run,
                       organization=organization, progress=progress)
