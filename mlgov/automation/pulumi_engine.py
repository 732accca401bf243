"""The real engine: the Pulumi CLI driven through ``pulumi.automation`` (LocalWorkspace on a project folder).

State lives in the backend given (``file://<dir>`` for a self-hosted file
backend), secrets use the passphrase provider. A preview saves an update plan
(``pulumi preview --save-plan``) and ``up`` applies exactly that plan
(``pulumi up --plan``); the CLI departing from the plan is reported as a stale
preview. Update plans need no ``PULUMI_EXPERIMENTAL`` since the CLI reads
``--save-plan``/``--plan`` unconditionally (the flags are only hidden from
``--help``; pulumi/pulumi ``pkg/cmd/pulumi/operations/preview.go`` and ``up.go``).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgov.automation.errors import (
    AutomationError,
    EngineFailure,
    EngineUnavailableError,
    PolicyViolationsError,
    StackBusyError,
    StackNotFoundError,
    StalePlanError,
)
from mlgov.automation.results import PolicyViolation, PreviewResult, Progress, ProgressCallback, ResourceChange, StackPreview, UpResult

PACK = Path("policypacks") / "ml-guardrails"
_REPLACE_OPS = {"replace", "create-replacement", "delete-replaced"}
_CHANGE_OPS = {"create": "create", "update": "update", "delete": "delete", **{op: "replace" for op in _REPLACE_OPS}}
_ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
_PLAN_DEPARTED = ("violates plan", "plan is not valid", "not in plan")


def find_pulumi_root(explicit: str | Path | None = None, project_dir: Path | None = None) -> Path | None:
    """The folder whose ``bin/pulumi`` is the CLI to use: explicit, ``MLGOV_PULUMI_ROOT``, the project's ``.tools``, or PATH."""
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("MLGOV_PULUMI_ROOT"):
        candidates.append(Path(os.environ["MLGOV_PULUMI_ROOT"]))
    if project_dir is not None:
        candidates.append(project_dir / ".tools")
    on_path = shutil.which("pulumi")
    if on_path:
        candidates.append(Path(on_path).resolve().parent.parent)
    for root in candidates:
        if os.access(root / "bin" / "pulumi", os.X_OK):
            return root
    return None


@dataclass(frozen=True)
class PulumiSettings:
    root: Path
    backend_url: str
    passphrase: str
    secrets_provider: str = "passphrase"


