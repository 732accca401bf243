"""Run the real Pulumi CLI offline: the pinned binary, a moto server, a file backend.

Reusable by any test or service that drives the real engine (the pytest
fixtures of ``tests/engine_real`` are thin wrappers around it):

- :func:`find_cli` returns the pinned ``pulumi`` (``.tools/bin``, built by
  ``make engine``, or one of the same version on PATH) or raises
  :class:`EngineUnavailable` with the reason;
- :class:`MotoServer` starts ``moto_server`` on 127.0.0.1 and stops it;
- :func:`engine_environment` is the environment for every ``pulumi`` call:
  ``.tools/bin`` first on PATH (CLI, language host, local AWS provider), a
  private ``PULUMI_HOME``, the ``file://`` backend, passphrase secrets, no
  update check, no plugin download, every AWS endpoint at moto;
- :func:`project_copy` copies the project to a scratch folder, because
  ``pulumi stack init`` writes the secrets salt into the stack files;
- :class:`Pulumi` runs commands in that copy and returns their output.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS_BIN = REPO / ".tools" / "bin"
GO_MOD = REPO / "tools" / "pulumi" / "go.mod"
PASSPHRASE = "mlgov-test-lane"
# What a copy of the project needs to run (the program, its stacks and the pack); venvs are linked, not copied.
PROJECT_ENTRIES = ("Pulumi.yaml", "__main__.py", "components", "mlgov", "stacks", "policypacks", "requirements.txt")


class EngineUnavailable(Exception):
    """The real engine cannot run here; the message is the reason a test is skipped."""


def pinned_cli_version() -> str:
    for line in GO_MOD.read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["require"]:
            parts = parts[1:]
        if len(parts) == 2 and parts[0] == "github.com/pulumi/pulumi/pkg/v3":
            return parts[1]
    raise EngineUnavailable(f"{GO_MOD} does not require github.com/pulumi/pulumi/pkg/v3")


def _version_of(binary: str) -> str:
    try:
        return subprocess.run([binary, "version"], capture_output=True, text=True, timeout=60, check=False).stdout.strip()
    except OSError:
        return ""


def find_cli() -> Path:
    """The pinned Pulumi CLI with this repo's plugins beside it."""
    version = pinned_cli_version()
    built = TOOLS_BIN / "pulumi"
    on_path = shutil.which("pulumi")
    if built.exists() and _version_of(str(built)) == version:
        cli = built
    elif on_path and _version_of(on_path) == version:
        cli = Path(on_path)
    elif shutil.which("go") is None:
        raise EngineUnavailable(f"no Pulumi CLI {version} and no Go toolchain to build it (`make engine` needs Go and the Go module proxy)")
    else:
        raise EngineUnavailable(f"no Pulumi CLI {version} in {TOOLS_BIN} or on PATH: run `make engine`")
    for plugin in ("pulumi-language-python", "pulumi-resource-aws"):
        if not (TOOLS_BIN / plugin).exists():
            raise EngineUnavailable(f"{TOOLS_BIN / plugin} is missing: run `make engine`")
    return cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MotoServer:
    """``moto_server`` bound to 127.0.0.1 on a free port, for the life of a ``with`` block."""

    def __init__(self, executable: str | None = None):
        self.executable = executable or shutil.which("moto_server") or str(Path(os.sys.executable).with_name("moto_server"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "MotoServer":
        self._process = subprocess.Popen(
            [self.executable, "-H", "127.0.0.1", "-p", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1)
                return self
            except OSError:
                if self._process.poll() is not None:
                    raise EngineUnavailable(f"moto_server exited with {self._process.returncode}")
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise EngineUnavailable("moto_server did not answer within 30 s")

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None

    def reset(self) -> None:
        """Forget every object (moto's reset API)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10)


def engine_environment(home: Path, backend: Path, moto_url: str, cli: Path, region: str = "us-east-1") -> dict[str, str]:
    """Environment of every ``pulumi`` call: offline, file backend, passphrase secrets, AWS at moto."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PULUMI_", "AWS_"))}
    env.update(
        # The repo's venv stands for an activated one: programs without a `virtualenv` option run with `python3`.
        PATH=os.pathsep.join(dict.fromkeys([str(cli.parent), str(TOOLS_BIN), str(REPO / "venv" / "bin"), env.get("PATH", "")])),
        PULUMI_HOME=str(home),
        PULUMI_BACKEND_URL=f"file://{backend}",
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        PULUMI_SKIP_CONFIRMATIONS="true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING="true",
        AWS_ENDPOINT_URL=moto_url,
        AWS_ENDPOINT_URL_ORGANIZATIONS=moto_url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
    )
    home.mkdir(parents=True, exist_ok=True)
    backend.mkdir(parents=True, exist_ok=True)
    return env


def project_copy(destination: Path, source: Path = REPO) -> Path:
    """A scratch copy of the project; virtualenvs are symlinked to the source's."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("venv", "__pycache__", "node_modules", ".pytest_cache")
    for entry in PROJECT_ENTRIES:
        path = source / entry
        if path.is_dir():
            shutil.copytree(path, destination / entry, ignore=ignore, dirs_exist_ok=True)
        elif path.exists():
            shutil.copy2(path, destination / entry)
    for venv in ("venv", "policypacks/ml-guardrails/venv"):
        if (source / venv).exists() and not (destination / venv).exists():
            (destination / venv).symlink_to(source / venv)
    return destination


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Pulumi:
    """The pinned CLI run in one project folder with one environment."""

    cli: Path
    cwd: Path
    env: dict[str, str]
    log: list[Result] = field(default_factory=list)

    def run(self, *args: str, check: bool = True, timeout: float = 900) -> Result:
        command = [str(self.cli), *args, "--non-interactive"]
        done = subprocess.run(command, cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=timeout, check=False)
        result = Result(command, done.returncode, done.stdout, done.stderr)
        self.log.append(result)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} exited {done.returncode}:\n{result.output[-6000:]}")
        return result

    def login(self) -> Result:
        return self.run("login", self.env["PULUMI_BACKEND_URL"])

    def select_or_init(self, stack: str) -> None:
        if self.run("stack", "select", stack, check=False).returncode != 0:
            self.run("stack", "init", stack, "--secrets-provider", "passphrase")
