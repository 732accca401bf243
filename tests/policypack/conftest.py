"""Drive the pack's policies through the analyzer protocol in-process.

The policies are served by pulumi_policy's own servicer (the object `PolicyPack` puts
behind gRPC) and spoken to with `mlgov.policy_runner.analyze`, so tests exercise the
same request building, proxies, unknown sentinels and config reconciliation as a real
run, without a subprocess per case. `tests/test_policy_runner.py` covers the subprocess.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

PACK_DIR = Path(__file__).resolve().parents[2] / "policypacks" / "ml-guardrails"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))

from pulumi.runtime.rpc import UNKNOWN  # noqa: E402
from pulumi_policy import EnforcementLevel  # noqa: E402
from pulumi_policy.policy import _PolicyAnalyzerServicer  # noqa: E402

from ml_guardrails.policies import ALL_POLICIES, INITIAL_CONFIG  # noqa: E402
from mlgov.constants import TypeToken  # noqa: E402
from mlgov.policy_runner import Analysis, Violation, analyze_full  # noqa: E402

PROJECT = "mlgov"
STACK = "org"
PACK_VERSION = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())["version"]
"""The pack's version, as `pulumi policy publish` reads it."""
PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::{TypeToken.AWS_PROVIDER}::default_7_51_1"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::{TypeToken.STACK}::{PROJECT}-{STACK}"

__all__ = ["UNKNOWN", "res", "Stack", "scp_doc"]


class _InProcess:
    def __init__(self) -> None:
        self._servicer = _PolicyAnalyzerServicer(
            "ml-guardrails", PACK_VERSION, ALL_POLICIES, EnforcementLevel.MANDATORY, INITIAL_CONFIG)

    def __getattr__(self, method: str) -> Any:
        rpc = getattr(self._servicer, method)
        return lambda request: rpc(request, None)


def res(type_: str, name: str, inputs: dict | None = None, *, outputs: dict | None = None, id: str | None = None,
        protect: bool = False, deps: list[str] | None = None, pdeps: dict[str, list[str]] | None = None,
        custom: bool = True) -> dict[str, Any]:
    urn = f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"
    inputs = dict(inputs or {})
    if outputs is None:
        outputs = dict(inputs)
        if id is not None:
            outputs["id"] = id
    pdeps = dict(pdeps or {})
    return {
        "urn": urn, "type": type_, "name": name, "id": id or "", "parent": STACK_URN, "custom": custom,
        "protect": protect, "provider": f"{PROVIDER_URN}::0b6f" if custom else "",
        "dependencies": sorted(set(deps or []) | {u for v in pdeps.values() for u in v}),
        "property_dependencies": pdeps, "inputs": inputs, "outputs": outputs,
    }


def scp_doc(sid: str = "DenyLeave", action: Any = "organizations:LeaveOrganization", condition: dict | None = None) -> str:
    stmt: dict[str, Any] = {"Sid": sid, "Effect": "Deny", "Action": action, "Resource": "*"}
    if condition:
        stmt["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]}, separators=(",", ":"))


class Stack:
    """A resource list with the Stack and default provider, run through the analyzer."""

    def __init__(self, resources: list[dict[str, Any]]) -> None:
        self.resources = copy.deepcopy(resources)

    def all(self) -> list[dict[str, Any]]:
        stack = {"urn": STACK_URN, "type": TypeToken.STACK, "name": f"{PROJECT}-{STACK}", "id": "", "parent": "",
                 "custom": False, "protect": False, "provider": "", "dependencies": [], "property_dependencies": {},
                 "inputs": {}, "outputs": {}}
        provider = {"urn": PROVIDER_URN, "type": TypeToken.AWS_PROVIDER, "name": "default_7_51_1", "id": "0b6f",
                    "parent": STACK_URN, "custom": True, "protect": False, "provider": "", "dependencies": [],
                    "property_dependencies": {}, "inputs": {"region": "eu-west-1"}, "outputs": {"region": "eu-west-1"}}
        return [stack, provider, *self.resources]

    def find(self, name: str) -> dict[str, Any]:
        return next(r for r in self.resources if r["name"] == name)


@pytest.fixture
def run_full(monkeypatch):
    """Run the pack; the Analysis carries the violations and the not-applicable policies."""
    def _run(stack: Stack | list[dict], *, environment: str | None = None, config: dict | None = None,
             settings: dict | None = None) -> Analysis:
        stack_config = {"mlgov:environment": environment} if environment else {}
        stack_config.update(settings or {})
        monkeypatch.setenv("PULUMI_CONFIG", json.dumps(stack_config))
        resources = (stack if isinstance(stack, Stack) else Stack(stack)).all()
        return analyze_full(_InProcess(), resources, project=PROJECT, stack=STACK, stack_config=stack_config,
                            policy_config=config)
    return _run


@pytest.fixture
def run(run_full):
    """Run the pack; only the violations."""
    def _run(stack: Stack | list[dict], **kwargs: Any) -> list[Violation]:
        return run_full(stack, **kwargs).violations
    return _run


def policies_of(violations: list[Violation]) -> set[str]:
    return {v.policy for v in violations}
