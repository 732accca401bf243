"""Every endpoint and every error of the API (401/403/404/409/422), idempotency, four eyes, stale previews, pagination.

These tests are about the service's own behaviour (auth, state machine,
queue, catalogue commits), so previews and applies use the fake engine of
``fakes.py``; ``test_offline_preview.py`` runs the real offline engine.
"""

from __future__ import annotations

import subprocess
import time

import pytest
from sqlalchemy import text

from tests.service.conftest import auth, project, wait_for

REQUESTS = "/v1/project-requests"


def post(client, token, body, key=None):
    headers = auth(token) | ({"Idempotency-Key": key} if key else {})
    return client.post(REQUESTS, json=body, headers=headers)


def ask(client, token, name, stages, key=None, reason="needed for a test"):
    response = post(client, token, {**project(name, stages), "reason": reason}, key)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def planned(client, keys, name, stages):
    request_id = ask(client, keys["alice"], name, stages)
    assert wait_for(client, keys["alice"], request_id)["status"] == "planned"
    return request_id


def error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert "Traceback" not in response.text
    return body["error"]


# ---- 401 / 403 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "Basic YWxpY2U6cw==", "Bearer ", "Bearer mlgov_not-a-token"])
def test_no_valid_token_is_401(api, header):
    client, _keys, _service = api
    response = client.get(REQUESTS, headers={"Authorization": header} if header else {})
    error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_roles_are_enforced(api):
    client, keys, _service = api
    error(post(client, keys["bob"], {**project("role-test", ["dev"]), "reason": "r"}), 403, "forbidden")
    request_id = planned(client, keys, "role-test", ["dev"])
    error(client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["alice"])), 403, "forbidden")
    error(client.post(f"{REQUESTS}/{request_id}/reject", headers=auth(keys["alice"])), 403, "forbidden")
    error(client.post(f"{REQUESTS}/{request_id}/cancel", headers=auth(keys["bob"])), 403, "forbidden")
    error(client.get("/v1/audit", headers=auth(keys["bob"])), 403, "forbidden")
    error(client.delete("/v1/projects/churn-model", params={"reason": "r"}, headers=auth(keys["bob"])), 403, "forbidden")


def test_four_eyes(api):
    client, keys, _service = api
    request_id = ask(client, keys["erin"], "four-eyes", ["sandbox"])
    assert wait_for(client, keys["erin"], request_id)["status"] == "planned"
    refused = error(client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["erin"])), 403, "four_eyes")
    assert "another approver" in refused["message"]
    approved = client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["bob"]))
    assert approved.status_code == 200 and approved.json()["approved_by"] == "bob"
    assert wait_for(client, keys["erin"], request_id)["status"] == "applied"


# ---- 404 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("get", f"{REQUESTS}/req-000000000000"), ("post", f"{REQUESTS}/req-000000000000/approve"),
    ("post", f"{REQUESTS}/req-000000000000/reject"), ("post", f"{REQUESTS}/req-000000000000/cancel"),
    ("post", f"{REQUESTS}/req-000000000000/preview"), ("get", "/v1/projects/no-such-project"), ("get", "/v1/nothing-here"),
])
def test_unknown_things_are_404(api, method, path):
    client, keys, _service = api
    error(getattr(client, method)(path, headers=auth(keys["erin"])), 404, "not_found")


def test_retiring_an_unknown_project_is_404(api):
    client, keys, _service = api
    error(client.delete("/v1/projects/no-such-project", params={"reason": "gone"}, headers=auth(keys["alice"])), 404, "not_found")


# ---- 422: the words of `mlgov plan` -----------------------------------------------------------------

def test_invalid_project_lists_every_error_in_the_words_of_mlgov_plan(api, tmp_path, repo):
    client, keys, service = api
    bad = {**project("Bad_Name", ["qa"]), "team": "", "monthlyBudgetUsd": -5, "vpcCidr": "10.0.0.0/8", "colour": "blue"}
    body = error(post(client, keys["alice"], {**bad, "reason": "testing"}), 422, "invalid_request")
    issues = body["details"]["issues"]
    fields = {issue["field"] for issue in issues}
    assert {"name", "stages[0]", "team", "monthlyBudgetUsd", "vpcCidr", "colour"} <= fields, fields
    # The same catalogue entry planned by the CLI must print exactly these lines.
    stacks = tmp_path / "stacks"
    subprocess.run(["cp", "-r", str(service.workspace.root / "stacks"), str(stacks)], check=True)
    from mlgov.service import catalogue

    (stacks / "projects.yaml").write_text(catalogue.add((stacks / "projects.yaml").read_text(), bad))
    done = subprocess.run([str(repo / "venv" / "bin" / "python"), "-m", "mlgov", "plan", "dev", "--stacks-dir", str(stacks), "--no-policy"],
                          cwd=repo, capture_output=True, text=True)
    assert done.returncode == 2, done.stdout + done.stderr
    cli = " ".join((done.stdout + done.stderr).split())
    for issue in issues:
        assert " ".join(issue["message"].split()) in cli, issue["message"]
        assert issue["message"] in body["message"]


