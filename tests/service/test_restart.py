"""Restart: the service is killed (SIGKILL) while it applies; after a restart the job is interrupted, the queue
drains, the stacks are refreshed before a retry, and nothing is applied twice.

The service runs in a process of its own with the fake engine (this is about the service's queue and state, not
about Pulumi): its ``up`` sleeps, so the kill lands in the middle of the second stack.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.service.conftest import auth, project

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(data_dir: Path, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, str(HERE / "serve_fake.py"), str(data_dir), str(port), str(log), "2.0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.1)


def _token(data_dir: Path, name: str, role: str) -> str:
    done = subprocess.run([sys.executable, "-m", "mlgov", "token", "create", "--role", role, "--name", name, "--data-dir", str(data_dir)],
                          cwd=REPO, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _wait(client: httpx.Client, request_id: str, statuses: set[str], token: str, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        body = client.get(f"/v1/project-requests/{request_id}", headers=auth(token)).json()
        if body["status"] in statuses:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def _log(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_killed_apply_is_interrupted_refreshed_and_finished_once(tmp_path):
    data_dir, log, port = tmp_path / "data", tmp_path / "engine.jsonl", _port()
    alice, bob = _token(data_dir, "alice", "requester"), _token(data_dir, "bob", "approver")
    process = _start(data_dir, port, log)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            request_id = client.post("/v1/project-requests", json={**project("restarted", ["dev", "prod"]), "reason": "r"}, headers=auth(alice)).json()["id"]
            _wait(client, request_id, {"planned"}, alice)
            client.post(f"/v1/project-requests/{request_id}/approve", headers=auth(bob))
            deadline = time.monotonic() + 60
            while not any(e["op"] == "up-start" and e["stack"] == "prod" for e in _log(log)):
                assert time.monotonic() < deadline, _log(log)
                time.sleep(0.05)
            # A second request is queued behind the apply (one worker): the restart must not lose it.
            queued = client.post("/v1/project-requests", json={**project("queued-behind", ["sandbox"]), "reason": "r"}, headers=auth(alice)).json()["id"]
            assert client.get(f"/v1/project-requests/{queued}", headers=auth(alice)).json()["status"] == "previewing"
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        process = _start(data_dir, port, log)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            interrupted = _wait(client, request_id, {"interrupted"}, alice)
            assert interrupted["applied_stacks"] == ["dev"] and interrupted["error"]["code"] == "interrupted"
            assert _wait(client, queued, {"planned"}, alice)["status"] == "planned"  # the queue drained
            deadline = time.monotonic() + 60
            while {e["stack"] for e in _log(log) if e["op"] == "refresh"} != {"dev", "prod", "shared"}:
                assert time.monotonic() < deadline, _log(log)
                time.sleep(0.1)
            retried = client.post(f"/v1/project-requests/{request_id}/preview", headers=auth(alice))
            assert retried.status_code == 200, retried.text
            assert _wait(client, request_id, {"planned"}, alice)["applied_stacks"] == ["dev"]
            client.post(f"/v1/project-requests/{request_id}/approve", headers=auth(bob))
            done = _wait(client, request_id, {"applied", "failed", "stale"}, alice)
            assert done["status"] == "applied" and done["applied_stacks"] == ["dev", "prod", "shared"]
            commits = subprocess.run(["git", "-C", str(data_dir / "workspace"), "log", "--format=%s"], capture_output=True, text=True).stdout
            assert commits.count(request_id) == 1  # one catalogue commit, not one per attempt
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    entries = _log(log)
    completed = [e["stack"] for e in entries if e["op"] == "up-end"]
    assert sorted(completed) == ["dev", "prod", "shared"]  # each stack applied exactly once
    prod = [e["op"] for e in entries if e["stack"] == "prod"]
    assert prod == ["up-start", "refresh", "up-start", "up-end"]  # killed, refreshed, then finished
    assert len({e["pid"] for e in entries if e["op"] == "up-end"}) == 2  # dev before the kill, the rest after
