"""One-field mutations of the golden stacks; each names the policy (and level) it must trip."""

from __future__ import annotations

import json

import pytest

from .conftest import UNKNOWN, policies_of, res, scp_doc
from .golden import ACCOUNT, ATTACH, CONTROL, OU, POLICY, TAGS, bucket_stack, org_stack
from .golden import drop as _drop
from .golden import set_prop as _set

ORG_CASES = {
    "oversized-scp": (lambda s: _set(s, "mlgov-deny-root-user", "content", scp_doc() + " " * 10_300), "scp-size"),
    "unknown-action": (lambda s: _set(s, "mlgov-deny-root-user", "content", scp_doc(action="sagemaker:CreateEndpoints")), "scp-content"),
    "deprecated-key": (lambda s: _set(s, "mlgov-sagemaker-require-kms", "content", scp_doc(
        action="sagemaker:CreateTrainingJob", condition={"Null": {"sagemaker:VolumeKmsKey": "true"}})), "scp-content"),
    "no-sid": (lambda s: _set(s, "mlgov-deny-root-user", "content", json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]})), "scp-content"),
    "not-json": (lambda s: _set(s, "mlgov-deny-root-user", "content", "{nope"), "scp-content"),
    "long-account-name": (lambda s: _set(s, "acct-0", "name", "x" * 51), "name-lengths"),
    "long-description": (lambda s: _set(s, "mlgov-deny-root-user", "description", "d" * 513), "name-lengths"),
    "close-on-deletion": (lambda s: _set(s, "acct-0", "closeOnDeletion", True), "account-protection"),
    "unprotected": (lambda s: s.find("acct-0").update(protect=False) or s, "account-protection"),
    "duplicate-email": (lambda s: _set(s, "acct-1", "email", "aws+ml0@example.com"), "account-email"),
    "bad-email": (lambda s: _set(s, "acct-1", "email", "not an email"), "account-email"),
    "missing-control": (lambda s: _drop(s, "ctl-Workloads_Prod-AWS-GR_S3_VERSIONING_ENABLED"), "workload-ou-controls"),
    "missing-ml-scp": (lambda s: _drop(s, "att-mlgov-sagemaker-require-kms-Workloads"), "workload-ou-ml-scps"),
    "missing-endpoint-deny": (lambda s: _drop(s, "att-mlgov-deny-sagemaker-endpoints-Sandbox"), "endpoint-deny-attachment"),
    "baseline-not-at-root": (lambda s: _drop(s, "att-mlgov-region-allow-list-root"), "baseline-scps-at-root"),
}


@pytest.mark.parametrize("case", sorted(ORG_CASES))
def test_org_mutation_trips_exactly_its_policy(run, case):
    mutate, policy = ORG_CASES[case]
    violations = run(mutate(org_stack()))
    assert policies_of(violations) == {policy}
    assert all(v.level == "mandatory" and v.message.startswith("Violation:") and "Fix:" in v.message for v in violations)


def test_eleven_scps_on_one_ou(run):
    stack = org_stack()
    ws = next(r for r in stack.resources if r["name"] == "ou-workloads")
    for i in range(6):  # 4 ML SCPs already there: 10 of ours + FullAWSAccess > 10
        p = res(POLICY, f"extra-{i}", {"name": f"extra-{i}", "content": scp_doc(sid=f"X{i}")}, id=f"p-x{i}")
        stack.resources += [p, res(ATTACH, f"att-extra-{i}", {"policyId": f"p-x{i}", "targetId": ws["id"]},
                                   pdeps={"policyId": [p["urn"]], "targetId": [ws["urn"]]})]
    assert policies_of(run(stack)) == {"scp-attachments-per-target"}


def test_nine_of_ours_fit_but_reserved_slots_are_config(run):
    stack = org_stack()
    ws = next(r for r in stack.resources if r["name"] == "ou-workloads")
    for i in range(5):  # 9 of ours
        p = res(POLICY, f"extra-{i}", {"name": f"extra-{i}", "content": scp_doc(sid=f"X{i}")}, id=f"p-x{i}")
        stack.resources += [p, res(ATTACH, f"att-extra-{i}", {"policyId": f"p-x{i}", "targetId": ws["id"]},
                                   pdeps={"policyId": [p["urn"]], "targetId": [ws["urn"]]})]
    assert run(stack) == []
    assert policies_of(run(stack, config={"scp-attachments-per-target": {"reservedSlotsPerTarget": 3}})) == {"scp-attachments-per-target"}


