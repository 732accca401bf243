"""What a long plan reports while it runs: one event per step of each stack.

``plan_stacks(progress=...)`` calls the function with a ``ProgressEvent``
whenever a stack's program or its policy analysis starts, advances or ends,
or when a stack is taken from the plan cache. Events arrive on the calling
process (from worker processes too) but possibly from another thread, so a
receiver must not assume the main thread. Displays live in the CLI
(``mlgov.reports.progress``); the engine only reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Phase(StrEnum):
    PROGRAM = "program"
    """The stack's program under the recording monitor; ``done`` counts registered resources."""
    PACK = "pack"
    """The policy pack's analysis; ``done`` counts analyzed resources of ``total``."""
    CACHE = "cache"
    """The stack's plan was taken from the plan cache (state is always ``done``)."""


class State(StrEnum):
    STARTED = "started"
    ADVANCED = "advanced"
    DONE = "done"


@dataclass(frozen=True)
class ProgressEvent:
    stack: str
    phase: Phase
    state: State
    done: int = 0
    total: int | None = None
    time: float = field(default_factory=time.perf_counter)
    """``time.perf_counter()`` when the event happened, in the process that reported it."""


Progress = Callable[[ProgressEvent], None]


def ignore(_: ProgressEvent) -> None:
    """The receiver when nobody listens."""
