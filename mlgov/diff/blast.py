"""Blast radius: the OUs and accounts a changed SCP, attachment or control reaches.

Reads the organization with :class:`mlgov.engine.org_view.OrgView` over every
planned stack together (the org stack's OUs and policies, and the accounts
environment stacks vend into those OUs: fake ids are derived from URNs, so a
project account's ``parentId`` is the org stack's OU id). Additions and
changes are measured on the head plan, removals on the base plan, and a
change on both (an attachment moving from one OU to another reaches both).
"""

from __future__ import annotations

from typing import Any

from mlgov.constants import TypeToken
from mlgov.diff.model import BlastRadius, ResourceChange, StackDiff, TreeNode
from mlgov.engine.org_view import OrgView

BLAST_TYPES = (TypeToken.POLICY, TypeToken.POLICY_ATTACHMENT, TypeToken.CONTROL_TOWER_CONTROL)


def combined_view(stacks: list[dict[str, Any]]) -> OrgView:
    resources = [r for stack in stacks for r in stack.get("resources", [])]
    root = next((str(s.get("outputs", {}).get("rootId", "")) for s in stacks if s.get("outputs", {}).get("rootId")), "")
    view = OrgView.from_resources(resources, root)
    return view


def reach(view: OrgView, target_id: str) -> tuple[set[str], set[str]]:
    """OU ids and account ids a policy on ``target_id`` applies to (the target OU included)."""
    ous, accounts = view.below(target_id)
    ou_ids = {ou.id for ou in ous}
    if target_id in view.ous:
        ou_ids.add(target_id)
    return ou_ids, {account.id for account in accounts}


def _targets(view: OrgView, resource: dict[str, Any]) -> list[str]:
    inputs = resource.get("inputs") or {}
    if resource["type"] == TypeToken.POLICY:
        policy_id = resource.get("id", "")
        return sorted({a.target_id for a in view.attachments if a.policy_id == policy_id})
    if resource["type"] == TypeToken.POLICY_ATTACHMENT:
        return [str(inputs.get("targetId", ""))]
    if resource["type"] == TypeToken.CONTROL_TOWER_CONTROL:
        arn = str(inputs.get("targetIdentifier", ""))
        return [next((ou.id for ou in view.ous.values() if ou.arn == arn), arn)]
    return []


def _names(view: OrgView, ids: set[str], kind: str) -> set[str]:
    table = view.ous if kind == "ou" else view.accounts
    return {table[i].name if i in table else i for i in ids}


def _measure(view: OrgView, resource: dict[str, Any]) -> tuple[set[str], set[str], set[str], set[str], set[str]]:
    targets = _targets(view, resource)
    ou_ids: set[str] = set()
    account_ids: set[str] = set()
    for target in targets:
        ous, accounts = reach(view, target)
        ou_ids |= ous
        account_ids |= accounts
    return ({view.target_name(t) for t in targets}, _names(view, ou_ids, "ou"), _names(view, account_ids, "account"), set(targets), ou_ids | account_ids)


def _is_blast_change(change: ResourceChange) -> bool:
    if change.type not in BLAST_TYPES:
        return False
    if change.action != "update" or change.type != TypeToken.POLICY:
        return True
    return any(c.top_key in ("content", "type") for c in change.changes)


def blast_radius(stack: StackDiff, base_stack: dict[str, Any] | None, head_stack: dict[str, Any] | None,
                 base_view: OrgView, head_view: OrgView) -> tuple[list[BlastRadius], set[str]]:
    """Blast radius entries for one stack, and the ids of the OUs/root the changes touch directly."""
    base_resources = {r["urn"]: r for r in (base_stack or {}).get("resources", [])}
    head_resources = {r["urn"]: r for r in (head_stack or {}).get("resources", [])}
    entries: list[BlastRadius] = []
    touched: set[str] = set()
    for change in stack.added + stack.removed + stack.changed:
        if not _is_blast_change(change):
            continue
        sides = []
        if change.action in ("add", "update"):
            sides.append((head_view, head_resources[change.urn]))
        if change.action in ("remove", "update"):
            sides.append((base_view, base_resources[change.urn]))
        targets: set[str] = set()
        ous: set[str] = set()
        accounts: set[str] = set()
        for view, resource in sides:
            t, o, a, target_ids, _ = _measure(view, resource)
            targets |= t
            ous |= o
            accounts |= a
            touched |= target_ids
        entries.append(BlastRadius(stack.name, change.urn, change.type, change.name, change.action,
                                   sorted(targets), sorted(ous), sorted(accounts)))
    return entries, touched


def account_parents(changes: list[ResourceChange], base_stack: dict[str, Any] | None, head_stack: dict[str, Any] | None) -> set[str]:
    """Parents (OU or root ids) of accounts that are added, removed or changed."""
    base_resources = {r["urn"]: r for r in (base_stack or {}).get("resources", [])}
    head_resources = {r["urn"]: r for r in (head_stack or {}).get("resources", [])}
    parents: set[str] = set()
    for change in changes:
        if change.type != TypeToken.ACCOUNT:
            continue
        sides = []
        if change.action in ("add", "update"):
            sides.append(head_resources.get(change.urn))
        if change.action in ("remove", "update"):
            sides.append(base_resources.get(change.urn))
        for side in sides:
            parent = ((side or {}).get("inputs") or {}).get("parentId")
            if parent:
                parents.add(str(parent))
    return parents


def org_tree(base_view: OrgView, head_view: OrgView, touched: set[str], ou_status: dict[str, str]) -> list[TreeNode]:
    """The OU tree of head and base together, each node marked added/removed/changed or ''."""
    root = head_view.root_id or base_view.root_id
    if not root:
        return []
    nodes = [TreeNode(root, "Root", "", "changed" if root in touched else "",
                      len(head_view.accounts_in(root) if head_view.root_id else base_view.accounts_in(root)))]
    ids = set(head_view.ous) | set(base_view.ous)
    for ou_id in ids:
        in_head = ou_id in head_view.ous
        ou = head_view.ous[ou_id] if in_head else base_view.ous[ou_id]
        status = ou_status.get(ou_id) or ("changed" if ou_id in touched else "")
        count = len((head_view if in_head else base_view).accounts_in(ou_id))
        nodes.append(TreeNode(ou_id, ou.name, ou.parent_id, status, count))
    return [nodes[0]] + sorted(nodes[1:], key=lambda n: (n.name, n.id))
