"""Our evaluator against an independent one (@cloud-copilot/iam-simulate, Node).

Every catalogue scenario x OU, plus >= 300 hypothesis-generated requests over the
project's SCPs and a fixture hierarchy that exercises the rarer operators. All
requests go to one Node process. A disagreement fails with the request and both
answers.

The oracle drops context keys that the action does not support (AWS would never
send them); our evaluator is then given the same reduced context, so what is
compared is the evaluation logic on identical inputs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import oracle_client
from mlgov.scp.evaluator import FULL_AWS_ACCESS, AttachedPolicy, Level, Request, evaluate
from mlgov.scp.matrix import levels_for_ou
from mlgov.scp.scenarios import load_catalogue

ACCOUNT = "111122223333"
GENERATED = 400
OUS = ("Security", "Sandbox", "Workloads_Dev", "Workloads_PreProd", "Workloads_Prod", "Deployments_Prod")
UNRELATED_ACTIONS = (
    "s3:PutObject", "s3:ListBucket", "ec2:RunInstances", "ec2:CreateVpc", "dynamodb:GetItem",
    "lambda:InvokeFunction", "kms:Decrypt", "iam:CreateRole", "sts:AssumeRole", "cloudtrail:LookupEvents",
    "sagemaker:DescribeTrainingJob", "sagemaker:ListEndpoints", "logs:PutLogEvents",
)  # fmt: skip
DATA_LAKE_OBJECTS = (
    "arn:aws:s3:::examplecorp-datalake-curated/features/part-0.parquet",
    "arn:aws:s3:::other-bucket/features/part-0.parquet",
    "arn:aws:s3:::EXAMPLECORP-DATALAKE-raw/x.csv",
)
PRINCIPALS = (
    f"arn:aws:iam::{ACCOUNT}:role/DataScientist",
    f"arn:aws:iam::{ACCOUNT}:root",
    f"arn:aws:iam::{ACCOUNT}:role/AWSControlTowerExecution",
    f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole",
    f"arn:aws:iam::{ACCOUNT}:role/awscontroltowerexecution",
)

# A hierarchy with the operators the guardrails do not use, so the oracle checks them too.
FIXTURE_LEVELS = [
    Level("Root", (FULL_AWS_ACCESS, AttachedPolicy("fixture-root", {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyOutsideEu", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
         "Condition": {"StringNotLikeIfExists": {"aws:RequestedRegion": ["eu-*"]}}},
        {"Sid": "DenyBigTags", "Effect": "Deny", "Action": "sagemaker:Create*", "Resource": "*",
         "Condition": {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["mlgov:project", "mlgov:cost-center"]}}},
        {"Sid": "DenyOldSessions", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}}},
        {"Sid": "DenyFromOffice", "Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::examplecorp-*",
         "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}},
        {"Sid": "DenyAfter", "Effect": "Deny", "Action": "ec2:*", "Resource": "*",
         "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}},
        {"Sid": "DenyProjectCase", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringEqualsIgnoreCase": {"aws:RequestTag/mlgov:project": "FORBIDDEN"}}},
    ]}))),
    Level("Workloads", (AttachedPolicy("fixture-allow-list", {"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowMost", "Effect": "Allow", "NotAction": ["dynamodb:*"], "Resource": "*"},
        {"Sid": "AllowEuOnly", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
    ]}),)),
    Level("Account", (FULL_AWS_ACCESS,)),
]  # fmt: skip


def _actions_of(document: dict) -> set[str]:
    found = set()
    for statement in document["Statement"]:
        for key in ("Action", "NotAction"):
            values = statement.get(key, [])
            for action in [values] if isinstance(values, str) else values:
                if "*" not in action and "?" not in action:
                    found.add(action)
    return found


def _compare(requests: list[Request], level_sets: list[tuple[str, list[Level]]]) -> tuple[int, list[str], int]:
    cases = [oracle_client.case(r, levels) for r, (_, levels) in zip(requests, level_sets)]
    answers = oracle_client.simulate(cases)
    problems, ignored_total = [], 0
    for request, (label, levels), answer in zip(requests, level_sets, answers):
        if answer["result"] == "Error":
            problems.append(f"oracle rejected {request} in {label}: {answer.get('error')}")
            continue
        ignored = {k.lower() for k in answer.get("ignoredContextKeys", [])}
        ignored_total += len(ignored)
        same_input = Request(
            action=request.action,
            resource=request.resource,
            principal_arn=request.principal_arn,
            context={k: v for k, v in request.context.items() if k.lower() not in ignored},
        )
        ours = evaluate(same_input, levels)
        expected = oracle_client.RESULT_OF_REASON[ours.reason]
        ours_level = None if ours.level is None else [lvl.target for lvl in levels].index(ours.level)
        theirs = (answer["result"], answer.get("level"), answer.get("sid") if answer["result"] == "ExplicitlyDenied" else None)
        mine = (expected, ours_level, ours.sid if ours.reason == "explicit-deny" else None)
        if mine != theirs:
            problems.append(
                f"DISAGREEMENT in {label}\n  request: {json.dumps(oracle_client.case(same_input, [])['request'])}\n"
                f"  ours:   {mine} ({ours.detail})\n  oracle: {theirs}"
            )
    return len(cases), problems, ignored_total


@pytest.fixture(scope="module")
def ou_levels(sample_org_plan) -> dict[str, list[Level]]:
    return {ou: levels_for_ou(sample_org_plan, ou) for ou in OUS}


def test_oracle_agrees_on_every_catalogue_scenario(ou_levels):
    catalogue = load_catalogue()
    requests, level_sets = [], []
    for scenario in catalogue.scenarios:
        for ou in catalogue.ous:
            requests.append(scenario.request)
            level_sets.append((f"{scenario.id} @ {ou}", ou_levels[ou]))
    count, problems, _ = _compare(requests, level_sets)
    assert count == len(catalogue.scenarios) * len(catalogue.ous)
    assert not problems, "\n".join(problems)


def test_catalogue_scenarios_carry_only_keys_their_action_supports(ou_levels):
    catalogue = load_catalogue()
    cases = [oracle_client.case(s.request, ou_levels["Sandbox"]) for s in catalogue.scenarios]
    answers = oracle_client.simulate(cases)
    unsupported = {s.id: a.get("ignoredContextKeys") for s, a in zip(catalogue.scenarios, answers) if a.get("ignoredContextKeys")}
    assert unsupported == {}


def _generate_requests(ou_levels: dict[str, list[Level]]) -> tuple[list[Request], list[tuple[str, list[Level]]]]:
    catalogue_actions: set[str] = set()
    for levels in ou_levels.values():
        for level in levels:
            for policy in level.policies:
                catalogue_actions |= _actions_of(policy.document)  # type: ignore[arg-type]
    actions = sorted(catalogue_actions) + list(UNRELATED_ACTIONS)
    samples = oracle_client.sample_resources(actions, "eu-west-1", ACCOUNT)
    actions = [a for a in actions if samples.get(a) is not None]
    hierarchies = [(ou, levels) for ou, levels in ou_levels.items()] + [("fixture", FIXTURE_LEVELS)]

    def resources_for(action: str) -> st.SearchStrategy[str]:
        if action.startswith("s3:") and samples[action] != "*" and action in ("s3:GetObject", "s3:PutObject"):
            return st.sampled_from(DATA_LAKE_OBJECTS)
        return st.just(samples[action])

    string_values = st.sampled_from(["eu-west-1", "eu-central-1", "us-east-1", "EU-WEST-1", "FORBIDDEN", "forbidden", "x"])
    instance_types = st.lists(st.sampled_from(["ml.m5.xlarge", "ml.p4d.24xlarge", "ml.t3.medium", "system", "ml.g5.2xlarge", "ML.M5.LARGE"]), max_size=3)
    ids = st.lists(st.sampled_from(["subnet-1", "sg-1", "subnet-2"]), max_size=2)
    optional = {
        "sagemaker:InstanceTypes": instance_types,
        "sagemaker:VpcSubnets": ids,
        "sagemaker:VpcSecurityGroupIds": ids,
        "sagemaker:VolumeKmsKeyArn": st.just(f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k"),
        "sagemaker:OutputKmsKeyArn": st.just(f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k"),
        "sagemaker:NetworkIsolation": st.booleans(),
        "sagemaker:InterContainerTrafficEncryption": st.booleans(),
        "aws:SourceVpc": st.just("vpc-0123"),
        "aws:ViaAWSService": st.booleans(),
        "aws:RequestTag/mlgov:project": string_values,
        "aws:RequestTag/mlgov:cost-center": st.just("cc-1"),
        "aws:TagKeys": st.lists(st.sampled_from(["mlgov:project", "mlgov:cost-center", "Owner"]), max_size=3, unique=True),
        "aws:MultiFactorAuthAge": st.sampled_from(["10", "3600", "3601", "99999"]),
        "aws:SourceIp": st.sampled_from(["203.0.113.7", "198.51.100.1"]),
        "aws:CurrentTime": st.sampled_from(["2026-06-01T00:00:00Z", "2031-01-01T00:00:00Z"]),
    }

    @st.composite
    def generated(draw):
        hierarchy = draw(st.sampled_from(hierarchies))
        action = draw(st.sampled_from(actions))
        resource = draw(resources_for(action))
        principal = draw(st.sampled_from(PRINCIPALS))
        context: dict[str, Any] = {"aws:PrincipalArn": principal, "aws:PrincipalAccount": ACCOUNT}
        if draw(st.integers(0, 9)) > 0:
            context["aws:RequestedRegion"] = draw(st.sampled_from(["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"]))
        for key in draw(st.lists(st.sampled_from(sorted(optional)), max_size=8, unique=True)):
            context[key] = draw(optional[key])
        return hierarchy, Request(action=action, resource=resource, principal_arn=principal, context=context)

    drawn: list[tuple[tuple[str, list[Level]], Request]] = []

    @settings(
        max_examples=GENERATED,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(generated())
    def collect(item):
        drawn.append(item)

    collect()
    return [r for _, r in drawn], [h for h, _ in drawn]


def test_oracle_agrees_on_generated_requests(ou_levels):
    requests, level_sets = _generate_requests(ou_levels)
    count, problems, ignored = _compare(requests, level_sets)
    print(f"oracle comparisons: {count}, disagreements: {len(problems)}, context keys the oracle dropped: {ignored}")
    assert count >= 300
    assert not problems, f"{len(problems)} of {count} disagree:\n" + "\n".join(problems[:20])
