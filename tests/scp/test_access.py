"""Cross-account reads evaluated from the plans: every layer (SCPs, identity, bucket policy, key
policy) can decide, and taking any one grant away from the sample plans flips the verdict."""

from __future__ import annotations

import copy
import json

import pytest

from mlgov.constants import TypeToken
from mlgov.scp.access import evaluate_layers
from mlgov.scp.evaluator import FULL_AWS_ACCESS, AttachedPolicy, Level, Request
from mlgov.scp.matrix import build_matrix
from mlgov.scp.scenarios import ScenarioError, load_catalogue, parse_catalogue

DEV = "Workloads_Dev"
RAW, EXPORT, QUARANTINE = "dev-reads-prod-raw-data", "dev-reads-redacted-export", "dev-reads-quarantined-object"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _cell(plans, catalogue, scenario):
    return build_matrix(plans["org"], catalogue, ous=[DEV], stacks=plans).cell(scenario, DEV)


def _policy(resource) -> dict:
    return json.loads(resource["inputs"]["policy"])


def _set_policy(resource, document) -> None:
    for side in ("inputs", "outputs"):
        if "policy" in resource.get(side, {}):
            resource[side]["policy"] = json.dumps(document)


def _find(plan, type_, name_part) -> dict:
    return next(r for r in plan["resources"] if r["type"] == type_ and name_part in r["name"])


def _without_sid(document: dict, sid: str) -> dict:
    kept = [s for s in document["Statement"] if s.get("Sid") != sid]
    assert len(kept) == len(document["Statement"]) - 1, f"no statement {sid}"
    return {**document, "Statement": kept}


def test_sample_plans_decide_at_the_expected_layer(sample_plans, catalogue):
    raw = _cell(sample_plans, catalogue, RAW)
    assert (raw.verdict, raw.decision.reason) == ("denied", "no-allow")
    assert raw.decision.level.startswith("bucket policy of mlgov-churn-model-prod-data-")
    export = _cell(sample_plans, catalogue, EXPORT)
    assert export.verdict == "allowed" and "key policy" in export.decision.detail
    quarantine = _cell(sample_plans, catalogue, QUARANTINE)
    assert (quarantine.verdict, quarantine.decision.sid) == ("denied", "QuarantineStaysInTheAccount")


@pytest.mark.parametrize(
    "stack,type_,name,sid,level,fragment",
    [
        ("dev", TypeToken.IAM_ROLE_POLICY, "dev-export-read-policy", "ReadProdExports", "identity policy", "s3:GetObject"),
        ("dev", TypeToken.IAM_ROLE_POLICY, "dev-export-read-policy", "DecryptProdExportsThroughS3", "identity policy", "key is not"),
        ("prod", TypeToken.S3_BUCKET_POLICY, "dev-export-bucket-policy", "DevStudioRoleReadsExports", "bucket policy of", "another account"),
        ("prod", TypeToken.KMS_KEY, "dev-export-export-key", "DevStudioRoleDecryptsExportBucketOnly", "key policy of", "key is not"),
    ],
    ids=["dev-identity-read", "dev-identity-decrypt", "prod-bucket-grant", "prod-key-grant"],
)
def test_each_grant_of_the_export_is_needed(sample_plans, catalogue, stack, type_, name, sid, level, fragment):
    plans = copy.deepcopy(sample_plans)
    resource = _find(plans[stack], type_, name)
    _set_policy(resource, _without_sid(_policy(resource), sid))
    cell = _cell(plans, catalogue, EXPORT)
    assert cell.verdict == "denied", cell.decision.detail
    assert cell.decision.level.startswith(level) and fragment in cell.decision.detail, cell.decision


