"""Removing a project: `pulumi up` refuses; the README's retire steps keep the accounts in the organization."""

from __future__ import annotations

import json

import boto3
import pytest
import yaml
from mlgov.constants import TypeToken

pytestmark = pytest.mark.slow
PROJECT = "churn-notebooks"  # a project with only a dev stage
STACK = "dev"


def _accounts_of(export: dict, project: str) -> list[dict]:
    return [
        r for r in export["deployment"]["resources"]
        if r["type"] == TypeToken.ACCOUNT and project in r["urn"]
    ]


def _moto_accounts(lane) -> dict[str, str]:
    client = boto3.client("organizations", endpoint_url=lane.moto.url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    return {a["Email"]: a["Status"] for page in client.get_paginator("list_accounts").paginate() for a in page["Accounts"]}


def test_removing_a_project_is_refused_then_retired_by_the_readme_steps(deployed):
    before = deployed.export(STACK)
    accounts = _accounts_of(before, PROJECT)
    assert accounts, f"{PROJECT} has no account in {STACK}"
    emails = {a["inputs"]["email"] for a in accounts}
    assert emails <= set(_moto_accounts(deployed))

    catalogue = deployed.project / "stacks" / "projects.yaml"
    document = yaml.safe_load(catalogue.read_text())
    document["projects"] = [p for p in document["projects"] if p["name"] != PROJECT]
    catalogue.write_text(yaml.safe_dump(document, sort_keys=False))

    # `pulumi up` previews first: the preview refuses to delete the protected accounts, so nothing runs.
    refused = deployed.pulumi.run("up", "--stack", STACK, "--yes", check=False)
    assert refused.returncode != 0
    assert "protect" in refused.output.lower()
    after_refusal = deployed.export(STACK)
    assert [r["urn"] for r in after_refusal["deployment"]["resources"]] == [r["urn"] for r in before["deployment"]["resources"]], \
        "a refused update deleted something"

    # The README's retire steps: unprotect each account, then up.
    for account in accounts:
        deployed.pulumi.run("state", "unprotect", "--stack", STACK, account["urn"], "--yes")
    deployed.pulumi.run("up", "--stack", STACK, "--yes", "--skip-preview")

    retired = deployed.export(STACK)
    remaining = json.dumps(retired["deployment"]["resources"])
    assert f"-{PROJECT}" not in remaining and f"{PROJECT}-" not in remaining, "the project's resources are still in the state"
    live = _moto_accounts(deployed)
    assert all(live.get(email) == "ACTIVE" for email in emails), "a retired account was closed or removed from the organization"