@pytest.mark.parametrize("name,problem", [
    ("churn-model", "is the name of another project"),
    # Within the name pattern, but the names derived from it for a dev stage are too long for AWS.
    ("a-project-name-that-is-long-for-buckets", "that AWS refuses"),
])
def test_catalogue_wide_rules_apply(api, name, problem):
    client, keys, _service = api
    issues = error(post(client, keys["alice"], {**project(name, ["dev"]), "reason": "r"}), 422, "invalid_request")["details"]["issues"]
    assert [issue["field"] for issue in issues if problem in issue["problem"]] == ["name"], issues


@pytest.mark.parametrize("raw,field", [
    (b"{not json", "(body)"), (b"[1, 2]", "(body)"), (b'"text"', "(body)"),
])
def test_bodies_that_are_not_a_project_are_422(api, raw, field):
    client, keys, _service = api
    response = client.post(REQUESTS, content=raw, headers=auth(keys["alice"]) | {"Content-Type": "application/json"})
    assert error(response, 422, "invalid_request")["details"]["issues"][0]["field"] == field


def test_reason_is_required(api):
    client, keys, _service = api
    issues = error(post(client, keys["alice"], project("no-reason", ["dev"])), 422, "invalid_request")["details"]["issues"]
    assert [issue["field"] for issue in issues] == ["reason"]


@pytest.mark.parametrize("query", ["status=flying", "limit=0", "limit=999", "cursor=abc"])
def test_bad_list_parameters_are_422(api, query):
    client, keys, _service = api
    error(client.get(f"{REQUESTS}?{query}", headers=auth(keys["alice"])), 422, "invalid_request")


def test_oversized_body_is_413(api):
    client, keys, _service = api
    response = client.post(REQUESTS, content=b"{" + b" " * 1_000_001 + b"}", headers=auth(keys["alice"]) | {"Content-Type": "application/json"})
    error(response, 413, "too_large")


# ---- idempotency ----------------------------------------------------------------------------------

def test_same_key_same_body_is_the_same_request(api):
    client, keys, service = api
    body = {**project("idem-one", ["dev"]), "reason": "r"}
    first, second = post(client, keys["alice"], body, "ticket-1"), post(client, keys["alice"], body, "ticket-1")
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"] and (first.json()["replayed"], second.json()["replayed"]) == (False, True)
    with service.sessions() as session:
        assert session.execute(text("SELECT count(*) FROM project_requests WHERE project = 'idem-one'")).scalar() == 1
    # The key is the caller's: another requester with the same key makes a new request (and meets the open one).
    error(post(client, keys["erin"], body, "ticket-1"), 409, "project_busy")


def test_same_key_another_body_is_409(api):
    client, keys, _service = api
    post(client, keys["alice"], {**project("idem-two", ["dev"]), "reason": "r"}, "ticket-2")
    refused = error(post(client, keys["alice"], {**project("idem-two", ["dev", "prod"]), "reason": "r"}, "ticket-2"), 409, "idempotency_key_reused")
    assert refused["details"]["request_id"].startswith("req-")


def test_one_open_request_per_project(api):
    client, keys, _service = api
    first = ask(client, keys["alice"], "busy-project", ["dev"])
    assert error(post(client, keys["alice"], {**project("busy-project", ["dev"]), "reason": "again"}), 409, "project_busy")["details"]["request_id"] == first


# ---- lifecycle: apply, commit, outputs, stale, failures, reject, cancel, retire -----------------------

