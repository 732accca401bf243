"""Property paths the local provider's Diff hands to the force-replace table (no CLI needed)."""

from __future__ import annotations

from mlgov.testing.aws_provider.properties import SECRET_SIGNATURE, SIGNATURE, UNKNOWN, changed_paths, reveal, to_python, to_struct


def test_nested_objects_are_compared_key_by_key_and_lists_as_a_whole():
    old = {"email": "a@example.com", "vpcConfig": {"subnetIds": ["s-1"], "securityGroupIds": ["g-1"]}, "tags": {"a": "1"}}
    new = {"email": "b@example.com", "vpcConfig": {"subnetIds": ["s-1", "s-2"], "securityGroupIds": ["g-1"]}, "tags": {"a": "1"}}
    assert changed_paths(old, new) == ["email", "vpcConfig.subnetIds"]


def test_added_removed_and_unknown_values_are_changes():
    assert changed_paths({"a": 1}, {"b": 1}) == ["a", "b"]
    assert changed_paths({"a": "x"}, {"a": UNKNOWN}) == ["a"]
    assert changed_paths({"a": 1, "__defaults": []}, {"a": 1}) == []


def test_secrets_compare_by_value():
    secret = {SIGNATURE: SECRET_SIGNATURE, "value": "s3cret"}
    assert changed_paths({"password": secret}, {"password": dict(secret)}) == []
    assert changed_paths({"password": secret}, {"password": {**secret, "value": "other"}}) == ["password"]
    assert reveal({"password": secret}) == {"password": "s3cret"}


def test_struct_round_trip_keeps_whole_numbers():
    assert to_python(to_struct({"count": 3, "ratio": 0.5, "items": [1, 2]})) == {"count": 3, "ratio": 0.5, "items": [1, 2]}
