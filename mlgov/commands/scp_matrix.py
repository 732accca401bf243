"""``mlgov scp-matrix``: every scenario of the catalogue in every OU of the planned org.

Scenarios about reading another account's bucket also read the plans of the stacks
they name (planned now, or taken from ``--plan-file``, which must then hold them).

Exit codes: 0 when every decision matches the catalogue's expectation, 1 when
any differs, 2 on bad input (unreadable plan, unknown stack, malformed scenarios).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from mlgov.commands.common import fail, load_plan_stacks


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


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
    except ScenarioError as exc:
        fail(str(exc))
    plans = load_plan_stacks([stack, *catalogue.access_stacks()], plan_file)
    try:
        matrix = build_matrix(plans[stack], catalogue, stacks=plans)
    except (ScenarioError, PlanShapeError, PolicyError, ValueError) as exc:
        fail(str(exc))
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