def test_applied_request_is_one_commit_by_the_requester_and_shows_its_accounts(api, fake_log):
    client, keys, service = api
    request_id = planned(client, keys, "vended", ["dev", "prod"])
    detail = client.get(f"{REQUESTS}/{request_id}", headers=auth(keys["alice"])).json()
    assert detail["stacks"] == ["dev", "prod", "shared"]  # environment stacks first, shared last
    client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["bob"]))
    done = wait_for(client, keys["alice"], request_id)
    assert done["status"] == "applied" and done["applied_stacks"] == ["dev", "prod", "shared"]
    assert set(done["outputs"]["accounts"]) == {"dev", "prod"}
    assert len([line for line in fake_log.read_text().splitlines() if '"up-end"' in line]) == 3
    commits = service.workspace.log(5)
    assert commits[0]["author"] == "alice" and request_id in commits[0]["subject"] and "Reason: needed for a test" in commits[0]["body"]
    assert service.workspace.changed_since(commits[1]["commit"]) == ["stacks/projects.yaml"]
    assert "name: vended" in service.workspace.read("stacks/projects.yaml")
    project_view = client.get("/v1/projects/vended", headers=auth(keys["alice"])).json()
    assert project_view["status"] == "active" and project_view["accounts"] == done["outputs"]["accounts"]
    assert [item["id"] for item in project_view["history"]] == [request_id]
    assert "mlgov studio-url --stack dev --project vended" in project_view["studio_url"]["dev"]
    stacks = {item["name"]: item for item in client.get("/v1/stacks", headers=auth(keys["alice"])).json()["items"]}
    assert {name: stacks[name]["generation"] for name in ("dev", "prod", "shared", "sandbox")} == {"dev": 1, "prod": 1, "shared": 1, "sandbox": 0}
    assert not any(item["busy"] for item in stacks.values())


def test_a_preview_made_before_another_apply_of_its_stacks_is_stale(api):
    client, keys, service = api
    first, second = planned(client, keys, "first-dev", ["dev"]), planned(client, keys, "second-dev", ["dev"])
    client.post(f"{REQUESTS}/{first}/approve", headers=auth(keys["bob"]))
    assert wait_for(client, keys["alice"], first)["status"] == "applied"
    head = service.workspace.head()
    client.post(f"{REQUESTS}/{second}/approve", headers=auth(keys["bob"]))
    stale = wait_for(client, keys["alice"], second)
    assert stale["status"] == "stale" and stale["error"]["code"] == "stale" and "dev" in stale["error"]["details"]["stacks"]
    assert service.workspace.head() == head and stale["commit"] is None  # nothing committed for a stale request
    error(client.post(f"{REQUESTS}/{second}/approve", headers=auth(keys["bob"])), 409, "invalid_state")
    client.post(f"{REQUESTS}/{second}/preview", headers=auth(keys["alice"]))
    assert wait_for(client, keys["alice"], second)["status"] == "planned"
    client.post(f"{REQUESTS}/{second}/approve", headers=auth(keys["carol"]))
    assert wait_for(client, keys["alice"], second)["status"] == "applied"


def test_a_change_to_the_project_files_makes_previews_stale(api):
    client, keys, service = api
    request_id = planned(client, keys, "code-moved", ["sandbox"])
    readme = service.workspace.root / "stacks" / "Pulumi.sandbox.yaml"
    service.workspace.commit_file("stacks/Pulumi.sandbox.yaml", readme.read_text() + "# reviewed\n", "Platform change", ("ops", "ops@mlgov.invalid"))
    client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["bob"]))
    stale = wait_for(client, keys["alice"], request_id)
    assert stale["status"] == "stale" and stale["error"]["details"]["files"] == ["stacks/Pulumi.sandbox.yaml"]


def test_a_failed_stack_stops_the_rest(fake_service, fake_log):
    from tests.service.conftest import open_client, tokens

    service = fake_service(fail_stacks=["prod"])
    keys = tokens(service)
    with open_client(service) as client:
        request_id = planned(client, keys, "half-done", ["dev", "prod"])
        client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["bob"]))
        failed = wait_for(client, keys["alice"], request_id)
        # Its change is in the catalogue already: it can be previewed again and finished, not cancelled.
        refused = error(client.post(f"{REQUESTS}/{request_id}/cancel", headers=auth(keys["alice"])), 409, "invalid_state")
        assert failed["commit"] in refused["details"]["commit"]
    assert failed["status"] == "failed" and failed["applied_stacks"] == ["dev"]
    assert failed["error"]["code"] == "stack_busy" and failed["error"]["details"]["stack"] == "prod"
    started = [line for line in fake_log.read_text().splitlines() if '"up-start"' in line]
    assert len(started) == 2 and '"shared"' not in "".join(started)  # shared never started


