"""What the automation layer returns: changes, violations, blast radius, outputs, durations.

Plain dataclasses with ``to_dict``/``from_dict`` so a service can store a
preview as JSON and read it back unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

# What a resource change does, in the engine's words (pulumi's OpType), reduced to the four a reviewer reads.
OPS = ("create", "update", "replace", "delete")


@dataclass(frozen=True)
class ResourceChange:
    """One resource the stack would create, update, replace or delete, and the properties that cause it."""

    op: str
    urn: str
    type: str
    name: str
    properties: list[str] = field(default_factory=list)
    protect: bool = False
    retain_on_delete: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PolicyViolation:
    policy: str
    level: str  # mandatory | advisory
    urn: str
    message: str
    new: bool = True  # False when the stack already had it before this change

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StackPreview:
    """The preview of one stack: what changes, what the policy pack says, how far a guardrail change reaches."""

    stack: str
    engine: str  # offline | pulumi
    changes: list[ResourceChange] = field(default_factory=list)
    violations: list[PolicyViolation] = field(default_factory=list)
    blast_radius: list[dict[str, Any]] = field(default_factory=list)
    destructive: list[dict[str, Any]] = field(default_factory=list)
    output_changes: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    markdown: str = ""
    base_fingerprint: str = ""
    plan_file: str | None = None
    duration_s: float = 0.0

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.output_changes)

    @property
    def mandatory_violations(self) -> list[PolicyViolation]:
        return [v for v in self.violations if v.level == "mandatory"]

    def counts(self) -> dict[str, int]:
        return {op: sum(1 for change in self.changes if change.op == op) for op in OPS}

    def to_dict(self) -> dict[str, Any]:
        document = asdict(self)
        document["counts"] = self.counts()
        return document

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> "StackPreview":
        values = {key: value for key, value in document.items() if key in cls.__dataclass_fields__}
        values["changes"] = [ResourceChange(**change) for change in document.get("changes", [])]
        values["violations"] = [PolicyViolation(**violation) for violation in document.get("violations", [])]
        return cls(**values)


@dataclass
class PreviewResult:
    stacks: list[StackPreview]
    duration_s: float = 0.0

    @property
    def affected(self) -> list[StackPreview]:
        """Stacks the change reaches (anything to create, update, replace or delete, or an output that moves)."""
        return [stack for stack in self.stacks if stack.has_changes]

    @property
    def mandatory_violations(self) -> list[PolicyViolation]:
        return [v for stack in self.stacks for v in stack.mandatory_violations]


@dataclass
class UpResult:
    stack: str
    outputs: dict[str, Any]
    summary: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Progress:
    """Resources done out of the total the engine announced, per stack and operation."""

    stack: str
    operation: str  # preview | up | refresh
    done: int
    total: int
    urn: str = ""


ProgressCallback = Callable[[Progress], None]
