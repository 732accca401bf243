"""What would break at `pulumi up` although the preview is clean: a bucket policy in the way of its own
stack, a log writer without the key, a VPC whose SageMaker group cannot reach its endpoints, a portfolio
share nobody accepts. Each case changes one thing of a compliant golden stack."""

from __future__ import annotations

import json

import pytest

from mlgov.constants import TypeToken

from .conftest import UNKNOWN, Stack, policies_of, res

from ml_guardrails.common import UNKNOWN as UNKNOWN_VALUE  # noqa: E402  (the pack's path comes with conftest)
from .golden import (
    BREAK_GLASS,
    DEPLOYER,
    LOG_ACCOUNT,
    S3_PREFIX_LIST,
    VPC_CIDR,
    catalog_stack,
    doc,
    https,
    log_bucket_policy,
    log_key_policy,
    network_stack,
)
from .golden import log_bucket_stack as logs

DEPLOYABLE, WRITER_KEY = "s3-bucket-policy-deployable", "s3-writer-kms-access"
REACHABLE, SHARE = "sagemaker-vpc-endpoints-reachable", "servicecatalog-share-usable"


def _set(stack: Stack, name: str, key: str, value) -> Stack:
    r = stack.find(name)
    r["inputs"][key] = r["outputs"][key] = value
    return stack


def _policy(stack: Stack, statements: list[dict]) -> Stack:
    return _set(stack, "logs-policy", "policy", doc(*statements))


def _undepend(stack: Stack, name: str, on: str) -> Stack:
    stack.find(name)["dependencies"].remove(stack.find(on)["urn"])
    return stack


def _messages(violations, policy: str) -> list[str]:
    return [v.message for v in violations if v.policy == policy]


# ---- s3-bucket-policy-deployable ------------------------------------------------------------------

DEPLOYABLE_CASES = {
    # The log archive's original defect: settings protected against everyone but break-glass.
    "settings-denied-to-the-deployer": lambda s: _policy(s, log_bucket_policy(exempt=[])),
    "deployer-exempt-only-from-other-actions": lambda s: _policy(s, [*log_bucket_policy(), {
        "Sid": "NoVersioningChanges", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{LOG_ACCOUNT}:root"},
        "Action": "s3:PutBucket*", "Resource": "arn:aws:s3:::org-logs"}]),
    "tagging-denied-to-everyone": lambda s: _policy(s, [*log_bucket_policy(), {
        "Sid": "NoTags", "Effect": "Deny", "Principal": "*", "NotAction": ["s3:Get*", "s3:List*"], "Resource": "*"}]),
    "policy-before-object-lock": lambda s: _undepend(s, "logs-policy", "logs-object-lock"),
    "policy-before-encryption": lambda s: _undepend(s, "logs-policy", "logs-sse"),
}


@pytest.mark.parametrize("case", sorted(DEPLOYABLE_CASES))
def test_deployable_mutation_trips_exactly_its_policy(run, case):
    assert policies_of(run(DEPLOYABLE_CASES[case](logs()))) == {DEPLOYABLE}


def test_the_deployer_denied_its_settings_is_named_with_each_action(run):
    messages = _messages(run(_policy(logs(), log_bucket_policy(exempt=[]))), DEPLOYABLE)
    assert len(messages) == 3
    for action, setting in (("s3:PutBucketVersioning", "BucketVersioning"), ("s3:PutBucketObjectLockConfiguration", "BucketObjectLockConfiguration"),
                            ("s3:PutBucketPolicy", "BucketPolicy")):
        assert [m for m in messages if action in m and setting in m and DEPLOYER in m], action


def test_ordering_through_another_setting_counts(run):
    """Object Lock waits for versioning; a policy that waits for the lock comes after both."""
    stack = _undepend(logs(), "logs-policy", "logs-versioning")
    assert run(stack) == []


