"""The plan: what a stack would create, as data (docs/plan-format.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from mlgov.violation import Violation


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    id: str
    parent: str
    custom: bool
    protect: bool
    provider: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    retain_on_delete: bool = False
    import_id: str = ""
    ignore_changes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StackPlan:
    name: str
    kind: str
    resources: list[PlannedResource]
    outputs: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)

    def of_type(self, type_: str) -> list[PlannedResource]:
        return [resource for resource in self.resources if resource.type == type_]

    def by_urn(self) -> dict[str, PlannedResource]:
        return {resource.urn: resource for resource in self.resources}

    def waits_for(self, resource: PlannedResource, other: PlannedResource) -> bool:
        """True when the engine creates ``resource`` only after ``other``: a path of dependencies
        (``depends_on`` or inputs taken from another resource) leads from one to the other."""
        by_urn = self.by_urn()
        pending, seen = [resource.urn], set()
        while pending:
            current = by_urn[pending.pop()]
            for dep in [*current.dependencies, *(urn for urns in current.property_dependencies.values() for urn in urns)]:
                if dep == other.urn:
                    return True
                if dep not in seen and dep in by_urn:
                    seen.add(dep)
                    pending.append(dep)
        return False

    def mandatory_violations(self) -> list[Violation]:
        return [violation for violation in self.violations if violation.level == "mandatory"]

    def to_dict(self) -> dict[str, Any]:
        by_type = Counter(resource.type for resource in self.resources)
        return {
            "name": self.name,
            "kind": self.kind,
            "resources": [resource.to_dict() for resource in self.resources],
            "outputs": self.outputs,
            "violations": [asdict(violation) for violation in self.violations],
            "summary": {"resources": len(self.resources), "by_type": dict(sorted(by_type.items()))},
        }


@dataclass
class Plan:
    stacks: list[StackPlan]

    def to_dict(self) -> dict[str, Any]:
        return {"stacks": [stack.to_dict() for stack in self.stacks]}

    def stack(self, name: str) -> StackPlan:
        for stack in self.stacks:
            if stack.name == name:
                return stack
        raise KeyError(name)
