"""The store on SQLite (always) and PostgreSQL (when MLGOV_TEST_POSTGRES_URL is set, as in CI): migrations match the
models, the audit log refuses changes in the database itself, concurrent claims never take one job twice, and a
request goes from POST to applied the same way on both (with the fake engine: this is about the store, not Pulumi)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mlgov.service.models import Base, ProjectRequest
from mlgov.service.queue import DONE, claim_next, enqueue, finish
from tests.service.conftest import auth, open_client, project, tokens, wait_for


def test_migrations_create_exactly_the_models_schema(make_service, database_url):
    service = make_service(database_url=database_url)
    with service.db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    assert service.db.dialect.name == ("postgresql" if database_url else "sqlite")
    if database_url is None:
        with service.db.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_migrating_twice_is_harmless(make_service, database_url, tmp_path):
    first = make_service(database_url=database_url)
    again = make_service(database_url=database_url, data_dir=first.config.data_dir)
    with again.sessions() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"


def test_the_audit_log_is_append_only_in_the_database(make_service, database_url):
    service = make_service(database_url=database_url)
    with service.sessions() as session, session.begin():
        service.audit(session, "alice", "test", "done")
    for statement in ("UPDATE audit SET actor = 'mallory'", "DELETE FROM audit"):
        with pytest.raises(DBAPIError, match="append-only"):
            with service.sessions() as session, session.begin():
                session.execute(text(statement))
    with service.sessions() as session:
        assert session.execute(text("SELECT actor FROM audit")).scalars().all() == ["alice"]


def test_concurrent_claims_take_each_job_once(make_service, database_url):
    service = make_service(database_url=database_url)
    stacks = [["dev"], ["prod"], ["sandbox"], ["preprod"], []] * 8
    with service.sessions() as session, session.begin():
        session.add(ProjectRequest(id="req-claimtest01", kind="create", project="p", reason="r", requester="a", body_hash="h",
                                   status="approved", generations={}, stacks=[], applied_stacks=[], outputs={}))
        session.flush()
        for names in stacks:
            enqueue(session, "req-claimtest01", "apply", names)
    taken: list[int] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        holder = f"host:{index}:w{index}"
        idle = 0
        while idle < 20:
            claim = claim_next(service.sessions, holder)
            if claim is None:
                idle += 1
                continue
            idle = 0
            with lock:
                taken.append(claim.job.id)
            with service.sessions() as session, session.begin():
                finish(session, claim.job.id, DONE)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(worker, range(6)))
    counts = Counter(taken)
    assert len(counts) == len(stacks) and set(counts.values()) == {1}


def test_a_request_from_post_to_applied(fake_service, database_url):
    service = fake_service(database_url=database_url)
    keys = tokens(service)
    with open_client(service) as client:
        body = {**project("on-both-databases", ["dev"]), "reason": "r"}
        # Two posts with one key at once: one request, the other call gets it back.
        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(lambda _: client.post("/v1/project-requests", json=body, headers=auth(keys["alice"]) | {"Idempotency-Key": "k"}), range(2)))
        assert [r.status_code for r in responses] == [202, 202] and len({r.json()["id"] for r in responses}) == 1
        request_id = responses[0].json()["id"]
        assert wait_for(client, keys["alice"], request_id)["status"] == "planned"
        client.post(f"/v1/project-requests/{request_id}/approve", headers=auth(keys["bob"]))
        assert wait_for(client, keys["alice"], request_id)["status"] == "applied"
        assert client.get("/v1/projects/on-both-databases", headers=auth(keys["alice"])).json()["accounts"]["dev"]["accountId"]


@pytest.mark.parametrize("same_body", [True, False])
def test_a_post_that_loses_the_idempotency_race_gets_the_winners_request(fake_service, database_url, monkeypatch, same_body):
    """The window the concurrent test above can only hit by chance, opened on purpose: this call's own checks
    for an earlier request with its key run before the other call commits, its insert after. It must answer with
    the other call's request (or 409 idempotency_key_reused for another body), never 409 project_busy."""
    from mlgov.service import requests as ops
    from mlgov.service.auth import Caller, Role
    from mlgov.service.errors import ApiError

    service = fake_service(database_url=database_url)
    alice = Caller("alice", frozenset({Role.REQUESTER.value}))
    body = {**project("raced-project", ["dev"]), "reason": "r"}
    winner, _ = ops.create(service, alice, body, "k")

    racing = {"on": True}
    replay, open_request = ops._replay, ops.open_request
    monkeypatch.setattr(ops, "_replay", lambda *args: None if racing["on"] else replay(*args))

    def committed_meanwhile(*args):
        racing["on"] = False  # the winner's row is visible from here on
        return open_request(*args)

    monkeypatch.setattr(ops, "open_request", committed_meanwhile)
    if same_body:
        row, replayed = ops.create(service, alice, body, "k")
        assert (row.id, replayed) == (winner.id, True)
    else:
        with pytest.raises(ApiError) as refused:
            ops.create(service, alice, {**body, "reason": "another"}, "k")
        assert (refused.value.status, refused.value.code) == (409, "idempotency_key_reused")
