"""The diff as data: what ``mlgov diff`` found, before any rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlgov.force_replace import path_segments


class DiffError(Exception):
    """The diff could not be made (unknown ref, not a git repository, a plan failed)."""


class _Missing:
    """A property that is absent on one side (distinct from ``None``/null)."""

    _instance: "_Missing | None" = None

    def __new__(cls) -> "_Missing":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class PropertyChange:
    """One differing value; ``path`` is a JSON pointer into the inputs (``/tags/mlgov:stack``).

    Inside a string holding JSON (an SCP's ``content``) the path continues after ``#``
    (``/content#/Statement[Sid=DenyOutsideAllowedRegions]/Condition``); statements are
    matched by Sid, lists of scalars are compared whole.
    """

    path: str
    old: Any = MISSING
    new: Any = MISSING

    @property
    def kind(self) -> str:
        if self.old is MISSING:
            return "added"
        if self.new is MISSING:
            return "removed"
        return "changed"

    @property
    def top_key(self) -> str:
        """The input property this change is under (``email`` for ``/email``; ``""`` for ``(protect)``)."""
        names = path_segments(self.path) if self.path.startswith("/") else ()
        return names[0] if names else ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.old is not MISSING:
            out["old"] = self.old
        if self.new is not MISSING:
            out["new"] = self.new
        return out


@dataclass
class ResourceChange:
    """One added, removed or updated resource; an update whose ``replace_causes`` is not empty is a replacement."""

    urn: str
    type: str
    name: str
    action: str  # add | remove | update
    protect: bool = False
    changes: list[PropertyChange] = field(default_factory=list)
    replace_causes: list[str] = field(default_factory=list)  # the ForceNew property paths the changes hit

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"urn": self.urn, "type": self.type, "name": self.name, "action": self.action, "protect": self.protect}
        if self.action == "update":
            out["changes"] = [change.to_dict() for change in self.changes]
            out["replace"] = bool(self.replace_causes)
            out["replace_causes"] = list(self.replace_causes)
        return out


@dataclass
class Danger:
    """A deletion or replacement of a stateful resource (:data:`mlgov.force_replace.STATEFUL_TYPES`)."""

    stack: str
    urn: str
    type: str
    name: str
    action: str  # delete | replace
    reason: str
    protected: bool
    dependents: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)  # for a replacement: the property paths that cause it

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack, "urn": self.urn, "type": self.type, "name": self.name, "action": self.action,
            "reason": self.reason, "protected": self.protected, "dependents": list(self.dependents), "causes": list(self.causes),
        }


@dataclass
class BlastRadius:
    """The OUs and accounts a changed SCP, attachment or control reaches (inheritance included)."""

    stack: str
    urn: str
    type: str
    name: str
    action: str
    targets: list[str]
    ous: list[str]
    accounts: list[str]

    @property
    def summary(self) -> str:
        return f"this change affects {_count(len(self.ous), 'OU')} and {_count(len(self.accounts), 'account')}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack, "urn": self.urn, "type": self.type, "name": self.name, "action": self.action,
            "targets": list(self.targets), "ous": list(self.ous), "accounts": list(self.accounts), "summary": self.summary,
        }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@dataclass
class StackDiff:
    name: str
    kind: str
    in_base: bool
    in_head: bool
    added: list[ResourceChange] = field(default_factory=list)
    removed: list[ResourceChange] = field(default_factory=list)
    changed: list[ResourceChange] = field(default_factory=list)
    violations_new: list[dict[str, str]] = field(default_factory=list)
    violations_resolved: list[dict[str, str]] = field(default_factory=list)
    violations_kept: list[dict[str, str]] = field(default_factory=list)
    outputs: list[PropertyChange] = field(default_factory=list)
    dangers: list[Danger] = field(default_factory=list)
    blast: list[BlastRadius] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.violations_new or self.violations_resolved or self.outputs)

    @property
    def replaced(self) -> list[ResourceChange]:
        return [change for change in self.changed if change.replace_causes]

    @property
    def head_mandatory(self) -> list[dict[str, str]]:
        return [v for v in self.violations_new + self.violations_kept if v.get("level") == "mandatory"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "in_base": self.in_base,
            "in_head": self.in_head,
            "added": [r.to_dict() for r in self.added],
            "removed": [r.to_dict() for r in self.removed],
            "changed": [r.to_dict() for r in self.changed],
            "violations": {"new": self.violations_new, "resolved": self.violations_resolved, "unchanged": self.violations_kept},
            "outputs": [change.to_dict() for change in self.outputs],
            "destructive": [d.to_dict() for d in self.dangers],
            "blast_radius": [b.to_dict() for b in self.blast],
        }


@dataclass(frozen=True)
class TreeNode:
    """One node of the OU tree as the PR changes it; ``status`` is added/removed/changed or ''."""

    id: str
    name: str
    parent_id: str
    status: str
    accounts: int


@dataclass
class DiffReport:
    base_ref: str
    base_commit: str
    stacks: list[StackDiff]
    tree: list[TreeNode] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return all(stack.empty for stack in self.stacks)

    @property
    def dangers(self) -> list[Danger]:
        return [d for stack in self.stacks for d in stack.dangers]

    @property
    def blast(self) -> list[BlastRadius]:
        return [b for stack in self.stacks for b in stack.blast]

    @property
    def exit_code(self) -> int:
        """0 unless the head has a mandatory policy violation (then 1)."""
        return 1 if any(stack.head_mandatory for stack in self.stacks) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": {"ref": self.base_ref, "commit": self.base_commit},
            "empty": self.empty,
            "destructive": [d.to_dict() for d in self.dangers],
            "stacks": [stack.to_dict() for stack in self.stacks],
            "ou_tree": [
                {"id": n.id, "name": n.name, "parent_id": n.parent_id, "status": n.status, "accounts": n.accounts} for n in self.tree
            ],
        }
