"""``plan_stacks``: every asked-for stack, in dependency order, program then policy pack."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgov.engine.cache import PlanCache
from mlgov.engine.errors import PlanError
from mlgov.engine.fakes import FakeOrganization
from mlgov.engine.gc_pause import fewer_collections
from mlgov.engine.model import Plan
from mlgov.engine.ordering import with_dependencies
from mlgov.engine.parallel import StackFailed, default_workers, plan_in_parallel, plan_serially, widest_level
from mlgov.engine.progress import Progress, ignore
from mlgov.engine.project import PROJECT_DIR, ProjectFile, available_stacks
from mlgov.engine.stack_work import StackWork

DEFAULT_REGION = "us-east-1"


def plan_stacks(
    stacks: Sequence[str] | None = None,
    *,
    project_dir: Path = PROJECT_DIR,
    stacks_dir: Path | None = None,
    policy_pack: Path | None = None,
    policy_config: dict[str, Any] | None = None,
    workers: int | None = None,
    cache: PlanCache | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Plan ``stacks`` (default: every stack file) in dependency order.

    Stacks another stack references are planned first; they appear in the
    result only if asked for. Raises ConfigError for bad config (before any
    program runs), PlanError when a program fails.

    ``workers``: processes for stacks that can be planned at the same time
    (default: every core; 1 plans in this process, one stack after the
    other; the plan is the same either way). ``cache``: take stacks whose
    inputs did not change from there, store the others. ``progress``: called
    with a ``ProgressEvent`` per step of each stack.
    """
    project = ProjectFile.read(project_dir)
    stacks_dir = stacks_dir or project.stacks_dir
    wanted = list(stacks) if stacks else available_stacks(stacks_dir)
    project.validate(stacks_dir, wanted)
    if policy_pack is not None and policy_config is not None:
        # Imported here: it starts the pack (gRPC), which commands that only read plans never need.
        from mlgov.engine.policy_check import check_policy_config

        check_policy_config(policy_pack, project.name, policy_config)
    order = with_dependencies(wanted, stacks_dir, project)
    configs = {name: project.stack_config(stacks_dir, name) for name in order}
    kinds = {name: project.stack_kind(stacks_dir, name) for name in order}
    organization = FakeOrganization(project.name, _region(configs))
    work = StackWork(project, project_dir, stacks_dir, configs, kinds, organization, policy_pack,
                            policy_config, cache, progress or ignore)
    dependencies = work.dependencies(order)
    workers = default_workers() if workers is None else max(1, workers)
    workers = min(workers, widest_level(order, dependencies))
    try:
        with fewer_collections():
            if workers > 1:
                plans = plan_in_parallel(order, dependencies, work.prepare, work.finish, workers,
                                         work.weight, progress or ignore)
            else:
                plans = plan_serially(order, dependencies, work.prepare, work.finish, progress or ignore)
    except StackFailed as error:
        raise PlanError(str(error)) from None
    return Plan([plans[name] for name in order if name in wanted])


def _region(configs: dict[str, dict[str, Any]]) -> str:
    """The first stack's ``aws:region``: every fake ARN of the run uses it."""
    for config in configs.values():
        region = config.get("aws:region")
        if isinstance(region, str):
            return region
    return DEFAULT_REGION
