"""Shared logic of the guardrail-coverage stack policies."""

from __future__ import annotations

from ..graph import Res, StackView, Target
from ..tokens import TypeToken


def applicable_view(args) -> StackView:
    view = StackView(args.resources)
    if not view.has_org_resources():
        args.not_applicable("the stack has no Organization or organizational units")
    return view


def ous_named(view: StackView, predicate) -> list[Res]:
    return [ou for ou in view.of_type(TypeToken.ORGANIZATIONAL_UNIT)
            if isinstance(ou.get("name"), str) and predicate(ou.get("name"))]


def effective_policy_names(view: StackView, ou: Res) -> set[str]:
    """Names of the policies attached to the OU, its ancestors and the root."""
    names: set[str] = set()
    for target in view.ancestors(ou):
        names |= view.policy_names_at(target)
    names |= view.policy_names_at(Target("root", "root"))
    return names