class PulumiEngine:
    """Previews and applies with the Pulumi CLI; every Automation API error becomes a typed error."""

    name = "pulumi"
    can_apply = True

    def __init__(self, settings: PulumiSettings):
        self.settings = settings

    # -- workspace --------------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        bin_dir = str(self.settings.root / "bin")
        return {
            "PULUMI_BACKEND_URL": self.settings.backend_url,
            "PULUMI_CONFIG_PASSPHRASE": self.settings.passphrase,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        }

    def _stack(self, project_dir: Path, stack: str, *, create: bool = True):
        from pulumi import automation as auto

        try:
            command = auto.PulumiCommand(root=str(self.settings.root), skip_version_check=True)
            options = auto.LocalWorkspaceOptions(
                work_dir=str(project_dir),
                pulumi_command=command,
                env_vars=self._env(),
                secrets_provider=self.settings.secrets_provider,
            )
            if create:
                return auto.create_or_select_stack(stack_name=stack, work_dir=str(project_dir), opts=options)
            return auto.select_stack(stack_name=stack, work_dir=str(project_dir), opts=options)
        except FileNotFoundError as error:
            raise EngineUnavailableError(f"the Pulumi CLI is missing at {self.settings.root / 'bin'}: {error}", stack=stack) from None
        except Exception as error:  # noqa: BLE001 - every engine error is mapped to a typed one
            raise map_error(error, stack) from None

    def ensure_stack(self, project_dir: Path, stack: str) -> None:
        """Create the stack in the backend when missing (writes its passphrase salt into the stack file)."""
        self._stack(project_dir, stack)

    # -- operations -------------------------------------------------------------------------
    def preview(self, project_dir: Path, stacks: Sequence[str], *, base_dir: Path | None = None, plan_dir: Path | None = None,
                on_progress: ProgressCallback | None = None, base_label: str = "") -> PreviewResult:
        started = time.monotonic()
        previews = []
        for stack in stacks:
            previews.append(self._preview_stack(project_dir, stack, plan_dir, on_progress))
        return PreviewResult(previews, round(time.monotonic() - started, 3))

    def _preview_stack(self, project_dir: Path, stack: str, plan_dir: Path | None, on_progress: ProgressCallback | None) -> StackPreview:
        started = time.monotonic()
        handle = self._stack(project_dir, stack)
        recorder = EventRecorder(stack, "preview", on_progress)
        plan_file = str(plan_dir / f"{stack}.plan.json") if plan_dir is not None else None
        version = self._version(handle)
        try:
            handle.preview(diff=True, policy_packs=self._packs(project_dir), plan=plan_file, on_event=recorder, color="never")
        except Exception as error:  # noqa: BLE001
            raise map_error(error, stack, recorder.violations) from None
        return StackPreview(
            stack=stack,
            engine=self.name,
            changes=recorder.changes(),
            violations=recorder.violations,
            base_fingerprint=f"pulumi:{stack}:{version}",
            plan_file=plan_file,
            duration_s=round(time.monotonic() - started, 3),
        )

    def up(self, project_dir: Path, stack: str, *, plan_file: str | None = None, on_progress: ProgressCallback | None = None,
           expected: int = 0) -> UpResult:
        started = time.monotonic()
        handle = self._stack(project_dir, stack, create=False)
        recorder = EventRecorder(stack, "up", on_progress, expected)
        try:
            result = handle.up(plan=plan_file, policy_packs=self._packs(project_dir), on_event=recorder, color="never")
        except Exception as error:  # noqa: BLE001
            raise map_error(error, stack, recorder.violations) from None
        outputs = {key: value.value for key, value in result.outputs.items()}
        summary = {str(getattr(op, "value", op)): count for op, count in (result.summary.resource_changes or {}).items()}
        return UpResult(stack, outputs, summary, round(time.monotonic() - started, 3))

    def refresh(self, project_dir: Path, stack: str, *, on_progress: ProgressCallback | None = None) -> None:
        handle = self._stack(project_dir, stack)
        recorder = EventRecorder(stack, "refresh", on_progress)
        try:
            handle.refresh(clear_pending_creates=True, on_event=recorder, color="never")
        except Exception as error:  # noqa: BLE001
            raise map_error(error, stack) from None

    def outputs(self, project_dir: Path, stack: str) -> dict[str, Any]:
        handle = self._stack(project_dir, stack, create=False)
        try:
            return {key: value.value for key, value in handle.outputs().items()}
        except Exception as error:  # noqa: BLE001
            raise map_error(error, stack) from None

    def unprotect(self, project_dir: Path, stack: str, urns: Sequence[str]) -> None:
        """``pulumi state unprotect`` for each URN (the README's retire step)."""
        self._state(project_dir, stack, "unprotect", urns)

    def protect(self, project_dir: Path, stack: str, urns: Sequence[str]) -> None:
        self._state(project_dir, stack, "protect", urns)

    def _state(self, project_dir: Path, stack: str, verb: str, urns: Sequence[str]) -> None:
        handle = self._stack(project_dir, stack, create=False)
        for urn in urns:
            try:
                handle.workspace.pulumi_command.run(
                    ["state", verb, "--stack", stack, "--yes", urn], str(project_dir), {**handle.workspace.env_vars})
            except Exception as error:  # noqa: BLE001
                raise map_error(error, stack) from None

    def cancel(self, project_dir: Path, stack: str) -> None:
        handle = self._stack(project_dir, stack, create=False)
        try:
            handle.cancel()
        except Exception as error:  # noqa: BLE001
            raise map_error(error, stack) from None

    def _packs(self, project_dir: Path) -> list[str]:
        pack = project_dir / PACK
        return [str(pack)] if (pack / "PulumiPolicy.yaml").exists() else []

    @staticmethod
    def _version(handle: Any) -> int:
        try:
            history = handle.history(page_size=1)
        except Exception:  # noqa: BLE001 - a new stack has no history
            return 0
        return history[0].version if history else 0


