"""cross-account-bucket-read: one-field mutations of a compliant prod stack holding a dev-export
bucket (built under DevDataExport, tagged) and a raw data bucket, both pinned to the prod account."""

from __future__ import annotations

import json

import pytest

from mlgov.constants import TypeToken

from .conftest import PROJECT, STACK, STACK_URN, UNKNOWN, Stack, policies_of, res
from .golden import TAGS, doc, root, set_prop

POLICY = "cross-account-bucket-read"
PROD, DEV = "111122223333", "444455556666"
DEV_ROLE = f"arn:aws:iam::{DEV}:role/mlgov-churn-model-sagemaker-execution"
EXPORT_COMPONENT = "mlgov:dev_data_export:DevDataExport"
PROVIDER = f"urn:pulumi:{STACK}::{PROJECT}::{TypeToken.AWS_PROVIDER}::prod-account"
S3 = {
    "versioning": TypeToken.S3_BUCKET_VERSIONING, "sse": TypeToken.S3_BUCKET_SSE,
    "pab": TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK, "policy": TypeToken.S3_BUCKET_POLICY,
}


def tls(bucket: str) -> dict:
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def dev_read(bucket: str, **overrides) -> dict:
    return {"Sid": "DevStudioRoleReadsExports", "Effect": "Allow", "Principal": {"AWS": DEV_ROLE},
            "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": f"arn:aws:s3:::{bucket}/exports/*", **overrides}


def _pinned(resource: dict, parent: str = STACK_URN) -> dict:
    resource["provider"] = f"{PROVIDER}::7c1e" if resource["custom"] else ""
    resource["parent"] = parent
    return resource


def _bucket(name: str, tags: dict, statements: list[dict], parent: str) -> list[dict]:
    bucket = _pinned(res(TypeToken.S3_BUCKET, name, {"bucket": name, "tags": tags}, id=name), parent)
    link = {"bucket": [bucket["urn"]]}
    settings = [
        _pinned(res(S3["versioning"], f"{name}-versioning", {"bucket": name, "versioningConfiguration": {"status": "Enabled"}}, pdeps=link), parent),
        _pinned(res(S3["sse"], f"{name}-sse", {"bucket": name, "rules": [{"applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms", "kmsMasterKeyId": f"arn:aws:kms:eu-west-1:{PROD}:key/abc"}}]}, pdeps=link), parent),
        _pinned(res(S3["pab"], f"{name}-pab", {"bucket": name, "blockPublicAcls": True, "blockPublicPolicy": True,
                                               "ignorePublicAcls": True, "restrictPublicBuckets": True}, pdeps=link), parent),
    ]
    # The policy comes after the bucket's other settings (s3-bucket-policy-deployable).
    policy = res(S3["policy"], f"{name}-policy", {"bucket": name, "policy": doc(tls(name), *statements)}, pdeps=link, deps=[r["urn"] for r in settings])
    return [bucket, *settings, _pinned(policy, parent)]


