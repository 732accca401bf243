"""What every subcommand shares: exit codes, error output, reading user files."""

from __future__ import annotations

import json
from enum import IntEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

ERR = Console(stderr=True, highlight=False, soft_wrap=True)


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # mandatory violations, drift, matrix mismatches
    BAD_INPUT = 2  # bad config, bad arguments, unreadable files


def fail(message: str, code: ExitCode = ExitCode.BAD_INPUT) -> NoReturn:
    ERR.print(f"[red]error:[/red] {message}", markup=True)
    raise typer.Exit(int(code))


def read_json_file(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        fail(f"{option} {path}: no such file. Fix: pass the path of an existing JSON file")
    except json.JSONDecodeError as error:
        fail(f"{option} {path}: not valid JSON ({error}). Fix: correct the file's syntax")


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n")


def _stack_from_document(document: Any, stack: str, source: str) -> dict[str, Any]:
    if isinstance(document, dict) and isinstance(document.get("resources"), list) and "stacks" not in document:
        document = {"stacks": [document]}  # a single stack's plan
    if not isinstance(document, dict) or not isinstance(document.get("stacks"), list):
        fail(f'{source}: expected a JSON object with a "stacks" list. Fix: write it with `mlgov plan {stack} --format json --output FILE`')
    names = [str(entry.get("name")) for entry in document["stacks"] if isinstance(entry, dict)]
    for entry in document["stacks"]:
        if isinstance(entry, dict) and entry.get("name") == stack:
            if not isinstance(entry.get("resources"), list):
                fail(f'{source}: stack {stack!r} has no "resources" list. Fix: regenerate the plan with `mlgov plan --format json`')
            return entry
    fail(f"{source}: no stack {stack!r} in the plan (stacks: {', '.join(names) or 'none'}). Fix: pass --stack with one of them, or plan that stack")


def load_plan_stack(stack: str, plan_file: Path | None) -> dict[str, Any]:
    """The stack's plan as a dict: from ``plan_file`` or planned now (offline)."""
    return load_plan_stacks(stack, plan_file)[0]


def load_plan_stacks(stack: str, plan_file: Path | None, *, every_stack: bool = False) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the stack's plan, the plans of the project's other stacks) from ``plan_file`` or planned now.

    Planned now, the other stacks are planned only when ``every_stack`` asks for them.
    """
    if plan_file is not None:
        document = read_json_file(plan_file, "--plan-file")
        wanted = _stack_from_document(document, stack, f"--plan-file {plan_file}")
        others = [entry for entry in document.get("stacks", []) if isinstance(entry, dict) and entry is not wanted] if isinstance(document, dict) else []
        return wanted, others
    # Imported here: the Pulumi runtime is heavy and only needed when planning now.
    from mlgov.config import ConfigError
    from mlgov.engine import PlanError, plan_stacks

    try:
        if not every_stack:
            return plan_stacks([stack]).stacks[0].to_dict(), []
        plans = [plan.to_dict() for plan in plan_stacks().stacks]
    except (ConfigError, PlanError) as error:
        fail(str(error))
    wanted = [plan for plan in plans if plan["name"] == stack]
    if not wanted:
        fail(f"no stack {stack!r} in this project. Fix: pass --stack with the org stack")
    return wanted[0], [plan for plan in plans if plan["name"] != stack]
