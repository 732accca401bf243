"""``mlgov request``: ask the vending service for a project, approve a request, follow it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
import yaml

from mlgov.commands.common import ExitCode, fail

request_app = typer.Typer(help="Requests to the vending service (mlgov serve).", no_args_is_help=True)
URL = typer.Option("--url", envvar="MLGOV_SERVICE_URL", help="The service's address.")
TOKEN = typer.Option("--token", envvar="MLGOV_TOKEN", help="Bearer token (better: the MLGOV_TOKEN environment variable).")
WAIT = typer.Option("--wait", help="Follow the request until it settles; exit 1 unless it ends planned or applied.")
GOOD_ENDINGS = {"planned", "applied"}


def _client(url: str, token: str):
    from mlgov.client import Client

    if not token:
        fail("no token. Fix: set MLGOV_TOKEN (create one with `mlgov token create`)")
    return Client(url, token)


def _call(action):
    from httpx import HTTPError

    from mlgov.client import ServiceError

    try:
        return action()
    except ServiceError as error:
        detail = error.message
        issues = (error.details or {}).get("issues") if isinstance(error.details, dict) else None
        if issues and "\n" not in detail:
            detail += "\n" + "\n".join(f"  - {issue.get('message') or issue}" for issue in issues)
        fail(f"{error.status} {error.code}: {detail}")
    except HTTPError as error:
        fail(f"cannot reach the service ({error}). Fix: start it with `mlgov serve`, or pass --url")


def _follow(client, request_id: str) -> Any:
    """Poll the request with a progress bar per stack; return it once settled."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    bars: dict[str, int] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=False) as progress:
        status_task = progress.add_task(f"{request_id}: waiting", total=None)

        def update(request) -> None:
            progress.update(status_task, description=f"{request_id}: {request.status}")
            for stack, state in (request.progress or {}).items():
                if stack not in bars:
                    bars[stack] = progress.add_task(f"  {state.get('operation', '')} {stack}", total=state.get("total") or 1)
                progress.update(bars[stack], completed=state.get("done", 0), total=max(state.get("total") or 1, 1))

        return _call(lambda: client.wait(request_id, on_update=update))


def _print(request, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(request.model_dump(mode="json"), indent=2))
        return
    typer.echo(f"{request.id} {request.kind} {request.project}: {request.status} (requested by {request.requester})")
    for stack in (request.preview or {}).get("stacks", []):
        counts = ", ".join(f"{n} to {op}" for op, n in stack.get("counts", {}).items() if n) or "outputs only"
        violations = len(stack.get("violations", []))
        typer.echo(f"  {stack['stack']}: {counts}" + (f", {violations} policy violation(s)" if violations else ""))
    if request.applied_stacks:
        typer.echo(f"  applied: {', '.join(request.applied_stacks)}")
    for stage, ids in (request.outputs or {}).get("accounts", {}).items():
        typer.echo(f"  {stage}: " + ", ".join(f"{key} {value}" for key, value in ids.items()))
    if request.error:
        typer.echo(f"  error ({request.error.get('code')}): {request.error.get('message')}")


def _finish(request) -> None:
    if request.status not in GOOD_ENDINGS:
        raise typer.Exit(int(ExitCode.FINDINGS))


@request_app.command("project")
def project(
    file: Annotated[Path, typer.Option("--file", help="A YAML file with one project, as in stacks/projects.yaml (may include 'reason').")],
    reason: Annotated[Optional[str], typer.Option(help="Why the project is needed (overrides 'reason' in the file).")] = None,
    idempotency_key: Annotated[Optional[str], typer.Option(help="Retry-safe key: the same key and file give the same request.")] = None,
    wait: Annotated[bool, WAIT] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the request as JSON.")] = False,
    url: Annotated[str, URL] = "http://127.0.0.1:8080",
    token: Annotated[str, TOKEN] = "",
) -> None:
    """Ask for a new project; prints the request id (and, with --wait, the preview)."""
    try:
        document = yaml.safe_load(file.read_text())
    except FileNotFoundError:
        fail(f"--file {file}: no such file. Fix: write the project as YAML, as one entry of stacks/projects.yaml")
    except yaml.YAMLError as error:
        fail(f"--file {file}: not valid YAML ({error})")
    if isinstance(document, dict) and isinstance(document.get("projects"), list) and len(document["projects"]) == 1:
        document = document["projects"][0]
    if not isinstance(document, dict):
        fail(f"--file {file}: expected one project as a mapping (name, team, costCenter, ...)")
    why = reason or document.pop("reason", None)
    document.pop("reason", None)
    if not why:
        fail("no reason. Fix: pass --reason 'why the project is needed' or put 'reason:' in the file")
    with _client(url, token) as client:
        accepted = _call(lambda: client.request_project(document, why, idempotency_key=idempotency_key))
        typer.echo(accepted.id)
        if wait:
            request = _follow(client, accepted.id)
            _print(request, as_json)
            _finish(request)


@request_app.command("approve")
def approve(request_id: Annotated[str, typer.Argument(help="The request id (req-...).")],
            wait: Annotated[bool, WAIT] = False,
            as_json: Annotated[bool, typer.Option("--json")] = False,
            url: Annotated[str, URL] = "http://127.0.0.1:8080", token: Annotated[str, TOKEN] = "") -> None:
    """Approve a planned request (approver role; not your own)."""
    with _client(url, token) as client:
        request = _call(lambda: client.approve(request_id))
        if wait:
            request = _follow(client, request_id)
        _print(request, as_json)
        if wait:
            _finish(request)


@request_app.command("status")
def status(request_id: Annotated[str, typer.Argument(help="The request id (req-...).")],
           as_json: Annotated[bool, typer.Option("--json")] = False,
           url: Annotated[str, URL] = "http://127.0.0.1:8080", token: Annotated[str, TOKEN] = "") -> None:
    """Show a request: status, preview per stack, applied stacks, account ids."""
    with _client(url, token) as client:
        _print(_call(lambda: client.get_request(request_id)), as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(request_app, name="request")
