"""``mlgov serve``: run the vending service (HTTP API, worker pool) on a data folder or a database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlgov.commands.common import fail

DATA_DIR_HELP = "Folder for the SQLite database, the git workspace of the catalogue and the Pulumi state."


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8080,
    database_url: Annotated[Optional[str], typer.Option(help="SQLAlchemy URL, e.g. postgresql://user@host/mlgov (default: SQLite in --data-dir).")] = None,
    data_dir: Annotated[Path, typer.Option(help=DATA_DIR_HELP)] = Path(".mlgov-service"),
    workers: Annotated[int, typer.Option(min=1, max=32, help="Jobs run at once by this instance (one per stack at a time).")] = 2,
    engine: Annotated[str, typer.Option(help="auto (the Pulumi CLI when found, else offline), offline (previews only) or pulumi.")] = "auto",
    pulumi_root: Annotated[Optional[Path], typer.Option(help="Folder whose bin/pulumi is the CLI (default: MLGOV_PULUMI_ROOT, .tools, PATH).")] = None,
    backend_url: Annotated[Optional[str], typer.Option(help="Pulumi state backend (default: file://<data-dir>/state).")] = None,
) -> None:
    """Serve the vending API: requests are previewed, approved by someone else, and applied through the catalogue."""
    import uvicorn

    from mlgov.automation import ENGINE_CHOICES, AutomationError
    from mlgov.service.app import create_app
    from mlgov.service.core import Service, ServiceConfig

    if engine not in ENGINE_CHOICES:
        fail(f"--engine {engine}: use one of {', '.join(ENGINE_CHOICES)}")
    config = ServiceConfig(data_dir=data_dir, database_url=database_url, workers=workers, engine=engine,
                           pulumi_root=str(pulumi_root) if pulumi_root else None, backend_url=backend_url)
    try:
        service = Service(config)
    except AutomationError as error:
        fail(error.message)
    except Exception as error:  # noqa: BLE001 - a bad URL or an unreachable database is bad input, not a trace
        fail(f"cannot start the service: {type(error).__name__}: {error}")
    typer.echo(f"mlgov serve: http://{host}:{port} ({service.engine_note}; database {service.db.dialect.name})", err=True)
    uvicorn.run(create_app(service), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
