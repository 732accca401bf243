"""Concurrency: operations on one stack run one after the other, on different stacks side by side, across
instances too; twenty requests from several client processes all settle, none lost or duplicated.

These are about the service's queue and locks, so the fake engine stands in for Pulumi (its ``up`` sleeps and
records when it ran).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import uvicorn
from sqlalchemy import select

from mlgov.service.models import Job, ProjectRequest
from mlgov.service.queue import DONE, claim_next, enqueue, finish
from tests.service.conftest import SETTLED, auth, open_client, project, tokens, wait_for

HERE = Path(__file__).resolve().parent


def _ask_and_plan(client, keys, name, stages):
    request_id = client.post("/v1/project-requests", json={**project(name, stages), "reason": "r"}, headers=auth(keys["alice"])).json()["id"]
    assert wait_for(client, keys["alice"], request_id)["status"] == "planned"
    return request_id


def _ups(log: Path) -> dict[str, list[tuple[float, float]]]:
    """Start and end time of every completed ``up``, per stack."""
    starts: dict[str, list[float]] = {}
    spans: dict[str, list[tuple[float, float]]] = {}
    for entry in map(json.loads, log.read_text().splitlines()):
        if entry["op"] == "up-start":
            starts.setdefault(entry["stack"], []).append(entry["at"])
        elif entry["op"] == "up-end":
            spans.setdefault(entry["stack"], []).append((starts[entry["stack"]].pop(0), entry["at"]))
    return spans


def _approve_two(client, keys, first: tuple[str, list[str]], second: tuple[str, list[str]]) -> tuple[str, str]:
    """Plan two requests, then approve both at once."""
    ids = (_ask_and_plan(client, keys, *first), _ask_and_plan(client, keys, *second))
    for request_id in ids:
        assert client.post(f"/v1/project-requests/{request_id}/approve", headers=auth(keys["bob"])).status_code == 200
    return ids


def _overlap(first: tuple[float, float], second: tuple[float, float]) -> bool:
    return first[0] < second[1] and second[0] < first[1]


def test_two_approvals_on_one_stack_run_one_after_the_other(fake_service, fake_log):
    service = fake_service(up_delay_s=1.0)
    keys = tokens(service)
    with open_client(service) as client:
        first, second = _approve_two(client, keys, ("one-dev", ["dev"]), ("two-dev", ["dev"]))
        results = {rid: wait_for(client, keys["alice"], rid)["status"] for rid in (first, second)}
        with service.sessions() as session:
            jobs = session.scalars(select(Job).where(Job.kind == "apply").order_by(Job.id)).all()
        # The second apply started only when the first had released dev, then found its preview out of date.
        assert [job.request_id for job in jobs] == [first, second]
        assert jobs[1].started_at >= jobs[0].finished_at
        assert results == {first: "applied", second: "stale"}
        client.post(f"/v1/project-requests/{second}/preview", headers=auth(keys["alice"]))
        assert wait_for(client, keys["alice"], second)["status"] == "planned"
        client.post(f"/v1/project-requests/{second}/approve", headers=auth(keys["bob"]))
        assert wait_for(client, keys["alice"], second)["status"] == "applied"
    spans = _ups(fake_log)
    for stack in ("dev", "shared"):
        assert len(spans[stack]) == 2 and not _overlap(*spans[stack]), spans[stack]


def test_requests_for_different_stacks_run_side_by_side(fake_service, fake_log):
    service = fake_service(up_delay_s=1.5)
    keys = tokens(service)
    with open_client(service) as client:
        sandbox, dev = _approve_two(client, keys, ("side-sandbox", ["sandbox"]), ("side-dev", ["dev"]))
        assert {wait_for(client, keys["alice"], rid)["status"] for rid in (sandbox, dev)} == {"applied"}
    spans = _ups(fake_log)
    assert _overlap(spans["sandbox"][0], spans["dev"][0]), spans


def test_stack_locks_hold_across_instances_first_in_first_out(make_service, database_url):
    """Two instances on one database: a job waits for its stack even when another instance holds it."""
    service = make_service(database_url=database_url)
    with service.sessions() as session, session.begin():
        session.add(ProjectRequest(id="req-lockstest01", kind="create", project="p", reason="r", requester="a", body_hash="h",
                                   status="approved", generations={}, stacks=[], applied_stacks=[], outputs={}))
        session.flush()
        first, second, other = (enqueue(session, "req-lockstest01", "apply", stacks).id for stacks in (["dev", "shared"], ["dev"], ["prod"]))
    a, b = "host:1:instance-a", "host:2:instance-b"
    assert claim_next(service.sessions, a).job.id == first
    assert claim_next(service.sessions, b).job.id == other  # dev is taken; prod is free
    assert claim_next(service.sessions, b) is None  # the second dev job waits behind the first
    with service.sessions() as session, session.begin():
        finish(session, first, DONE)
    claimed = claim_next(service.sessions, b)
    assert claimed.job.id == second and claimed.job.worker == b


def test_twenty_requests_from_several_client_processes_all_settle(fake_service):
    service = fake_service()
    keys = tokens(service)
    from mlgov.service.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        names = [f"load-{index:02d}" for index in range(20)]
        clients = [subprocess.Popen([sys.executable, str(HERE / "submit_requests.py"), url, keys["alice"], *names[i::4]],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
        ids = []
        for process in clients:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            ids += out.split()
        assert len(ids) == len(set(ids)) == 20
        from mlgov.client import Client

        with Client(url, keys["alice"]) as client:
            final = {request_id: client.wait(request_id, poll_s=0.1, timeout_s=300).status for request_id in ids}
            listed = list(client.list_requests(page_size=7))
        assert set(final.values()) <= SETTLED and set(final.values()) == {"planned"}
        assert sorted(item.id for item in listed) == sorted(ids)  # nothing lost, nothing duplicated
        assert sorted(item.project for item in listed) == names
    finally:
        server.should_exit = True
        thread.join(timeout=30)
