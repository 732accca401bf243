"""The catalogue built from settings: sizes, validity, targets, keys."""

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from mlgov.constants import ROOT, STANDARD_OU_TREE, Limit, OuName
from mlgov.guardrails import GuardrailSettings, attachment_map, build_catalogue, guardrail_keys
from mlgov.guardrails.iam_validation import validate_policy

EXAMPLE = GuardrailSettings.example()
CATALOGUE = build_catalogue(EXAMPLE)
BY_KEY = {p.key: p for p in CATALOGUE}
HEADROOM_CHARS = 5_000


def _conditions(policy):
    return [s["Condition"] for s in policy.document()["Statement"] if "Condition" in s]


def test_keys_are_unique_and_names_follow_the_key():
    assert len(BY_KEY) == len(CATALOGUE)
    assert all(p.name == "mlgov-" + p.key for p in CATALOGUE)


@pytest.mark.parametrize("policy", CATALOGUE, ids=lambda p: p.key)
def test_policy_renders_minified_valid_json_within_limits(policy):
    text = policy.render()
    doc = json.loads(text)
    assert doc["Version"] == "2012-10-17"
    assert text == json.dumps(doc, separators=(",", ":"))
    sids = [s["Sid"] for s in doc["Statement"]]
    assert len(sids) == len(set(sids)) and all(sid.isalnum() and sid.isascii() for sid in sids)
    assert len(text) < Limit.SCP_MAX_CHARS and len(text.encode("utf-8")) < Limit.SCP_MAX_CHARS
    assert len(text) <= HEADROOM_CHARS
    assert policy.default_targets


@pytest.mark.parametrize("policy", CATALOGUE, ids=lambda p: p.key)
def test_policy_passes_iam_validation(policy):
    assert validate_policy(policy.document()) == []


def test_render_is_deterministic_across_processes():
    """Set and dict order can change with the hash seed; the rendered SCPs must not."""
    import os
    import subprocess
    import sys

    script = "from mlgov.guardrails import GuardrailSettings, build_catalogue; print([p.render() for p in build_catalogue(GuardrailSettings.example())])"
    renders = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert renders == {f"{[p.render() for p in CATALOGUE]}\n"}


def test_expected_guardrails_exist():
    expected = {
        "deny-leave-organization", "deny-root-user", "protect-security-services", "region-allow-list",
        "sagemaker-require-vpc", "sagemaker-require-kms", "sagemaker-require-encryption-in-transit",
        "sagemaker-require-tags", "sagemaker-require-network-isolation", "deny-sagemaker-endpoints",
        "sagemaker-endpoints-from-vpc", "sandbox-isolation", "sagemaker-instance-types-sandbox",
        "sagemaker-instance-types-workloads-dev", "sagemaker-instance-types-workloads-preprod",
        "sagemaker-instance-types-workloads-prod", "protect-pipelines",
    }  # fmt: skip
    assert set(BY_KEY) == expected


def test_baseline_attaches_to_root():
    for key in ("deny-leave-organization", "deny-root-user", "protect-security-services", "region-allow-list"):
        assert BY_KEY[key].default_targets == (ROOT,)


def test_endpoint_deny_targets_exactly_sandbox_and_dev():
    policy = BY_KEY["deny-sagemaker-endpoints"]
    assert policy.default_targets == (OuName.SANDBOX, OuName.WORKLOADS_DEV)
    assert "sagemaker:CreateEndpoint" in policy.statements[0].actions
    assert not policy.statements[0].condition


def test_endpoints_from_vpc_targets_preprod_and_prod():
    policy = BY_KEY["sagemaker-endpoints-from-vpc"]
    assert policy.default_targets == (OuName.WORKLOADS_PREPROD, OuName.WORKLOADS_PROD)
    assert _conditions(policy)[0]["Null"] == {"aws:SourceVpc": "true"}


def test_vpc_keys_in_separate_statements():
    statements = BY_KEY["sagemaker-require-vpc"].document()["Statement"]
    nulls = [s["Condition"]["Null"] for s in statements]
    assert {"sagemaker:VpcSubnets": "true"} in nulls
    assert {"sagemaker:VpcSecurityGroupIds": "true"} in nulls
    assert all(len(null) == 1 for null in nulls)
    assert all(set(s["Condition"]) == {"Null"} for s in statements)