def test_a_deny_on_settings_the_stack_does_not_manage_is_fine(run):
    stack = _policy(logs(), [*log_bucket_policy(), {"Sid": "NoWebsite", "Effect": "Deny", "Principal": "*",
                                                   "Action": ["s3:PutBucketWebsite", "s3:PutBucketCORS"], "Resource": "arn:aws:s3:::org-logs"}])
    assert run(stack) == []


def test_a_deny_of_object_paths_only_takes_nothing_from_bucket_settings(run):
    stack = _policy(logs(), [*log_bucket_policy(), {"Sid": "NoObjectWrites", "Effect": "Deny", "Principal": "*",
                                                   "Action": "s3:Put*", "Resource": "arn:aws:s3:::org-logs/*"}])
    assert run(stack) == []


def test_without_an_assumed_role_only_a_deny_of_everyone_is_proven(run):
    """The pack cannot know who deploys with the caller's own credentials: a conditional Deny gets no verdict."""
    stack = logs()
    account = stack.find("log-archive")
    account["inputs"].pop("assumeRoles")
    account["outputs"].pop("assumeRoles")
    assert run(_policy(stack, log_bucket_policy(exempt=[]))) == []
    unconditional = [*log_bucket_policy(), {"Sid": "Frozen", "Effect": "Deny", "Principal": "*", "Action": "s3:PutBucketVersioning",
                                           "Resource": "arn:aws:s3:::org-logs"}]
    assert policies_of(run(_policy(stack, unconditional))) == {DEPLOYABLE}


def test_unknown_policy_at_preview_gives_no_verdict(run):
    assert run(_set(logs(), "logs-policy", "policy", UNKNOWN)) == []


def test_deployable_not_applicable_without_buckets(run_full):
    assert DEPLOYABLE in run_full(network_stack()).not_applicable


# ---- s3-writer-kms-access -------------------------------------------------------------------------


def test_a_writer_the_key_does_not_admit_is_named(run):
    # The log archive's original defect: Config invited by the bucket, absent from the key policy.
    stack = _set(logs(), "logs-key", "policy", log_key_policy("cloudtrail.amazonaws.com"))
    violations = run(stack)
    assert policies_of(violations) == {WRITER_KEY}
    (message,) = _messages(violations, WRITER_KEY)
    assert "lets config.amazonaws.com write" in message and "kms:GenerateDataKey" in message and "cloudtrail.amazonaws.com" not in message


def test_a_grant_admits_the_writer(run):
    stack = _set(logs(), "logs-key", "policy", log_key_policy("cloudtrail.amazonaws.com"))
    key = stack.find("logs-key")
    stack.resources.append(res("aws:kms/grant:Grant", "config-grant", {"keyId": "logs", "granteePrincipal": "config.amazonaws.com",
                                                                       "operations": ["GenerateDataKey", "Decrypt"]}, pdeps={"keyId": [key["urn"]]}))
    assert run(stack) == []


def test_the_required_key_actions_are_config(run):
    config = {WRITER_KEY: {"requiredKeyActions": ["kms:GenerateDataKey", "kms:ReEncryptFrom"]}}
    assert policies_of(run(logs(), config=config)) == {WRITER_KEY}


