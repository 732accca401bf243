"""``mlgov studio-url``: a presigned sign-in URL to a project's SageMaker Studio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlgov.commands.common import fail
from mlgov.config import ConfigError
from mlgov.config.loader import read_stack_config, settings_from_config, stack_file
from mlgov.studio import DEFAULT_SESSION, DEFAULT_TTL, SignInRequest, StudioError, argument_problems, presigned_url

STACKS_DIR = Path(__file__).resolve().parents[2] / "stacks"


def studio_url(
    stack: Annotated[str, typer.Option(help="Environment stack whose project account holds the domain (sandbox, dev, preprod, prod).")],
    project: Annotated[str, typer.Option(help="Project name from stacks/projects.yaml.")],
    user: Annotated[str, typer.Option(help="Your user name (the Studio user profile).")],
    ttl: Annotated[int, typer.Option(help="Seconds the URL stays usable (5-300).")] = DEFAULT_TTL,
    session_seconds: Annotated[int, typer.Option(help="Length of the Studio session in seconds (1,800-43,200).")] = DEFAULT_SESSION,
    region: Annotated[Optional[str], typer.Option(help="AWS region (default: the stack's aws:region).")] = None,
    endpoint_url: Annotated[Optional[str], typer.Option(help="SageMaker API endpoint (a VPC endpoint, or a test server).")] = None,
    stacks_dir: Annotated[Path, typer.Option(help="Folder of the stack files.")] = STACKS_DIR,
) -> None:
    """Print a presigned URL that opens your own Studio profile in the project's domain."""
    problems = argument_problems(ttl, session_seconds)
    if problems:
        fail("; ".join(problems))
    path = stack_file(stacks_dir, stack)
    if not path.exists():
        fail(f"--stack {stack}: no {path}. Fix: pass an environment stack such as 'dev'")
    try:
        config = read_stack_config(path)
        settings = settings_from_config(stacks_dir, stack, config)
    except ConfigError as error:
        fail(str(error))
    vended = getattr(settings, "vended_projects", None)
    if vended is None:
        fail(f"--stack {stack}: is not an environment stack; Studio domains live in sandbox, dev, preprod and prod")
    names = [p.name for p in vended()]
    if project not in names:
        fail(f"--project {project}: stack '{stack}' vends no such project (it has: {', '.join(names) or 'none'}). Fix: pick one of those, or add the stage to the project in stacks/projects.yaml")
    region = region or config.get("aws:region")
    import boto3

    client = boto3.client("sagemaker", region_name=region, endpoint_url=endpoint_url)
    try:
        url = presigned_url(client, SignInRequest(project=project, user=user, ttl=ttl, session_seconds=session_seconds))
    except StudioError as error:
        fail(str(error))
    typer.echo(url)


def register(app: typer.Typer) -> None:
    app.command("studio-url")(studio_url)