def test_ou_six_deep(run):
    stack = org_stack()
    parent = next(r for r in stack.resources if r["name"] == "ou-workloads_dev")  # depth 2
    for depth in range(3, 7):
        child = res(OU, f"ou-deep-{depth}", {"name": f"Deep{depth}", "parentId": parent["id"]}, id=f"ou-ab12-deep000{depth}",
                    pdeps={"parentId": [parent["urn"]]})
        stack.resources.append(child)
        parent = child
    violations = run(stack)
    assert policies_of(violations) == {"ou-depth"}
    assert [v.urn for v in violations] == [parent["urn"]]


def test_six_accounts_at_once_and_waves(run):
    assert policies_of(run(org_stack(accounts=6))) == {"account-creation-concurrency"}
    stack = org_stack(accounts=6)
    last = stack.find("acct-5")
    last["dependencies"].append(stack.find("acct-0")["urn"])  # acct-5 waits: 5 + 1
    assert run(stack) == []


COVERAGE_POLICIES = {"baseline-scps-at-root", "endpoint-deny-attachment", "ou-depth", "workload-ou-controls", "workload-ou-ml-scps"}
S3_POLICIES = {"s3-kms-encryption", "s3-public-access-block", "s3-tls-only", "s3-versioning", "s3-bucket-policy-deployable",
               "s3-writer-kms-access"}


def test_coverage_policies_not_applicable_without_org_resources(run_full):
    result = run_full(bucket_stack())
    assert result.violations == []
    assert COVERAGE_POLICIES <= set(result.not_applicable)
    assert not S3_POLICIES & set(result.not_applicable)  # the bucket stack is theirs to check


BUCKET_CASES = {
    "no-versioning": (lambda s: _drop(s, "data-versioning"), "s3-versioning"),
    "versioning-suspended": (lambda s: _set(s, "data-versioning", "versioningConfiguration", {"status": "Suspended"}), "s3-versioning"),
    "no-kms": (lambda s: _set(s, "data-sse", "rules", [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]), "s3-kms-encryption"),
    "no-sse": (lambda s: _drop(s, "data-sse"), "s3-kms-encryption"),
    "no-pab": (lambda s: _drop(s, "data-pab"), "s3-public-access-block"),
    "public-policy-allowed": (lambda s: _set(s, "data-pab", "blockPublicPolicy", False), "s3-public-access-block"),
    "no-tls-policy": (lambda s: _drop(s, "data-policy"), "s3-tls-only"),
    "policy-without-tls-deny": (lambda s: _set(s, "data-policy", "policy", json.dumps({"Version": "2012-10-17", "Statement": []})), "s3-tls-only"),
    "missing-cost-tag": (lambda s: _set(s, "data", "tags", {"mlgov:project": "churn"}), "required-tags"),
    "policy-before-versioning": (lambda s: _undepend(s, "data-policy", "data-versioning"), "s3-bucket-policy-deployable"),
}


def _undepend(stack, name: str, on: str):
    stack.find(name)["dependencies"].remove(stack.find(on)["urn"])
    return stack


@pytest.mark.parametrize("case", sorted(BUCKET_CASES))
def test_bucket_mutation_trips_exactly_its_policy(run, case):
    mutate, policy = BUCKET_CASES[case]
    assert policies_of(run(mutate(bucket_stack()))) == {policy}


def test_companion_linked_by_name_without_dependency(run):
    stack = bucket_stack()
    for r in stack.resources:
        r["property_dependencies"] = {}
        # The policy keeps its depends_on on the other settings (s3-bucket-policy-deployable).
        r["dependencies"] = [] if r["name"] != "data-policy" else [u for u in r["dependencies"] if not u.endswith("::data")]
    assert run(stack) == []


def test_unknowns_at_preview_give_no_violation(run):
    stack = bucket_stack()
    for name in ("data-versioning", "data-sse", "data-pab", "data-policy"):
        r = stack.find(name)
        r["inputs"]["bucket"] = r["outputs"]["bucket"] = UNKNOWN  # linked by dependency only
    _set(stack, "data-sse", "rules", UNKNOWN)
    _set(stack, "data-policy", "policy", UNKNOWN)
    stack.resources.append(res(POLICY, "pending-scp", {"name": "p", "content": UNKNOWN}))
    stack.resources.append(res(ACCOUNT, "pending-acct", {"name": "a", "email": UNKNOWN, "closeOnDeletion": UNKNOWN}, protect=True))
    assert run(stack) == []


