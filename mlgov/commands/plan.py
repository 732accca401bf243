"""``mlgov plan``: plan stacks offline and check them with the policy pack."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from mlgov.commands.common import ERR, ExitCode, fail, read_json_file, write_output
from mlgov.config import ConfigError
from mlgov.engine import PROJECT_DIR, PlanError, plan_stacks
from mlgov.engine.cache import CACHE_ENV, PlanCache
from mlgov.reports.progress import ProgressMode, plan_progress

DEFAULT_PACK = PROJECT_DIR / "policypacks" / "ml-guardrails"


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


def plan(
    stacks: Annotated[Optional[list[str]], typer.Argument(help="Stacks to plan (default: every stacks/Pulumi.<stack>.yaml).")] = None,
    stacks_dir: Annotated[Optional[Path], typer.Option(help="Folder of the stack files (default: the project's stackConfigDir).")] = None,
    project_dir: Annotated[Path, typer.Option(help="The Pulumi project to plan (any Python project; mlgov's own by default).")] = PROJECT_DIR,
    format: Annotated[Format, typer.Option("--format", help="Report format.")] = Format.TEXT,
    output: Annotated[Optional[Path], typer.Option(help="Write the report here instead of stdout.")] = None,
    policy_pack: Annotated[Path, typer.Option(help="Policy pack to run, as 'pulumi preview --policy-pack' would.")] = DEFAULT_PACK,
    policy_config: Annotated[Optional[Path], typer.Option(help="Policy config JSON, as 'pulumi preview --policy-pack-config'.")] = None,
    no_policy: Annotated[bool, typer.Option("--no-policy", help="Skip the policy pack (plans only).")] = False,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Processes for stacks planned at the same time (default: every core; 1: one after the other). The plan is the same.")] = None,
    cache_dir: Annotated[Optional[Path], typer.Option(envvar=CACHE_ENV, help="Plan cache folder: stacks whose code, settings and referenced outputs did not change are taken from it.")] = None,
    progress: Annotated[ProgressMode, typer.Option("--progress", envvar="MLGOV_PROGRESS", help="Progress on stderr: live on a terminal, plain lines otherwise (auto), or off.")] = ProgressMode.AUTO,
) -> None:
    """Plan stacks with no cloud and no Pulumi CLI; exit 1 on a mandatory policy violation."""
    user_policy_config = read_json_file(policy_config, "--policy-config") if policy_config else None
    if not no_policy and not (policy_pack / "PulumiPolicy.yaml").exists():
        fail(f"--policy-pack {policy_pack}: no PulumiPolicy.yaml there. Fix: point it at policypacks/ml-guardrails, or pass --no-policy")
    try:
        with plan_progress(progress, ERR) as report:
            result = plan_stacks(
                stacks,
                project_dir=project_dir,
                stacks_dir=stacks_dir,
                policy_pack=None if no_policy else policy_pack,
                policy_config=user_policy_config,
                workers=workers,
                cache=PlanCache(cache_dir) if cache_dir else None,
                progress=report,
            )
    except (ConfigError, PlanError) as error:
        fail(str(error))
    document = result.to_dict()
    if format == Format.JSON:
        write_output(json.dumps(document, indent=2, sort_keys=False), output)
    else:
        from mlgov.reports.plan_text import print_plan

        if output is None:
            print_plan(document, Console(highlight=False))
        else:
            with output.open("w") as handle:
                print_plan(document, Console(file=handle, highlight=False, width=120))
    if any(stack.mandatory_violations() for stack in result.stacks):
        raise typer.Exit(int(ExitCode.FINDINGS))


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
