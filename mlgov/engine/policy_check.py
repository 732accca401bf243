"""The policy pack over one planned stack, as ``pulumi preview --policy-pack`` runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgov.engine.errors import PlanError
from mlgov.engine.model import StackPlan
from mlgov.policy_runner import PolicyConfigError, Violation, run_policy_pack


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