def test_org_unknown_ids_resolved_through_dependencies(run):
    stack = org_stack()
    for r in stack.resources:
        for key in ("parentId", "targetId", "policyId", "targetIdentifier"):
            if key in r["inputs"] and r["property_dependencies"].get(key):
                r["inputs"][key] = r["outputs"][key] = UNKNOWN
    assert run(stack) == []
    _drop(stack, "att-mlgov-sagemaker-require-vpc-Workloads")
    assert policies_of(run(stack)) == {"workload-ou-ml-scps"}


SM = "aws:sagemaker/"
DOMAIN = dict(domainName="studio", authMode="IAM", appNetworkAccessType="VpcOnly", kmsKeyId="arn:aws:kms:k", tags=TAGS,
              vpcId="vpc-1", subnetIds=["subnet-1"], defaultUserSettings={"executionRole": "arn:aws:iam::1:role/r"})
NOTEBOOK = dict(name="nb", rootAccess="Disabled", directInternetAccess="Disabled", kmsKeyId="arn:aws:kms:k",
                subnetId="subnet-1", tags=TAGS, roleArn="r", instanceType="ml.t3.medium")
MODEL = dict(name="m", executionRoleArn="r", vpcConfig={"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}, tags=TAGS)

SAGEMAKER_CASES = {
    "domain-public": ("domain/domain:Domain", DOMAIN, "appNetworkAccessType", "PublicInternetOnly", "sagemaker-domain-vpc-kms"),
    "domain-default-network": ("domain/domain:Domain", DOMAIN, "appNetworkAccessType", None, "sagemaker-domain-vpc-kms"),
    "domain-no-kms": ("domain/domain:Domain", DOMAIN, "kmsKeyId", None, "sagemaker-domain-vpc-kms"),
    "notebook-root": ("notebookInstance:NotebookInstance", NOTEBOOK, "rootAccess", "Enabled", "sagemaker-notebook-hardening"),
    "notebook-internet": ("notebookInstance:NotebookInstance", NOTEBOOK, "directInternetAccess", "Enabled", "sagemaker-notebook-hardening"),
    "notebook-no-kms": ("notebookInstance:NotebookInstance", NOTEBOOK, "kmsKeyId", None, "sagemaker-vpc-kms"),
    "model-no-vpc": ("model:Model", MODEL, "vpcConfig", None, "sagemaker-vpc-kms"),
    "model-untagged": ("model:Model", MODEL, "tags", None, "required-tags"),
}


@pytest.mark.parametrize("case", sorted(SAGEMAKER_CASES))
def test_sagemaker_mutation(run, case):
    token, golden, key, value, policy = SAGEMAKER_CASES[case]
    token = SM + ("domain:Domain" if token.startswith("domain/") else token)
    assert run([res(token, "golden", dict(golden))], environment="prod") == []
    inputs = dict(golden)
    if value is None:
        inputs.pop(key)
    else:
        inputs[key] = value
    assert policies_of(run([res(token, "mutant", inputs)], environment="prod")) == {policy}


@pytest.mark.parametrize("environment,violates", [("sandbox", True), ("dev", True), ("preprod", False), ("prod", False), (None, False)])
def test_endpoint_by_environment(run, environment, violates):
    endpoint = res(SM + "endpoint:Endpoint", "ep", {"endpointConfigName": "cfg", "tags": TAGS})
    expected = {"sagemaker-endpoint-environment"} if violates else set()
    assert policies_of(run([endpoint], environment=environment)) == expected


def test_required_tags_are_config(run):
    bucket = bucket_stack()
    assert policies_of(run(bucket, config={"required-tags": {"requiredTags": ["owner"]}})) == {"required-tags"}
    assert run(bucket, config={"required-tags": "disabled", "s3-versioning": {"enforcementLevel": "advisory"}}) == []


def test_advisory_level_from_config(run):
    violations = run(_drop(bucket_stack(), "data-versioning"), config={"s3-versioning": {"enforcementLevel": "advisory"}})
    assert [(v.policy, v.level) for v in violations] == [("s3-versioning", "advisory")]


def test_organizations_resources_are_not_tag_checked(run):
    violations = run([res(OU, "ou", {"name": "Sandbox", "parentId": "r-ab12"}, id="ou-ab12-sandbox0")])
    assert "required-tags" not in policies_of(violations)
    assert {"endpoint-deny-attachment", "baseline-scps-at-root"} <= policies_of(violations)


def test_control_unrelated_resources_not_applicable(run_full):
    result = run_full([res(CONTROL, "c", {"controlIdentifier": "x", "targetIdentifier": "y"})])
    assert result.violations == []
    assert COVERAGE_POLICIES | S3_POLICIES <= set(result.not_applicable)
