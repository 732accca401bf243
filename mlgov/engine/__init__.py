"""The offline engine behind ``mlgov plan``: program under mocks, then the policy pack.

See ARCHITECTURE.md, "The offline engine". What it cannot see: provider-side
validation and defaults, real ids and ARNs (it makes realistic ones), drift in
the live organization (``mlgov verify`` does that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlgov.config.loader import read_stack_config, settings_from_config, stack_file
from mlgov.constants import PROJECT
from mlgov.engine.fakes import FakeOrganization
from mlgov.engine.model import Plan, PlannedResource, StackPlan, Violation

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Listing order; planning order follows the references (shared reads org and the environment stacks).
DEFAULT_STACK_ORDER = ("org", "sandbox", "dev", "preprod", "prod", "shared")
DEFAULT_REGION = "us-east-1"


class PlanError(Exception):
    """A stack could not be planned; the message says which and why."""


def available_stacks(stacks_dir: Path) -> list[str]:
    present = {path.name[len("Pulumi."):-len(".yaml")] for path in stacks_dir.glob("Pulumi.*.yaml")}
    known = [name for name in DEFAULT_STACK_ORDER if name in present]
    return known + sorted(present - set(known))


def project_stacks(project_dir: Path) -> list[str]:
    """The stacks of the Pulumi project in ``project_dir`` (one per stack file in its stackConfigDir), in planning order."""
    return available_stacks(ProjectFile.read(project_dir).stacks_dir)


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
    from mlgov.engine.runner import ProgramError, run_program
    from mlgov.engine.monitor import MissingStackReference

    project = ProjectFile.read(project_dir)
    stacks_dir = stacks_dir or project.stacks_dir
    wanted = list(stacks) if stacks else available_stacks(stacks_dir)
    order = _with_dependencies(wanted, stacks_dir, project)
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
            plan.violations = _check(policy_pack, project.name, plan, config, policy_config)
        outputs[name] = plan.outputs
        if name in wanted:
            planned.append(plan)
    return Plan(planned)


@dataclass(frozen=True)
class ProjectFile:
    """The parts of ``Pulumi.yaml`` the engine needs.

    mlgov's own project gets its stack settings validated first (exit 2 on bad
    config, before any program runs); any other Pulumi Python project is run
    as is, so the engine and the pack can check arbitrary programs too (the
    policy pack's broken-stack fixtures are such projects).
    """

    directory: Path
    name: str
    stack_config_dir: str
    _loaded: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, directory: Path) -> "ProjectFile":
        path = directory / "Pulumi.yaml"
        try:
            document = yaml.safe_load(path.read_text()) or {}
        except FileNotFoundError:
            raise PlanError(f"{path}: no Pulumi project here. Fix: point --project-dir at a folder with a Pulumi.yaml") from None
        except yaml.YAMLError as error:
            raise PlanError(f"{path}: not valid YAML ({error})") from None
        name = document.get("name")
        if not isinstance(name, str) or not name:
            raise PlanError(f"{path}: 'name' is missing. Fix: give the project a name")
        return cls(directory, name, str(document.get("stackConfigDir") or "."))

    @property
    def stacks_dir(self) -> Path:
        return self.directory / self.stack_config_dir

    @property
    def is_mlgov(self) -> bool:
        return self.name == PROJECT

    def stack_kind(self, stacks_dir: Path, stack: str) -> str:
        return str(self._settings(stacks_dir, stack).kind) if self.is_mlgov else "program"

    def referenced_stacks(self, stacks_dir: Path, stack: str) -> list[str]:
        return self._settings(stacks_dir, stack).referenced_stacks() if self.is_mlgov else []

    def stack_config(self, stacks_dir: Path, stack: str) -> dict[str, Any]:
        """The stack file's ``config:`` map, read once per plan."""
        key = ("config", stacks_dir, stack)
        if key not in self._loaded:
            self._loaded[key] = read_stack_config(stack_file(stacks_dir, stack))
        return self._loaded[key]

    def _settings(self, stacks_dir: Path, stack: str):
        # Validated once per plan: both questions above are asked for every stack.
        key = ("settings", stacks_dir, stack)
        if key not in self._loaded:
            self._loaded[key] = settings_from_config(stacks_dir, stack, self.stack_config(stacks_dir, stack))
        return self._loaded[key]


def _with_dependencies(wanted: list[str], stacks_dir: Path, project: ProjectFile) -> list[str]:
    order: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in trail:
            raise PlanError(f"stacks reference each other in a cycle: {' -> '.join(trail + (name,))}")
        if not stack_file(stacks_dir, name).exists():
            known = ", ".join(available_stacks(stacks_dir)) or "none"
            raise PlanError(f"no stack file {stack_file(stacks_dir, name)} (stacks here: {known})")
        for dependency in project.referenced_stacks(stacks_dir, name):
            visit(dependency, trail + (name,))
        order.append(name)

    for name in wanted:
        visit(name, ())
    return order


def _region(configs: dict[str, dict[str, Any]]) -> str:
    """The first stack's ``aws:region``: every fake ARN of the run uses it."""
    for config in configs.values():
        region = config.get("aws:region")
        if isinstance(region, str):
            return region
    return DEFAULT_REGION


def _check(policy_pack: Path, project: str, plan: StackPlan, config: dict[str, Any], policy_config: dict[str, Any] | None) -> list[Violation]:
    from mlgov.policy_runner import PolicyConfigError, run_policy_pack

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


__all__ = ["Plan", "PlanError", "PlannedResource", "StackPlan", "Violation", "available_stacks", "plan_stacks", "project_stacks", "PROJECT_DIR"]
