"""Unit tests of the SCP evaluator's semantics, one rule per case."""

from __future__ import annotations

import pytest

from mlgov.scp.evaluator import FULL_AWS_ACCESS, AttachedPolicy, Level, PolicyError, Request, evaluate


def deny(condition=None, *, sid="D", action="*", resource="*", key="Action", rkey="Resource"):
    statement = {"Sid": sid, "Effect": "Deny", key: action, rkey: resource}
    if condition is not None:
        statement["Condition"] = condition
    return AttachedPolicy("guard", {"Version": "2012-10-17", "Statement": [statement]})


def decide(policy, context=None, action="s3:GetObject", resource="arn:aws:s3:::bucket/key", principal=None):
    request = Request(action=action, resource=resource, context=context or {}, **({"principal_arn": principal} if principal else {}))
    return evaluate(request, [Level("Root", (FULL_AWS_ACCESS, policy)), Level("Account", (FULL_AWS_ACCESS,))])


def denied(condition, context, **kw):
    return not decide(deny(condition), context, **kw).allowed


CASES = [
    # operator, policy value, context value (None = key absent), deny fires?
    ("StringEquals", "abc", "abc", True),
    ("StringEquals", "abc", "ABC", False),
    ("StringEquals", "abc", None, False),
    ("StringNotEquals", "abc", "abd", True),
    ("StringNotEquals", "abc", None, True),  # negated operator, key absent -> true (AWS docs)
    ("StringEqualsIgnoreCase", "abc", "ABC", True),
    ("StringNotEqualsIgnoreCase", "abc", "ABC", False),
    ("StringLike", "a*c", "abbbc", True),
    ("StringLike", "a?c", "abbc", False),
    ("StringLike", "A*", "abc", False),
    ("StringNotLike", "a*", "bcd", True),
    ("StringNotLike", "a*", None, True),
    ("StringNotLikeIfExists", "a*", None, True),
    ("StringEqualsIfExists", "abc", None, True),
    ("StringEqualsIfExists", "abc", "x", False),
    ("NumericEquals", "10", "10.0", True),
    ("NumericLessThan", "10", "9", True),
    ("NumericLessThanEquals", "10", "10", True),
    ("NumericGreaterThan", "10", "10", False),
    ("NumericGreaterThanEquals", "10", "11", True),
    ("NumericNotEquals", "10", "11", True),
    ("NumericEquals", "10", "ten", False),
    ("DateLessThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", True),
    ("DateGreaterThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", False),
    ("DateEquals", "2026-01-01T00:00:00Z", "1767225600", True),
    ("DateNotEquals", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", True),
    ("DateLessThanEquals", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
    ("DateGreaterThanEquals", "2026-01-01T00:00:00Z", "2025-01-01T00:00:00Z", False),
    ("Bool", "true", "true", True),
    ("Bool", "true", "TRUE", True),
    ("Bool", "false", "true", False),
    ("Bool", "false", None, False),
    ("BoolIfExists", "false", None, True),
    ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", True),
    ("IpAddress", "10.0.0.0/8", "10.1.2.3", True),
    ("IpAddress", "10.0.0.0/8", "11.1.2.3", False),
    ("NotIpAddress", "10.0.0.0/8", "11.1.2.3", True),
    ("NotIpAddress", "10.0.0.0/8", None, True),
    ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
    ("ArnLike", "arn:aws:iam::*:role/Admin*", "arn:aws:iam::111122223333:role/AdminX", True),
    ("ArnLike", "arn:aws:iam::*:role/admin*", "arn:aws:iam::111122223333:role/AdminX", False),
    ("ArnEquals", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:root", True),
    ("ArnNotLike", "arn:aws:iam::*:role/Admin", "arn:aws:iam::111122223333:role/Admin", False),
    ("ArnNotLike", "arn:aws:iam::*:role/Admin", None, True),
    ("ArnNotEquals", "arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B", True),
    ("ArnLike", "arn:aws:iam::*:role/*", "not-an-arn", False),
]


@pytest.mark.parametrize("operator,policy_value,value,expected", CASES)
def test_operator(operator, policy_value, value, expected):
    context = {} if value is None else {"test:Key": value}
    assert denied({operator: {"test:Key": policy_value}}, context) is expected


def test_null():
    assert denied({"Null": {"test:Key": "true"}}, {})
    assert not denied({"Null": {"test:Key": "true"}}, {"test:Key": "x"})
    assert denied({"Null": {"test:Key": "false"}}, {"test:Key": "x"})
    assert not denied({"Null": {"test:Key": "false"}}, {})


@pytest.mark.parametrize(
    "operator,values,context,expected",
    [
        ("ForAnyValue:StringLike", ["ml.p4d.*"], ["ml.m5.large", "ml.p4d.24xlarge"], True),
        ("ForAnyValue:StringLike", ["ml.p4d.*"], ["ml.m5.large"], False),
        ("ForAnyValue:StringLike", ["ml.p4d.*"], None, False),
        ("ForAnyValue:StringLike", ["ml.p4d.*"], [], False),
        ("ForAnyValue:StringNotLike", ["ml.m5.*"], ["ml.m5.large", "ml.p4d.24xlarge"], True),
        ("ForAnyValue:StringNotLike", ["ml.m5.*"], ["ml.m5.large"], False),
        ("ForAnyValue:StringNotLike", ["ml.m5.*"], None, False),
        ("ForAllValues:StringLike", ["ml.m5.*"], ["ml.m5.large", "ml.m5.xlarge"], True),
        ("ForAllValues:StringLike", ["ml.m5.*"], ["ml.m5.large", "ml.p4d.24xlarge"], False),
        ("ForAllValues:StringLike", ["ml.m5.*"], None, True),
        ("ForAllValues:StringLike", ["ml.m5.*"], [], True),
        ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "d"], True),
        ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "a"], False),
        ("ForAnyValue:StringEquals", ["a"], "a", True),  # a single value is a one-element set
        ("StringLike", ["ml.m5.*"], ["ml.m5.large"], False),  # multi-valued key needs a set qualifier
        ("ForAnyValue:StringEqualsIfExists", ["a"], None, True),
    ],
)
def test_set_operators(operator, values, context, expected):
    ctx = {} if context is None else {"sagemaker:InstanceTypes": context}
    assert denied({operator: {"sagemaker:InstanceTypes": values}}, ctx) is expected