def test_kms_uses_arn_keys_never_deprecated_ones():
    text = BY_KEY["sagemaker-require-kms"].render()
    assert '"sagemaker:VolumeKmsKeyArn":"true"' in text and '"sagemaker:OutputKmsKeyArn":"true"' in text
    assert '"sagemaker:VolumeKmsKey"' not in text and '"sagemaker:OutputKmsKey"' not in text


def test_one_tag_statement_per_required_tag():
    nulls = [c["Null"] for c in _conditions(BY_KEY["sagemaker-require-tags"])]
    assert nulls == [{f"aws:RequestTag/{tag}": "true"} for tag in EXAMPLE.required_tags]


def test_region_allow_list_uses_settings_and_exempts_roles():
    (condition,) = _conditions(BY_KEY["region-allow-list"])
    assert condition["StringNotEquals"]["aws:RequestedRegion"] == list(EXAMPLE.allowed_regions)
    assert condition["ArnNotLike"]["aws:PrincipalArn"] == [f"arn:aws:iam::*:role/{r}" for r in EXAMPLE.exempt_role_names]
    not_actions = BY_KEY["region-allow-list"].statements[0].not_actions
    assert {"iam:*", "organizations:*", "sts:*", "sso:*"} <= set(not_actions)


def test_security_services_exempt_roles_in_every_statement():
    policy = BY_KEY["protect-security-services"]
    assert len(policy.statements) == 5
    for condition in _conditions(policy):
        assert "arn:aws:iam::*:role/AWSControlTowerExecution" in condition["ArnNotLike"]["aws:PrincipalArn"]
    actions = {a for s in policy.statements for a in s.actions}
    assert {"cloudtrail:StopLogging", "config:DeleteConfigurationRecorder", "guardduty:DeleteDetector",
            "securityhub:DisableSecurityHub", "access-analyzer:DeleteAnalyzer"} <= actions  # fmt: skip


def test_sandbox_isolation_denies_data_lake_and_network_paths():
    doc = BY_KEY["sandbox-isolation"].document()
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    assert by_sid["DenyDataLakeBuckets"]["Resource"] == ["arn:aws:s3:::mlgov-datalake-*", "arn:aws:s3:::mlgov-datalake-*/*"]
    assert by_sid["DenyLakeFormationData"]["Resource"] == ["*"]
    assert "ec2:CreateTransitGatewayVpcAttachment" in by_sid["DenyTransitGateway"]["Action"]
    assert "ec2:CreateVpcPeeringConnection" in by_sid["DenyVpcPeering"]["Action"]
    assert by_sid["DenyDirectConnect"]["Action"] == ["directconnect:*"]
    assert BY_KEY["sandbox-isolation"].default_targets == (OuName.SANDBOX,)


@pytest.mark.parametrize("ou", sorted(EXAMPLE.instance_types_by_ou))
def test_instance_type_patterns_appear_in_their_ou_policy(ou):
    key = "sagemaker-instance-types-" + ou.lower().replace("_", "-")
    policy = BY_KEY[key]
    assert policy.default_targets == (ou,)
    (condition,) = _conditions(policy)
    patterns = condition["ForAnyValue:StringNotLike"]["sagemaker:InstanceTypes"]
    assert set(EXAMPLE.instance_types_by_ou[ou]) <= set(patterns)
    others = {p for o, ps in EXAMPLE.instance_types_by_ou.items() if o != ou for p in ps} - set(EXAMPLE.instance_types_by_ou[ou])
    assert not others & set(patterns)


def test_regulated_ou_gets_ml_set_and_its_instance_types():
    regulated = dataclasses.replace(
        EXAMPLE,
        regulated_ou="Workloads_Regulated",
        instance_types_by_ou={**EXAMPLE.instance_types_by_ou, "Workloads_Regulated": ("ml.m5.large",)},
    )
    by_key = {p.key: p for p in build_catalogue(regulated)}
    assert by_key["sagemaker-require-vpc"].default_targets == (OuName.WORKLOADS, "Workloads_Regulated")
    assert by_key["sagemaker-instance-types-workloads-regulated"].default_targets == ("Workloads_Regulated",)
    assert BY_KEY["sagemaker-require-vpc"].default_targets == (OuName.WORKLOADS,)


def test_guardrail_keys_cover_every_standard_ou_and_the_built_keys():
    keys = guardrail_keys()
    assert len(keys) == len(set(keys))
    assert set(BY_KEY) <= set(keys)
    for ou, _ in STANDARD_OU_TREE:
        assert "sagemaker-instance-types-" + ou.lower().replace("_", "-") in keys
    assert "sagemaker-instance-types-workloads-regulated" in keys


