"""The ``mlgov`` command line: every subcommand lives in ``mlgov/commands``."""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES = ("plan", "scp_matrix", "diff", "verify", "studio_url", "adopt")

app = typer.Typer(
    name="mlgov",
    help="Governed ML environments on AWS: plan offline, prove the guardrails, check drift.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Governed ML environments on AWS: plan offline, prove the guardrails, check drift."""


def _register_commands() -> None:
    # Idempotent: tests build the app more than once in a process.
    if app.registered_commands:
        return
    for name in COMMAND_MODULES:
        importlib.import_module(f"mlgov.commands.{name}").register(app)


def main() -> None:
    _register_commands()
    app()
