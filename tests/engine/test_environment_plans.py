"""Every sample stack planned together: project accounts, providers, baseline per environment."""

from __future__ import annotations

import json

import pytest

from mlgov.constants import ENVIRONMENT_OU, Environment, TypeToken
from mlgov.engine import plan_stacks
from mlgov.environments import rules_for

ENVIRONMENTS = [env.value for env in Environment]


@pytest.fixture(scope="module")
def plans(sample_plans):
    return sample_plans


def _accounts(plan):
    return {account.inputs["name"]: account for account in plan.of_type(TypeToken.ACCOUNT)}


def _providers(plan):
    return {f"{p.urn}::{p.id}": p for p in plan.of_type(TypeToken.AWS_PROVIDER)}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_project_accounts_sit_in_the_environment_ous_from_org_outputs(plans, env):
    ous = plans["org"].outputs["organizationalUnits"]
    rules = rules_for(env)
    accounts = _accounts(plans[env])
    assert accounts, env
    for name, account in accounts.items():
        expected_ou = rules.automation_ou if name.endswith("-automation") else ENVIRONMENT_OU[Environment(env)]
        assert account.inputs["parentId"] == ous[expected_ou]["id"], name
        assert account.protect and account.retain_on_delete
        assert account.inputs["closeOnDeletion"] is False


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_baseline_resource_goes_through_its_account_provider(plans, env):
    plan = plans[env]
    providers = _providers(plan)
    accounts = {account.urn: account for account in plan.of_type(TypeToken.ACCOUNT)}
    baselines = [r for r in plan.resources if r.type == "mlgov:project_baseline:ProjectBaseline"]
    assert baselines
    by_urn = plan.by_urn()
    for resource in plan.resources:
        if not resource.custom or resource.type.startswith("pulumi:") or resource.type == TypeToken.ACCOUNT:
            continue
        if resource.type == TypeToken.SSO_ACCOUNT_ASSIGNMENT:
            # Organization-level API, made in the management account (tests/identity checks them).
            continue
        # Walk up to the ProjectAccountSet: everything below a baseline must use that set's provider.
        parent = by_urn.get(resource.parent)
        while parent is not None and parent.type != "mlgov:project_account_set:ProjectAccountSet":
            parent = by_urn.get(parent.parent)
        assert parent is not None, resource.urn
        provider = providers[resource.provider]
        assert not provider.name.startswith("default"), resource.urn
        assert provider.parent == parent.urn
        # Only the delivery component reaches into the automation account (tests/delivery checks which side).
        in_delivery = any(a.type == "mlgov:pipeline_roles:PipelineRoles" for a in _ancestors(resource, by_urn))
        own = [a for a in accounts.values() if a.parent == parent.urn and (in_delivery or not a.inputs["name"].endswith("-automation"))]
        (account,) = [a for a in own if json.loads(provider.inputs["allowedAccountIds"]) == [a.id]]
        assert f"arn:aws:iam::{account.id}:role/OrganizationAccountAccessRole" in provider.inputs["assumeRoles"]


def _ancestors(resource, by_urn):
    parent = by_urn.get(resource.parent)
    while parent is not None:
        yield parent
        parent = by_urn.get(parent.parent)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_buckets_are_complete(plans, env):
    plan = plans[env]
    buckets = plan.of_type(TypeToken.S3_BUCKET)
    assert len(buckets) == 2 * len({a.inputs["name"] for a in plan.of_type(TypeToken.ACCOUNT) if not a.inputs["name"].endswith("automation")})
    for companion in (TypeToken.S3_BUCKET_VERSIONING, TypeToken.S3_BUCKET_SSE, TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK, TypeToken.S3_BUCKET_POLICY):
        linked = {dep for r in plan.of_type(companion) for dep in r.property_dependencies.get("bucket", [])}
        assert linked == {bucket.urn for bucket in buckets}, companion
    for block in plan.of_type(TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK):
        assert all(block.inputs[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_studio_domains_vpc_only_with_kms_and_one_profile_per_member(plans, env):
    from mlgov.config import load_stack_file
    from mlgov.engine import PROJECT_DIR

    plan = plans[env]
    for domain in plan.of_type(TypeToken.SAGEMAKER_DOMAIN):
        assert domain.inputs["appNetworkAccessType"] == "VpcOnly"
        assert domain.inputs["authMode"] == "IAM"
        assert domain.inputs["kmsKeyId"]
    settings = load_stack_file(PROJECT_DIR / "stacks", env)
    expected = sorted(m.user for p in settings.vended_projects() for m in p.members)
    profiles = plan.of_type(TypeToken.SAGEMAKER_USER_PROFILE)
    assert sorted(p.inputs["tags"]["studiouserid"] for p in profiles) == expected
    assert sorted(p.inputs["userProfileName"] for p in profiles) == expected


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_policy_pack_passes_every_environment_stack(plans, env):
    """The pack, run as the engine runs it, on each plan; an endpoint in sandbox or dev would fail here."""
    from mlgov.config.loader import read_stack_config, stack_file
    from mlgov.engine import PROJECT_DIR
    from mlgov.policy_runner import run_policy_pack

    plan = plans[env]
    violations = run_policy_pack(
        PROJECT_DIR / "policypacks" / "ml-guardrails",
        [resource.to_dict() for resource in plan.resources],
        project="mlgov",
        stack=env,
        stack_config=read_stack_config(stack_file(PROJECT_DIR / "stacks", env)),
    )
    assert violations == []


def test_removing_a_project_drops_its_accounts_from_the_plan_but_they_stay_protected(tmp_path, plans):
    """What `pulumi up` would be asked to delete is protected and retained: it refuses, nothing is closed."""
    import shutil

    import yaml

    from mlgov.engine import PROJECT_DIR

    for path in (PROJECT_DIR / "stacks").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    catalogue = yaml.safe_load((tmp_path / "projects.yaml").read_text())
    catalogue["projects"] = [p for p in catalogue["projects"] if p["name"] != "churn-notebooks"]
    (tmp_path / "projects.yaml").write_text(yaml.safe_dump(catalogue))
    after = plan_stacks(["dev"], stacks_dir=tmp_path).stacks[0]
    before_accounts = {a.urn: a for a in plans["dev"].of_type(TypeToken.ACCOUNT)}
    after_accounts = {a.urn for a in after.of_type(TypeToken.ACCOUNT)}
    removed = set(before_accounts) - after_accounts
    assert [before_accounts[urn].inputs["name"] for urn in removed] == ["churn-notebooks-dev"]
    for urn in removed:
        assert before_accounts[urn].protect and before_accounts[urn].retain_on_delete
        assert before_accounts[urn].inputs["closeOnDeletion"] is False


def test_the_curated_bucket_the_dev_roles_read_is_the_one_the_shared_stack_creates(plans):
    shared = plans["shared"]
    names = {b.inputs.get("bucket") for b in shared.of_type(TypeToken.S3_BUCKET)}
    org = plans["org"].outputs
    assert f"{org['dataLakeBucketPrefix']}curated-{org['accounts']['data-lake']['id']}" in names
