"""A plain view of the stack handed to stack policies: outputs, references, OU tree,
policy attachments.

References between resources are resolved first through ``propertyDependencies``
(exact even at preview, when ids are still unknown) and then by comparing the value
with the ``id`` output of candidate resources.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .common import UNKNOWN, dig, is_unknown, plain
from .tokens import SCP, TypeToken


@dataclass
class Res:
    urn: str
    type: str
    name: str
    props: dict[str, Any]
    protect: bool
    parent: str | None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    provider_props: dict[str, Any] = field(default_factory=dict)
    """Inputs of the resource's provider (region, allowedAccountIds, defaultTags ...); {} when unknown."""

    @property
    def id(self) -> Any:
        return self.props.get("id")

    def get(self, *path: Any) -> Any:
        return dig(self.props, *path)

    @property
    def region(self) -> Any:
        """Where the resource lives: its own ``region`` argument, else its provider's region (None if neither says)."""
        own = self.get("region")
        return own if own is not None else self.provider_props.get("region")


@dataclass(frozen=True)
class Target:
    """Where a policy is attached: the root, an OU (by URN), an account (by URN), or an
    id we cannot map to a resource of this stack."""

    kind: str  # "root" | "ou" | "account" | "id" | "unknown"
    key: str

    def describe(self, view: StackView) -> str:
        if self.kind in ("ou", "account"):
            res = view.by_urn[self.key]
            return f"{res.type.rsplit(':', 1)[-1]} '{res.get('name') or res.name}'"
        if self.kind == "root":
            return "the organization root"
        return f"target '{self.key}'"


ROOT = Target("root", "root")
# The Target kind for a resource of each type a reference may resolve to.
_TARGET_KINDS = {TypeToken.ORGANIZATIONAL_UNIT: "ou", TypeToken.ACCOUNT: "account"}


