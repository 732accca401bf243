"""What every subcommand shares: exit codes, error output, reading user files."""

from __future__ import annotations

import json
from enum import IntEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

ERR = Console(stderr=True, highlight=False, soft_wrap=True)


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # mandatory violations, drift, matrix mismatches
    BAD_INPUT = 2  # bad config, bad arguments, unreadable files


def fail(message: str, code: ExitCode = ExitCode.BAD_INPUT) -> NoReturn:
    # Messages quote what people typed ('[secret]', YAML with '[/...'): print them as text, never as markup.
    ERR.print(Text.assemble(("error:", "red"), " ", message))
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


def _stack_names(document: Any) -> list[str]:
    """Names of the stacks a plan document holds (a whole plan, or one stack's plan)."""
    if not isinstance(document, dict):
        return []
    entries = document["stacks"] if isinstance(document.get("stacks"), list) else [document]
    return [str(entry["name"]) for entry in entries if isinstance(entry, dict) and isinstance(entry.get("name"), str)]


def load_plan_stack(stack: str, plan_file: Path | None) -> dict[str, Any]:
    """The stack's plan as a dict: from ``plan_file`` or planned now (offline)."""
    return load_plan_stacks([stack], plan_file)[stack]


def load_plan_stacks(stacks: list[str] | None, plan_file: Path | None) -> dict[str, dict[str, Any]]:
    """The plans of ``stacks`` by name (None: every stack), from ``plan_file`` or planned now.

    A plan file must hold every stack asked for; with None it gives the stacks it holds.
    """
    if plan_file is not None:
        document = read_json_file(plan_file, "--plan-file")
        if stacks is None:
            stacks = _stack_names(document) or ["org"]
        return {stack: _stack_from_document(document, stack, f"--plan-file {plan_file}") for stack in stacks}
    # Imported here: the Pulumi runtime is heavy and only needed when planning now.
    from mlgov.config import ConfigError
    from mlgov.engine import PlanError, plan_stacks

    try:
        planned = plan_stacks(list(dict.fromkeys(stacks)) if stacks is not None else None).stacks
    except (ConfigError, PlanError) as error:
        fail(str(error))
    return {plan.name: plan.to_dict() for plan in planned}
