"""The policy pack over one planned stack, as ``pulumi preview --policy-pack`` runs it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlgov.engine.errors import PlanError
from mlgov.engine.model import StackPlan
from mlgov.engine.progress import Phase, Progress, ProgressEvent, State, ignore
from mlgov.policy_runner import PolicyConfigError, Violation, run_policy_pack


def check_stack(policy_pack: Path, project: str, stack: str, plan: Callable[[], StackPlan], config: dict[str, Any],
                policy_config: dict[str, Any] | None, progress: Progress = ignore) -> list[Violation]:
    """The pack's verdicts on the plan ``plan()`` returns; the pack starts before ``plan()`` is called,
    so its start-up overlaps a program still running."""

    def resources() -> list[dict[str, Any]]:
        planned = plan()
        progress(ProgressEvent(stack, Phase.PACK, State.STARTED, 0, len(planned.resources)))
        return [resource.to_dict() for resource in planned.resources]

    def advanced(done: int, total: int) -> None:
        progress(ProgressEvent(stack, Phase.PACK, State.DONE if done == total else State.ADVANCED, done, total))

    try:
        return run_policy_pack(policy_pack, resources, project=project, stack=stack, stack_config=config,
                               policy_config=policy_config, progress=advanced)
    except PolicyConfigError as error:
        raise PlanError(f"policy config: {error}") from None
