"""``plan_stacks``: every asked-for stack, in dependency order, program then policy pack."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgov.engine.errors import PlanError
from mlgov.engine.fakes import FakeOrganization
from mlgov.engine.model import Plan, StackPlan
from mlgov.engine.ordering import with_dependencies
from mlgov.engine.project import PROJECT_DIR, ProjectFile, available_stacks

DEFAULT_REGION = "us-east-1"


def plan_stacks(
    stacks: Sequence[str] | None = None,
    *,
    project_dir: Path = PROJECT_DIR,
    stacks_dir: Path | None = None,
    policy_pack: Path | None = None,
    policy_config: dict[str, Any] | None = None,
) -> Plan:
    """Plan ``stacks`` (default: every stack file) in dependency order.

    Stacks another stack references are planned first; they appear in the
    result only if asked for. Raises ConfigError for bad config (before any
    program runs), PlanError when a program fails.
    """
    # Imported here: the Pulumi runtime and the gRPC stack are heavy, and commands that
    # only validate config or read a plan file never need them.
    from mlgov.engine.monitor import MissingStackReference
    from mlgov.engine.policy_check import check_stack
    from mlgov.engine.runner import ProgramError, run_program

    project = ProjectFile.read(project_dir)
    stacks_dir = stacks_dir or project.stacks_dir
    wanted = list(stacks) if stacks else available_stacks(stacks_dir)
    order = with_dependencies(wanted, stacks_dir, project)
    configs = {name: project.stack_config(stacks_dir, name) for name in order}
    kinds = {name: project.stack_kind(stacks_dir, name) for name in order}
    organization = FakeOrganization(project.name, _region(configs))
    outputs: dict[str, dict[str, Any]] = {}
    planned: list[StackPlan] = []
    for name, config in configs.items():
        try:
            plan = run_program(project_dir, stacks_dir, project.name, name, kinds[name], config, organization, outputs)
        except (ProgramError, MissingStackReference) as error:
            raise PlanError(f"stack '{name}': {error}") from None
        if policy_pack is not None:
            plan.violations = check_stack(policy_pack, project.name, plan, config, policy_config)
        outputs[name] = plan.outputs
        if name in wanted:
            planned.append(plan)
    return Plan(planned)


def _region(configs: dict[str, dict[str, Any]]) -> str:
    """The first stack's ``aws:region``: every fake ARN of the run uses it."""
    for config in configs.values():
        region = config.get("aws:region")
        if isinstance(region, str):
            return region
    return DEFAULT_REGION