class StackView:
    def __init__(self, resources: Iterable[Any]) -> None:
        self.resources: list[Res] = []
        for r in resources:
            self.resources.append(
                Res(
                    urn=r.urn,
                    type=r.resource_type,
                    name=r.name,
                    props=plain(r.props),
                    protect=bool(getattr(r.opts, "protect", False)),
                    parent=r.parent.urn if getattr(r, "parent", None) is not None else None,
                    dependencies=[d.urn for d in (r.dependencies or [])],
                    property_dependencies={k: [d.urn for d in v] for k, v in (r.property_dependencies or {}).items()},
                    provider_props=plain(dict(r.provider.props or {})) if getattr(r, "provider", None) is not None else {},
                )
            )
        self.by_urn = {r.urn: r for r in self.resources}
        self._by_type: dict[str, list[Res]] = {}
        for r in self.resources:
            self._by_type.setdefault(r.type, []).append(r)
        self._order = {r.urn: i for i, r in enumerate(self.resources)}

    def of_type(self, *types: str) -> list[Res]:
        """The resources of ``types``, in stack order."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        found = [r for t in dict.fromkeys(types) for r in self._by_type.get(t, ())]
        return sorted(found, key=lambda r: self._order[r.urn])

    # -- references -------------------------------------------------------------------
    def refs(self, res: Res, key: str, *types: str) -> list[Res] | None:
        """The resources of ``types`` that ``res.props[key]`` refers to; [] when it refers
        to none of them; None when that cannot be known (unknown value, no dependency)."""
        deps = [self.by_urn[u] for u in res.property_dependencies.get(key, []) if u in self.by_urn]
        typed = [d for d in deps if d.type in types]
        if typed:
            return typed
        value = res.get(key)
        if is_unknown(value):
            return None
        if value is None:
            return []
        found = [c for c in self.of_type(*types) if c.id == value or (not is_unknown(c.get("arn")) and c.get("arn") == value)]
        return found

    def direct_dependencies(self, res: Res) -> set[str]:
        """URNs ``res`` waits for: its dependencies and the resources its inputs come from."""
        deps = set(res.dependencies)
        for urns in res.property_dependencies.values():
            deps.update(urns)
        deps.discard(res.urn)
        return {d for d in deps if d in self.by_urn}

    def waits_for(self, res: Res, other: Res) -> bool:
        """True when ``res`` is created only after ``other`` (a dependency path from one to the other)."""
        seen: set[str] = set()
        pending = [res.urn]
        while pending:
            urn = pending.pop()
            for dep in self.direct_dependencies(self.by_urn[urn]):
                if dep == other.urn:
                    return True
                if dep not in seen:
                    seen.add(dep)
                    pending.append(dep)
        return False

    def depends_on_type(self, res: Res, key: str, type_: str) -> bool:
        return any(self.by_urn[u].type == type_ for u in res.property_dependencies.get(key, []) if u in self.by_urn)

    # -- organization tree ------------------------------------------------------------
    def _target(self, res: Res, key: str, *types: str) -> Target:
        """What ``res.props[key]`` designates: a resource of ``types`` (tried in order, each
        an OU or account type), the root (an ``r-`` id or a dependency on the Organization),
        an id we cannot map, or unknown."""
        for type_ in types:
            found = self.refs(res, key, type_)
            if found:
                return Target(_TARGET_KINDS[type_], found[0].urn)
        value = res.get(key)
        if isinstance(value, str) and value.startswith("r-"):
            return ROOT
        if self.depends_on_type(res, key, TypeToken.ORGANIZATION):
            return ROOT
        if is_unknown(value) or value is None:
            return Target("unknown", res.urn)
        return Target("id", str(value))

    def ou_parent(self, ou: Res) -> Target:
        """The parent of an OU or account."""
        return self._target(ou, "parentId", TypeToken.ORGANIZATIONAL_UNIT)

    def ou_depth(self, ou: Res) -> int | None:
        """Levels below the root (a child of the root has depth 1); None when unknowable."""
        depth, seen, cur = 1, {ou.urn}, ou
        while True:
            parent = self.ou_parent(cur)
            if parent.kind == "root":
                return depth
            if parent.kind != "ou" or parent.key in seen:
                return None
            seen.add(parent.key)
            cur = self.by_urn[parent.key]
            depth += 1

    def ancestors(self, ou: Res) -> list[Target]:
        """The OU itself, then its ancestors, then the root when the chain reaches it."""
        chain = [Target("ou", ou.urn)]
        seen, cur = {ou.urn}, ou
        while True:
            parent = self.ou_parent(cur)
            if parent.kind == "ou" and parent.key not in seen:
                chain.append(parent)
                seen.add(parent.key)
                cur = self.by_urn[parent.key]
                continue
            if parent.kind in ("root", "id"):
                chain.append(parent)
            return chain

    # -- policies and attachments -----------------------------------------------------
    def attachment_target(self, att: Res) -> Target:
        return self._target(att, "targetId", TypeToken.ORGANIZATIONAL_UNIT, TypeToken.ACCOUNT)

    def attached_policy(self, att: Res) -> Res | None | Any:
        """The Policy resource an attachment attaches; None if it is not in this stack
        (e.g. FullAWSAccess by id); UNKNOWN when that cannot be told at preview."""
        found = self.refs(att, "policyId", TypeToken.POLICY)
        if found is None:
            return UNKNOWN
        return found[0] if found else None

    @cached_property
    def attachments(self) -> list[tuple[Res, Target, Any]]:
        """Every PolicyAttachment with its target and attached policy (computed once)."""
        return [(a, self.attachment_target(a), self.attached_policy(a)) for a in self.of_type(TypeToken.POLICY_ATTACHMENT)]

    def policy_names_at(self, target: Target) -> set[str]:
        names: set[str] = set()
        for _att, tgt, pol in self.attachments:
            if tgt == target and isinstance(pol, Res):
                name = pol.get("name")
                if isinstance(name, str):
                    names.add(name)
        return names

    def unresolved_attachments(self) -> bool:
        """True when some attachment's target or policy is unknowable (preview): coverage
        policies then cannot prove a guardrail missing."""
        return any(t.kind == "unknown" or is_unknown(p) for _a, t, p in self.attachments)

    @staticmethod
    def policy_type(policy: Res) -> Any:
        value = policy.get("type")
        return SCP if value is None else value
