"""The policy pack as a process: started the way the engine starts it, spoken to over gRPC.

The engine runs ``python -u -m pulumi.policy <engine-address> .`` in the pack
directory with PULUMI_CONFIG (JSON object of ``<project>:<key>`` -> string),
PULUMI_PROJECT, PULUMI_STACK, PULUMI_DRY_RUN and PULUMI_ORGANIZATION; the pack
prints its gRPC port on stdout.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc

from pulumi.runtime.proto import analyzer_pb2_grpc

from mlgov.policy_runner.protocol import AnalyzerStub
from mlgov.policy_runner.requests import engine_config

START_TIMEOUT_S = 30.0


class PolicyPackError(RuntimeError):
    """The policy pack failed to start or died; the message carries its stderr."""


@contextmanager
def started_pack(pack_dir: Path, *, project: str, stack: str, stack_config: Mapping[str, Any],
                 dry_run: bool = True, organization: str = "organization",
                 python: str = sys.executable) -> Iterator[AnalyzerStub]:
    """Start the pack as the engine does and yield a gRPC stub; always stops it."""
    env = dict(os.environ)
    env.update({
        "PULUMI_CONFIG": json.dumps(engine_config(stack_config)),
        "PULUMI_PROJECT": project,
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": "true" if dry_run else "false",
        "PULUMI_ORGANIZATION": organization,
    })
    # The engine address is required on the command line but the Python SDK never dials it.
    proc = subprocess.Popen(
        [python, "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."],
        cwd=str(pack_dir), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stderr_chunks: list[bytes] = []
    err_thread = threading.Thread(target=lambda: stderr_chunks.extend(iter(proc.stderr.readline, b"")), daemon=True)
    err_thread.start()
    channel = None
    try:
        port = _read_port(proc, stderr_chunks)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
        grpc.channel_ready_future(channel).result(timeout=START_TIMEOUT_S)
        yield _GrpcStub(analyzer_pb2_grpc.AnalyzerStub(channel), proc, stderr_chunks)
    finally:
        if channel is not None:
            channel.close()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()
        err_thread.join(timeout=2)
        proc.stderr.close()


def _read_port(proc: subprocess.Popen, stderr_chunks: list[bytes]) -> int:
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=START_TIMEOUT_S)
    except queue.Empty:
        raise PolicyPackError(f"policy pack printed no port within {START_TIMEOUT_S:.0f}s") from None
    try:
        return int(line.strip())
    except ValueError:
        proc.wait(timeout=5) if proc.poll() is None and not line else None
        raise PolicyPackError(
            f"policy pack failed to start (exit code {proc.poll()}); stdout {line!r}; stderr:\n"
            + b"".join(stderr_chunks).decode(errors="replace")) from None


class _GrpcStub:
    """Adds the pack's stderr to any RPC failure, so a crashed policy is diagnosable."""

    def __init__(self, stub: Any, proc: subprocess.Popen, stderr_chunks: list[bytes]) -> None:
        self._stub, self._proc, self._stderr = stub, proc, stderr_chunks

    def __getattr__(self, method: str) -> "_Method":
        return _Method(self, method)

    def failure(self, method: str, exc: grpc.RpcError) -> PolicyPackError:
        return PolicyPackError(
            f"policy pack RPC {method} failed: {exc.code().name}: {exc.details()}\n"
            f"pack exit code: {self._proc.poll()}; stderr:\n" + b"".join(self._stderr).decode(errors="replace"))


class _Method:
    """One RPC of the pack: call it and wait, or start it (``future``) and wait later."""

    def __init__(self, owner: _GrpcStub, method: str) -> None:
        self._owner, self._method = owner, method
        self._rpc = getattr(owner._stub, method)

    def __call__(self, request: Any) -> Any:
        return self.future(request).result()

    def future(self, request: Any) -> "_Call":
        return _Call(self._rpc.future(request), self._owner, self._method)


class _Call:
    def __init__(self, call: Any, owner: _GrpcStub, method: str) -> None:
        self._call, self._owner, self._method = call, owner, method

    def result(self) -> Any:
        try:
            return self._call.result()
        except grpc.RpcError as exc:
            raise self._owner.failure(self._method, exc) from exc
