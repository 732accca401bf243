"""Let a program's outstanding outputs and RPCs finish in linear time, before the SDK's own wait.

After the program returns, the Python SDK's ``wait_for_rpcs`` drains the
pending outputs with ``asyncio.wait(pending, return_when=FIRST_COMPLETED)`` in
a loop: every round adds a done-callback to every pending task and returns
when the first one finishes, so N outputs cost O(N^2) callbacks (1.3 million
for a 1,600-resource plan, most of its run time). ``settled`` waits for
whatever is pending at once (``ALL_COMPLETED``, one callback per task), round
after round until nothing is pending, so the SDK's wait that follows finds
nothing left to do. Errors are left where the SDK finds them: a failed output
task stays in the SDK's set and a failed RPC in its manager, and the SDK's
wait re-raises them exactly as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from pulumi.runtime.settings import SETTINGS, _get_rpc_manager


def _drop_earlier_runs() -> None:
    """Forget output tasks of an earlier run's loop: a run that failed can leave some in the SDK's
    set, where they can never finish (their loop is closed) and the SDK's wait would trip over them."""
    loop = asyncio.get_running_loop()
    with SETTINGS.lock:
        for task in [task for task in SETTINGS.outputs if task.get_loop() is not loop]:
            SETTINGS.outputs.discard(task)


def _pending() -> list[asyncio.Future]:
    with SETTINGS.lock:
        outputs = [task for task in SETTINGS.outputs if not task.done()]
    rpcs = [rpc for rpc in _get_rpc_manager().rpcs if isinstance(rpc, asyncio.Future) and not rpc.done()]
    return outputs + rpcs


async def settled(program: Callable[[], Any]) -> None:
    """Run ``program`` (sync or async), then wait until no output or RPC is pending."""
    _drop_earlier_runs()
    result: Awaitable[Any] | Any = program()
    if isawaitable(result):
        await result
    while pending := _pending():
        await asyncio.wait(pending)
