"""End to end with the real engine: request -> preview -> approve -> ``pulumi up`` of dev, preprod, prod and shared
with the local AWS provider (Organizations in moto_server) -> the accounts in GET /projects/{name} and in the stacks'
outputs -> retire, which keeps the accounts in the organization.

Needs the real-engine lane: ``mlgov.testing.real_engine`` (the pinned Pulumi CLI built by ``make engine``, the local
AWS provider, moto_server). Where it is missing the test is skipped with the reason; it never passes without it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.service.conftest import auth, open_client, project, tokens, wait_for

REPO = Path(__file__).resolve().parents[2]
# What the vended project touches and what those stacks read; sandbox is neither.
SETUP_STACKS = ("org", "dev", "preprod", "prod", "shared")
SLOW = 1800


def _lane():
    try:
        from mlgov.testing import real_engine
    except ImportError:
        return None, None, "mlgov.testing.real_engine (the real-engine lane: pinned CLI, local AWS provider) is not in this tree yet"
    try:
        return real_engine, real_engine.find_cli(), None
    except real_engine.EngineUnavailable as reason:
        return None, None, str(reason)


LANE, CLI, MISSING = _lane()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"real engine: {MISSING}")


@pytest.fixture
def real_service(tmp_path, monkeypatch):
    """The service on the real engine, the stacks a vended project touches deployed once from the sample catalogue."""
    from mlgov.service.core import Service, ServiceConfig

    with LANE.MotoServer() as moto:
        environment = LANE.engine_environment(tmp_path / "home", tmp_path / "state", moto.url, CLI)
        for key in [key for key in os.environ if key.startswith(("PULUMI_", "AWS_"))]:
            monkeypatch.delenv(key)
        for key, value in environment.items():
            monkeypatch.setenv(key, value)
        service = Service(ServiceConfig(data_dir=tmp_path / "data", engine="pulumi", pulumi_root=str(CLI.parent.parent),
                                        backend_url=environment["PULUMI_BACKEND_URL"], project_source=REPO, poll_interval_s=0.2, workers=1))
        service.start()
        platform = service.platform(service.workspace.root)
        for stack in SETUP_STACKS:
            platform.refresh(stack)  # creates the empty stack; `up` only selects existing ones, as the service does
            platform.up(stack)  # one engine pass: the setup needs no reviewed plan
        yield service, moto
        service.stop()


def test_vend_apply_and_retire_with_the_real_engine(real_service):
    import boto3

    service, moto = real_service
    keys = tokens(service)
    platform = service.platform(service.workspace.root)
    organizations = boto3.client("organizations", endpoint_url=moto.url, region_name="us-east-1",
                                 aws_access_key_id="testing", aws_secret_access_key="testing")

    def active_accounts() -> int:
        return sum(account["Status"] == "ACTIVE" for page in organizations.get_paginator("list_accounts").paginate() for account in page["Accounts"])

    before = active_accounts()
    with open_client(service, run_workers=False) as client:
        response = client.post("/v1/project-requests", json={**project("e2e-vended", ["dev", "preprod", "prod"]), "reason": "end to end"},
                               headers=auth(keys["alice"]))
        request_id = response.json()["id"]
        planned = wait_for(client, keys["alice"], request_id, timeout_s=SLOW)
        assert planned["status"] == "planned", planned["error"]
        assert planned["preview"]["engine"] == "pulumi" and planned["stacks"] == ["dev", "preprod", "prod", "shared"]
        assert all(stack["plan_file"] and stack["counts"]["create"] for stack in planned["preview"]["stacks"][:3])
        client.post(f"/v1/project-requests/{request_id}/approve", headers=auth(keys["bob"]))
        applied = wait_for(client, keys["alice"], request_id, timeout_s=SLOW)
        assert applied["status"] == "applied" and applied["applied_stacks"] == planned["stacks"], applied["error"]
        view = client.get("/v1/projects/e2e-vended", headers=auth(keys["alice"])).json()
        assert set(view["accounts"]) == {"dev", "preprod", "prod"}
        for stage in ("dev", "preprod", "prod"):
            assert platform.outputs(stage)["projects"]["e2e-vended"] == view["accounts"][stage]
        vended = before + 5  # dev, preprod and prod accounts, and an automation account for preprod and prod
        assert active_accounts() == vended

        retire = client.delete("/v1/projects/e2e-vended", params={"reason": "end of the test"}, headers=auth(keys["alice"])).json()["id"]
        assert wait_for(client, keys["alice"], retire, timeout_s=SLOW)["status"] == "planned"
        client.post(f"/v1/project-requests/{retire}/approve", headers=auth(keys["bob"]))
        retired = wait_for(client, keys["alice"], retire, timeout_s=SLOW)
        assert retired["status"] == "applied", retired["error"]
        assert "e2e-vended" not in platform.outputs("dev").get("projects", {})
        assert active_accounts() == vended  # out of the stacks, still in the organization: never closed or detached