def test_a_bucket_encrypted_by_an_alias_resolves_to_its_key(run):
    stack = _set(logs(), "logs-key", "policy", log_key_policy("cloudtrail.amazonaws.com"))
    key = stack.find("logs-key")
    sse = stack.find("logs-sse")
    sse["property_dependencies"] = {"bucket": sse["property_dependencies"]["bucket"]}
    sse["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] = "alias/logs"
    stack.resources.append(res(TypeToken.KMS_ALIAS, "logs-alias", {"name": "alias/logs", "targetKeyId": "logs"}, pdeps={"targetKeyId": [key["urn"]]}))
    assert policies_of(run(stack)) == {WRITER_KEY}


@pytest.mark.parametrize("change", ["key-outside-the-stack", "key-policy-unknown", "sse-s3"])
def test_no_verdict_without_a_key_to_read(run, change):
    stack = _set(logs(), "logs-key", "policy", log_key_policy("cloudtrail.amazonaws.com"))
    sse = stack.find("logs-sse")
    if change == "key-outside-the-stack":
        sse["property_dependencies"].pop("rules")
        sse["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] = "arn:aws:kms:eu-west-1:999999999999:key/x"
    elif change == "key-policy-unknown":
        _set(stack, "logs-key", "policy", UNKNOWN)
    else:
        sse["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"] = {"sseAlgorithm": "AES256"}
    assert WRITER_KEY not in policies_of(run(stack))


# ---- sagemaker-vpc-endpoints-reachable ------------------------------------------------------------


def _egress(stack: Stack, *rules: dict) -> Stack:
    return _set(stack, "workloads-sg", "egress", [{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}, *rules])


REACH_CASES = {
    # The project VPCs' original defect: HTTPS to the VPC range only; S3 is behind the prefix list.
    "no-route-to-the-s3-prefix-list": lambda s: _egress(s, https(cidrBlocks=[VPC_CIDR])),
    "no-egress-to-the-interface-endpoints": lambda s: _egress(s, https(prefixListIds=[S3_PREFIX_LIST])),
    "endpoint-group-admits-another-range": lambda s: _set(s, "endpoints-sg", "ingress", [https(cidrBlocks=["10.30.0.0/16"])]),
    "only-ssh-to-the-prefix-list": lambda s: _egress(s, https(cidrBlocks=[VPC_CIDR]), {"protocol": "tcp", "fromPort": 22, "toPort": 22,
                                                                                       "prefixListIds": [S3_PREFIX_LIST]}),
}


@pytest.mark.parametrize("case", sorted(REACH_CASES))
def test_reach_mutation_trips_exactly_its_policy(run, case):
    assert policies_of(run(REACH_CASES[case](network_stack()), environment="dev")) == {REACHABLE}


def test_the_unreachable_endpoint_and_the_group_are_named(run):
    (message,) = _messages(run(REACH_CASES["no-route-to-the-s3-prefix-list"](network_stack())), REACHABLE)
    assert "'workloads-sg'" in message and "Domain 'domain'" in message and "gateway endpoint 'com.amazonaws.eu-west-1.s3'" in message


@pytest.mark.parametrize("peer", ["endpoint-group", "all-traffic-anywhere"])
def test_other_ways_to_reach_the_endpoints(run, peer):
    if peer == "endpoint-group":  # egress to the endpoints' group, ingress from the workload group
        stack = _egress(network_stack(), https(securityGroups=["sg-endpoints"]), https(prefixListIds=[S3_PREFIX_LIST]))
        _set(stack, "endpoints-sg", "ingress", [https(securityGroups=["sg-workloads"])])
    else:
        stack = _egress(network_stack(), {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]})
    assert run(stack) == []


def test_rules_declared_as_separate_resources_count(run):
    stack = _egress(network_stack(), https(cidrBlocks=[VPC_CIDR]))
    group = stack.find("workloads-sg")
    stack.resources.append(res("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "to-s3", {
        "securityGroupId": "sg-workloads", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "prefixListId": S3_PREFIX_LIST},
        pdeps={"securityGroupId": [group["urn"]]}))
    assert run(stack) == []
    stack.resources[-1]["inputs"]["fromPort"] = stack.resources[-1]["outputs"]["fromPort"] = 444
    assert policies_of(run(stack)) == {REACHABLE}


def test_a_vpc_with_an_internet_route_is_not_judged(run):
    stack = REACH_CASES["no-route-to-the-s3-prefix-list"](network_stack())
    vpc = stack.find("vpc")
    stack.resources.append(res("aws:ec2/internetGateway:InternetGateway", "igw", {"vpcId": "vpc-1", "tags": {}}, pdeps={"vpcId": [vpc["urn"]]}))
    assert REACHABLE not in policies_of(run(stack))


