"""The README's adoption path: an existing organization and account, imported, then `pulumi up` replaces nothing."""

from __future__ import annotations

import json

import boto3
import pytest
import yaml

from mlgov.testing.real_engine import MotoServer, Pulumi, engine_environment, project_copy

from tests.engine_real.conftest import needs_force_replace
from mlgov.constants import TypeToken

pytestmark = [pytest.mark.slow, needs_force_replace]
ACCOUNT_ROLE = "log-archive"
ACCOUNT_TYPE = TypeToken.ACCOUNT


@pytest.fixture(scope="module")
def existing(cli, tmp_path_factory):
    """A moto organization that exists before mlgov: the org stack's policy types and service access, one core account."""
    with MotoServer() as moto:
        client = boto3.client("organizations", endpoint_url=moto.url, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        root = tmp_path_factory.mktemp("adoption")
        project = project_copy(root / "project")
        pulumi = Pulumi(cli, project, engine_environment(root / "home", root / "state", moto.url, cli))
        pulumi.login()
        yield client, pulumi


def _org_plan(project):
    from mlgov.engine import plan_stacks

    return plan_stacks(["org"], project_dir=project).stack("org")


def test_adopted_organization_and_account_are_not_replaced(existing):
    client, pulumi = existing
    plan = _org_plan(pulumi.cwd)
    organization = next(r for r in plan.resources if r.type == TypeToken.ORGANIZATION)
    account = next(r for r in plan.resources if r.type == ACCOUNT_TYPE and r.name == f"account-{ACCOUNT_ROLE}")

    live = client.create_organization(FeatureSet="ALL")["Organization"]
    root = client.list_roots()["Roots"][0]["Id"]
    for policy_type in organization.inputs.get("enabledPolicyTypes", []):
        client.enable_policy_type(RootId=root, PolicyType=policy_type)
    for principal in organization.inputs.get("awsServiceAccessPrincipals", []):
        client.enable_aws_service_access(ServicePrincipal=principal)
    created = client.create_account(Email=account.inputs["email"], AccountName=account.inputs["name"])["CreateAccountStatus"]
    billing = account.inputs.get("iamUserAccessToBilling", "ALLOW")

    stack_file = pulumi.cwd / "stacks" / "Pulumi.org.yaml"
    document = yaml.safe_load(stack_file.read_text())
    document["config"]["mlgov:organization"]["existingOrganizationId"] = live["Id"]
    stack_file.write_text(yaml.safe_dump(document, sort_keys=False))
    pulumi.run("stack", "init", "org", "--secrets-provider", "passphrase")
    # The README's import file: the account's parent component is created in the state with it.
    parent = next(r for r in plan.resources if r.urn == account.parent)
    import_file = pulumi.cwd / "adopt.json"
    import_file.write_text(json.dumps({"resources": [
        {"type": parent.type, "name": parent.name, "component": True},
        {"type": ACCOUNT_TYPE, "name": account.name, "id": f"{created['AccountId']}_{billing}", "parent": parent.name},
    ]}))
    pulumi.run("import", "--stack", "org", "--file", str(import_file), "--generate-code=false", "--yes")

    preview = json.loads(pulumi.run("preview", "--stack", "org", "--diff", "--json").stdout)
    steps = {step["urn"]: step["op"] for step in preview["steps"]}
    assert steps[account.urn] in ("same", "update"), steps[account.urn]
    assert steps[organization.urn] == "import"
    assert not [urn for urn, op in steps.items() if op in ("replace", "create-replacement", "delete-replaced", "delete")]

    pulumi.run("up", "--stack", "org", "--yes", "--skip-preview")
    accounts = {a["Email"]: a["Id"] for a in client.list_accounts()["Accounts"]}
    assert accounts[account.inputs["email"]] == created["AccountId"], "the adopted account was replaced"
