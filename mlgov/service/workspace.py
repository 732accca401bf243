"""The service's git workspace: a checkout of the Pulumi project whose catalogue the service changes.

The catalogue stays the source of truth: every approved request becomes one
commit (author: the requester; message: the request id and reason), and every
preview and apply runs on this project's files. Git commands and catalogue
writes happen under one lock, shared by every thread and every service
instance that uses the folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# What a workspace holds of the project it starts from: the program, its settings and the policy pack.
PROJECT_PARTS = ("Pulumi.yaml", "__main__.py", "requirements.txt", "components", "mlgov", "stacks", "policypacks")
_IGNORED = ("venv", ".pulumi", "__pycache__", "*.pyc", ".mlgov-diff-base-plan.json")
SERVICE_AUTHOR = ("mlgov service", "mlgov-service@mlgov.invalid")
_VENV_LINKS = (Path("venv"), Path("policypacks") / "ml-guardrails" / "venv")


class WorkspaceError(Exception):
    """A git command in the workspace failed; the message carries git's words."""


def author_email(name: str) -> str:
    """Requesters are token names, not mailboxes; ``.invalid`` is reserved for addresses that must never resolve."""
    local = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in name) or "requester"
    return f"{local}@mlgov.invalid"


class Workspace:
    _thread_lock = threading.RLock()

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._depth = threading.local()

    # -- setup --------------------------------------------------------------------------------
    def initialize(self, source: Path) -> None:
        """Create the workspace from the project in ``source`` (its tracked files), unless it exists."""
        if (self.root / ".git").exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        for relative in _project_files(source):
            target = self.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / relative, target)
        (self.root / ".gitignore").write_text("\n".join(_IGNORED) + "\n")
        self._git("init", "--quiet", "--initial-branch=main")
        self._git("add", "-A")
        self._commit("Initial project catalogue for the vending service", SERVICE_AUTHOR)
        link_virtualenvs(self.root)

    # -- locking ------------------------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive use of the workspace, across threads and processes (re-entrant within a thread)."""
        depth = getattr(self._depth, "value", 0)
        if depth:
            self._depth.value = depth + 1
            try:
                yield
            finally:
                self._depth.value -= 1
            return
        with self._thread_lock, open(self.root / ".git" / "mlgov-service.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            self._depth.value = 1
            try:
                yield
            finally:
                self._depth.value = 0
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- reading ------------------------------------------------------------------------------
    def head(self) -> str:
        return self._git("rev-parse", "HEAD").strip()

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text()

    def read_at(self, commit: str, relative: str) -> str:
        return self._git("show", f"{commit}:{relative}")

    def parent_of(self, commit: str) -> str:
        return self._git("rev-parse", f"{commit}^").strip()

    def changed_since(self, commit: str) -> list[str]:
        """Files that differ between ``commit`` and HEAD (committed changes only)."""
        return [line for line in self._git("diff", "--name-only", commit, "HEAD").splitlines() if line]

    def log(self, limit: int = 20) -> list[dict[str, str]]:
        out = self._git("log", f"-{limit}", "--format=%H%x1f%an%x1f%ae%x1f%s%x1f%b%x1e")
        entries = []
        for record in out.split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) == 5:
                entries.append(dict(zip(("commit", "author", "email", "subject", "body"), fields)))
        return entries

    # -- writing ------------------------------------------------------------------------------
    def snapshot(self, destination: Path, replace: dict[str, str] | None = None) -> Path:
        """A copy of the working tree (without git) at ``destination``, with files replaced by the texts given."""
        with self.locked():
            shutil.copytree(self.root, destination, ignore=shutil.ignore_patterns(".git", *_IGNORED), symlinks=True)
        for relative, text in (replace or {}).items():
            (destination / relative).write_text(text)
        link_virtualenvs(destination)
        return destination

    def commit_file(self, relative: str, text: str, message: str, author: tuple[str, str]) -> str:
        """Write ``relative`` and commit it alone; returns the new commit."""
        with self.locked():
            _atomic_write(self.root / relative, text)
            self._git("add", "--", relative)
            self._commit(message, author)
            return self.head()

    def commit_paths(self, paths: list[str], message: str) -> str | None:
        """Commit whatever changed in ``paths`` (the engine writes a stack's passphrase salt there), if anything did."""
        with self.locked():
            if not self._git("status", "--porcelain", "--", *paths).strip():
                return None
            self._git("add", "--", *paths)
            self._commit(message, SERVICE_AUTHOR)
            return self.head()

    def _commit(self, message: str, author: tuple[str, str]) -> None:
        name, email = author
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
               "GIT_COMMITTER_NAME": SERVICE_AUTHOR[0], "GIT_COMMITTER_EMAIL": SERVICE_AUTHOR[1]}
        self._git("commit", "--quiet", "--no-verify", "-m", message, env=env)

    def _git(self, *args: str, env: dict[str, str] | None = None) -> str:
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        done = subprocess.run(["git", "-C", str(self.root), "-c", "commit.gpgsign=false", *args], capture_output=True, text=True,
                              env=full_env, check=False)
        if done.returncode != 0:
            raise WorkspaceError(f"git {args[0]} failed in the workspace: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout


def _project_files(source: Path) -> list[Path]:
    listed = subprocess.run(["git", "-C", str(source), "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *PROJECT_PARTS],
                            capture_output=True, text=True, check=False)
    if listed.returncode == 0 and listed.stdout:
        names = [Path(name) for name in listed.stdout.split("\0") if name]
    else:
        names = [path.relative_to(source) for part in PROJECT_PARTS for path in _walk(source / part)]
    return [name for name in names if (source / name).is_file() and "__pycache__" not in name.parts and name.parts[0] != "venv"]


def _walk(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in path.rglob("*") if p.is_file() and "venv" not in p.parts] if path.is_dir() else []


def _atomic_write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w") as out:
        out.write(text)
    os.replace(temporary, path)


def link_virtualenvs(project_dir: Path) -> None:
    """Point the project's and the pack's ``venv`` at the service's own: the real CLI runs the program with it."""
    if sys.prefix == sys.base_prefix:
        return
    for relative in _VENV_LINKS:
        link = project_dir / relative
        if link.parent.is_dir() and not link.exists():
            link.symlink_to(sys.prefix, target_is_directory=True)
