"""A real moto_server on 127.0.0.1 and an organization built in it from the org plan.

What moto 5.2.5 does as AWS does: FullAWSAccess (p-FullAWSAccess) on the root, every
new OU and every new account; policy types start disabled on the root, so
``build_org`` enables the planned ones (the planned Organization's
``enabledPolicyTypes``), as the Pulumi program would.
Where moto differs (none of it matters to drift checks): accounts are created at once
(no CREATE_IN_PROGRESS), no limit is enforced (it would let the last SCP of a target
be detached), SCPs are never evaluated, and the management account is named "master"
with email master@example.com.

Every request to moto_server costs ~20-30 ms here (moto resolves the backend per
request), so a full build of the sample org takes ~1.5 s and a verify ~1.5 s: tests
that only read share one build (test_matching.py).
"""

from __future__ import annotations

import json
import logging
import socket
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import boto3
import pytest
import typer

from mlgov.constants import TypeToken
from mlgov.engine.org_view import OrgView



@pytest.fixture(scope="session")
def moto_url() -> Iterable[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one INFO line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(autouse=True)
def aws_env(monkeypatch, tmp_path):
    """Fake credentials only; no profile or config file of the machine leaks in."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def reset_moto(url: str) -> None:
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture
def moto(moto_url) -> str:
    """The server URL, with moto's state reset before the test."""
    reset_moto(moto_url)
    return moto_url


@pytest.fixture
def org_client(moto):
    return moto_client(moto)


@pytest.fixture(scope="session")
def plan_file(org_plan_dict, tmp_path_factory) -> Path:
    """The sample org plan as `mlgov plan org --format json` writes it."""
    path = tmp_path_factory.mktemp("plan") / "org-plan.json"
    path.write_text(json.dumps({"stacks": [org_plan_dict]}))
    return path


@pytest.fixture(scope="session")
def planned(org_plan_dict) -> OrgView:
    return OrgView.from_stack(org_plan_dict)


class LiveIds(dict):
    """Planned id -> live id of everything ``build_org`` created."""


def build_org(
    client: Any,
    stack: dict[str, Any],
    *,
    skip_ous: Iterable[str] = (),
    reparent: dict[str, str] | None = None,
) -> LiveIds:
    """Create in moto the organization ``stack`` plans: OUs by name under their parents,
    accounts (planned emails/names) moved into their OUs, policies with the planned content,
    attachments. ``skip_ous``: OU names not created (with what would sit below them);
    ``reparent``: OU name -> name of another parent OU (or "Root")."""
    view = OrgView.from_stack(stack)
    skip, reparent = set(skip_ous), dict(reparent or {})
    organization = next(r for r in stack["resources"] if r["type"] == TypeToken.ORGANIZATION)
    client.create_organization(FeatureSet=organization["inputs"].get("featureSet", "ALL"))
    root = client.list_roots()["Roots"][0]["Id"]
    for policy_type in organization["inputs"].get("enabledPolicyTypes") or []:
        client.enable_policy_type(RootId=root, PolicyType=policy_type)
    ids = LiveIds({view.root_id: root})
    by_name = {ou.name: ou for ou in view.ous.values()}

    def create(ou_id: str) -> None:
        ou = view.ous[ou_id]
        if ou.name in skip or ou_id in ids:
            return
        parent = ou.parent_id
        if ou.name in reparent:
            target = reparent[ou.name]
            parent = view.root_id if target == "Root" else by_name[target].id
        if parent not in ids:
            if parent not in view.ous:
                return
            create(parent)
            if parent not in ids:
                return
        live_ou = client.create_organizational_unit(ParentId=ids[parent], Name=ou.name)["OrganizationalUnit"]
        ids[ou_id] = live_ou["Id"]  # AWS (and moto) attach FullAWSAccess to the new OU

    for ou_id in sorted(view.ous, key=lambda i: view.path_to(i).__len__()):
        create(ou_id)
    for account in view.accounts.values():
        status = client.create_account(Email=account.email, AccountName=account.name)["CreateAccountStatus"]
        assert status["State"] == "SUCCEEDED"  # moto creates accounts at once
        ids[account.id] = status["AccountId"]
        if account.parent_id in ids and account.parent_id != view.root_id:
            client.move_account(AccountId=status["AccountId"], SourceParentId=root, DestinationParentId=ids[account.parent_id])
    for policy in view.policies.values():
        created = client.create_policy(
            Name=policy.name, Description="mlgov", Type="SERVICE_CONTROL_POLICY", Content=policy.content
        )["Policy"]["PolicySummary"]
        ids[policy.id] = created["Id"]
    for attachment in view.attachments:
        if attachment.target_id in ids:
            client.attach_policy(PolicyId=ids[attachment.policy_id], TargetId=ids[attachment.target_id])
    return ids


@pytest.fixture
def make_org(org_client, org_plan_dict) -> Callable[..., LiveIds]:
    return lambda **options: build_org(org_client, org_plan_dict, **options)


@pytest.fixture(scope="session")
def cli_app() -> typer.Typer:
    """A small app with only ``verify`` registered, as mlgov.cli would register it."""
    from mlgov.commands import verify

    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """test app"""

    verify.register(app)
    return app


def verify_runner(cli_app, url: str, plan_file: Path):
    """Run `verify` against moto with the saved plan; returns the click Result."""
    from typer.testing import CliRunner

    def run(*extra: str, endpoint: str | None = None, plan: Path | None = plan_file):
        args = ["verify", "--stack", "org", "--endpoint-url", endpoint or url]
        if plan is not None:
            args += ["--plan-file", str(plan)]
        return CliRunner().invoke(cli_app, [*args, *extra])

    return run


@pytest.fixture
def run_verify(cli_app, moto, plan_file):
    return verify_runner(cli_app, moto, plan_file)


def moto_client(url: str) -> Any:
    return boto3.client(
        "organizations", region_name="us-east-1", endpoint_url=url,
        aws_access_key_id="testing", aws_secret_access_key="testing", aws_session_token="testing",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


# ---- small readers used by the tests ------------------------------------------------------------


def drift_of(result) -> list[tuple[str, str]]:
    """(kind, subject) of each finding in a `--format json` result; checks the kind order."""
    from mlgov.drift.compare import DRIFT_KINDS

    document = json.loads(result.stdout)
    kinds = [item["kind"] for item in document["drift"]]
    assert kinds == sorted(kinds, key=DRIFT_KINDS.index), "findings must come sorted by kind"
    return [(item["kind"], item["subject"]) for item in document["drift"]]


def detail_of(result, kind: str, subject: str) -> str:
    document = json.loads(result.stdout)
    return next(item["detail"] for item in document["drift"] if item["kind"] == kind and item["subject"] == subject)


def policy_id(client: Any, name: str) -> str:
    for page in client.get_paginator("list_policies").paginate(Filter="SERVICE_CONTROL_POLICY"):
        for policy in page["Policies"]:
            if policy["Name"] == name:
                return policy["Id"]
    raise KeyError(name)


def ou_id(client: Any, *path: str) -> str:
    """Live id of the OU at ``path`` (names from the root); the root's id for no path."""
    parent = client.list_roots()["Roots"][0]["Id"]
    for name in path:
        ous = client.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]
        parent = next(ou["Id"] for ou in ous if ou["Name"] == name)
    return parent


def account_id(client: Any, email: str) -> str:
    return next(a["Id"] for a in client.list_accounts()["Accounts"] if a["Email"] == email)