def test_reject_and_cancel(api):
    client, keys, _service = api
    rejected, cancelled = planned(client, keys, "to-reject", ["dev"]), planned(client, keys, "to-cancel", ["sandbox"])
    body = client.post(f"{REQUESTS}/{rejected}/reject", headers=auth(keys["bob"])).json()
    assert (body["status"], body["decided_by"]) == ("rejected", "bob")
    body = client.post(f"{REQUESTS}/{cancelled}/cancel", headers=auth(keys["alice"])).json()
    assert (body["status"], body["decided_by"]) == ("cancelled", "alice")
    error(client.post(f"{REQUESTS}/{rejected}/approve", headers=auth(keys["bob"])), 409, "invalid_state")
    error(client.post(f"{REQUESTS}/{cancelled}/reject", headers=auth(keys["bob"])), 409, "invalid_state")
    # A closed request frees its project for a new one.
    ask(client, keys["alice"], "to-reject", ["dev"])


def test_an_admin_may_cancel_anyones_request(api):
    client, keys, _service = api
    request_id = planned(client, keys, "admin-cancel", ["dev"])
    assert client.post(f"{REQUESTS}/{request_id}/cancel", headers=auth(keys["dora"])).json()["status"] == "cancelled"


def test_retire_keeps_the_accounts_and_removes_the_project_from_the_catalogue(api, fake_log):
    client, keys, service = api
    response = client.delete("/v1/projects/churn-notebooks", params={"reason": "project ended"}, headers=auth(keys["alice"]))
    assert response.status_code == 202 and response.headers["Location"] == response.json()["href"]
    request_id = response.json()["id"]
    plan = wait_for(client, keys["alice"], request_id)
    assert plan["status"] == "planned" and plan["stacks"] == ["dev", "shared"]
    changes = plan["preview"]["stacks"][0]["changes"]
    assert [(c["op"], c["name"], c["retain_on_delete"]) for c in changes] == [("delete", "account-churn-notebooks", True)]
    client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["bob"]))
    assert wait_for(client, keys["alice"], request_id)["status"] == "applied"
    assert "churn-notebooks" not in service.workspace.read("stacks/projects.yaml")
    assert "Retire project churn-notebooks" in service.workspace.log(1)[0]["subject"]
    log = fake_log.read_text()
    assert '"op": "unprotect"' in log and "account-churn-notebooks" in log
    view = client.get("/v1/projects/churn-notebooks", headers=auth(keys["alice"])).json()
    assert view["status"] == "retired" and view["catalogue"] is None


def test_the_offline_engine_cannot_approve(make_service, fake_log):
    from tests.service.conftest import open_client, tokens
    from tests.service.fakes import FakeEngine

    service = make_service(previewer=FakeEngine(fake_log))  # fake previews; the engine that applies is the offline one
    keys = tokens(service)
    assert service.can_apply is False
    with open_client(service, run_workers=False) as client:
        request_id = post(client, keys["alice"], {**project("offline-only", ["dev"]), "reason": "r"}).json()["id"]
        from mlgov.service.requests import PLANNED, transition

        with service.sessions() as session, session.begin():
            transition(session, request_id, ("previewing",), PLANNED)
        refused = error(client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["bob"])), 409, "engine_unavailable")
        assert "Pulumi CLI" in refused["message"]
        assert client.get(f"{REQUESTS}/{request_id}", headers=auth(keys["bob"])).json()["status"] == "planned"


# ---- pagination, audit, health, metrics -------------------------------------------------------------

def test_pagination_walks_every_request_once_newest_first(api):
    client, keys, _service = api
    made = [ask(client, keys["alice"], f"page-{index}", ["sandbox"]) for index in range(5)]
    seen, cursor = [], None
    while True:
        page = client.get(REQUESTS, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=auth(keys["alice"])).json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(made))
    one = client.get(REQUESTS, params={"project": "page-3"}, headers=auth(keys["alice"])).json()["items"]
    assert [item["id"] for item in one] == [made[3]]
    for request_id in made:
        wait_for(client, keys["alice"], request_id)
    planned_ids = [item["id"] for item in client.get(REQUESTS, params={"status": "planned", "limit": 200}, headers=auth(keys["alice"])).json()["items"]]
    assert set(made) <= set(planned_ids)


def test_audit_is_append_only_and_admin_readable(api):
    client, keys, service = api
    request_id = planned(client, keys, "audited", ["sandbox"])
    client.post(f"{REQUESTS}/{request_id}/reject", headers=auth(keys["bob"]))
    items = client.get("/v1/audit", params={"request_id": request_id}, headers=auth(keys["dora"])).json()["items"]
    assert [(item["actor"], item["action"]) for item in reversed(items)] == [
        ("alice", "request.create"), ("service", "request.preview"), ("bob", "request.reject")]
    from sqlalchemy.exc import DBAPIError

    for statement in ("UPDATE audit SET actor = 'mallory'", "DELETE FROM audit"):
        with pytest.raises(DBAPIError, match="append-only"):
            with service.sessions() as session, session.begin():
                session.execute(text(statement))


