"""Render a :class:`DiffReport` as text, JSON or a markdown PR comment.

Everything is sorted and nothing depends on time, temp paths or the machine,
so the same plans give the same bytes and a sticky comment is updated in place
only when the diff really changes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mlgov.diff.model import MISSING, DiffReport, PropertyChange, ResourceChange, StackDiff, TreeNode

MARKER = "<!-- mlgov-diff -->"
VALUE_LIMIT = 300
COMMENT_BUDGET = 60_000  # GitHub refuses comments over 65,536 characters
REPLACEMENTS_SHOWN = 50
MERMAID_CLASSES = {
    "changed": "fill:#fff3cd,stroke:#d39e00,stroke-width:3px",
    "added": "fill:#d4edda,stroke:#28a745,stroke-width:3px",
    "removed": "fill:#f8d7da,stroke:#dc3545,stroke-width:3px,stroke-dasharray:5 5",
}


def value(item: Any) -> str:
    if item is MISSING:
        return "(absent)"
    text = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if len(text) > VALUE_LIMIT:
        text = f"{text[:VALUE_LIMIT]}… ({len(text)} chars)"
    return text


def _short_type(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def _resource_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _counts(stack: StackDiff) -> str:
    replaced = f" ({len(stack.replaced)} replaced)" if stack.replaced else ""
    return f"{len(stack.added)} added, {len(stack.removed)} removed, {len(stack.changed)} changed{replaced}"


def _replace_note(resource: ResourceChange) -> str:
    """`` (replace: email, roleName)`` for a replacement, ``""`` for an update in place or an add/remove."""
    return f" (replace: {', '.join(resource.replace_causes)})" if resource.replace_causes else ""


def _stack_state(stack: StackDiff) -> str:
    return "" if stack.in_base and stack.in_head else (" (new stack)" if stack.in_head else " (stack removed)")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _resource_rows(stack: StackDiff) -> list[tuple[str, ResourceChange]]:
    """(mark, resource) in the order every rendering lists them: ``+`` added, ``-`` removed, ``~`` changed."""
    return [("+", r) for r in stack.added] + [("-", r) for r in stack.removed] + [("~", r) for r in stack.changed]


# ---- JSON -----------------------------------------------------------------------------------

def to_json(report: DiffReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False)


# ---- text -----------------------------------------------------------------------------------

def _change_lines(change: PropertyChange, indent: str) -> list[str]:
    if change.kind == "added":
        return [f"{indent}+ {change.path}: {value(change.new)}"]
    if change.kind == "removed":
        return [f"{indent}- {change.path}: {value(change.old)}"]
    return [f"{indent}~ {change.path}: {value(change.old)} -> {value(change.new)}"]


def _violation_text(violation: dict[str, str]) -> str:
    return f"[{violation['level']}] {violation['policy']} on {_resource_name(violation['urn'])}"


def to_text(report: DiffReport) -> str:
    lines = [f"mlgov diff: working tree against {report.base_ref} ({report.base_commit[:12]})"]
    if report.empty:
        lines.append("No changes: every stack plans exactly as on the base.")
    if report.dangers:
        lines.append("")
        lines.append(f"DESTRUCTIVE ({len(report.dangers)}):")
        for danger in report.dangers:
            lines.append(f"  {danger.action.upper()} {danger.type} {danger.name} (stack {danger.stack}): {danger.reason}")
            if danger.dependents:
                lines.append(f"    depends on it: {', '.join(danger.dependents)}")
    for stack in report.stacks:
        lines.append("")
        lines.append(f"stack {stack.name}{_stack_state(stack)}: {_counts(stack)}")
        for mark, resource in _resource_rows(stack):
            lines.append(f"  {mark} {resource.type} {resource.name}{_replace_note(resource)}")
            if mark == "~":
                for change in resource.changes:
                    lines.extend(_change_lines(change, "      "))
        for violation in stack.violations_new:
            lines.append(f"  new violation {_violation_text(violation)}: {_one_line(violation['message'])}")
        for violation in stack.violations_resolved:
            lines.append(f"  resolved violation {_violation_text(violation)}")
        for violation in stack.violations_kept:
            lines.append(f"  still violated {_violation_text(violation)}")
        if stack.outputs:
            lines.append("  stack outputs:")
            for change in stack.outputs:
                lines.extend(_change_lines(change, "    "))
        for blast in stack.blast:
            lines.append(f"  blast radius of {blast.action} {blast.name} (targets {', '.join(blast.targets) or 'none'}): {blast.summary}")
            if blast.ous:
                lines.append(f"    OUs: {', '.join(blast.ous)}")
            if blast.accounts:
                lines.append(f"    accounts: {', '.join(blast.accounts)}")
    return "\n".join(lines)


# ---- markdown -------------------------------------------------------------------------------

def _md(text: str) -> str:
    """Inline text safe in markdown tables and lists (no HTML, no pipes, one line)."""
    return _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str) -> str:
    text = _one_line(text).replace("`", "'")
    return f"`{text}`"


def _fence(text: str) -> str:
    return text.replace("```", "'''")


def node_id(raw: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", raw)


def _label(text: str) -> str:
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(tree: list[TreeNode]) -> str:
    """``graph TD`` of root and OUs (accounts as counts); changed nodes get a class."""
    lines = ["graph TD"]
    ids = {node.id for node in tree}
    for node in tree:
        accounts = _plural(node.accounts, "account")
        suffix = f" ({node.status})" if node.status in ("added", "removed") else ""
        lines.append(f'  {node_id(node.id)}["{_label(node.name + suffix)}<br/>{accounts}"]')
    edges = sorted((node_id(node.parent_id), node_id(node.id)) for node in tree if node.parent_id in ids)
    for parent, child in edges:
        lines.append(f"  {parent} --> {child}")
    for status, style in MERMAID_CLASSES.items():
        members = sorted(node_id(node.id) for node in tree if node.status == status)
        lines.append(f"  classDef {status} {style}")
        if members:
            lines.append(f"  class {','.join(members)} {status}")
    return "\n".join(lines)


def _summary_line(report: DiffReport) -> str:
    if report.empty:
        return "**No changes**: every stack plans exactly as on the base."
    added = sum(len(s.added) for s in report.stacks)
    removed = sum(len(s.removed) for s in report.stacks)
    changed = sum(len(s.changed) for s in report.stacks)
    replaced = sum(len(s.replaced) for s in report.stacks)
    new_mandatory = sum(1 for s in report.stacks for v in s.violations_new if v["level"] == "mandatory")
    parts = [f"{len(report.dangers)} destructive"] if report.dangers else []
    parts += [f"{added} to add", f"{removed} to remove", f"{changed} to change"]
    if replaced:
        parts.append(f"{replaced} of them replaced")
    if new_mandatory:
        parts.append(_plural(new_mandatory, "new mandatory violation"))
    return "**" + " · ".join(parts) + "**"


def _violation_item(violation: dict[str, str]) -> str:
    icon = "🔴" if violation["level"] == "mandatory" else "🟡"
    return f"- {icon} **{violation['level']}** `{violation['policy']}` on {_code(_resource_name(violation['urn']))}: {_md(violation['message'])}"


def _diff_lines(change: PropertyChange, gap: str) -> list[str]:
    """A change as ``diff`` lines: the old value as ``-``, the new one as ``+``."""
    lines = []
    if change.kind != "added":
        lines.append(f"-{gap}{change.path}: {value(change.old)}")
    if change.kind != "removed":
        lines.append(f"+{gap}{change.path}: {value(change.new)}")
    return lines


def _diff_block(stack: StackDiff) -> list[str]:
    body: list[str] = []
    for mark, resource in _resource_rows(stack):
        body.append(f"{mark} {resource.type} {resource.name}{_replace_note(resource)}")
        if mark == "~":
            for change in resource.changes:
                body.extend(_diff_lines(change, "     "))
    return body


def _output_block(stack: StackDiff) -> list[str]:
    return [line for change in stack.outputs for line in _diff_lines(change, " ")]


def _stack_details(stack: StackDiff) -> list[str]:
    lines = ["<details>", f"<summary><b>{_md(stack.name)}</b>{_stack_state(stack)}: {_counts(stack)}, {len(stack.outputs)} output changes</summary>", ""]
    body = _diff_block(stack)
    if body:
        lines += ["```diff", *(_fence(line) for line in body), "```", ""]
    outputs = _output_block(stack)
    if outputs:
        lines += ["Stack outputs:", "", "```diff", *(_fence(line) for line in outputs), "```", ""]
    if stack.violations_kept:
        lines += [f"Violations present on both sides ({len(stack.violations_kept)}):", ""]
        lines += [_violation_item(v) for v in stack.violations_kept] + [""]
    lines.append("</details>")
    return lines


def to_markdown(report: DiffReport) -> str:
    lines = [
        MARKER,
        f"## mlgov plan diff against `{_md(report.base_ref)}` (`{report.base_commit[:12]}`)",
        "",
        _summary_line(report),
        "",
        "| Stack | Added | Removed | Changed | Replaced | Destructive | New violations | Resolved violations | Output changes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stack in report.stacks:
        lines.append(
            f"| `{_md(stack.name)}` | {len(stack.added)} | {len(stack.removed)} | {len(stack.changed)} | {len(stack.replaced)} | {len(stack.dangers)} "
            f"| {len(stack.violations_new)} | {len(stack.violations_resolved)} | {len(stack.outputs)} |"
        )
    if report.dangers:
        lines += ["", f"### ⛔ Destructive changes ({len(report.dangers)})", ""]
        for danger in report.dangers:
            lines.append(f"- **{danger.action}** {_short_type(danger.type)} {_code(danger.name)} (stack `{_md(danger.stack)}`): {_md(danger.reason)}")
            if danger.dependents:
                shown = danger.dependents[:10]
                more = f" and {len(danger.dependents) - 10} more" if len(danger.dependents) > 10 else ""
                lines.append(f"  - resources depending on it: {', '.join(_code(n) for n in shown)}{more}")
    replaced = [(stack, resource) for stack in report.stacks for resource in stack.replaced]
    if replaced:
        lines += ["", f"### Replacements ({len(replaced)})", "",
                  "The provider deletes and re-creates these (a property it cannot update in place changed):", ""]
        for stack, resource in replaced[:REPLACEMENTS_SHOWN]:
            causes = ", ".join(_code(cause) for cause in resource.replace_causes)
            lines.append(f"- {_short_type(resource.type)} {_code(resource.name)} (stack `{_md(stack.name)}`): caused by {causes}")
        if len(replaced) > REPLACEMENTS_SHOWN:
            lines.append(f"- and {len(replaced) - REPLACEMENTS_SHOWN} more (see the changes per stack, or `mlgov diff --format json`)")
    new = [v for s in report.stacks for v in s.violations_new]
    resolved = [v for s in report.stacks for v in s.violations_resolved]
    mandatory_left = [v for s in report.stacks for v in s.head_mandatory]
    if new or resolved or mandatory_left:
        lines += ["", "### Policy violations", ""]
        if mandatory_left:
            lines += [f"❌ The head has {_plural(len(mandatory_left), 'mandatory violation')}: this check fails.", ""]
        if new:
            lines += [f"New ({len(new)}):", "", *(_violation_item(v) for v in new), ""]
        if resolved:
            lines += [f"Resolved ({len(resolved)}):", "", *(_violation_item(v) for v in resolved), ""]
    if report.blast:
        lines += ["", "### Blast radius", ""]
        for blast in report.blast:
            targets = ", ".join(blast.targets) or "no target"
            lines.append(f"- **{blast.action}** {_short_type(blast.type)} {_code(blast.name)} on {_md(targets)}: {blast.summary}")
            if blast.ous or blast.accounts:
                lines.append("  <details><summary>OUs and accounts reached</summary>")
                lines.append("")
                lines.append(f"  OUs: {_md(', '.join(blast.ous)) or '(none)'}")
                lines.append("")
                lines.append(f"  Accounts: {_md(', '.join(blast.accounts)) or '(none)'}")
                lines.append("  </details>")
    if report.tree and not report.empty:
        lines += ["", "### OU tree", "", "Highlighted: OUs (or the root) whose OU, accounts, SCPs, attachments or controls change.", ""]
        lines += ["```mermaid", mermaid(report.tree), "```"]
    changed_stacks = [stack for stack in report.stacks if not stack.empty or stack.violations_kept]
    if changed_stacks:
        lines += ["", "### Changes per stack", ""]
        used = sum(len(line) + 1 for line in lines)
        for index, stack in enumerate(changed_stacks):
            block = _stack_details(stack)
            size = sum(len(line) + 1 for line in block)
            if used + size > COMMENT_BUDGET:
                rest = ", ".join(f"`{s.name}`" for s in changed_stacks[index:])
                lines.append(f"Details of {rest} left out to keep this comment under GitHub's size limit; run `mlgov diff` locally.")
                break
            lines += block + [""]
            used += size + 1
    lines += ["", "<sub>Planned offline by `mlgov diff` (mock runtime, no cloud); ids are deterministic fakes. "
              "`pulumi preview` shows what the provider itself decides.</sub>"]
    return "\n".join(lines).rstrip() + "\n"


def render(report: DiffReport, fmt: str) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return to_markdown(report).rstrip("\n")
    return to_text(report)
