"""One-field mutations of the golden stacks; each names the policy (and level) it must trip."""

from __future__ import annotations

import json

import pytest

from .conftest import UNKNOWN, policies_of, res, scp_doc
from mlgov.constants import TypeToken

from .conftest import Stack
from .golden import ACCOUNT, ATTACH, CONTROL, CT_BASELINE, OU, POLICY, REGISTRATION, TAGS, bucket_stack, org_stack, ou_arn, ou_id
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
    "control-on-unregistered-ou": (lambda s: _drop(s, "register-Workloads_Prod"), "controls-on-registered-ous"),
    "control-before-registration": (lambda s: s.find("ctl-Workloads_Dev-AWS-GR_S3_VERSIONING_ENABLED").update(dependencies=[]) or s,
                                    "controls-on-registered-ous"),
    "registration-of-another-ou": (lambda s: _set(s, "register-Workloads_Prod", "targetIdentifier", ou_arn("Sandbox"))
                                   .find("register-Workloads_Prod").update(property_dependencies={}) or s, "controls-on-registered-ous"),
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


def _with_extra_scps_on_workloads(count: int):
    stack = org_stack()
    ws = next(r for r in stack.resources if r["name"] == "ou-workloads")
    for i in range(count):
        p = res(POLICY, f"extra-{i}", {"name": f"extra-{i}", "content": scp_doc(sid=f"X{i}")}, id=f"p-x{i}")
        stack.resources += [p, res(ATTACH, f"att-extra-{i}", {"policyId": f"p-x{i}", "targetId": ws["id"]},
                                   pdeps={"policyId": [p["urn"]], "targetId": [ws["urn"]]})]
    return stack


def test_three_slots_reserved_by_default_for_full_aws_access_and_control_tower(run):
    # 4 ML SCPs already on Workloads: 7 of ours + FullAWSAccess + Control Tower's two = 10.
    assert run(_with_extra_scps_on_workloads(3)) == []
    violations = run(_with_extra_scps_on_workloads(4))
    assert policies_of(violations) == {"scp-attachments-per-target"}
    assert "3 reserved slot(s) at most 7 fit" in violations[0].message


def test_reserved_slots_are_config(run):
    # Without Control Tower only FullAWSAccess is reserved: 9 of ours fit.
    assert run(_with_extra_scps_on_workloads(5), config={"scp-attachments-per-target": {"reservedSlotsPerTarget": 1}}) == []


def test_initial_config_reserves_the_schema_default():
    from ml_guardrails.policies import INITIAL_CONFIG, scp_attachments_per_target

    default = scp_attachments_per_target.SCHEMA.properties["reservedSlotsPerTarget"]["default"]
    assert default == INITIAL_CONFIG["scp-attachments-per-target"]["reservedSlotsPerTarget"] == 3


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
S3_POLICIES = {"s3-kms-encryption", "s3-public-access-block", "s3-tls-only", "s3-versioning"}


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
}


@pytest.mark.parametrize("case", sorted(BUCKET_CASES))
def test_bucket_mutation_trips_exactly_its_policy(run, case):
    mutate, policy = BUCKET_CASES[case]
    assert policies_of(run(mutate(bucket_stack()))) == {policy}


def test_companion_linked_by_name_without_dependency(run):
    stack = bucket_stack()
    for r in stack.resources:
        r["property_dependencies"] = {}
        r["dependencies"] = []
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
    registration = res(REGISTRATION, "r", {"baselineIdentifier": "arn:aws:controltower:eu-west-1::baseline/17BSJV3IGJ2QSGA2",
                                           "baselineVersion": "5.0", "targetIdentifier": "y"})
    result = run_full([registration, res(CONTROL, "c", {"controlIdentifier": "x", "targetIdentifier": "y"}, deps=[registration["urn"]])])
    assert result.violations == []
    assert COVERAGE_POLICIES | S3_POLICIES <= set(result.not_applicable)


# -- controls-on-registered-ous ---------------------------------------------------------------

def _without_prod_registration():
    return _drop(org_stack(), "register-Workloads_Prod")


@pytest.mark.parametrize("declared", ["Workloads_Prod", ou_arn("Workloads_Prod")])
def test_ou_declared_registered_in_stack_config_needs_no_baseline(run, declared):
    settings = {"mlgov:controlTower": json.dumps({"registeredOus": [declared]})}
    assert run(_without_prod_registration(), settings=settings) == []


def test_ou_declared_registered_in_policy_config(run):
    config = {"controls-on-registered-ous": {"registeredOus": ["Workloads_Prod"]}}
    assert run(_without_prod_registration(), config=config) == []


def test_registration_reached_through_another_resource_counts(run):
    stack = org_stack()
    control = stack.find("ctl-Workloads_Dev-AWS-GR_S3_VERSIONING_ENABLED")
    control["dependencies"] = [stack.find("ctl-Workloads_Dev-AWS-GR_S3_BUCKET_PUBLIC_READ_PROHIBITED")["urn"]]
    assert run(stack) == []