def test_attachment_map_defaults_and_override_replaces():
    default = attachment_map(CATALOGUE)
    assert default == {p.key: p.default_targets for p in CATALOGUE}
    changed = attachment_map(CATALOGUE, {"deny-sagemaker-endpoints": ["Workloads"]})
    assert changed["deny-sagemaker-endpoints"] == ("Workloads",)
    assert changed["deny-root-user"] == (ROOT,)
    assert attachment_map(CATALOGUE, {"region-allow-list": []})["region-allow-list"] == ()


@pytest.mark.parametrize(
    "overrides",
    [{"no-such-guardrail": ["Root"]}, {"sagemaker-instance-types-security": ["Security"]}, {"deny-root-user": "Root"}],
)
def test_attachment_map_rejects_bad_overrides(overrides):
    with pytest.raises(ValueError):
        attachment_map(CATALOGUE, overrides)


def test_settings_reject_unknown_instance_type_ou_and_empty_lists():
    with pytest.raises(ValueError, match="unknown OU"):
        dataclasses.replace(EXAMPLE, instance_types_by_ou={"Sandbx": ("ml.t3.*",)})
    with pytest.raises(ValueError):
        dataclasses.replace(EXAMPLE, instance_types_by_ou={"Sandbox": ()})
    with pytest.raises(ValueError):
        dataclasses.replace(EXAMPLE, allowed_regions=("eu-west-1", "Frankfurt"))
    with pytest.raises(ValueError):
        dataclasses.replace(EXAMPLE, exempt_role_names=())


_OUS = [ou for ou, _ in STANDARD_OU_TREE] + ["Workloads_Regulated"]


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    regions=st.lists(st.sampled_from(["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2"]), min_size=1, max_size=5, unique=True),
    tags=st.lists(st.from_regex(r"\A[a-z]{1,10}:[a-z-]{1,20}\Z"), max_size=3, unique=True),
    types=st.dictionaries(st.sampled_from(_OUS), st.lists(st.sampled_from(["ml.t3.*", "ml.m5.large", "ml.g5.*", "ml.p4d.24xlarge"]), min_size=1, max_size=4, unique=True)),
    isolation=st.lists(st.sampled_from(_OUS), max_size=3, unique=True),
)  # fmt: skip
def test_any_reasonable_settings_give_valid_policies(regions, tags, types, isolation):
    cfg = dataclasses.replace(
        EXAMPLE, allowed_regions=tuple(regions), required_tags=tuple(tags),
        instance_types_by_ou=types, network_isolation_ous=tuple(isolation),
    )  # fmt: skip
    catalogue = build_catalogue(cfg)
    assert {p.key for p in catalogue} <= set(guardrail_keys())
    assert ("sagemaker-require-tags" in {p.key for p in catalogue}) == bool(tags)
    for policy in catalogue:
        assert len(policy.render().encode()) <= HEADROOM_CHARS
        assert validate_policy(policy.document()) == [], policy.key


def test_protect_pipelines_attaches_to_deployments_and_exempts_only_the_admin_and_platform_roles():
    policy = BY_KEY["protect-pipelines"]
    assert policy.default_targets == (OuName.DEPLOYMENTS,)
    expected = ["arn:aws:iam::*:role/mlgov-pipeline-admin"] + [f"arn:aws:iam::*:role/{r}" for r in EXAMPLE.exempt_role_names]
    by_sid = {s["Sid"]: s for s in policy.document()["Statement"]}
    assert set(by_sid) == {"ProtectPipelines", "ProtectPipelineRoles", "ProtectPipelineIdentityProvider"}
    for statement in by_sid.values():
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": expected}}
    assert {"codepipeline:UpdatePipeline", "codepipeline:DeletePipeline", "codebuild:UpdateProject"} <= set(by_sid["ProtectPipelines"]["Action"])
    assert "codepipeline:StartPipelineExecution" not in by_sid["ProtectPipelines"]["Action"]
    assert by_sid["ProtectPipelineRoles"]["Resource"] == ["arn:aws:iam::*:role/mlgov-pipeline-*"]
    assert {"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePolicy"} <= set(by_sid["ProtectPipelineRoles"]["Action"])
    assert by_sid["ProtectPipelineIdentityProvider"]["Resource"] == ["arn:aws:iam::*:oidc-provider/token.actions.githubusercontent.com"]

