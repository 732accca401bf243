"""The interpreter the language host runs a program or a pack with (no CLI needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mlgov.testing.python_toolchain import ToolchainError, resolve

REPO = Path(__file__).resolve().parents[2]


def test_the_projects_virtualenv_is_used_with_its_bin_first_on_path():
    toolchain = resolve(REPO)
    assert toolchain.python == str(REPO / "venv" / "bin" / "python")
    env = toolchain.environment({"PATH": "/usr/bin", "PYTHONHOME": "/x"})
    assert env["VIRTUAL_ENV"] == str((REPO / "venv").resolve())
    assert env["PATH"].split(":")[0] == str((REPO / "venv" / "bin").resolve())
    assert "PYTHONHOME" not in env


def test_a_missing_virtualenv_is_an_error_that_says_how_to_make_it(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n")
    with pytest.raises(ToolchainError, match="python3 -m venv"):
        resolve(tmp_path)


def test_without_a_virtualenv_option_python3_from_path_runs_the_program(tmp_path, monkeypatch):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    toolchain = resolve(tmp_path)
    assert toolchain.virtualenv is None and Path(toolchain.python).parent == Path(sys.executable).parent
