"""The preview path with the real offline engine: the service plans the catalogue with and without the request
(``mlgov plan`` of the workspace, with the policy pack) and compares the plans as ``mlgov diff`` does."""

from __future__ import annotations

import pytest

from mlgov.automation import OfflinePlanner
from mlgov.automation.offline import project_stacks
from mlgov.service.core import Service, ServiceConfig
from tests.service.conftest import REPO, auth, open_client, project, tokens, wait_for
from mlgov.constants import TypeToken

ACCOUNT = TypeToken.ACCOUNT


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    service = Service(ServiceConfig(data_dir=tmp_path_factory.mktemp("offline") / "data", engine="offline", project_source=REPO,
                                    poll_interval_s=0.05, workers=2))
    keys = tokens(service)
    with open_client(service) as client:
        yield client, keys, service


@pytest.fixture(scope="module")
def vended(offline):
    client, keys, _service = offline
    response = client.post("/v1/project-requests", json={**project("credit-risk", ["dev", "prod"]), "reason": "credit scoring"},
                           headers=auth(keys["alice"]))
    assert response.status_code == 202, response.text
    return wait_for(client, keys["alice"], response.json()["id"], timeout_s=900)


def test_a_new_project_plans_its_accounts_in_its_stages_and_the_shared_stack(vended):
    assert vended["status"] == "planned", vended["error"]
    preview = vended["preview"]
    assert preview["engine"] == "offline" and vended["stacks"] == ["dev", "prod", "shared"]
    stacks = {stack["stack"]: stack for stack in preview["stacks"]}
    for stage in ("dev", "prod"):
        accounts = [c for c in stacks[stage]["changes"] if c["type"] == ACCOUNT]
        assert accounts and all(c["op"] == "create" and c["protect"] for c in accounts), accounts
        assert any("credit-risk" in c["name"] for c in accounts)
        assert {c["op"] for c in stacks[stage]["changes"]} == {"create"}
        assert [o["path"] for o in stacks[stage]["output_changes"]] == ["/projects/credit-risk"]
        assert stacks[stage]["violations"] == [] and "mlgov plan diff" in stacks[stage]["markdown"]
    assert not any(c["op"] in ("delete", "replace") for c in stacks["shared"]["changes"])


def test_the_preview_lists_exactly_what_the_plans_differ_by(vended, offline, tmp_path):
    """The changes of the dev stack are the URNs ``mlgov plan`` adds for the request, no more, no less."""
    _client, _keys, service = offline
    from mlgov.service import catalogue

    base = service.workspace.snapshot(tmp_path / "base")
    head = service.workspace.snapshot(tmp_path / "head", {
        "stacks/projects.yaml": catalogue.add(service.workspace.read("stacks/projects.yaml"), vended["body"])})
    # The service's own planner: its cache holds these plans already, by content, if the snapshots match the job's.
    planner: OfflinePlanner = service.offline.planner
    before = planner.plan(base, project_stacks(base))["dev"]  # the base is planned whole
    after = planner.plan(head, ["org", "dev", "prod", "shared"])["dev"]
    added = {r["urn"] for r in after["resources"]} - {r["urn"] for r in before["resources"]}
    dev = next(stack for stack in vended["preview"]["stacks"] if stack["stack"] == "dev")
    assert {c["urn"] for c in dev["changes"]} == added and dev["counts"]["create"] == len(added)


def test_retiring_a_project_deletes_its_accounts_from_the_state_only(offline):
    client, keys, service = offline
    response = client.delete("/v1/projects/churn-notebooks", params={"reason": "project over"}, headers=auth(keys["alice"]))
    done = wait_for(client, keys["alice"], response.json()["id"], timeout_s=900)
    assert done["status"] == "planned", done["error"]
    dev = next(stack for stack in done["preview"]["stacks"] if stack["stack"] == "dev")
    accounts = [c for c in dev["changes"] if c["type"] == ACCOUNT]
    assert accounts and all(c["op"] == "delete" and c["protect"] and c["retain_on_delete"] for c in accounts)
    assert {c["op"] for c in dev["changes"]} == {"delete"}
    assert any(d["action"] == "delete" for d in dev["destructive"])  # the diff flags it for the reviewer
    # Without the CLI the service previews but says plainly that it cannot apply.
    refused = client.post(f"/v1/project-requests/{done['id']}/approve", headers=auth(keys["bob"]))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "engine_unavailable"
