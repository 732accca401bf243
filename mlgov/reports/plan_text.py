"""The text report of ``mlgov plan``: the organization as a tree, then each stack's summary."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.tree import Tree

from mlgov.engine.org_view import OrgView


def _label_ou(view: OrgView, node_id: str, name: str) -> str:
    # Names, ids and messages come from the stack's settings: escaped, so '[' is printed, never read as markup.
    parts = [f"[bold]{escape(name)}[/bold] [dim]{escape(node_id)}[/dim]"]
    policies = [policy.name for policy in view.policies_on(node_id)]
    if policies:
        parts.append(escape(f"SCPs: {', '.join(policies)}"))
    controls = view.controls_on(node_id)
    if controls:
        parts.append(escape(f"controls: {', '.join(controls)}"))
    return "\n".join(parts)


def org_tree(view: OrgView) -> Tree:
    tree = Tree(_label_ou(view, view.root_id, "Root"))

    def add(branch: Tree, parent_id: str) -> None:
        for account in view.accounts_in(parent_id):
            branch.add(f"[green]account[/green] {escape(str(account.name))} [dim]{escape(f'{account.id} {account.email}')}[/dim]")
        for ou in view.children(parent_id):
            add(branch.add(_label_ou(view, ou.id, ou.name)), ou.id)

    add(tree, view.root_id)
    return tree


def render_stack(stack: dict[str, Any]) -> Group:
    items: list[Any] = [f"[bold]Stack {escape(stack['name'])}[/bold] ({escape(str(stack['kind']))}): {stack['summary']['resources']} resources"]
    for kind, count in stack["summary"]["by_type"].items():
        items.append(escape(f"  {count:4d}  {kind}"))
    view = OrgView.from_stack(stack)
    if view.ous:
        items.append(org_tree(view))
    violations = stack.get("violations") or []
    if violations:
        items.append(f"[bold red]{len(violations)} policy violation(s)[/bold red]")
        for violation in violations:
            colour = "red" if violation["level"] == "mandatory" else "yellow"
            items.append(f"  [{colour}]{violation['level']}[/{colour}] " + escape(f"{violation['policy']}: {violation['urn']}\n    {violation['message']}"))
    else:
        items.append("[green]No policy violations.[/green]")
    return Group(*items)


def print_plan(plan: dict[str, Any], console: Console) -> None:
    for stack in plan["stacks"]:
        console.print(render_stack(stack))
        console.print()
