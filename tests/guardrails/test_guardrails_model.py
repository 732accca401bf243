"""Statement / ServiceControlPolicy: rendering and the constructor checks."""

import json

import pytest

from mlgov.guardrails import ServiceControlPolicy, Statement


def _scp(*statements, **kw):
    args = dict(key="k-x", name="mlgov-k-x", description="d", statements=statements, default_targets=("Root",))
    args.update(kw)
    return ServiceControlPolicy(**args)


def test_statement_document_shape():
    s = Statement(
        "VpcSubnets",
        actions=("sagemaker:CreateTrainingJob",),
        condition={"Null": {"sagemaker:VpcSubnets": True}, "StringNotEquals": {"aws:RequestedRegion": ("eu-west-1",)}},
    )
    assert s.document() == {
        "Sid": "VpcSubnets",
        "Effect": "Deny",
        "Action": ["sagemaker:CreateTrainingJob"],
        "Resource": ["*"],
        "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}, "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
    }


def test_not_action_and_not_resource_render_as_not_keys():
    doc = Statement("X", not_actions=("iam:*",), resources=(), not_resources=("arn:aws:s3:::b",)).document()
    assert doc["NotAction"] == ["iam:*"] and "Action" not in doc
    assert doc["NotResource"] == ["arn:aws:s3:::b"] and "Resource" not in doc


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(sid="Bad-Sid", actions=("s3:GetObject",)),
        dict(sid="X"),
        dict(sid="X", actions=("s3:GetObject",), not_actions=("iam:*",)),
        dict(sid="X", actions=("s3:GetObject",), not_resources=("arn:aws:s3:::b",)),
        dict(sid="X", actions=("s3:GetObject",), effect="Maybe"),
        dict(sid="X", actions=("s3:GetObject",), condition={"Null": {}}),
    ],
)
def test_statement_rejects_invalid(kwargs):
    with pytest.raises(ValueError):
        Statement(**kwargs)


def test_bare_string_action_is_not_split_into_characters():
    assert Statement("X", actions="s3:GetObject").actions == ("s3:GetObject",)


def test_condition_cannot_be_mutated_after_construction():
    cond = {"Null": {"aws:SourceVpc": "true"}}
    s = Statement("X", actions=("s3:GetObject",), condition=cond)
    cond["Null"]["aws:SourceVpc"] = "false"
    assert s.document()["Condition"] == {"Null": {"aws:SourceVpc": "true"}}
    with pytest.raises(TypeError):
        s.condition["Bool"] = {}  # type: ignore[index]


def test_render_is_minified_and_round_trips():
    scp = _scp(Statement("A", actions=("s3:GetObject",)), Statement("B", actions=("s3:PutObject",)))
    text = scp.render()
    assert " " not in text and "\n" not in text
    assert json.loads(text) == scp.document()
    assert json.loads(text)["Version"] == "2012-10-17"
    assert [s["Sid"] for s in json.loads(text)["Statement"]] == ["A", "B"]


def test_policy_rejects_duplicate_sids_and_bad_metadata():
    a = Statement("A", actions=("s3:GetObject",))
    with pytest.raises(ValueError, match="duplicate Sids"):
        _scp(a, Statement("A", actions=("s3:PutObject",)))
    with pytest.raises(ValueError):
        _scp(a, key="Not_Kebab")
    with pytest.raises(ValueError):
        _scp(a, name="x" * 129)
    with pytest.raises(ValueError):
        _scp(a, description="x" * 513)
    with pytest.raises(ValueError):
        _scp()
