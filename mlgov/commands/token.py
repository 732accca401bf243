"""``mlgov token create``: a bearer token for the vending service, printed once (only its hash is stored)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlgov.commands.common import fail

token_app = typer.Typer(help="Bearer tokens of the vending service.", no_args_is_help=True)


@token_app.command("create")
def create(
    role: Annotated[list[str], typer.Option("--role", help="requester, approver or admin (repeat for several).")],
    name: Annotated[str, typer.Option(help="Who uses the token (a person or a service); the four-eyes rule compares names.")],
    data_dir: Annotated[Path, typer.Option(help="The service's data folder (its SQLite database).")] = Path(".mlgov-service"),
    database_url: Annotated[Optional[str], typer.Option(help="The service's database URL, when not SQLite in --data-dir.")] = None,
) -> None:
    """Create a token with these roles and print it on stdout (nothing else); it cannot be shown again."""
    from mlgov.service.auth import TokenInputError, create_token
    from mlgov.service.db import make_engine, migrate, session_factory, sqlite_url

    if database_url is None:
        data_dir.mkdir(parents=True, exist_ok=True)
    try:
        engine = make_engine(database_url or sqlite_url(data_dir))
        migrate(engine)
    except Exception as error:  # noqa: BLE001 - an unreachable database is bad input
        fail(f"cannot open the service database: {type(error).__name__}: {error}")
    try:
        with session_factory(engine)() as session, session.begin():
            token = create_token(session, name, role)
    except TokenInputError as error:
        fail(str(error))
    finally:
        engine.dispose()
    typer.echo(token)


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")
