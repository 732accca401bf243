"""The policy pack over one planned stack, as ``pulumi preview --policy-pack`` runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2

from mlgov.engine.errors import PlanError
from mlgov.engine.model import StackPlan
from mlgov.policy_runner import PolicyConfigError, PolicyPackError, Violation, reconcile_config, run_policy_pack, started_pack


def check_policy_config(policy_pack: Path, project: str, policy_config: Any) -> None:
    """Refuse a policy config that does not fit the pack (unknown policy or property, wrong type) before any program runs."""
    try:
        with started_pack(policy_pack, project=project, stack="policy-config", stack_config={}) as stub:
            info = stub.GetAnalyzerInfo(empty_pb2.Empty())
        reconcile_config(info, policy_config)
    except PolicyConfigError as error:
        raise PlanError(f"policy config: {error}") from None
    except PolicyPackError as error:
        raise PlanError(f"policy pack {policy_pack}: {error}") from None


def check_stack(policy_pack: Path, project: str, plan: StackPlan, config: dict[str, Any], policy_config: dict[str, Any] | None) -> list[Violation]:
    try:
        return run_policy_pack(
            policy_pack,
            [resource.to_dict() for resource in plan.resources],
            project=project,
            stack=plan.name,
            stack_config=config,
            policy_config=policy_config,
        )
    except PolicyConfigError as error:
        raise PlanError(f"policy config: {error}") from None
    except PolicyPackError as error:
        raise PlanError(f"policy pack {policy_pack}: {error}") from None
