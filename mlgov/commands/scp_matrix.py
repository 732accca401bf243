"""``mlgov scp-matrix``: every scenario of the catalogue in every OU of the planned org.

Exit codes: 0 when every decision matches the catalogue's expectation, 1 when
any differs, 2 on bad input (unreadable plan, unknown stack, malformed scenarios).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def _stack_from_plan(plan: Any, stack: str) -> dict[str, Any]:
    if hasattr(plan, "to_dict"):
        plan = plan.to_dict()
    if not isinstance(plan, dict) or not isinstance(plan.get("stacks"), list):
        raise ValueError('the plan must be a JSON object with a "stacks" list (mlgov plan --format json)')
    names = []
    for entry in plan["stacks"]:
        if isinstance(entry, dict):
            names.append(str(entry.get("name")))
            if entry.get("name") == stack:
                return entry
    raise ValueError(f"stack {stack!r} is not in the plan (stacks: {', '.join(names) or 'none'})")


def load_plan_stack(stack: str, plan_file: Path | None) -> dict[str, Any]:
    if plan_file is not None:
        try:
            plan = json.loads(plan_file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"cannot read plan file {plan_file}: {exc.strerror or exc}") from exc
        except json.JSONDecodeError as exc:
            raise ValueError(f"plan file {plan_file} is not JSON: {exc}") from exc
        return _stack_from_plan(plan, stack)
    from mlgov.engine import plan_stacks  # heavy (Pulumi runtime): only when planning here

    return _stack_from_plan(plan_stacks([stack]), stack)


def scp_matrix(
    stack: str = typer.Option("org", "--stack", help="The stack that owns the organization's SCPs."),
    plan_file: Optional[Path] = typer.Option(
        None, "--plan-file", help="A plan written by `mlgov plan --format json`; planned now when omitted."
    ),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text, json or markdown."),
    scenarios: Optional[Path] = typer.Option(
        None, "--scenarios", help="A scenario catalogue (YAML); defaults to the one shipped with mlgov."
    ),
) -> None:
    """Evaluate the scenario catalogue against the planned SCPs, per OU; exit 1 on any unexpected decision."""
    from mlgov.scp.matrix import RENDERERS, PlanShapeError, build_matrix
    from mlgov.scp.scenarios import ScenarioError, load_catalogue
    from mlgov.scp.evaluator import PolicyError

    try:
        catalogue = load_catalogue(scenarios)
        plan_stack = load_plan_stack(stack, plan_file)
        matrix = build_matrix(plan_stack, catalogue)
    except (ScenarioError, PlanShapeError, PolicyError, ValueError) as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # planning failed (bad config, program error): say so, no traceback
        raise _fail(f"could not plan stack {stack!r}: {type(exc).__name__}: {exc}") from None
    typer.echo(RENDERERS[output_format.value](matrix), nl=False)
    if not matrix.ok:
        for cell in matrix.mismatches:
            typer.echo(
                f"unexpected: {cell.scenario} in {cell.ou}: {cell.verdict} ({cell.decision.detail}), "
                f"expected {cell.expected}",
                err=True,
            )
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("scp-matrix")(scp_matrix)
