"""Which Python runs a Pulumi program or policy pack, as the pip toolchain decides it.

Pulumi's Python language host reads ``runtime.options`` of ``Pulumi.yaml``
(``PulumiPolicy.yaml`` for a pack): with ``virtualenv: <dir>`` the program runs
with that virtual environment's interpreter (the path is relative to the
project folder), ``VIRTUAL_ENV`` set and its ``bin`` first on ``PATH``;
without it, with ``python3`` (or ``python``) from ``PATH``. A virtualenv that
does not exist is an error that says how to create it, never a silent
fallback to another interpreter.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml", "PulumiPolicy.yaml", "PulumiPolicy.yml", "PulumiPlugin.yaml")


class ToolchainError(Exception):
    """The interpreter the project asks for cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class PythonToolchain:
    python: str
    virtualenv: Path | None

    def environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        if self.virtualenv is not None:
            env["VIRTUAL_ENV"] = str(self.virtualenv)
            env["PATH"] = os.pathsep.join([str(self.virtualenv / "bin"), env.get("PATH", "")])
            env.pop("PYTHONHOME", None)
        return env


def runtime_options(directory: Path) -> dict[str, Any]:
    """``runtime.options`` of the project (or pack) file in ``directory``."""
    for name in PROJECT_FILES:
        path = directory / name
        if path.is_file():
            document = yaml.safe_load(path.read_text()) or {}
            runtime = document.get("runtime")
            if isinstance(runtime, dict) and isinstance(runtime.get("options"), dict):
                return dict(runtime["options"])
            return {}
    return {}


def resolve(root: Path, options: dict[str, Any] | None = None) -> PythonToolchain:
    """The interpreter for the project whose project file is in ``root``."""
    options = runtime_options(root) if options is None else options
    toolchain = options.get("toolchain", "pip")
    if toolchain not in ("pip", None, ""):
        raise ToolchainError(f"runtime option toolchain '{toolchain}' is not supported here; use toolchain: pip")
    virtualenv = options.get("virtualenv")
    if virtualenv:
        venv = Path(virtualenv) if Path(virtualenv).is_absolute() else (root / virtualenv)
        python = venv / "bin" / "python"
        if not python.exists():
            raise ToolchainError(
                f"The 'virtualenv' option in the project file is set to '{virtualenv}', but '{venv}' doesn't appear "
                f"to be a virtual environment. Run `python3 -m venv {venv}` and install the requirements into it."
            )
        return PythonToolchain(str(python), venv.resolve())
    python = shutil.which("python3") or shutil.which("python")
    if python is None:
        raise ToolchainError("no python3 or python on PATH")
    return PythonToolchain(python, None)
