"""Fixtures of the vending service tests: a service on a temporary data folder, its tokens, an HTTP client.

Every test that takes ``database_url`` runs against SQLite and, when
MLGOV_TEST_POSTGRES_URL names a PostgreSQL server (``.ci/run`` starts one), against
a fresh PostgreSQL database too; without it the PostgreSQL case is skipped with
that reason.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mlgov.service.auth import create_token
from mlgov.service.core import Service, ServiceConfig
from tests.service.fakes import FakeEngine

REPO = Path(__file__).resolve().parents[2]
POSTGRES_ENV = "MLGOV_TEST_POSTGRES_URL"
SETTLED = {"planned", "rejected-by-policy", "applied", "stale", "failed", "rejected", "cancelled", "interrupted"}


def _postgres_database() -> Iterator[str]:
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server for this run (.ci/run starts one)")
    name = f"mlgov_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str | None]:
    """None means the default (SQLite in the data folder); otherwise a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
    else:
        yield from _postgres_database()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_database()


@pytest.fixture
def fake_log(tmp_path) -> Path:
    return tmp_path / "engine.jsonl"


@pytest.fixture
def make_service(tmp_path) -> Iterator[Callable[..., Service]]:
    made: list[Service] = []

    def make(*, engine=None, previewer=None, database_url: str | None = None, workers: int = 2, data_dir: Path | None = None) -> Service:
        config = ServiceConfig(data_dir=data_dir or tmp_path / "data", database_url=database_url, workers=workers, engine="offline",
                               project_source=REPO, poll_interval_s=0.05, heartbeat_s=0.5, instance_ttl_s=5.0)
        service = Service(config, engine=engine, previewer=previewer)
        made.append(service)
        return service

    yield make
    for service in made:
        service.stop()


@pytest.fixture
def fake_service(make_service, fake_log) -> Callable[..., Service]:
    """A service whose previews and applies are the fake engine's (tests about queueing, locks, state transitions)."""

    def make(up_delay_s: float = 0.0, database_url: str | None = None, workers: int = 2, fail_stacks=()) -> Service:
        engine = FakeEngine(fake_log, up_delay_s=up_delay_s, fail_stacks=fail_stacks, deployed=REPO)
        return make_service(engine=engine, previewer=engine, database_url=database_url, workers=workers)

    return make


def tokens(service: Service) -> dict[str, str]:
    """alice asks, bob and carol approve, dora administers, erin asks and approves (to test four eyes on one person)."""
    roles = {"alice": ["requester"], "bob": ["approver"], "carol": ["approver"], "dora": ["admin"], "erin": ["requester", "approver"]}
    with service.sessions() as session, session.begin():
        return {name: create_token(session, name, granted) for name, granted in roles.items()}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def project(name: str, stages: list[str], **extra) -> dict:
    return {"name": name, "team": "risk-analytics", "costCenter": "CC-4102",
            "groups": {"dataScientists": f"ml-{name}-ds", "mlEngineers": f"ml-{name}-mle"},
            "stages": stages, "monthlyBudgetUsd": 700, "dataClassification": "internal", **extra}


def wait_for(client, token: str, request_id: str, statuses=SETTLED, timeout_s: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        body = client.get(f"/v1/project-requests/{request_id}", headers=auth(token)).json()
        if body["status"] in statuses:
            return body
        assert time.monotonic() < deadline, f"{request_id} still {body['status']} after {timeout_s} s: {body.get('events')}"
        time.sleep(0.05)


def _testclient_class():
    # Starlette asks for the httpx2 package in its test client; httpx is what the service's own client uses.
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2.*")
        from fastapi.testclient import TestClient
    return TestClient


@pytest.fixture
def api(fake_service):
    """(client, tokens, service) of a fake-engine service with its workers running."""
    from mlgov.service.app import create_app

    service = fake_service()
    keys = tokens(service)
    with _testclient_class()(create_app(service)) as client:
        yield client, keys, service


def open_client(service, run_workers: bool = True):
    from mlgov.service.app import create_app

    return _testclient_class()(create_app(service, run_workers=run_workers))