def test_another_baseline_does_not_register(run):
    stack = _set(org_stack(), "register-Workloads_Prod", "baselineIdentifier", "arn:aws:controltower:eu-west-1::baseline/LN25R72TTG6IGPTQ")
    violations = run(stack)
    assert policies_of(violations) == {"controls-on-registered-ous"}
    assert len(violations) == 3 and all("Workloads_Prod" in v.message for v in violations)


def test_unknown_control_target_gives_no_verdict(run):
    stack = _without_prod_registration()
    for control in (r for r in stack.resources if r["name"].startswith("ctl-Workloads_Prod")):
        control["inputs"]["targetIdentifier"] = control["outputs"]["targetIdentifier"] = UNKNOWN
        control["property_dependencies"] = {}
    assert run(stack) == []


# -- required-tags: tags from the provider -------------------------------------------------------

def _untagged_bucket(**extra) -> list[dict]:
    stack = bucket_stack()
    bucket = stack.find("data")
    bucket["inputs"].pop("tags")
    bucket["outputs"].pop("tags")
    bucket["inputs"].update(extra)
    return stack


def test_tags_from_tags_all_count(run):
    assert policies_of(run(_untagged_bucket())) == {"required-tags"}
    assert run(_untagged_bucket(tagsAll=dict(TAGS))) == []


@pytest.mark.parametrize("encoded", [True, False])
def test_tags_from_the_providers_default_tags_count(run, encoded):
    from mlgov.constants import TypeToken as T

    from .conftest import STACK_URN

    default_tags = {"tags": dict(TAGS)}
    provider = res(T.AWS_PROVIDER, "account-provider", {"region": "eu-west-1",
                                                        "defaultTags": json.dumps(default_tags) if encoded else default_tags}, id="p1")
    provider["provider"], provider["parent"] = "", STACK_URN
    stack = _untagged_bucket()
    stack.find("data")["provider"] = f"{provider['urn']}::p1"
    stack.resources.insert(0, provider)
    assert run(stack) == []
    provider["inputs"]["defaultTags"] = json.dumps({"tags": {"mlgov:project": "churn"}}) if encoded else {"tags": {"mlgov:project": "churn"}}
    violations = run(stack)
    assert policies_of(violations) == {"required-tags"} and "mlgov:cost-center" in violations[0].message


def test_unknown_tags_all_gives_no_verdict(run):
    assert run(_untagged_bucket(tagsAll=UNKNOWN)) == []


# -- config-rule-recorders ------------------------------------------------------------------------

RULE = TypeToken.CONFIG_ORGANIZATION_MANAGED_RULE
MANAGEMENT = "999988887777"


def recorder_stack(*, excluded=("management", "acct-security"), waits=True, manifest_names_log=True) -> Stack:
    """An organization whose Config rule is compliant: Workloads registered, the landing zone records in the log
    account, the rule waits for the registration and excludes the management and the Security account."""
    org = res(TypeToken.ORGANIZATION, "org", {"featureSet": "ALL"}, id="o-abcdefghij",
              outputs={"id": "o-abcdefghij", "masterAccountId": MANAGEMENT, "roots": [{"id": "r-ab12"}]})
    ous = {name: res(OU, f"ou-{name.lower()}", {"name": name, "parentId": "r-ab12"}, id=ou_id(name),
                     outputs={"id": ou_id(name), "arn": ou_arn(name), "name": name, "parentId": "r-ab12"})
           for name in ("Security", "Workloads")}
    accounts = {}
    for key, ou, number in (("acct-log", "Security", "111111111111"), ("acct-security", "Security", "222222222222"),
                            ("acct-workload", "Workloads", "333333333333")):
        accounts[key] = res(ACCOUNT, key, {"name": key, "email": f"aws+{key}@example.com", "parentId": ou_id(ou), "closeOnDeletion": False},
                            id=number, protect=True, pdeps={"parentId": [ous[ou]["urn"]]})
    zone_accounts = [accounts["acct-log"]] if manifest_names_log else []
    manifest = json.dumps({"centralizedLogging": {"accountId": "111111111111" if manifest_names_log else "444444444444"}})
    zone = res(TypeToken.CONTROL_TOWER_LANDING_ZONE, "zone", {"manifestJson": manifest, "version": "4.0"},
               pdeps={"manifestJson": [a["urn"] for a in zone_accounts]})
    baseline = res(REGISTRATION, "register-workloads", {"baselineIdentifier": CT_BASELINE, "baselineVersion": "5.0",
                                                         "targetIdentifier": ou_arn("Workloads")},
                   deps=[zone["urn"]], pdeps={"targetIdentifier": [ous["Workloads"]["urn"]]})
    refs = {"management": (MANAGEMENT, org["urn"])} | {k: (a["id"], a["urn"]) for k, a in accounts.items()}
    rule = res(RULE, "rule", {"name": "s3-encryption", "ruleIdentifier": "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
                              "excludedAccounts": [refs[k][0] for k in excluded]},
               deps=[baseline["urn"]] if waits else [], pdeps={"excludedAccounts": [refs[k][1] for k in excluded]} if excluded else {})
    return Stack([org, *ous.values(), *accounts.values(), zone, baseline, rule])


