"""The policy pack over one planned stack, as ``pulumi preview --policy-pack`` runs it."""

from __future__ import annotations

from collections.abc import Callable
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
from mlgov.engine.progress import Phase, Progress, ProgressEvent, State, ignore


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
    except PolicyPackError as error:
        raise PlanError(f"policy pack {policy_pack}: {error}") from None
