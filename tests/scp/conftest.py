"""Fixtures for the SCP tests: plans of the sample org and the Node oracle client."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from mlgov.constants import ROOT, STANDARD_OU_TREE, TypeToken

ORACLE_CLIENT = Path(__file__).resolve().parents[1] / "oracle" / "client.py"


def _load_client():
    spec = importlib.util.spec_from_file_location("mlgov_scp_oracle_client", ORACLE_CLIENT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


oracle_client = _load_client()


def synthetic_plan(settings=None) -> dict[str, Any]:
    """An org plan stack built straight from the guardrail catalogue (no Pulumi):
    the standard OU tree, one Policy per guardrail, attachments from attachment_map."""
    from mlgov.guardrails import GuardrailSettings, attachment_map, build_catalogue

    if settings is None:
        settings = dataclasses.replace(GuardrailSettings.example(), data_lake_bucket_prefix="examplecorp-datalake-")
    root = "r-ab12"
    ids = {ROOT: root}
    resources: list[dict[str, Any]] = [
        {"type": TypeToken.ORGANIZATION, "name": "organization", "outputs": {"roots": [{"id": root, "name": "Root"}]}}
    ]
    for index, (name, parent) in enumerate(STANDARD_OU_TREE):
        ou_id = f"ou-ab12-{index:08d}"
        ids[str(name)] = ou_id
        inputs = {"name": str(name), "parentId": ids[str(parent)]}
        resources.append({"type": TypeToken.ORGANIZATIONAL_UNIT, "name": f"ou-{name}", "inputs": inputs, "outputs": {**inputs, "id": ou_id}})
    catalogue = build_catalogue(settings)
    for index, policy in enumerate(catalogue):
        inputs = {"name": policy.name, "content": policy.render(), "type": "SERVICE_CONTROL_POLICY"}
        resources.append({"type": TypeToken.POLICY, "name": f"scp-{policy.key}", "inputs": inputs, "outputs": {**inputs, "id": f"p-{index:08d}"}})
    policy_ids = {policy.key: f"p-{index:08d}" for index, policy in enumerate(catalogue)}
    for key, targets in attachment_map(catalogue).items():
        for target in targets:
            if target not in ids:
                continue
            inputs = {"policyId": policy_ids[key], "targetId": ids[target]}
            resources.append({"type": TypeToken.POLICY_ATTACHMENT, "name": f"scp-{key}-{target}", "inputs": inputs, "outputs": inputs})
    return {"name": "org", "kind": "org", "resources": resources, "outputs": {}}


@pytest.fixture(scope="session")
def catalogue_plan() -> dict[str, Any]:
    return synthetic_plan()


@pytest.fixture(scope="session")
def sample_org_plan(org_plan) -> dict[str, Any]:
    """The real `org` stack of the sample organization, planned offline, as plan-file JSON."""
    return json.loads(json.dumps(org_plan.to_dict()))


@pytest.fixture(scope="session")
def oracle():
    return oracle_client
