"""What one run of the planner does for each stack: its references, its job, its verdicts, the cache.

``plan_stacks`` reads the project and hands ``prepare`` and ``finish`` to a
scheduler (``parallel``): ``prepare`` turns a stack whose references are
planned into a job for a worker, or into the plan the cache already holds;
``finish`` runs the policy pack on the program's plan (or takes the verdicts
from the cache) and stores what was computed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from mlgov.engine.cache import PlanCache, code_digest, tree_digest
from mlgov.engine.fakes import FakeOrganization
from mlgov.engine.model import StackPlan
from mlgov.engine.parallel import StackJob
from mlgov.engine.policy_check import check_stack
from mlgov.engine.progress import Phase, Progress, ProgressEvent, State
from mlgov.engine.project import ProjectFile


class StackWork:
    def __init__(self, project: ProjectFile, project_dir: Path, stacks_dir: Path, configs: dict[str, dict[str, Any]],
                 kinds: dict[str, str], organization: FakeOrganization, policy_pack: Path | None,
                 policy_config: dict[str, Any] | None, cache: PlanCache | None, progress: Progress):
        self.project, self.project_dir, self.stacks_dir = project, project_dir, stacks_dir
        self.configs, self.kinds, self.organization = configs, kinds, organization
        self.policy_pack, self.policy_config = policy_pack, policy_config
        self.cache, self.progress = cache, progress
        self._program_keys: dict[str, str] = {}
        self._from_cache: set[str] = set()
        self._inputs: dict[str, Any] = {}

    def dependencies(self, order: list[str]) -> dict[str, list[str]]:
        """The stacks each stack reads. A project that does not declare them (not mlgov's) reads every
        stack planned before it, as a serial planner would have offered."""
        if not self.project.is_mlgov:
            return {name: order[:index] for index, name in enumerate(order)}
        return {name: [ref for ref in self.project.referenced_stacks(self.stacks_dir, name) if ref in order]
                for name in order}

    def plan_inputs(self, name: str) -> Any:
        if name not in self._inputs:
            self._inputs[name] = self.project.plan_inputs(self.stacks_dir, name)
        return self._inputs[name]

    def weight(self, name: str) -> int:
        """A stack's expected size, to start the biggest ready stack first: the size of what it reads."""
        return len(json.dumps([self.configs[name], self.plan_inputs(name)], default=str))

    @cached_property
    def _code(self) -> str:
        return code_digest(self.project_dir, self.stacks_dir)

    @cached_property
    def _pack(self) -> str:
        return tree_digest(self.policy_pack) if self.policy_pack is not None else ""

    def prepare(self, name: str, references: dict[str, dict[str, Any]]) -> StackJob | StackPlan:
        if self.cache is not None:
            key = PlanCache.program_key(self._code, name, self.kinds[name], self.configs[name], self.plan_inputs(name),
                                        self.organization, references)
            self._program_keys[name] = key
            cached = self.cache.get_program(key)
            if cached is not None:
                self._from_cache.add(name)
                self.progress(ProgressEvent(name, Phase.CACHE, State.DONE, len(cached.resources), len(cached.resources)))
                return cached
        return StackJob(self.project_dir, self.stacks_dir, self.project.name, name, self.kinds[name],
                        self.configs[name], self.organization, references)

    def finish(self, name: str, program: Callable[[], StackPlan]) -> StackPlan:
        key = self._program_keys.get(name)
        violations = None
        if self.policy_pack is not None:
            pack_key = PlanCache.pack_key(key, self._pack, self.policy_config) if key else None
            if pack_key and self.cache is not None:
                violations = self.cache.get_violations(pack_key)
            if violations is None:
                violations = check_stack(self.policy_pack, self.project.name, name, program, self.configs[name],
                                         self.policy_config, self.progress)
                if pack_key and self.cache is not None:
                    self.cache.put_violations(pack_key, violations)
        plan = program()
        if key and self.cache is not None and name not in self._from_cache:
            self.cache.put_program(key, plan)
        if violations is not None:
            plan.violations = violations
        return plan
