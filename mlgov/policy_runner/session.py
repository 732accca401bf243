"""One analysis session: configure a started pack, analyze every resource, then the stack.

For every registered resource the engine calls Remediate, then Analyze with the
(remediated) inputs; the engine does not skip the Stack, components or provider
resources during preview/up (only ``pulumi policy check`` skips providers). Then
AnalyzeStack once. A ``remediate`` diagnostic is reported as ``mandatory``; a stack
diagnostic without a URN of the stack is attributed to the root Stack resource.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
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


def run_policy_pack(pack_dir: Path, resources: list[dict], *, project: str, stack: str,
                    stack_config: dict[str, Any], policy_config: dict | None = None, dry_run: bool = True,
                    organization: str = "organization", python: str = sys.executable) -> list[Violation]:
    """Start the pack in ``pack_dir``, analyze ``resources`` (plan-format dicts), stop the pack."""
    with started_pack(Path(pack_dir), project=project, stack=stack, stack_config=stack_config,
                      dry_run=dry_run, organization=organization, python=python) as stub:
        return analyze(stub, resources, project=project, stack=stack, stack_config=stack_config,
                       policy_config=policy_config, dry_run=dry_run, organization=organization)
