"""The effectiveness matrix: every scenario evaluated in every OU of a planned organization.

Input is one stack of a plan (docs/plan-format.md): the OU tree comes from the
``OrganizationalUnit`` resources, the SCP texts from ``Policy``, where they hang
from ``PolicyAttachment``. AWS attaches ``FullAWSAccess`` to the root, every OU and
every account unless someone detaches it; the plan never shows it (it is AWS
managed), so it is added at every level here. Each OU gets a hypothetical member
account as the last level, with FullAWSAccess only.

Scenarios with an ``access`` block (a role reading another account's bucket) also
need the plans of the stacks they name; their decision includes identity, bucket
and key policies (``mlgov.scp.access``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlgov.constants import ROOT, TypeToken
from mlgov.scp.access import AccessShapeError, PlannedStacks, evaluate_access
from mlgov.scp.evaluator import FULL_AWS_ACCESS, AttachedPolicy, Decision, Level, evaluate
from mlgov.scp.scenarios import Scenario, ScenarioCatalogue

FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
ACCOUNT_LEVEL = "Account"


class PlanShapeError(ValueError):
    """The plan does not describe an organization the matrix can walk."""


def _props(resource: Mapping[str, Any], key: str) -> Any:
    outputs = resource.get("outputs") or {}
    inputs = resource.get("inputs") or {}
    value = outputs.get(key)
    return value if value not in (None, "") else inputs.get(key)


@dataclass(frozen=True)
class OrgModel:
    root_id: str
    ou_names: Mapping[str, str]  # id -> name
    ou_parents: Mapping[str, str]  # id -> parent id
    policies: Mapping[str, AttachedPolicy]  # id -> policy
    attachments: Mapping[str, tuple[str, ...]]  # target id -> policy ids, in plan order

    def ou_id(self, name: str) -> str:
        for ou_id, ou_name in self.ou_names.items():
            if ou_name == name:
                return ou_id
        known = ", ".join(sorted(self.ou_names.values())) or "none"
        raise PlanShapeError(f"OU {name!r} is not in the plan; OUs planned: {known}")


def org_model(plan_stack: Mapping[str, Any]) -> OrgModel:
    resources = plan_stack.get("resources")
    if not isinstance(resources, list):
        raise PlanShapeError("the plan stack has no resources list")
    root_id: str | None = None
    ou_names: dict[str, str] = {}
    ou_parents: dict[str, str] = {}
    policies: dict[str, AttachedPolicy] = {}
    attachments: dict[str, list[str]] = {}
    for resource in resources:
        kind = resource.get("type")
        if kind == TypeToken.ORGANIZATION:
            roots = (resource.get("outputs") or {}).get("roots") or []
            if roots and isinstance(roots[0], Mapping) and roots[0].get("id"):
                root_id = str(roots[0]["id"])
        elif kind == TypeToken.ORGANIZATIONAL_UNIT:
            ou_id = _props(resource, "id") or resource.get("id")
            name = _props(resource, "name")
            parent = _props(resource, "parentId")
            if not ou_id or not name or not parent:
                raise PlanShapeError(f"OU resource {resource.get('name')!r} lacks id, name or parentId")
            ou_names[str(ou_id)] = str(name)
            ou_parents[str(ou_id)] = str(parent)
        elif kind == TypeToken.POLICY:
            policy_type = _props(resource, "type") or "SERVICE_CONTROL_POLICY"
            if policy_type != "SERVICE_CONTROL_POLICY":
                continue
            policy_id = _props(resource, "id") or resource.get("id")
            content = _props(resource, "content")
            if not policy_id or not isinstance(content, str) or content == "[secret]":
                raise PlanShapeError(f"policy resource {resource.get('name')!r} lacks an id or its content")
            try:
                document = json.loads(content)
            except json.JSONDecodeError as exc:
                raise PlanShapeError(f"policy {resource.get('name')!r} content is not JSON: {exc}") from exc
            name = _props(resource, "name") or resource.get("name")
            if str(policy_id) in policies:
                raise PlanShapeError(
                    f"policies {policies[str(policy_id)].name!r} and {name!r} share the id {policy_id}: "
                    "attachments to it are ambiguous"
                )
            policies[str(policy_id)] = AttachedPolicy(name=str(name), document=document)
    for resource in resources:
        if resource.get("type") != TypeToken.POLICY_ATTACHMENT:
            continue
        policy_id = _props(resource, "policyId")
        target_id = _props(resource, "targetId")
        if not policy_id or not target_id:
            raise PlanShapeError(f"policy attachment {resource.get('name')!r} lacks policyId or targetId")
        if policy_id not in policies and policy_id != FULL_AWS_ACCESS_ID:
            continue  # another policy type (tag, backup ...)
        attachments.setdefault(str(target_id), []).append(str(policy_id))
    if root_id is None:
        # An existing organization is read, not created: take the root from the OU tree.
        roots = {parent for parent in ou_parents.values() if parent.startswith("r-")}
        roots |= {target for target in attachments if target.startswith("r-")}
        if len(roots) != 1:
            raise PlanShapeError(f"cannot tell the organization root from the plan (candidates: {sorted(roots) or 'none'})")
        root_id = roots.pop()
    return OrgModel(
        root_id=root_id,
        ou_names=ou_names,
        ou_parents=ou_parents,
        policies=policies,
        attachments={k: tuple(v) for k, v in attachments.items()},
    )


def _level(model: OrgModel, target_id: str, label: str) -> Level:
    attached = [FULL_AWS_ACCESS]
    for policy_id in model.attachments.get(target_id, ()):
        if policy_id != FULL_AWS_ACCESS_ID:
            attached.append(model.policies[policy_id])
    return Level(target=label, policies=tuple(attached))


def levels_for_model(model: OrgModel, ou_name: str) -> list[Level]:
    path: list[str] = []
    current = model.ou_id(ou_name)
    while current != model.root_id:
        if current in path or current not in model.ou_parents:
            raise PlanShapeError(f"OU {ou_name!r} does not lead to the root {model.root_id}")
        path.append(current)
        current = model.ou_parents[current]
    levels = [_level(model, model.root_id, ROOT)]
    levels += [_level(model, ou_id, model.ou_names[ou_id]) for ou_id in reversed(path)]
    levels.append(Level(target=f"{ACCOUNT_LEVEL} in {ou_name}", policies=(FULL_AWS_ACCESS,)))
    return levels


def levels_for_ou(plan_stack: Mapping[str, Any], ou_name: str) -> list[Level]:
    """Root -> ... -> ``ou_name`` -> a member account, each with its SCPs."""
    return levels_for_model(org_model(plan_stack), ou_name)


@dataclass(frozen=True)
class MatrixCell:
    scenario: str
    ou: str
    decision: Decision
    expected: str | None  # "allowed" | "denied" | None

    @property
    def verdict(self) -> str:
        return "allowed" if self.decision.allowed else "denied"

    @property
    def matches(self) -> bool | None:
        return None if self.expected is None else self.expected == self.verdict

    @property
    def deciding(self) -> str:
        d = self.decision
        if d.reason == "explicit-deny":
            return f"{d.policy}/{d.sid}" if d.sid else f"{d.policy}"
        if d.reason == "no-allow":
            return f"no Allow at {d.level}"
        return ""


@dataclass(frozen=True)
class Matrix:
    ous: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    cells: tuple[MatrixCell, ...]

    def cell(self, scenario_id: str, ou: str) -> MatrixCell:
        for cell in self.cells:
            if cell.scenario == scenario_id and cell.ou == ou:
                return cell
        raise KeyError((scenario_id, ou))

    @property
    def mismatches(self) -> tuple[MatrixCell, ...]:
        return tuple(c for c in self.cells if c.matches is False)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def organization_id(plan_stack: Mapping[str, Any]) -> str:
    """The organization's id: the org stack's output, or its Organization resource."""
    exported = (plan_stack.get("outputs") or {}).get("organizationId")
    if exported:
        return str(exported)
    for resource in plan_stack.get("resources") or []:
        if resource.get("type") == TypeToken.ORGANIZATION and _props(resource, "id"):
            return str(_props(resource, "id"))
    raise PlanShapeError("the plan names no organization id (output organizationId or an Organization resource)")


def build_matrix(
    plan_stack: Mapping[str, Any],
    scenarios: ScenarioCatalogue,
    ous: Sequence[str] | None = None,
    stacks: Mapping[str, Mapping[str, Any]] | None = None,
) -> Matrix:
    """Every scenario in every OU. ``stacks``: plans by stack name, for the scenarios with an ``access`` block."""
    model = org_model(plan_stack)
    chosen = tuple(ous) if ous is not None else scenarios.ous
    levels = {ou: levels_for_model(model, ou) for ou in chosen}
    missing = [stack for stack in scenarios.access_stacks() if stack not in (stacks or {})]
    if missing:
        needing = [s.id for s in scenarios.scenarios if s.access and set(s.access.stacks) & set(missing)]
        raise PlanShapeError(
            f"scenario(s) {', '.join(needing)} read the plans of stack(s) {', '.join(missing)}: "
            "plan them too (mlgov plan --format json plans every stack)"
        )
    plans = PlannedStacks(stacks or {})
    cells = []
    for scenario in scenarios.scenarios:
        for ou in chosen:
            if scenario.access is None:
                decision = evaluate(scenario.request, levels[ou])
            else:
                try:
                    region = str(scenario.request.context.get("aws:RequestedRegion", ""))
                    decision = evaluate_access(scenario.access, scenario.request, levels[ou], plans, organization_id(plan_stack), region)
                except AccessShapeError as error:
                    raise PlanShapeError(f"scenario {scenario.id}: {error}") from None
            cells.append(MatrixCell(scenario=scenario.id, ou=ou, decision=decision, expected=scenario.expected.get(ou)))
    return Matrix(ous=chosen, scenarios=scenarios.scenarios, cells=tuple(cells))


# ----------------------------------------------------------------------------- renderers


def _short(cell: MatrixCell) -> str:
    word = "Allowed" if cell.decision.allowed else "Denied"
    mark = {True: "", False: " ✗ expected " + str(cell.expected), None: " (no expectation)"}[cell.matches]
    deciding = f" [{cell.deciding}]" if cell.deciding else ""
    return word + deciding + mark


def to_json(matrix: Matrix) -> str:
    rows = []
    for cell in matrix.cells:
        rows.append(
            {
                "scenario": cell.scenario,
                "ou": cell.ou,
                "decision": cell.verdict,
                "expected": cell.expected,
                "matches": cell.matches,
                "reason": cell.decision.reason,
                "level": cell.decision.level,
                "policy": cell.decision.policy,
                "sid": cell.decision.sid,
                "detail": cell.decision.detail,
            }
        )
    payload = {
        "ous": list(matrix.ous),
        "scenarios": [{"id": s.id, "description": s.description, "action": s.request.action} for s in matrix.scenarios],
        "cells": rows,
        "summary": {"cells": len(matrix.cells), "mismatches": len(matrix.mismatches), "ok": matrix.ok},
    }
    return json.dumps(payload, indent=2, sort_keys=False) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(matrix: Matrix) -> str:
    lines = ["| Scenario | " + " | ".join(matrix.ous) + " |", "|---|" + "---|" * len(matrix.ous)]
    for scenario in matrix.scenarios:
        row = [f"**{scenario.id}**<br>{_md_escape(scenario.description)}"]
        for ou in matrix.ous:
            row.append(_md_escape(_short(matrix.cell(scenario.id, ou))))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append(
        f"{len(matrix.cells)} decisions, {len(matrix.mismatches)} differ from the catalogue's expectation."
    )
    return "\n".join(lines) + "\n"


def to_text(matrix: Matrix, console: Any = None) -> str:
    """A rich table rendered to plain text (no colour codes), for terminals and logs."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="SCP effectiveness matrix", show_lines=True)
    table.add_column("Scenario", overflow="fold")
    for ou in matrix.ous:
        table.add_column(ou, overflow="fold")
    for scenario in matrix.scenarios:
        row = [escape(scenario.id)]
        for ou in matrix.ous:
            row.append(escape(_short(matrix.cell(scenario.id, ou))))
        table.add_row(*row)
    out = console or Console(record=True, width=200, color_system=None, force_terminal=False)
    with out.capture() as capture:
        out.print(table)
        out.print(f"{len(matrix.cells)} decisions, {len(matrix.mismatches)} differ from the catalogue's expectation.")
    return capture.get()


RENDERERS = {"text": to_text, "json": to_json, "markdown": to_markdown}