def prod_stack() -> Stack:
    """Compliant: the export bucket grants the dev role read; the raw data bucket grants no other account."""
    provider = res(TypeToken.AWS_PROVIDER, "prod-account", {"region": "eu-west-1", "allowedAccountIds": json.dumps([PROD])}, id="7c1e")
    provider["provider"] = ""
    export = res(EXPORT_COMPONENT, "churn-model-prod-dev-export", custom=False)
    secure = res("mlgov:secure_bucket:SecureBucket", "churn-model-prod-dev-export-bucket", custom=False)
    secure["parent"] = export["urn"]
    return Stack([
        provider, export, secure,
        *_bucket("export", {**TAGS, "mlgov:purpose": "dev-export"}, [dev_read("export")], secure["urn"]),
        *_bucket("data", {**TAGS, "mlgov:purpose": "data"}, [
            {"Sid": "SameAccountReads", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PROD}:role/deploy"},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}], STACK_URN),
    ])


def _policy(stack: Stack, bucket: str, *statements: dict) -> Stack:
    return set_prop(stack, f"{bucket}-policy", "policy", doc(tls(bucket), *statements))


def test_golden_prod_stack_is_clean(run):
    assert run(prod_stack(), environment="prod") == []


def _untag(stack: Stack) -> Stack:
    return set_prop(stack, "export", "tags", dict(TAGS))


def _outside_component(stack: Stack) -> Stack:
    stack.find("export")["parent"] = STACK_URN
    return stack


CASES = {
    "export-bucket-without-tag": _untag,
    "tagged-bucket-outside-devdataexport": _outside_component,
    "raw-bucket-grants-dev-role": lambda s: _policy(s, "data", dev_read("data")),
    "raw-bucket-grants-account-id": lambda s: _policy(s, "data", dev_read("data", Principal={"AWS": DEV})),
    "raw-bucket-grants-account-root": lambda s: _policy(s, "data", dev_read("data", Principal={"AWS": [root(PROD), root(DEV)]})),
    "raw-bucket-grants-s3-star": lambda s: _policy(s, "data", dev_read("data", Action="s3:*")),
    "raw-bucket-grants-get-star": lambda s: _policy(s, "data", dev_read("data", Action="S3:Get*")),
    "raw-bucket-grants-list": lambda s: _policy(s, "data", dev_read("data", Action="s3:ListBucket", Resource="arn:aws:s3:::data")),
    "raw-bucket-grants-not-action": lambda s: _policy(s, "data", {**{k: v for k, v in dev_read("data").items() if k != "Action"}, "NotAction": "s3:PutObject"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mutation_trips_exactly_this_policy(run, case):
    stack = CASES[case](prod_stack())
    violations = run(stack, environment="prod")
    assert policies_of(violations) == {POLICY}
    bucket = "data" if case.startswith("raw") else "export"
    assert [v.urn for v in violations] == [stack.find(f"{bucket}-policy")["urn"]]
    assert DEV in violations[0].message and violations[0].message.startswith("Violation:") and "Fix:" in violations[0].message


@pytest.mark.parametrize(
    "statement",
    [
        {"Sid": "DevMayNotWrite", "Effect": "Allow", "Principal": {"AWS": DEV_ROLE}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*"},
        {"Sid": "DenyDev", "Effect": "Deny", "Principal": {"AWS": DEV_ROLE}, "Action": "s3:*", "Resource": "arn:aws:s3:::data/*"},
        {"Sid": "LogDelivery", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
        {"Sid": "UnknownPrincipal", "Effect": "Allow", "Principal": {"AWS": UNKNOWN}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
    ],
    ids=["write-only", "deny", "service-principal", "principal-unknown-at-preview"],
)
def test_what_is_not_a_cross_account_read(run, statement):
    assert POLICY not in policies_of(run(_policy(prod_stack(), "data", statement), environment="prod"))


def test_no_verdict_while_the_owner_account_is_unknown(run):
    stack = _policy(prod_stack(), "data", dev_read("data"))
    provider = stack.find("prod-account")
    provider["inputs"]["allowedAccountIds"] = UNKNOWN
    assert POLICY not in policies_of(run(stack, environment="prod"))


def test_unpinned_bucket_gives_no_verdict(run):
    stack = _policy(prod_stack(), "data", dev_read("data"))
    for name in ("data", "data-policy"):
        stack.find(name)["provider"] = ""
    assert POLICY not in policies_of(run(stack, environment="prod"))


def test_not_applicable_outside_prod_unless_configured(run, run_full):
    stack = _policy(prod_stack(), "data", dev_read("data"))
    analysis = run_full(stack, environment="dev")
    assert POLICY not in policies_of(analysis.violations)
    assert POLICY in analysis.not_applicable
    configured = run(stack, environment="preprod", config={POLICY: {"environments": ["preprod", "prod"]}})
    assert policies_of(configured) == {POLICY}
