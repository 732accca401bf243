"""Property-based tests of the API against its own OpenAPI document (schemathesis): for generated requests to every
operation, no 5xx and every response matches the document (status code, content type, body schema).

The caller holds every role, so generated requests reach the handlers instead of stopping at 401/403. Workers are
not started: what is checked is the HTTP layer and validation, and previews would only slow the run. The example
budget per operation is kept small so CI stays fast. (Schemathesis' pytest plugin does not load under pytest 9, so
its strategies are driven with hypothesis directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance, status_code_conformance

from mlgov.service.app import create_app
from mlgov.service.auth import create_token
from mlgov.service.core import Service, ServiceConfig
from tests.service.conftest import REPO

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    service = Service(ServiceConfig(data_dir=tmp_path_factory.mktemp("schemathesis") / "data", engine="offline", project_source=REPO))
    with service.sessions() as session, session.begin():
        token = create_token(session, "fuzzer", ["requester", "approver", "admin"])
    app = create_app(service, run_workers=False)
    yield schemathesis.openapi.from_asgi("/openapi.json", app), token
    service.stop()


def test_every_operation_is_in_the_document(api):
    schema, _token = api
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert {"POST /v1/project-requests", "GET /v1/project-requests/{request_id}", "POST /v1/project-requests/{request_id}/approve",
            "DELETE /v1/projects/{name}", "GET /v1/audit", "GET /healthz", "GET /metrics"} <= labels, labels


def test_api_conforms_to_its_openapi_document(api):
    schema, token = api
    calls: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
            calls[operation.label] = calls.get(operation.label, 0) + 1

        check()
    assert len(calls) >= 14 and min(calls.values()) >= 1, calls
    print(f"schemathesis: {sum(calls.values())} generated requests over {len(calls)} operations")
