"""``mlgov adopt``: the import file that adopts existing accounts, OUs and policies into a stack.

    mlgov adopt --stack org --id account-log-archive=111122223333 --id ou-workloads-dev=ou-ab12-cd34ef56 > adopt.json
    pulumi import --stack org --file adopt.json

Exit codes: 0 with the file written, 2 on bad input (unknown stack or resource name, malformed id).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from mlgov.commands.common import fail, load_plan_stack, write_output


def _pairs(values: list[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, live_id = value.partition("=")
        if not sep or not name or not live_id:
            fail(f"--id {value}: expected NAME=ID. Fix: pass the resource name from `mlgov plan --format json` and the live id, e.g. --id account-log-archive=111122223333")
        if name in pairs:
            fail(f"--id {value}: {name} is given twice. Fix: adopt each resource once")
        pairs[name] = live_id
    return pairs


def adopt(
    stack: str = typer.Option("org", "--stack", help="The stack that adopts the resources."),
    ids: list[str] = typer.Option(..., "--id", help="NAME=ID: the planned resource's name and the live resource's id (repeat)."),
    plan_file: Optional[Path] = typer.Option(None, "--plan-file", help="A plan written by `mlgov plan --format json`; planned now when omitted."),
    output: Optional[Path] = typer.Option(None, "--output", help="Write the import file here instead of stdout."),
) -> None:
    """Write the `pulumi import --file` document that adopts existing resources under the program's names and parents."""
    from mlgov.adoption import AdoptionError, import_file

    pairs = _pairs(ids)
    plan_stack = load_plan_stack(stack, plan_file)
    try:
        document = import_file(plan_stack, pairs)
    except AdoptionError as error:
        fail(str(error))
    write_output(json.dumps(document, indent=2), output)


def register(app: typer.Typer) -> None:
    app.command("adopt")(adopt)
