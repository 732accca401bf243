"""validate_policy must catch the mistakes AWS accepts silently."""

import pytest

from mlgov.guardrails.iam_validation import validate_policy


def _doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _deny(actions, condition=None, key="Action", sid="S1"):
    st = {"Sid": sid, "Effect": "Deny", key: actions, "Resource": "*"}
    if condition is not None:
        st["Condition"] = condition
    return st


def test_sound_policy_has_no_problems():
    doc = _doc(_deny(["sagemaker:CreateTrainingJob"], {"Null": {"sagemaker:VpcSubnets": "true"}}))
    assert validate_policy(doc) == []


def test_typo_in_action_is_flagged():
    problems = validate_policy(_doc(_deny(["sagemaker:CreateEndpoints"])))
    assert len(problems) == 1 and "sagemaker:CreateEndpoints" in problems[0]


def test_deprecated_key_is_flagged_by_name():
    doc = _doc(_deny(["sagemaker:CreateTrainingJob"], {"Null": {"sagemaker:VolumeKmsKey": "true"}}))
    problems = validate_policy(doc)
    assert problems and all("sagemaker:VolumeKmsKey" in p for p in problems)
    assert any("deprecated" in p for p in problems)


def test_actions_match_case_insensitively():
    assert validate_policy(_doc(_deny(["SageMaker:createtrainingjob", "S3:get*"]))) == []


@pytest.mark.parametrize(
    "action, fragment",
    [("nosuchservice:Do", "unknown service"), ("sagemaker:Frobnicate*", "wildcard"), ("CreateTrainingJob", "service:Action")],
)
def test_bad_actions(action, fragment):
    problems = validate_policy(_doc(_deny([action])))
    assert len(problems) == 1 and fragment in problems[0]


def test_key_not_supported_by_the_statement_actions():
    # CreateEndpoint has only tag keys (IAM service authorization reference): a VPC Null-deny there would deny always.
    problems = validate_policy(_doc(_deny(["sagemaker:CreateEndpoint"], {"Null": {"sagemaker:VpcSubnets": "true"}})))
    assert len(problems) == 1 and "not supported" in problems[0]


def test_key_supported_by_one_of_several_actions_is_fine():
    doc = _doc(_deny(["sagemaker:CreateEndpoint", "sagemaker:CreateEndpointConfig"], {"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": ["ml.m5.*"]}}))
    assert validate_policy(doc) == []


def test_unknown_service_key_and_global_keys():
    assert validate_policy(_doc(_deny(["s3:GetObject"], {"StringEquals": {"aws:SomeFutureGlobalKey": "x"}}))) == []
    problems = validate_policy(_doc(_deny(["sagemaker:CreateTrainingJob"], {"Null": {"sagemaker:NoSuchKey": "true"}})))
    assert len(problems) == 1 and "unknown condition key" in problems[0]


def test_templated_keys_match():
    doc = _doc(_deny(["sagemaker:CreateTrainingJob"], {"StringEquals": {"sagemaker:ResourceTag/team": "a"}}))
    assert validate_policy(doc) == []


def test_not_action_only_checks_service_of_keys():
    ok = _deny(["iam:*"], {"Bool": {"sagemaker:NetworkIsolation": "false"}}, key="NotAction")
    assert validate_policy(_doc(ok)) == []
    bad = _deny(["iam:*"], {"Null": {"nosuchsvc:Thing": "true"}}, key="NotAction")
    assert len(validate_policy(_doc(bad))) == 1
    typo = _deny(["organisations:*"], key="NotAction")
    assert len(validate_policy(_doc(typo))) == 1


def test_multivalued_key_needs_set_operator():
    doc = _doc(_deny(["sagemaker:CreateTrainingJob"], {"StringNotLike": {"sagemaker:InstanceTypes": ["ml.m5.*"]}}))
    problems = validate_policy(doc)
    assert len(problems) == 1 and "multi-valued" in problems[0]


def test_operator_and_value_checks():
    assert "unknown condition operator" in validate_policy(_doc(_deny(["s3:GetObject"], {"StringEqual": {"aws:SourceVpc": "v"}})))[0]
    assert "'true' or 'false'" in validate_policy(_doc(_deny(["s3:GetObject"], {"Null": {"aws:SourceVpc": "yes"}})))[0]
    assert validate_policy(_doc(_deny(["s3:GetObject"], {"StringNotEqualsIfExists": {"aws:SourceVpc": "v"}}))) == []


def test_document_level_problems():
    assert any("Version" in p for p in validate_policy({"Statement": [_deny(["s3:GetObject"])]}))
    dup = validate_policy(_doc(_deny(["s3:GetObject"]), _deny(["s3:PutObject"])))
    assert dup == ["duplicate Sid 'S1'"]
    assert validate_policy({"Version": "2012-10-17", "Statement": []}) == ["policy has no Statement"]
