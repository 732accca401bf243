"""Shared logic of the organization-tree stack policies (guardrail coverage, OU depth).

Each such policy finds gaps in the OU tree and words them; ``coverage_policy`` supplies the
rest: applicability, the preview rule (no verdict while attachments are unresolved), config
and the violation message. ``per_ou`` turns a check of one OU into such a finder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pulumi_policy import PolicyConfigSchema, Severity, StackValidationPolicy

from ..common import is_unknown, mandatory_stack_policy, policy_config, violation
from ..graph import ROOT, Res, StackView
from ..tokens import TypeToken

Config = dict[str, Any]
# A finder returns (what is wrong, urn to blame) pairs, or None when preview leaves no verdict.
Finder = Callable[[StackView, Config], Iterable[tuple[str, str]] | None]
ORG_TYPES = (TypeToken.ORGANIZATION, TypeToken.ORGANIZATIONAL_UNIT)


def applicable_view(args, types: tuple[str, ...] = ORG_TYPES) -> StackView:
    view = StackView(args.resources)
    if not view.of_type(*types):
        kinds = " or ".join(t.rsplit(":", 1)[-1] for t in types)
        args.not_applicable(f"the stack has no {kinds} resources")
    return view


def ous_named(view: StackView, predicate: Callable[[str], bool] | None = None) -> list[Res]:
    """OUs whose (known) name satisfies predicate; every OU when predicate is None."""
    ous = view.of_type(TypeToken.ORGANIZATIONAL_UNIT)
    if predicate is None:
        return ous
    return [ou for ou in ous if isinstance(ou.get("name"), str) and predicate(ou.get("name"))]


def effective_policy_names(view: StackView, ou: Res) -> set[str]:
    """Names of the policies attached to the OU, its ancestors and the root. The root's
    policies apply even when the chain stops short of it (a parent outside this stack, an
    unknown parent): every OU is under the root."""
    names: set[str] = set()
    for target in dict.fromkeys([*view.ancestors(ou), ROOT]):
        names |= view.policy_names_at(target)
    return names


def missing_policies(view: StackView, ou: Res, required: Iterable[str]) -> list[str]:
    """The required policy names that apply neither to the OU nor to an ancestor or the root."""
    present = effective_policy_names(view, ou)
    return [p for p in required if p not in present]


def per_ou(select: Callable[[Config, str], bool] | None, check: Callable[[StackView, Res, Config], Any]) -> Finder:
    """A finder over the OUs ``select(cfg, name)`` accepts (every OU when None); ``check``
    returns what is wrong with one OU, a falsy value when nothing, or UNKNOWN for no verdict
    on the whole stack."""
    def find(view: StackView, cfg: Config) -> list[tuple[str, str]] | None:
        chosen = ous_named(view, None if select is None else (lambda name: select(cfg, name)))
        found = []
        for ou in chosen:
            what = check(view, ou, cfg)
            if is_unknown(what):
                return None
            if what:
                found.append((what, ou.urn))
        return found
    return find


def coverage_policy(*, name: str, description: str, severity: Severity, remediation: str, schema: PolicyConfigSchema,
                    find: Finder, fix: str, applies_to: tuple[str, ...] = ORG_TYPES,
                    needs_attachments: bool = True) -> StackValidationPolicy:
    """A mandatory stack policy reporting every gap ``find`` returns, with ``fix`` as the Fix."""
    def validate(args, report_violation) -> None:
        view = applicable_view(args, applies_to)
        if needs_attachments and view.unresolved_attachments():
            return  # an attachment's target or policy is unknown at preview: cannot prove a gap
        for what, urn in find(view, policy_config(args, schema)) or ():
            report_violation(violation(what, fix), urn)

    return mandatory_stack_policy(name=name, description=description, validate=validate, schema=schema,
                                  severity=severity, remediation=remediation)
