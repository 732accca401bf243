"""Progress of a long plan on stderr: a live display per stack on a terminal, plain lines elsewhere (CI).

Never on stdout, so ``--format json`` output stays pure JSON.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from mlgov.engine.progress import Phase, ProgressEvent, State


class ProgressMode(StrEnum):
    AUTO = "auto"
    """A live display when stderr is a terminal, plain lines otherwise."""
    LIVE = "live"
    PLAIN = "plain"
    OFF = "off"


def _resources(count: int) -> str:
    return f"{count:,} resource{'s' if count != 1 else ''}"


class PlainLines:
    """One line when a stack's program or analysis starts and ends; nothing per resource."""

    def __init__(self, console: Console):
        self.console = console
        self._started: dict[tuple[str, Phase], float] = {}
        self._lock = threading.Lock()

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            key = (event.stack, event.phase)
            now = time.perf_counter()
            if event.phase == Phase.CACHE:
                line = f"{event.stack}: unchanged, taken from the plan cache ({_resources(event.done)})"
            elif event.state == State.STARTED:
                self._started[key] = now
                line = f"{event.stack}: {'running the program' if event.phase == Phase.PROGRAM else 'policy pack analyzing'}" + (
                    f" {_resources(event.total)}" if event.phase == Phase.PACK and event.total is not None else "")
            elif event.state == State.DONE:
                seconds = now - self._started.pop(key, now)
                what = "program registered" if event.phase == Phase.PROGRAM else "policy pack analyzed"
                line = f"{event.stack}: {what} {_resources(event.done)} in {seconds:.1f} s"
            else:
                return
            self.console.print(f"plan: {line}", markup=False, highlight=False)


class LiveDisplay:
    """A rich progress display: one row per stack and phase."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self._tasks: dict[tuple[str, Phase], TaskID] = {}
        self._lock = threading.Lock()

    def __call__(self, event: ProgressEvent) -> None:
        with self._lock:
            key = (event.stack, event.phase)
            label = {Phase.PROGRAM: "program", Phase.PACK: "policy pack", Phase.CACHE: "from cache"}[event.phase]
            if key not in self._tasks:
                self._tasks[key] = self.progress.add_task(f"{event.stack} {label}", total=event.total)
            task = self._tasks[key]
            if event.state == State.DONE:
                self.progress.update(task, total=event.total or event.done or 1, completed=event.total or event.done or 1)
            else:
                self.progress.update(task, total=event.total, completed=event.done)


@contextmanager
def plan_progress(mode: ProgressMode, console: Console) -> Iterator[object]:
    """A receiver for ``plan_stacks(progress=...)`` per ``mode``, or None when off."""
    if mode == ProgressMode.OFF:
        yield None
        return
    live = mode == ProgressMode.LIVE or (mode == ProgressMode.AUTO and console.is_terminal)
    if not live:
        yield PlainLines(console)
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        yield LiveDisplay(progress)
