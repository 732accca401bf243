"""``Platform``: preview, apply, refresh and read a project's stacks through one interface, whichever engine runs.

Two engines sit behind it. The real one drives the Pulumi CLI through the
Automation API (``LocalWorkspace`` on the project folder, a file or cloud
backend, passphrase secrets). The offline one plans with ``mlgov plan`` and
compares with ``mlgov diff``'s logic; it is the default for previews when no
CLI is installed, and it refuses to apply. With the real engine a preview
still carries the offline blast radius and Markdown, which need the whole
organization's plan.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from mlgov.automation.errors import EngineUnavailableError
from mlgov.automation.offline import OfflineEngine, OfflinePlanner, project_stacks
from mlgov.automation.pulumi_engine import PulumiEngine, PulumiSettings, find_pulumi_root
from mlgov.automation.results import PreviewResult, ProgressCallback, UpResult

ENGINE_CHOICES = ("auto", "offline", "pulumi")


class Engine(Protocol):
    name: str
    can_apply: bool

    def preview(self, project_dir: Path, stacks: Sequence[str], *, base_dir: Path | None = None, plan_dir: Path | None = None,
                on_progress: ProgressCallback | None = None, base_label: str = "") -> PreviewResult: ...

    def up(self, project_dir: Path, stack: str, *, plan_file: str | None = None, on_progress: ProgressCallback | None = None,
           expected: int = 0) -> UpResult: ...

    def refresh(self, project_dir: Path, stack: str, *, on_progress: ProgressCallback | None = None) -> None: ...

    def outputs(self, project_dir: Path, stack: str) -> dict[str, Any]: ...

    def unprotect(self, project_dir: Path, stack: str, urns: Sequence[str]) -> None: ...

    def protect(self, project_dir: Path, stack: str, urns: Sequence[str]) -> None: ...

    def cancel(self, project_dir: Path, stack: str) -> None: ...


def select_engine(kind: str = "auto", *, project_dir: Path | None = None, pulumi_root: str | Path | None = None,
                  backend_url: str | None = None, passphrase: str | None = None, planner: OfflinePlanner | None = None) -> Engine:
    """The engine ``kind`` names; ``auto`` is the real engine when a Pulumi CLI is found, else the offline one."""
    if kind not in ENGINE_CHOICES:
        raise ValueError(f"engine {kind!r}: use one of {', '.join(ENGINE_CHOICES)}")
    if kind == "offline":
        return OfflineEngine(planner)
    root = find_pulumi_root(pulumi_root, project_dir)
    if root is None:
        if kind == "pulumi":
            raise EngineUnavailableError(
                "no Pulumi CLI found (looked at --pulumi-root, MLGOV_PULUMI_ROOT, the project's .tools/bin and PATH). "
                "Fix: build it with `make engine`, or use the offline engine for previews")
        return OfflineEngine(planner)
    if not backend_url:
        raise EngineUnavailableError("the real engine needs a state backend. Fix: pass a backend URL such as file:///srv/mlgov/state")
    secret = passphrase if passphrase is not None else os.environ.get("PULUMI_CONFIG_PASSPHRASE")
    if secret is None:
        raise EngineUnavailableError("the real engine encrypts secrets with a passphrase. Fix: set PULUMI_CONFIG_PASSPHRASE")
    return PulumiEngine(PulumiSettings(root=root, backend_url=backend_url, passphrase=secret))


class Platform:
    """One Pulumi project folder and the engine that previews and applies its stacks."""

    def __init__(self, project_dir: str | Path, *, backend_url: str | None = None, secrets_provider: str = "passphrase",
                 engine: str | Engine = "auto", pulumi_root: str | Path | None = None, passphrase: str | None = None,
                 offline: OfflineEngine | None = None):
        if secrets_provider != "passphrase":
            raise ValueError("only the passphrase secrets provider is supported")
        self.project_dir = Path(project_dir).resolve()
        self.engine: Engine = engine if not isinstance(engine, str) else select_engine(
            engine, project_dir=self.project_dir, pulumi_root=pulumi_root, backend_url=backend_url, passphrase=passphrase)
        self.offline = offline or (self.engine if isinstance(self.engine, OfflineEngine) else OfflineEngine())

    @property
    def engine_name(self) -> str:
        return self.engine.name

    @property
    def can_apply(self) -> bool:
        return self.engine.can_apply

    def stacks(self) -> list[str]:
        return project_stacks(self.project_dir)

    def ensure_stacks(self, stacks: Sequence[str]) -> None:
        """Create missing stacks in the backend (real engine only; the offline engine has no backend)."""
        ensure = getattr(self.engine, "ensure_stack", None)
        if ensure is not None:
            for stack in stacks:
                ensure(self.project_dir, stack)

    def preview(self, stacks: Sequence[str], *, base_dir: str | Path | None = None, plan_dir: str | Path | None = None,
                on_progress: ProgressCallback | None = None, base_label: str = "the current catalogue",
                real: bool | Sequence[str] = True, offline: bool = True) -> PreviewResult:
        """Preview ``stacks``: the offline comparison with ``base_dir`` (what the stacks hold now), and with the
        real engine its own preview against the stack state, saving an update plan per stack into ``plan_dir``.

        ``real`` limits the real engine to some stacks (False: none): a stack that reads a stack the same change
        updates first can only be previewed for real once that one is applied. ``offline=False`` skips the offline
        comparison (the real engine's result alone)."""
        base = Path(base_dir) if base_dir is not None else None
        plans = Path(plan_dir) if plan_dir is not None else None
        real_stacks = [stack for stack in stacks if real is True or (real and stack in real)]
        use_real = bool(real_stacks) and self.engine is not self.offline
        if not offline:
            if not self.engine.can_apply:
                raise EngineUnavailableError("a preview against the stack state needs the real engine")
            return self.engine.preview(self.project_dir, stacks, plan_dir=plans, on_progress=on_progress)
        offline_result = self.offline.preview(self.project_dir, stacks, base_dir=base, on_progress=None if use_real else on_progress,
                                              base_label=base_label)
        if not use_real:
            return offline_result
        real_result = self.engine.preview(self.project_dir, real_stacks, plan_dir=plans, on_progress=on_progress)
        by_stack = {preview.stack: preview for preview in offline_result.stacks}
        for preview in real_result.stacks:
            known = by_stack[preview.stack]
            preview.blast_radius, preview.destructive, preview.markdown = known.blast_radius, known.destructive, known.markdown
            preview.outputs, preview.output_changes = known.outputs, known.output_changes
            by_stack[preview.stack] = preview
        return PreviewResult([by_stack[stack] for stack in stacks if stack in by_stack],
                             round(real_result.duration_s + offline_result.duration_s, 3))

    def up(self, stack: str, *, plan_file: str | None = None, on_progress: ProgressCallback | None = None, expected: int = 0) -> UpResult:
        return self.engine.up(self.project_dir, stack, plan_file=plan_file, on_progress=on_progress, expected=expected)

    def refresh(self, stack: str, *, on_progress: ProgressCallback | None = None) -> None:
        self.engine.refresh(self.project_dir, stack, on_progress=on_progress)

    def outputs(self, stack: str) -> dict[str, Any]:
        return self.engine.outputs(self.project_dir, stack)

    def unprotect(self, stack: str, urns: Sequence[str]) -> None:
        self.engine.unprotect(self.project_dir, stack, urns)

    def protect(self, stack: str, urns: Sequence[str]) -> None:
        self.engine.protect(self.project_dir, stack, urns)

    def cancel(self, stack: str) -> None:
        self.engine.cancel(self.project_dir, stack)
