"""The command line of the service: ``mlgov serve``, ``mlgov token create``, ``mlgov request project|approve|status``.

The request commands talk to a service whose previews and applies are the fake engine's: what is tested is the
command line and its errors, not the engines.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
import uvicorn
import yaml

from tests.service.conftest import REPO, project, tokens

PYTHON = [sys.executable, "-m", "mlgov"]


def run(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PYTHON, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_token_create_prints_the_token_once_and_stores_only_its_hash(tmp_path):
    done = run("token", "create", "--role", "requester", "--role", "approver", "--name", "alice", "--data-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert done.stdout == token + "\n" and token.startswith("mlgov_") and len(token) > 40
    database = (tmp_path / "mlgov-service.db").read_bytes()
    assert token.encode() not in database and token.removeprefix("mlgov_").encode() not in database


@pytest.mark.parametrize("args,words", [
    (["--role", "superuser", "--name", "x"], "--role superuser"),
    (["--role", "admin", "--name", "bad name"], "--name 'bad name'"),
    (["--role", "admin", "--name", "x", "--database-url", "postgresql://nobody@127.0.0.1:1/none"], "cannot open the service database"),
])
def test_token_create_refuses_bad_input_with_exit_2(tmp_path, args, words):
    done = run("token", "create", *args, "--data-dir", str(tmp_path))
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.stdout == ""


def test_mlgov_serve_starts_on_a_data_folder_and_answers(tmp_path):
    port = _free_port()
    process = subprocess.Popen([*PYTHON, "serve", "--data-dir", str(tmp_path / "svc"), "--port", str(port)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
                break
            except httpx.HTTPError:
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert health["status"] == "ok" and health["database"] == "sqlite"
        assert (tmp_path / "svc" / "mlgov-service.db").exists() and (tmp_path / "svc" / "workspace" / ".git").exists()
        assert httpx.get(f"http://127.0.0.1:{port}/v1/projects").status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.parametrize("args,words", [(["--engine", "magic"], "--engine magic"),
                                        (["--database-url", "postgresql://nobody@127.0.0.1:1/none"], "cannot start the service")])
def test_mlgov_serve_refuses_bad_options_with_exit_2(tmp_path, args, words):
    done = run("serve", "--data-dir", str(tmp_path), *args)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.fixture
def live(fake_service):
    """The fake-engine service over HTTP on a free loopback port, for the CLI in subprocesses."""
    from mlgov.service.app import create_app

    service = fake_service()
    keys = tokens(service)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", keys
    server.should_exit = True
    thread.join(timeout=30)


def test_request_project_approve_and_status(live, tmp_path):
    url, keys = live
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump({**project("cli-vended", ["dev"]), "reason": "from the command line"}))
    asked = run("request", "project", "--file", str(file), "--wait", "--url", url, env={"MLGOV_TOKEN": keys["alice"]})
    assert asked.returncode == 0, asked.stderr
    request_id = asked.stdout.splitlines()[0]
    assert request_id.startswith("req-") and f"{request_id} create cli-vended: planned" in asked.stdout
    assert "dev: 1 to create" in asked.stdout
    approved = run("request", "approve", request_id, "--wait", "--url", url, env={"MLGOV_TOKEN": keys["bob"]})
    assert approved.returncode == 0, approved.stderr
    assert "applied" in approved.stdout and "dev: accountId" in approved.stdout
    status = run("request", "status", request_id, "--json", "--url", url, env={"MLGOV_TOKEN": keys["alice"]})
    assert yaml.safe_load(status.stdout)["status"] == "applied"


def test_request_errors_are_exit_2_with_the_services_words(live, tmp_path):
    url, keys = live
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump({**project("Bad_Name", ["dev"]), "reason": "r"}))
    done = run("request", "project", "--file", str(file), "--url", url, env={"MLGOV_TOKEN": keys["alice"]})
    assert done.returncode == 2 and "422 invalid_request" in done.stderr and "projects[5].name" in done.stderr, done.stderr
    assert run("request", "project", "--file", str(tmp_path / "missing.yaml"), "--url", url, env={"MLGOV_TOKEN": keys["alice"]}).returncode == 2
    forbidden = run("request", "approve", "req-000000000000", "--url", url, env={"MLGOV_TOKEN": keys["alice"]})
    assert forbidden.returncode == 2 and "403 forbidden" in forbidden.stderr
    unreachable = run("request", "status", "req-x", "--url", "http://127.0.0.1:9", env={"MLGOV_TOKEN": keys["alice"]})
    assert unreachable.returncode == 2 and "cannot reach the service" in unreachable.stderr and "Traceback" not in unreachable.stderr
