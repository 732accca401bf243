"""What each environment is, written out here, independently of ``mlgov/environments.py``.

The rules table drives the program; these expectations are the product's
promises, typed out by hand, and checked on the planned sample stacks. A change
of any field of any row of the table changes a plan and fails a test here.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from mlgov.constants import SERVICE_CATALOG_LAUNCH_ROLE, TypeToken
from mlgov.engine import PROJECT_DIR, plan_stacks

EXPECTED = {
    "sandbox": dict(
        workload_ou="Sandbox", automation_ou=None, endpoints_allowed=False, internet_egress=True,
        data_lake_access=False, spend_limit_action=True, network_isolation=False, provisions_catalog_products=False,
    ),
    "dev": dict(
        workload_ou="Workloads_Dev", automation_ou=None, endpoints_allowed=False, internet_egress=False,
        data_lake_access=True, spend_limit_action=False, network_isolation=False, provisions_catalog_products=True,
    ),
    "preprod": dict(
        workload_ou="Workloads_PreProd", automation_ou="Deployments_PreProd", endpoints_allowed=True, internet_egress=False,
        data_lake_access=False, spend_limit_action=False, network_isolation=True, provisions_catalog_products=False,
    ),
    "prod": dict(
        workload_ou="Workloads_Prod", automation_ou="Deployments_Prod", endpoints_allowed=True, internet_egress=False,
        data_lake_access=False, spend_limit_action=False, network_isolation=True, provisions_catalog_products=False,
    ),
}
ENVIRONMENTS = list(EXPECTED)


@pytest.fixture(scope="module")
def plans(sample_plans):
    return sample_plans


def _workload_accounts(plan):
    return [a for a in plan.of_type(TypeToken.ACCOUNT) if not a.inputs["name"].endswith("-automation")]


def _automation_accounts(plan):
    return [a for a in plan.of_type(TypeToken.ACCOUNT) if a.inputs["name"].endswith("-automation")]


def _ou_ids(plans):
    return {name: ou["id"] for name, ou in plans["org"].outputs["organizationalUnits"].items()}


def _attached(plan, target_id: str) -> set[str]:
    """Names of the SCPs the org plan attaches to ``target_id``."""
    names = {policy.id: policy.inputs["name"] for policy in plan.of_type(TypeToken.POLICY)}
    return {names[a.inputs["policyId"]] for a in plan.of_type(TypeToken.POLICY_ATTACHMENT) if a.inputs["targetId"] == target_id}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_accounts_and_tags_carry_the_environment_name(plans, env):
    accounts = plans[env].of_type(TypeToken.ACCOUNT)
    assert accounts
    for account in accounts:
        project = account.inputs["tags"]["mlgov:project"]
        assert account.inputs["name"] in (f"{project}-{env}", f"{project}-{env}-automation")
        assert account.inputs["tags"]["mlgov:environment"] == env


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_workload_accounts_sit_in_the_environment_ou(plans, env):
    ou_id = _ou_ids(plans)[EXPECTED[env]["workload_ou"]]
    assert {a.inputs["parentId"] for a in _workload_accounts(plans[env])} == {ou_id}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_automation_accounts_exactly_where_a_pipeline_deploys(plans, env):
    automation = _automation_accounts(plans[env])
    expected_ou = EXPECTED[env]["automation_ou"]
    if expected_ou is None:
        assert automation == []
    else:
        assert len(automation) == len(_workload_accounts(plans[env])) > 0
        assert {a.inputs["parentId"] for a in automation} == {_ou_ids(plans)[expected_ou]}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_endpoints_denied_or_kept_inside_the_vpc_per_environment(plans, env):
    attached = _attached(plans["org"], _ou_ids(plans)[EXPECTED[env]["workload_ou"]])
    allowed = EXPECTED[env]["endpoints_allowed"]
    assert ("mlgov-deny-sagemaker-endpoints" in attached) is not allowed
    assert ("mlgov-sagemaker-endpoints-from-vpc" in attached) is allowed
    assert not plans[env].of_type(TypeToken.SAGEMAKER_ENDPOINT)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_internet_gateway_and_nat_only_with_egress(plans, env):
    count = len(_workload_accounts(plans[env])) if EXPECTED[env]["internet_egress"] else 0
    assert len(plans[env].of_type("aws:ec2/internetGateway:InternetGateway")) == count
    assert len(plans[env].of_type("aws:ec2/natGateway:NatGateway")) == count


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_execution_role_reads_the_curated_zone_only_with_data_lake_access(plans, env):
    org = plans["org"].outputs
    curated = f"arn:aws:s3:::{org['dataLakeBucketPrefix']}curated-{org['accounts']['data-lake']['id']}"
    roles = [r for r in plans[env].of_type(TypeToken.IAM_ROLE) if r.inputs.get("name", "").endswith("-sagemaker-execution")]
    assert len(roles) == len(_workload_accounts(plans[env]))
    for role in roles:
        attached = [p.inputs for p in plans[env].resources if p.type == TypeToken.IAM_ROLE_POLICY and role.urn in p.dependencies]
        text = json.dumps(role.inputs.get("inlinePolicies") or []) + json.dumps(attached)
        assert (curated in text) is EXPECTED[env]["data_lake_access"], role.urn


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_spend_limit_action_only_where_spend_is_capped(plans, env):
    count = len(_workload_accounts(plans[env])) if EXPECTED[env]["spend_limit_action"] else 0
    assert len(plans[env].of_type(TypeToken.BUDGET_ACTION)) == count


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_catalog_launch_role_only_where_products_are_provisioned(plans, env):
    roles = [r for r in plans[env].of_type(TypeToken.IAM_ROLE) if r.inputs.get("name") == SERVICE_CATALOG_LAUNCH_ROLE]
    assert len(roles) == (len(_workload_accounts(plans[env])) if EXPECTED[env]["provisions_catalog_products"] else 0)


def test_network_isolation_by_default_on_the_expected_environments(tmp_path):
    """With ``mlgov:networkIsolationEnvironments`` unset, the isolation SCP lands where the rules say."""
    for path in (PROJECT_DIR / "stacks").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    document = yaml.safe_load((tmp_path / "Pulumi.org.yaml").read_text())
    del document["config"]["mlgov:networkIsolationEnvironments"]
    (tmp_path / "Pulumi.org.yaml").write_text(yaml.safe_dump(document))
    org = plan_stacks(["org"], stacks_dir=tmp_path).stacks[0]
    ou_ids = {name: ou["id"] for name, ou in org.outputs["organizationalUnits"].items()}
    for env, expected in EXPECTED.items():
        attached = _attached(org, ou_ids[expected["workload_ou"]])
        assert ("mlgov-sagemaker-require-network-isolation" in attached) is expected["network_isolation"], env


# ---- the shared stack serves each stage as its rules say --------------------------------------


def _project_accounts(plans, env, key="accountId") -> set[str]:
    return {project[key] for project in (plans[env].outputs.get("projects") or {}).values() if project.get(key)}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_portfolio_is_shared_only_to_the_stages_that_provision_products(plans, env):
    shared_to = {share.inputs["principalId"] for share in plans["shared"].of_type(TypeToken.SERVICECATALOG_PORTFOLIO_SHARE)}
    accounts = _project_accounts(plans, env)
    assert accounts, f"the sample {env} stack vends no project account"
    assert (accounts <= shared_to) is EXPECTED[env]["provisions_catalog_products"], env
    assert accounts.isdisjoint(shared_to) is not EXPECTED[env]["provisions_catalog_products"], env


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_curated_zone_is_granted_only_to_the_stages_with_data_lake_access(plans, env):
    readers = {grant.inputs["principal"] for grant in plans["shared"].of_type(TypeToken.LAKEFORMATION_PERMISSIONS)}
    accounts = _project_accounts(plans, env)
    assert (accounts <= readers) is EXPECTED[env]["data_lake_access"], env
    assert accounts.isdisjoint(readers) is not EXPECTED[env]["data_lake_access"], env


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_model_registries_are_written_only_from_the_stages_a_pipeline_deploys_to(plans, env):
    policies = json.dumps([p.inputs["resourcePolicy"] for p in plans["shared"].of_type(TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP_POLICY)])
    automation = _project_accounts(plans, env, "automationAccountId")
    assert bool(automation) is (EXPECTED[env]["automation_ou"] is not None), env
    assert all(account in policies for account in automation | _project_accounts(plans, env)) is (EXPECTED[env]["automation_ou"] is not None), env
