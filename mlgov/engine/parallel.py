"""Plan independent stacks at the same time, in worker processes.

A stack's program needs only the outputs of the stacks it references (the
environment stacks read only ``org``), so once those are planned it can run
beside the others. Each program runs in a worker process (the Pulumi runtime
keeps its state in process-wide globals, and Python runs one thread of
Python at a time); the policy pack of a stack is started in the parent as
soon as its program is handed to a worker, and analyzes the plan when it
comes back, while the workers go on with the next stacks. Results do not
depend on timing: each program sees exactly its references' outputs, and the
plan lists stacks in the planning order.

Workers are forked from a ``forkserver`` that loaded the Pulumi runtime once
(not from the parent, which may have threads, gRPC's or the SDK's, that a
``fork`` would copy in a locked state), so no worker pays the imports again.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgov.engine.fakes import FakeOrganization
from mlgov.engine.gc_pause import fewer_collections
from mlgov.engine.model import StackPlan
from mlgov.engine.progress import Phase, Progress, ProgressEvent, State, ignore


@dataclass(frozen=True)
class StackJob:
    """Everything a worker needs to run one stack's program (picklable)."""

    project_dir: Path
    stacks_dir: Path
    project: str
    stack: str
    kind: str
    config: dict[str, Any]
    organization: FakeOrganization
    references: dict[str, dict[str, Any]]


class StackFailed(Exception):
    """A stack's program failed; args (stack, message) so it crosses process boundaries intact."""

    def __init__(self, stack: str, message: str):
        super().__init__(stack, message)
        self.stack, self.message = stack, message

    def __str__(self) -> str:
        return f"stack '{self.stack}': {self.message}"


def run_job(job: StackJob, progress: Progress | None = None) -> StackPlan:
    """Run one stack's program in this process; a failing program raises StackFailed."""
    from mlgov.engine.monitor import MissingStackReference
    from mlgov.engine.runner import ProgramError, run_program

    report = progress or _worker_progress
    report(ProgressEvent(job.stack, Phase.PROGRAM, State.STARTED))
    try:
        with fewer_collections():
            plan = run_program(job.project_dir, job.stacks_dir, job.project, job.stack, job.kind, job.config,
                               job.organization, job.references)
    except (ProgramError, MissingStackReference) as error:
        raise StackFailed(job.stack, str(error)) from None
    report(ProgressEvent(job.stack, Phase.PROGRAM, State.DONE, len(plan.resources), len(plan.resources)))
    return plan


# ---- worker processes -------------------------------------------------------------------------

_EVENTS: Any = None


def _worker_start(events: Any) -> None:
    """Worker initializer: keep the event queue."""
    global _EVENTS
    _EVENTS = events


def _worker_progress(event: ProgressEvent) -> None:
    if _EVENTS is not None:
        _EVENTS.put(event)


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def widest_level(order: list[str], dependencies: dict[str, list[str]]) -> int:
    """How many stacks could run at once at best (stacks at the same depth of the reference graph)."""
    depth: dict[str, int] = {}
    for name in order:
        depth[name] = 1 + max((depth[d] for d in dependencies[name]), default=0)
    counts: dict[int, int] = {}
    for level in depth.values():
        counts[level] = counts.get(level, 0) + 1
    return max(counts.values(), default=0)


# ---- the scheduler ----------------------------------------------------------------------------

Prepare = Callable[[str, dict[str, dict[str, Any]]], "StackJob | StackPlan"]
"""(stack, its references' outputs) -> a job to run, or the plan already known (from the cache)."""
Finish = Callable[[str, Callable[[], StackPlan]], StackPlan]
"""(stack, a function returning its program's plan when ready) -> the plan with its verdicts."""


def plan_serially(order: list[str], dependencies: dict[str, list[str]], prepare: Prepare, finish: Finish,
                  progress: Progress = ignore) -> dict[str, StackPlan]:
    """One stack after the other in this process."""
    outputs: dict[str, dict[str, Any]] = {}
    plans: dict[str, StackPlan] = {}
    for name in order:
        prepared = prepare(name, {d: outputs[d] for d in dependencies[name]})
        plan = prepared if isinstance(prepared, StackPlan) else run_job(prepared, progress)
        outputs[name] = plan.outputs
        plans[name] = finish(name, lambda plan=plan: plan)
    return plans


def plan_in_parallel(order: list[str], dependencies: dict[str, list[str]], prepare: Prepare, finish: Finish,
                     workers: int, weight: Callable[[str], int], progress: Progress = ignore) -> dict[str, StackPlan]:
    """Each stack as soon as its references are planned, the biggest ready stack first, on ``workers`` processes."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mlgov.engine.runner"])
    events = context.Queue()
    forwarder = threading.Thread(target=_forward, args=(events, progress), daemon=True)
    forwarder.start()
    outputs: dict[str, dict[str, Any]] = {}
    finished: dict[str, Future[StackPlan]] = {}
    running: dict[Future[StackPlan], str] = {}
    waiting = list(order)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start, initargs=(events,))
    checks = ThreadPoolExecutor(max_workers=len(order), thread_name_prefix="mlgov-pack")
    try:
        while waiting or running:
            ready = sorted((name for name in waiting if all(d in outputs for d in dependencies[name])),
                           key=lambda name: (-weight(name), order.index(name)))
            for name in ready:
                waiting.remove(name)
                prepared = prepare(name, {d: outputs[d] for d in dependencies[name]})
                if isinstance(prepared, StackPlan):
                    outputs[name] = prepared.outputs
                    finished[name] = checks.submit(finish, name, lambda plan=prepared: plan)
                else:
                    job = pool.submit(run_job, prepared)
                    running[job] = name
                    finished[name] = checks.submit(finish, name, job.result)
            if ready and not running:
                continue  # cache hits may have made more stacks ready
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for job in done:
                name = running.pop(job)
                outputs[name] = job.result().outputs  # a failed program raises here, in planning order of failures
        return {name: finished[name].result() for name in order}
    finally:
        for job in running:
            job.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        checks.shutdown(wait=True, cancel_futures=True)
        events.put(None)
        forwarder.join(timeout=5)
        events.close()


def _forward(events: Any, progress: Progress) -> None:
    while True:
        try:
            event = events.get()
        except (EOFError, OSError, queue.Empty):
            return
        if event is None:
            return
        progress(event)
