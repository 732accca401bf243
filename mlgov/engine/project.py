"""The parts of a Pulumi project the offline engine needs: ``Pulumi.yaml`` and its stack files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlgov.config.loader import NAMESPACES, read_stack_config, settings_from_config, stack_file
from mlgov.config.stacks import validate_stacks
from mlgov.constants import PROJECT
from mlgov.engine.errors import PlanError

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Listing order; planning order follows the references (shared reads org and the environment stacks).
DEFAULT_STACK_ORDER = ("org", "sandbox", "dev", "preprod", "prod", "shared")


def available_stacks(stacks_dir: Path) -> list[str]:
    present = {path.name[len("Pulumi."):-len(".yaml")] for path in stacks_dir.glob("Pulumi.*.yaml")}
    known = [name for name in DEFAULT_STACK_ORDER if name in present]
    return known + sorted(present - set(known))


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

    def validate(self, stacks_dir: Path, stacks: list[str]) -> None:
        """mlgov's own project: validate ``stacks`` and every stack they reference together, before any program runs.

        Raises one ConfigError naming every mistake in every stack file and catalogue involved.
        """
        if not self.is_mlgov:
            return
        validated = validate_stacks(stacks_dir, stacks)
        for name, settings in validated.settings.items():
            self._loaded[("config", stacks_dir, name)] = validated.configs[name]
            self._loaded[("settings", stacks_dir, name)] = settings

    def stack_kind(self, stacks_dir: Path, stack: str) -> str:
        return str(self._settings(stacks_dir, stack).kind) if self.is_mlgov else "program"

    def referenced_stacks(self, stacks_dir: Path, stack: str) -> list[str]:
        return self._settings(stacks_dir, stack).referenced_stacks() if self.is_mlgov else []

    def plan_inputs(self, stacks_dir: Path, stack: str) -> Any:
        """What the stack's program reads besides its config values, as JSON data (the plan cache keys on it).

        For mlgov's stacks: the validated settings, of which only the parts the
        stack's program uses (``plan_inputs()`` of the settings model). For any
        other project: every file of the stack folder, since its program may read any.
        """
        if not self.is_mlgov:
            from mlgov.engine.cache import tree_digest

            return tree_digest(stacks_dir)
        return self._settings(stacks_dir, stack).plan_inputs()

    def stack_config(self, stacks_dir: Path, stack: str) -> dict[str, Any]:
        """The stack file's ``config:`` map, read once per plan."""
        key = ("config", stacks_dir, stack)
        if key not in self._loaded:
            self._loaded[key] = read_stack_config(stack_file(stacks_dir, stack), NAMESPACES if self.is_mlgov else None)
        return self._loaded[key]

    def _settings(self, stacks_dir: Path, stack: str):
        # Validated once per plan: both questions above are asked for every stack.
        key = ("settings", stacks_dir, stack)
        if key not in self._loaded:
            self._loaded[key] = settings_from_config(stacks_dir, stack, self.stack_config(stacks_dir, stack))
        return self._loaded[key]