class EventRecorder:
    """Collects what the engine reports through ``on_event``: changes, policy violations, progress."""

    def __init__(self, stack: str, operation: str, on_progress: ProgressCallback | None, expected: int = 0):
        self.stack = stack
        self.operation = operation
        self.on_progress = on_progress
        self.expected = expected
        self._changes: dict[str, ResourceChange] = {}
        self.violations: list[PolicyViolation] = []
        self._done = 0

    def __call__(self, event: Any) -> None:
        if event.policy_event is not None:
            policy = event.policy_event
            self.violations.append(PolicyViolation(policy.policy_name, policy.enforcement_level, policy.resource_urn or "", policy.message))
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.type != _ROOT_STACK_TYPE:
            op = _CHANGE_OPS.get(str(getattr(pre.metadata.op, "value", pre.metadata.op)))
            if op is not None:
                self._record(pre.metadata, op)
        done = event.res_outputs_event
        if done is not None and done.metadata.type != _ROOT_STACK_TYPE:
            self._done += 1
            if self.on_progress is not None:
                total = max(self.expected, len(self._changes), self._done)
                self.on_progress(Progress(self.stack, self.operation, self._done, total, done.metadata.urn))

    def _record(self, metadata: Any, op: str) -> None:
        known = self._changes.get(metadata.urn)
        properties = set(metadata.diffs or metadata.keys or []) | set(known.properties if known else [])
        if known is not None and known.op == "replace":
            op = "replace"  # a replacement shows as several steps; it stays one replace
        state = metadata.new or metadata.old
        name = metadata.urn.rsplit("::", 1)[-1]
        self._changes[metadata.urn] = ResourceChange(
            op, metadata.urn, metadata.type, name, sorted(properties),
            bool(getattr(state, "protect", False)), bool(getattr(state, "retain_on_delete", False)),
        )

    def changes(self) -> list[ResourceChange]:
        return sorted(self._changes.values(), key=lambda change: (change.type, change.name, change.urn))


def map_error(error: Exception, stack: str, violations: Sequence[PolicyViolation] = ()) -> AutomationError:
    """An Automation API error as a typed error: busy, not found, violations, stale plan, or the engine's message."""
    from pulumi.automation import errors as auto_errors

    if isinstance(error, AutomationError):
        return error
    text = _engine_message(error)
    if isinstance(error, auto_errors.ConcurrentUpdateError):
        return StackBusyError(f"stack '{stack}' is busy: another update is in progress ({text})", stack=stack)
    if isinstance(error, auto_errors.StackNotFoundError):
        return StackNotFoundError(f"stack '{stack}' does not exist in the backend", stack=stack)
    mandatory = [violation for violation in violations if violation.level == "mandatory"]
    if mandatory:
        return PolicyViolationsError(f"stack '{stack}': {len(mandatory)} mandatory policy violation(s)", list(mandatory), stack=stack)
    if any(marker in text for marker in _PLAN_DEPARTED):
        return StalePlanError(f"stack '{stack}' departs from the update plan saved at preview: {text}", stack=stack)
    return EngineFailure(f"stack '{stack}': {text}", stack=stack)


def _engine_message(error: Exception) -> str:
    """The engine's own words: from its first ``error:`` line on (a program failure puts the cause below it)."""
    stderr = getattr(error, "stderr", None)
    result = getattr(error, "args", [""])[0] if not stderr else ""
    text = stderr or str(result) or str(error)
    lines = [line.strip().removeprefix("stderr:").removeprefix("stdout:").strip() for line in str(text).splitlines()]
    lines = [line for line in lines if line and not line.startswith("code:")]
    first = next((index for index, line in enumerate(lines) if line.startswith("error:")), None)
    chosen = lines[first:first + 12] if first is not None else lines[-5:]
    return " ".join(chosen)[:2000] or type(error).__name__
