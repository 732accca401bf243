"""Run the real Pulumi program of one stack under the recording monitor.

This is what ``pulumi preview`` does up to the point where it would call the
AWS provider: the language host runs ``__main__.py`` inside a root Stack
resource (``run_in_stack``), every registration goes to the monitor. Each
stack runs in its own context and event loop so globals of one run (config,
root resource, settings) never leak into the next.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import runpy
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import empty_pb2
from pulumi.runtime import config as pulumi_config
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.stack import run_in_stack

from mlgov.config.loader import STACK_CONFIG_DIR
from mlgov.constants import PROJECT
from mlgov.engine.fakes import FakeOrganization
from mlgov.engine.model import StackPlan
from mlgov.engine.monitor import MissingStackReference, PlanMocks, RecordingMonitor
from mlgov.engine.settle import settled


def _describe(error: Exception) -> str:
    """The error and where it was raised, as `pulumi preview` shows a program failure."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"the program failed: {type(error).__name__}: {error}{where}"


class ProgramError(Exception):
    """The program failed (bad config, a bug, a missing reference); the message is for the user."""


def config_for_program(config: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Stack-file values as the language host passes them: strings, objects JSON-encoded."""
    values: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in config.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[key], secrets = "[secret]", secrets + [key]
        elif isinstance(value, str):
            values[key] = value
        else:
            values[key] = json.dumps(value)
    return values, secrets


def run_program(
    project_dir: Path,
    stacks_dir: Path,
    project: str,
    stack: str,
    kind: str,
    config: dict[str, Any],
    organization: FakeOrganization,
    references: dict[str, dict[str, Any]],
) -> StackPlan:
    """Run ``project_dir/__main__.py`` as the language host would."""
    entry = project_dir / "__main__.py"

    def program() -> None:
        STACK_CONFIG_DIR.set(stacks_dir)
        runpy.run_path(str(entry), run_name="__main__")

    added_path = str(project_dir) not in sys.path
    if added_path:
        sys.path.insert(0, str(project_dir))
    try:
        return run_under_monitor(
            program, stack, kind, config, organization, references, project, project_dir
        )
    finally:
        if added_path:
            sys.path.remove(str(project_dir))


def _finish_pending(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what a failed program left running, as ``asyncio.run`` does, before the loop closes.

    Otherwise the pending applies of the failed program are destroyed later, in whatever
    runs next in this process: asyncio logs "Task was destroyed but it is pending!" and
    their callbacks hit the closed loop ("Event loop is closed") inside the next plan.
    """
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())


def run_under_monitor(
    program: Callable[[], Any],
    stack: str,
    kind: str = "test",
    config: dict[str, Any] | None = None,
    organization: FakeOrganization | None = None,
    references: dict[str, dict[str, Any]] | None = None,
    project: str = PROJECT,
    project_dir: Path | None = None,
) -> StackPlan:
    """Run any program function under the recording monitor (tests use it for single components)."""
    organization = organization or FakeOrganization(PROJECT, "eu-west-1")
    context = contextvars.copy_context()
    return context.run(_run, program, project, project_dir, stack, kind, config or {}, organization, references or {})


def _run(program, project, project_dir, stack, kind, config, organization, references) -> StackPlan:
    mocks = PlanMocks(organization, references)
    values, secrets = config_for_program(config)
    monitor = RecordingMonitor(mocks, project, stack, values)
    pulumi_config.set_all_config(values, secrets)
    pulumi_settings.ROOT.set(None)
    pulumi_settings.configure(
        MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),
            engine=MockEngine(None),
            project=project,
            stack=stack,
            dry_run=False,
            organization="organization",
            root_directory=str(project_dir) if project_dir else None,
            callbacks=None,
            # MockSettings keeps the import-time set of pending outputs, shared by every run of the
            # process: a failed run would leave its tasks there for the next run to await.
            outputs=set(),
        )
    )
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(run_in_stack(lambda: settled(program)))
    except pulumi.RunError as error:
        raise ProgramError(str(error)) from None
    except MissingStackReference:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the user's program is reported, not dumped
        raise ProgramError(_describe(error)) from error
    finally:
        _finish_pending(loop)
        loop.close()
        asyncio.set_event_loop(None)
    return StackPlan(name=stack, kind=kind, resources=monitor.sorted_records(), outputs=monitor.stack_outputs)
