"""``mlgov diff``: what this branch changes against a base ref, planned offline on both sides."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from mlgov.commands.common import ExitCode, fail, write_output
from mlgov.engine import PROJECT_DIR


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


def diff(
    stacks: Annotated[Optional[list[str]], typer.Argument(help="Stacks to compare (default: every stack of the working tree or the base).")] = None,
    base: Annotated[str, typer.Option("--base", help="Git ref to compare against (branch, tag or SHA), e.g. origin/main.")] = "",
    format: Annotated[Format, typer.Option("--format", help="Report format; markdown is the PR comment.")] = Format.TEXT,
    output: Annotated[Optional[Path], typer.Option(help="Write the report here instead of stdout.")] = None,
    project_dir: Annotated[Path, typer.Option(help="The project (inside a git repository) whose working tree is compared.")] = PROJECT_DIR,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Plan every stack of both trees, ignoring the plan cache (MLGOV_PLAN_CACHE, default ~/.cache/mlgov/plans).")] = False,
) -> None:
    """Plan the base ref (with its own code, in a temporary git worktree) and the working tree; report
    resources added/removed/changed, destructive changes, policy verdicts, output changes and blast radius.
    Exits 1 when the working tree has a mandatory policy violation, 2 on bad input."""
    from mlgov.diff import DiffError, run_diff
    from mlgov.diff.render import render

    if not base:
        fail("--base is required. Fix: name the ref to compare against, e.g. --base origin/main")
    try:
        report = run_diff(base, stacks or None, repo=project_dir.resolve(), use_plan_cache=not no_cache)
    except DiffError as error:
        fail(str(error))
    write_output(render(report, format.value), output)
    if report.exit_code:
        raise typer.Exit(int(ExitCode.FINDINGS))


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