def _recorder_violations(run, stack, **kwargs):
    return [v for v in run(stack, **kwargs) if v.policy == "config-rule-recorders"]


def test_config_rule_golden_passes(run):
    assert _recorder_violations(run, recorder_stack()) == []


@pytest.mark.parametrize("kwargs, words", [
    ({"excluded": ("acct-security",)}, "management account"),
    ({"excluded": ("management",)}, "acct-security"),
    ({"waits": False}, "does not wait"),
    ({"manifest_names_log": False}, "acct-log"),
    ({"excluded": ()}, "management account"),
])
def test_config_rule_mutation_trips_config_rule_recorders(run, kwargs, words):
    violations = _recorder_violations(run, recorder_stack(**kwargs))
    assert violations and any(words in v.message for v in violations), [v.message for v in violations]
    assert all(v.level == "mandatory" and "Fix:" in v.message for v in violations)


def test_config_rule_accepts_an_ou_declared_registered(run):
    settings = {"mlgov:controlTower": json.dumps({"registeredOus": ["Security"]})}
    assert _recorder_violations(run, recorder_stack(excluded=("management",)), settings=settings) == []


def test_config_rule_unknown_exclusions_give_no_verdict(run):
    stack = recorder_stack(excluded=("management",))
    _set(stack, "rule", "excludedAccounts", [MANAGEMENT, UNKNOWN])
    assert _recorder_violations(run, stack) == []


# -- security-service-admins ----------------------------------------------------------------------

REGIONS = ("eu-west-1", "eu-central-1")


def security_admin_stack(*, regions=REGIONS, auto_enable_in=REGIONS, delegated=()) -> Stack:
    from .conftest import STACK_URN

    resources = []
    for region in dict.fromkeys([*regions, *auto_enable_in]):
        for account in ("management", "security"):
            provider = res(TypeToken.AWS_PROVIDER, f"{account}-{region}", {"region": region}, id=f"{account}{region}")
            provider.update(provider="", parent=STACK_URN)
            resources.append(provider)
    def on(resource, account, region):
        resource["provider"] = f"urn:pulumi:org::mlgov::{TypeToken.AWS_PROVIDER}::{account}-{region}::{account}{region}"
        return resource
    for region in regions:
        resources.append(on(res(TypeToken.GUARDDUTY_ORGANIZATION_ADMIN_ACCOUNT, f"gd-admin-{region}", {"adminAccountId": "222222222222"}), "management", region))
        resources.append(on(res(TypeToken.SECURITYHUB_ORGANIZATION_ADMIN_ACCOUNT, f"sh-admin-{region}", {"adminAccountId": "222222222222"}), "management", region))
    for region in auto_enable_in:
        resources.append(on(res(TypeToken.GUARDDUTY_ORGANIZATION_CONFIGURATION, f"gd-auto-{region}", {"detectorId": "d1", "autoEnableOrganizationMembers": "ALL"}), "security", region))
        resources.append(on(res(TypeToken.SECURITYHUB_ORGANIZATION_CONFIGURATION, f"sh-auto-{region}", {"autoEnable": True}), "security", region))
    for principal in delegated:
        resources.append(res(TypeToken.DELEGATED_ADMINISTRATOR, f"delegated-{principal.split('.')[0]}", {"accountId": "222222222222", "servicePrincipal": principal}))
    return Stack(resources)


ORG_SETTINGS = {"mlgov:organization": json.dumps({"allowedRegions": list(REGIONS)})}


def _admin_violations(run, stack, **kwargs):
    return [v for v in run(stack, settings=ORG_SETTINGS, **kwargs) if v.policy == "security-service-admins"]


def test_security_admins_golden_passes(run):
    assert _admin_violations(run, security_admin_stack(delegated=("access-analyzer.amazonaws.com",))) == []


@pytest.mark.parametrize("kwargs, words", [
    ({"regions": ("eu-west-1",), "auto_enable_in": ("eu-west-1",)}, "not in allowed region eu-central-1"),
    ({"auto_enable_in": ("eu-west-1",)}, "no organization configuration"),
    ({"delegated": ("guardduty.amazonaws.com",)}, "through Organizations"),
])
def test_security_admin_mutation_trips_security_service_admins(run, kwargs, words):
    violations = _admin_violations(run, security_admin_stack(**kwargs))
    assert violations and any(words in v.message for v in violations), [v.message for v in violations]


def test_security_admin_regions_also_from_policy_config(run):
    stack = security_admin_stack(regions=("eu-west-1",), auto_enable_in=("eu-west-1",))
    config = {"security-service-admins": {"regions": ["eu-west-1", "us-east-1"]}}
    violations = [v for v in run(stack, config=config) if v.policy == "security-service-admins"]
    assert len(violations) == 2 and all("us-east-1" in v.message for v in violations)
