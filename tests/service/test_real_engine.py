"""End to end with the real engine: request -> preview -> approve -> ``pulumi up`` of dev, preprod, prod and shared
with the local AWS provider -> the accounts in GET /projects/{name} and in the stacks' outputs -> retire.

Needs what the real-engine lane builds: the pinned Pulumi CLI (``make engine`` into ``.tools/bin``) and the local
AWS provider with ``moto_server`` under ``tests/engine_real``. Until both are in this checkout the test is skipped
with that reason; it never passes without them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgov.automation import find_pulumi_root
from tests.service.conftest import auth, open_client, project, tokens, wait_for

REPO = Path(__file__).resolve().parents[2]
LANE = REPO / "tests" / "engine_real"


def _missing() -> str | None:
    if find_pulumi_root(project_dir=REPO) is None:
        return "no Pulumi CLI (make engine builds the pinned one into .tools/bin; or set MLGOV_PULUMI_ROOT)"
    if not (LANE / "conftest.py").exists():
        return "the real-engine lane (local AWS provider, moto_server fixtures under tests/engine_real) is not in this checkout"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=f"real engine: {_missing()}")


@pytest.fixture
def real_service(tmp_path, monkeypatch):
    from mlgov.service.core import Service, ServiceConfig

    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "mlgov-e2e")
    service = Service(ServiceConfig(data_dir=tmp_path / "data", engine="pulumi", project_source=REPO, poll_interval_s=0.1, workers=1))
    # The service never touches org; the environment and shared stacks read it (and each other) through references.
    platform = service.platform(service.workspace.root)
    service.start()
    for stack in ("org", "sandbox", "dev", "preprod", "prod", "shared"):
        preview = platform.preview([stack], plan_dir=tmp_path, offline=False).stacks[0]
        platform.up(stack, plan_file=preview.plan_file)
    yield service
    service.stop()


def test_vend_apply_and_retire_with_the_real_engine(real_service):
    service = real_service
    keys = tokens(service)
    with open_client(service, run_workers=False) as client:
        response = client.post("/v1/project-requests", json={**project("e2e-vended", ["dev", "preprod", "prod"]), "reason": "end to end"},
                               headers=auth(keys["alice"]))
        request_id = response.json()["id"]
        planned = wait_for(client, keys["alice"], request_id, timeout_s=1800)
        assert planned["status"] == "planned" and planned["preview"]["engine"] == "pulumi", planned["error"]
        assert planned["stacks"] == ["dev", "preprod", "prod", "shared"]
        assert all(stack["plan_file"] for stack in planned["preview"]["stacks"])
        client.post(f"/v1/project-requests/{request_id}/approve", headers=auth(keys["bob"]))
        applied = wait_for(client, keys["alice"], request_id, timeout_s=1800)
        assert applied["status"] == "applied", applied["error"]
        view = client.get("/v1/projects/e2e-vended", headers=auth(keys["alice"])).json()
        assert set(view["accounts"]) == {"dev", "preprod", "prod"}
        platform = service.platform(service.workspace.root)
        for stage in ("dev", "preprod", "prod"):
            assert platform.outputs(stage)["projects"]["e2e-vended"]["accountId"] == view["accounts"][stage]["accountId"]
        retire = client.delete("/v1/projects/e2e-vended", params={"reason": "end of the test"}, headers=auth(keys["alice"])).json()["id"]
        assert wait_for(client, keys["alice"], retire, timeout_s=1800)["status"] == "planned"
        client.post(f"/v1/project-requests/{retire}/approve", headers=auth(keys["bob"]))
        retired = wait_for(client, keys["alice"], retire, timeout_s=1800)
        assert retired["status"] == "applied", retired["error"]
        assert "e2e-vended" not in platform.outputs("dev").get("projects", {})
