"""What every subcommand shares: exit codes, error output, reading user files."""

from __future__ import annotations

import json
from enum import IntEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

ERR = Console(stderr=True, highlight=False, soft_wrap=True)


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # mandatory violations, drift, matrix mismatches
    BAD_INPUT = 2  # bad config, bad arguments, unreadable files


def fail(message: str, code: ExitCode = ExitCode.BAD_INPUT) -> NoReturn:
    ERR.print(f"[red]error:[/red] {message}", markup=True)
    raise typer.Exit(int(code))


def read_json_file(path: Path, option: str) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        fail(f"{option} {path}: no such file. Fix: pass the path of an existing JSON file")
    except json.JSONDecodeError as error:
        fail(f"{option} {path}: not valid JSON ({error}). Fix: correct the file's syntax")


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n")
