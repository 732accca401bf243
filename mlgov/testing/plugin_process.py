"""How a Pulumi plugin process lives: serve gRPC on a free port, print it, stop with the engine.

The engine starts a plugin with its own address as the last argument, reads
the port from the plugin's first line of stdout, and interrupts it when done.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent import futures

import grpc

MAX_MESSAGE = 400 * 1024 * 1024


def engine_address(argv: list[str]) -> str:
    """The engine's address: the last positional argument (flags such as ``-tracing X`` may precede it)."""
    positional = [arg for arg in argv if not arg.startswith("-")]
    return positional[-1] if positional else ""


def _exit_with_parent(parent: int) -> None:
    """A plugin whose engine is gone has no one to serve (the real plugins health-check the engine)."""
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def serve(register: Callable[[grpc.Server], None], version: str, argv: list[str], workers: int = 8) -> int:
    if "-version" in argv or "--version" in argv:
        print(version)
        return 0
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers), options=[("grpc.max_receive_message_length", MAX_MESSAGE)])
    register(server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    # The engine interrupts its plugins when it is done: a clean stop, not a traceback in its output.
    signal.signal(signal.SIGINT, lambda *_: server.stop(0))
    server.wait_for_termination()
    return 0