def test_multiple_values_or_keys_and_operators_and():
    cond = {"StringEquals": {"k:A": ["x", "y"], "k:B": "z"}, "Bool": {"k:C": "true"}}
    assert denied(cond, {"k:A": "y", "k:B": "z", "k:C": True})
    assert not denied(cond, {"k:A": "y", "k:B": "other", "k:C": True})
    assert not denied(cond, {"k:A": "y", "k:B": "z", "k:C": False})
    # negated operator with several values: NOR
    assert not denied({"StringNotEquals": {"k:A": ["x", "y"]}}, {"k:A": "y"})
    assert denied({"StringNotEquals": {"k:A": ["x", "y"]}}, {"k:A": "w"})


def test_condition_keys_are_case_insensitive_values_are_not():
    assert denied({"StringEquals": {"AWS:RequestedRegion": "eu-west-1"}}, {"aws:requestedregion": "eu-west-1"})
    assert not denied({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}, {"aws:RequestedRegion": "EU-WEST-1"})


def test_actions_match_case_insensitively_with_wildcards():
    assert not decide(deny(action="S3:get*"), action="s3:GetObject").allowed
    assert not decide(deny(action="s3:Get?bject"), action="s3:GetObject").allowed
    assert decide(deny(action="s3:Put*"), action="s3:GetObject").allowed


def test_not_action():
    assert decide(deny(action=["s3:*", "iam:*"], key="NotAction"), action="s3:GetObject").allowed
    assert not decide(deny(action=["iam:*"], key="NotAction"), action="s3:GetObject").allowed


def test_resources_match_case_sensitively_and_per_segment():
    assert not decide(deny(resource="arn:aws:s3:::bucket/*")).allowed
    assert decide(deny(resource="arn:aws:s3:::BUCKET/*")).allowed
    assert not decide(deny(resource="arn:aws:s3:::buck?t/k*")).allowed
    # "*" in the resource part may span slashes and colons, never the first five segments
    assert not decide(deny(resource="arn:aws:sagemaker:*:*:*"), resource="arn:aws:sagemaker:eu-west-1:1:training-job/x").allowed
    assert decide(deny(resource="arn:aws:sagemaker:*"), resource="arn:aws:s3:::b/k").allowed
    assert not decide(deny(resource="arn:aws:s3:*"), resource="arn:aws:s3:::b/k").allowed


def test_not_resource():
    assert decide(deny(resource="arn:aws:s3:::bucket/*", rkey="NotResource")).allowed
    assert not decide(deny(resource="arn:aws:s3:::other/*", rkey="NotResource")).allowed


def test_deny_beats_allow_and_first_deny_is_reported():
    root = Level("Root", (FULL_AWS_ACCESS,))
    ou = Level("Workloads", (FULL_AWS_ACCESS, deny(sid="OuDeny")))
    account = Level("Account", (FULL_AWS_ACCESS, deny(sid="AccountDeny")))
    decision = evaluate(Request("s3:GetObject"), [root, ou, account])
    assert (decision.allowed, decision.reason, decision.level, decision.sid) == (False, "explicit-deny", "Workloads", "OuDeny")


def test_every_level_needs_an_allow():
    only_s3 = AttachedPolicy("only-s3", {"Statement": {"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}})
    levels = [Level("Root", (FULL_AWS_ACCESS,)), Level("Sandbox", (only_s3,)), Level("Account", (FULL_AWS_ACCESS,))]
    assert evaluate(Request("s3:GetObject"), levels).allowed
    decision = evaluate(Request("ec2:RunInstances"), levels)
    assert (decision.allowed, decision.reason, decision.level) == (False, "no-allow", "Sandbox")
    # a level with no policy at all allows nothing
    assert evaluate(Request("s3:GetObject"), [Level("Root", ())]).reason == "no-allow"


def test_allow_with_condition():
    conditional = AttachedPolicy(
        "eu-only", {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:RequestedRegion": "eu-*"}}}]}
    )
    levels = [Level("Root", (conditional,))]
    assert evaluate(Request("s3:GetObject", context={"aws:RequestedRegion": "eu-west-1"}), levels).allowed
    assert not evaluate(Request("s3:GetObject", context={"aws:RequestedRegion": "us-east-1"}), levels).allowed


def test_json_text_documents_and_principal_arn_default():
    text = '{"Statement":[{"Sid":"Root","Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}]}'
    policy = AttachedPolicy("deny-root", text)
    assert not decide(policy, principal="arn:aws:iam::111122223333:root").allowed
    assert decide(policy).allowed


def test_bad_policies_raise_policy_error():
    with pytest.raises(PolicyError):
        decide(AttachedPolicy("bad", "{not json"))
    with pytest.raises(PolicyError):
        decide(deny({"StringSortOf": {"k": "v"}}))