def test_healthz_and_metrics(api):
    client, keys, _service = api
    planned(client, keys, "metered", ["sandbox"])
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["engine"] == "fake" and health["can_apply"] is True
    for _ in range(100):  # the worker records a job's duration just after the request moved on
        metrics = client.get("/metrics")
        lines = metrics.text.splitlines()
        if any(line.startswith('mlgov_job_duration_seconds_count{kind="preview"') for line in lines):
            break
        time.sleep(0.05)
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'mlgov_requests{status="planned"} 1.0' in lines
    assert "mlgov_queue_depth 0.0" in lines
    assert any(line.startswith('mlgov_job_duration_seconds_count{kind="preview",result="done"}') for line in lines)
    assert any(line.startswith("mlgov_stack_lock_wait_seconds_count") for line in lines)


def test_unexpected_errors_are_500_without_a_trace(api, monkeypatch):
    _client, keys, service = api
    from mlgov.service import requests as ops
    from mlgov.service.app import create_app
    from tests.service.conftest import _testclient_class

    client = _testclient_class()(create_app(service, run_workers=False), raise_server_exceptions=False)

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(ops, "approve", broken)
    response = client.post(f"{REQUESTS}/req-000000000000/approve", headers=auth(keys["bob"]))
    body = error(response, 500, "internal")
    assert "secret internal detail" not in response.text and "reference" in body["message"]


class _ReviewedOffline:
    """Stands for the offline engine in a review (its previews say engine 'offline'); the fake computes them."""

    def __init__(self, fake):
        self.fake, self.name, self.can_apply = fake, "offline", False

    def preview(self, *args, **kwargs):
        result = self.fake.preview(*args, **kwargs)
        for stack in result.stacks:
            stack.engine, stack.plan_file = "offline", None
        return result


@pytest.mark.parametrize("deployed,outcome", [(True, "applied"), (False, "stale")])
def test_a_stack_reviewed_offline_is_planned_by_the_engine_once_the_stacks_before_it_are_applied(make_service, tmp_path, deployed, outcome):
    """The shared stack reads the environment stacks' new outputs, so the engine can plan it only after they are applied;
    that plan must change exactly what was reviewed, or the request is stale and the shared stack is left alone."""
    from tests.service.conftest import REPO, open_client, tokens
    from tests.service.fakes import FakeEngine

    engine = FakeEngine(tmp_path / "engine.jsonl", deployed=REPO if deployed else None)
    service = make_service(engine=engine, previewer=_ReviewedOffline(FakeEngine(tmp_path / "review.jsonl", deployed=REPO)))
    keys = tokens(service)
    with open_client(service) as client:
        request_id = ask(client, keys["alice"], "late-shared", ["dev"])
        plan = wait_for(client, keys["alice"], request_id)
        assert plan["status"] == "planned", plan["error"]
        engines = {stack["stack"]: (stack["engine"], bool(stack["plan_file"])) for stack in plan["preview"]["stacks"]}
        assert engines == {"dev": ("fake", True), "shared": ("offline", False)}
        client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["bob"]))
        done = wait_for(client, keys["alice"], request_id)
    assert done["status"] == outcome and done["applied_stacks"] == ["dev", "shared"][: 2 if deployed else 1], done["error"]
    ups = [line for line in (tmp_path / "engine.jsonl").read_text().splitlines() if '"up-start"' in line]
    assert ('"shared"' in "".join(ups)) is deployed
    if deployed:
        assert '"plan": null' not in ups[-1]  # shared was applied with the plan the engine made at apply time
    else:
        assert "would not do what was reviewed" in done["error"]["message"]


@pytest.mark.parametrize("mode", ["reported", "raised"])
def test_a_mandatory_violation_rejects_the_request(make_service, fake_log, mode):
    from tests.service.conftest import REPO, open_client, tokens
    from tests.service.fakes import FakeEngine

    engine = FakeEngine(fake_log, deployed=REPO, violations={"dev": mode})
    service = make_service(engine=engine, previewer=engine)
    keys = tokens(service)
    with open_client(service) as client:
        request_id = ask(client, keys["alice"], "violating", ["dev"])
        done = wait_for(client, keys["alice"], request_id)
        assert done["status"] == "rejected-by-policy" and done["error"]["code"] == "policy_violations"
        assert [v["policy"] for v in done["error"]["details"]["violations"]] == ["s3-public-access-block"]
        error(client.post(f"{REQUESTS}/{request_id}/approve", headers=auth(keys["bob"])), 409, "invalid_state")
