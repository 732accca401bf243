"""Planning order: every stack after the stacks it reads through StackReferences."""

from __future__ import annotations

from pathlib import Path

from mlgov.config.loader import stack_file
from mlgov.engine.errors import PlanError
from mlgov.engine.project import ProjectFile, available_stacks


def with_dependencies(wanted: list[str], stacks_dir: Path, project: ProjectFile) -> list[str]:
    """``wanted`` plus the stacks they reference, each after its references; a cycle is an error."""
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