def test_every_sagemaker_resource_that_names_a_group_is_checked(run):
    stack = REACH_CASES["no-route-to-the-s3-prefix-list"](network_stack())
    stack.resources = [r for r in stack.resources if r["name"] != "domain"]
    group = stack.find("workloads-sg")
    stack.resources.append(res(TypeToken.SAGEMAKER_MODEL, "model", {"executionRoleArn": "arn:aws:iam::1:role/x", "tags": {},
                                                                     "vpcConfig": {"subnets": ["subnet-a"], "securityGroupIds": ["sg-workloads"]}},
                               pdeps={"vpcConfig": [group["urn"]]}))
    assert _messages(run(stack), REACHABLE) and "Model 'model'" in _messages(run(stack), REACHABLE)[0]


@pytest.mark.parametrize("unknown", ["egress", "endpoint-type"])
def test_unknown_at_preview_gives_no_verdict(run, unknown):
    stack = REACH_CASES["no-route-to-the-s3-prefix-list"](network_stack())
    if unknown == "egress":
        _set(stack, "workloads-sg", "egress", UNKNOWN)
    else:
        _set(stack, "endpoint-s3", "vpcEndpointType", UNKNOWN)
    assert REACHABLE not in policies_of(run(stack))


# ---- servicecatalog-share-usable -----------------------------------------------------------------

SHARE_CASES = {
    # The portfolio's original defect: account shares wait for an acceptance nothing gives.
    "account-share": lambda s: _set(s, "share-churn", "type", "ACCOUNT"),
    "principals-not-shared": lambda s: _set(s, "share-churn", "sharePrincipals", False),
    "no-pattern-association": lambda s: _set(s, "launchers", "principalType", "IAM"),
    "eleven-patterns": lambda s: Stack(s.resources + [
        res(TypeToken.SERVICECATALOG_PRINCIPAL_ASSOCIATION, f"launchers-{i}", {"portfolioId": "port-abc", "principalType": "IAM_PATTERN",
                                                                               "principalArn": f"arn:aws:iam:::role/Role{i}_*"},
            pdeps={"portfolioId": [s.find("portfolio")["urn"]]}) for i in range(10)]),
}


@pytest.mark.parametrize("case", sorted(SHARE_CASES))
def test_share_mutation_trips_exactly_its_policy(run, case):
    assert policies_of(run(SHARE_CASES[case](catalog_stack()))) == {SHARE}


@pytest.mark.parametrize("kind", ["ORGANIZATION", "ORGANIZATIONAL_UNIT"])
def test_every_organizational_share_is_accepted(run, kind):
    assert run(_set(catalog_stack(), "share-churn", "type", kind)) == []


def test_share_type_unknown_at_preview_gives_no_verdict(run):
    assert run(_set(catalog_stack(), "share-churn", "type", UNKNOWN)) == []


def test_the_pattern_limit_is_config(run):
    assert run(SHARE_CASES["eleven-patterns"](catalog_stack()), config={SHARE: {"maxPatternPrincipals": 11}}) == []


def test_share_not_applicable_without_portfolio_shares(run_full):
    assert SHARE in run_full(network_stack()).not_applicable


# ---- the deploying role comes from the provider the engine names --------------------------------


def test_the_deploying_role_is_read_from_the_provider_as_the_engine_encodes_it():
    from ml_guardrails.graph import Res

    encoded = Res("u", "t", "n", {}, False, None, provider_props={"assumeRoles": json.dumps([{"roleArn": DEPLOYER}])})
    plain = Res("u", "t", "n", {}, False, None, provider_props={"assumeRoles": json.dumps([{"role_arn": BREAK_GLASS}])})
    none = Res("u", "t", "n", {}, False, None, provider_props={"region": "eu-west-1"})
    unknown = Res("u", "t", "n", {}, False, None, provider_props={"assumeRoles": UNKNOWN_VALUE})
    assert (encoded.deploying_role(), plain.deploying_role(), none.deploying_role()) == (DEPLOYER, BREAK_GLASS, None)
    assert unknown.deploying_role() is UNKNOWN_VALUE