def test_raw_data_needs_both_sides_to_open(sample_plans, catalogue):
    """A bucket-policy grant alone does not open the raw bucket (dev's identity policy lacks it), and vice versa."""
    plans = copy.deepcopy(sample_plans)
    dev_role = next(s["Principal"]["AWS"] for s in _policy(_find(plans["prod"], TypeToken.S3_BUCKET_POLICY, "dev-export-bucket-policy"))["Statement"]
                    if s.get("Sid") == "DevStudioRoleReadsExports")
    raw_policy = _find(plans["prod"], TypeToken.S3_BUCKET_POLICY, "baseline-data-policy")
    raw_bucket = _find(plans["prod"], TypeToken.S3_BUCKET, "baseline-data-bucket")["outputs"]["arn"]
    grant = {"Sid": "Opened", "Effect": "Allow", "Principal": {"AWS": dev_role}, "Action": "s3:GetObject", "Resource": f"{raw_bucket}/*"}
    document = _policy(raw_policy)
    _set_policy(raw_policy, {**document, "Statement": [*document["Statement"], grant]})
    cell = _cell(plans, catalogue, RAW)
    assert cell.verdict == "denied" and cell.decision.level == "identity policy"


def _levels() -> list[Level]:
    return [Level("Root", (FULL_AWS_ACCESS,)), Level("Account", (FULL_AWS_ACCESS,))]


def _doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ROLE = "arn:aws:iam::444455556666:role/reader"
READ = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
REQUEST = Request(action="s3:GetObject", resource="arn:aws:s3:::b/k", principal_arn=ROLE, context={"aws:PrincipalAccount": "444455556666"})


@pytest.mark.parametrize(
    "identity,resource,owner,allowed",
    [
        ([_doc(READ)], _doc({**READ, "Principal": {"AWS": ROLE}}), "111122223333", True),
        ([_doc(READ)], _doc({**READ, "Principal": {"AWS": "arn:aws:iam::444455556666:root"}}), "111122223333", True),
        ([_doc(READ)], None, "111122223333", False),
        ([], _doc({**READ, "Principal": {"AWS": ROLE}}), "111122223333", False),
        ([_doc(READ)], None, "444455556666", True),
        ([], _doc({**READ, "Principal": {"AWS": ROLE}}), "444455556666", True),
        ([_doc(READ)], _doc({**READ, "Principal": {"AWS": ROLE}}, {**READ, "Effect": "Deny", "Principal": "*"}), "111122223333", False),
        ([_doc(READ)], _doc({**READ, "NotPrincipal": {"AWS": "arn:aws:iam::999999999999:root"}}), "111122223333", True),
        ([_doc(READ)], _doc({**READ, "Principal": {"Service": "s3.amazonaws.com"}}), "111122223333", False),
    ],
    ids=["cross-both", "cross-account-root", "cross-no-resource-grant", "cross-no-identity", "same-identity-only",
         "same-resource-only", "explicit-deny-wins", "not-principal", "service-principal-is-not-the-role"],
)
def test_cross_account_evaluation_logic(identity, resource, owner, allowed):
    identity_policies = [AttachedPolicy(f"identity {index}", document) for index, document in enumerate(identity)]
    bucket_policy = AttachedPolicy("bucket policy of b", resource) if resource else None
    decision = evaluate_layers(REQUEST, _levels(), identity_policies, bucket_policy, "bucket policy of b", owner)
    assert decision.allowed is allowed, decision.detail


def test_access_blocks_are_checked():
    base = {"ous": ["Workloads_Dev"], "scenarios": [{"id": "x", "description": "d", "request": {"action": "s3:GetObject"},
                                                      "expected": {"Workloads_Dev": "denied"}}]}
    good = {"principal": {"stack": "dev", "project": "p", "role": "r"}, "bucket": {"stack": "prod", "project": "p", "purpose": "data"}, "key": "k"}
    assert parse_catalogue({**base, "scenarios": [{**base["scenarios"][0], "access": good}]}).access_stacks() == ("dev", "prod")
    for bad in ({**good, "principal": {"stack": "dev"}}, {**good, "extra": 1}, {**good, "key": 3}, "dev"):
        with pytest.raises(ScenarioError, match="access"):
            parse_catalogue({**base, "scenarios": [{**base["scenarios"][0], "access": bad}]})
