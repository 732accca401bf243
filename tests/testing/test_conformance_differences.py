"""The conformance comparison reports every field the offline engine could get wrong (no CLI needed)."""

from __future__ import annotations

import copy

import pytest

from mlgov.testing.conformance import ARCHIVE_SIGNATURE, SECRET_SIGNATURE, SIGNATURE_KEY, differences
from mlgov.constants import TypeToken

PROVIDER = "urn:pulumi:org::mlgov::pulumi:providers:aws::default_7_51_1"
OU = "urn:pulumi:org::mlgov::mlgov:organizational_units:OrganizationalUnits$aws:organizations/organizationalUnit:OrganizationalUnit::ou-sandbox"
PARENT = "urn:pulumi:org::mlgov::mlgov:organizational_units:OrganizationalUnits::ous"


def _exported() -> list[dict]:
    return [
        {"urn": PROVIDER, "type": TypeToken.AWS_PROVIDER, "custom": True, "id": "5f0c-uuid", "inputs": {"region": "eu-west-1"}, "outputs": {"region": "eu-west-1"}},
        {
            "urn": OU, "type": TypeToken.ORGANIZATIONAL_UNIT, "custom": True, "id": "ou-ab12-cd34ef56",
            "parent": PARENT, "provider": f"{PROVIDER}::5f0c-uuid", "protect": True, "dependencies": [PARENT],
            "propertyDependencies": {"parentId": [PARENT]},
            "inputs": {"name": "Sandbox", "token": {SIGNATURE_KEY: SECRET_SIGNATURE, "ciphertext": "x"}},
            "outputs": {"id": "ou-ab12-cd34ef56", "name": "Sandbox"},
        },
    ]


def _planned() -> list[dict]:
    return [
        {"urn": PROVIDER, "type": TypeToken.AWS_PROVIDER, "name": "default_7_51_1", "custom": True, "id": "digest", "parent": "", "provider": "",
         "protect": False, "dependencies": [], "property_dependencies": {}, "inputs": {"region": "eu-west-1"}, "outputs": {"region": "eu-west-1"}},
        {"urn": OU, "type": TypeToken.ORGANIZATIONAL_UNIT, "name": "ou-sandbox", "custom": True, "id": "ou-ab12-cd34ef56",
         "parent": PARENT, "provider": f"{PROVIDER}::digest", "protect": True, "dependencies": [PARENT],
         "property_dependencies": {"parentId": [PARENT]}, "inputs": {"name": "Sandbox", "token": "[secret]"},
         "outputs": {"id": "ou-ab12-cd34ef56", "name": "Sandbox"}},
    ]


def test_the_same_graph_has_no_difference():
    assert differences(_exported(), _planned()) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("parent", ""), ("provider", ""), ("protect", False), ("dependencies", []), ("property_dependencies", {}),
     ("id", "ou-ab12-00000000"), ("inputs", {"name": "Sandbox"}), ("outputs", {}), ("retain_on_delete", True)],
)
def test_a_wrong_field_in_the_plan_is_a_difference(field, value):
    planned = copy.deepcopy(_planned())
    planned[1][field] = value
    found = differences(_exported(), planned)
    assert len(found) == 1 and f"{field} differs" in found[0]


def test_missing_resources_and_dangling_provider_references_are_reported():
    exported = _exported()
    exported[1]["provider"] = f"{PROVIDER}::another-uuid"
    found = differences(exported, _planned()[1:])
    assert any("names no provider resource" in line for line in found)
    assert any("missing from the plan" in line for line in found)


def test_archives_compare_by_file_name_and_content_hash():
    exported, planned = _exported(), copy.deepcopy(_planned())
    exported[1]["inputs"]["code"] = {SIGNATURE_KEY: ARCHIVE_SIGNATURE, "path": "/build/x/mlgov-redaction-77c1.zip", "hash": "77c1"}
    planned[1]["inputs"]["code"] = {"archive": {"file": "mlgov-redaction-77c1.zip", "sha256": "77c1"}}
    assert differences(exported, planned) == []
    planned[1]["inputs"]["code"] = {"archive": {"file": "mlgov-redaction-77c1.zip", "sha256": "other"}}
    assert ["inputs differs" in line for line in differences(exported, planned)] == [True]
