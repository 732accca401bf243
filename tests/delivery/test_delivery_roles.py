"""Cross-account delivery in preprod and prod, asserted on the recorded registrations.

Per project and stage: the pipeline role lives in the project's automation
account (through that account's pinned provider), the deploy role in the
project's workload account, and the deploy role trusts exactly that pipeline
role's ARN. The SCP protect-pipelines covers the roles by name.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

import pytest

from mlgov.constants import TypeToken
from mlgov.guardrails import GuardrailSettings, build_catalogue

STAGES = ["preprod", "prod"]
PROJECTS = {"churn-model": "github", "demand-forecast": "codepipeline"}


@pytest.fixture(scope="module")
def plans(sample_plans):
    return sample_plans


def _account_ids(plan):
    return {a.inputs["name"]: a.id for a in plan.of_type(TypeToken.ACCOUNT)}


def _pinned_account(plan, resource):
    (provider,) = [p for p in plan.of_type(TypeToken.AWS_PROVIDER) if f"{p.urn}::{p.id}" == resource.provider]
    return json.loads(provider.inputs["allowedAccountIds"])[0]


def _roles(plan):
    return {r.inputs["name"]: r for r in plan.of_type(TypeToken.IAM_ROLE)}


def _statements(text):
    return json.loads(text)["Statement"]


@pytest.mark.parametrize("env", STAGES)
@pytest.mark.parametrize("project", PROJECTS)
def test_roles_live_in_their_own_accounts(plans, env, project):
    plan = plans[env]
    accounts, roles = _account_ids(plan), _roles(plan)
    pipeline, deploy = roles[f"mlgov-pipeline-{project}-{env}"], roles[f"mlgov-deploy-{project}"]
    assert _pinned_account(plan, pipeline) == accounts[f"{project}-{env}-automation"]
    assert _pinned_account(plan, deploy) == accounts[f"{project}-{env}"]
    assert pipeline.outputs["arn"] == f"arn:aws:iam::{accounts[f'{project}-{env}-automation']}:role/mlgov-pipeline-{project}-{env}"


@pytest.mark.parametrize("env", STAGES)
@pytest.mark.parametrize("project", PROJECTS)
def test_deploy_role_trusts_only_its_own_pipeline_role(plans, env, project):
    roles = _roles(plans[env])
    pipeline_arn = roles[f"mlgov-pipeline-{project}-{env}"].outputs["arn"]
    (statement,) = _statements(roles[f"mlgov-deploy-{project}"].inputs["assumeRolePolicy"])
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": pipeline_arn}
    assert statement["Action"] == "sts:AssumeRole"
    assert "*" not in json.dumps(statement["Principal"])
    # No other project's or stage's pipeline role is trusted.
    others = [r.outputs["arn"] for name, r in roles.items() if name.startswith("mlgov-pipeline-") and r.outputs["arn"] != pipeline_arn]
    assert others and not any(arn in json.dumps(statement) for arn in others)


@pytest.mark.parametrize("env", STAGES)
def test_github_trust_is_pinned_to_one_repository_and_branch(plans, env):
    plan = plans[env]
    accounts = _account_ids(plan)
    pipeline = _roles(plan)[f"mlgov-pipeline-churn-model-{env}"]
    (statement,) = _statements(pipeline.inputs["assumeRolePolicy"])
    (oidc,) = [p for p in plan.of_type(TypeToken.IAM_OIDC_PROVIDER) if _pinned_account(plan, p) == accounts[f"churn-model-{env}-automation"]]
    assert oidc.inputs["url"] == "https://token.actions.githubusercontent.com"
    assert oidc.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert statement["Principal"] == {"Federated": oidc.outputs["arn"]}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:examplecorp/churn-model:ref:refs/heads/main",
        }
    }


@pytest.mark.parametrize("env", STAGES)
def test_codepipeline_trust_is_limited_to_the_automation_account(plans, env):
    plan = plans[env]
    accounts = _account_ids(plan)
    (statement,) = _statements(_roles(plan)[f"mlgov-pipeline-demand-forecast-{env}"].inputs["assumeRolePolicy"])
    assert statement["Principal"] == {"Service": "codepipeline.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": accounts[f"demand-forecast-{env}-automation"]}}
    # No GitHub provider where no project asks for one.
    oidc_accounts = {_pinned_account(plan, p) for p in plan.of_type(TypeToken.IAM_OIDC_PROVIDER)}
    assert accounts[f"demand-forecast-{env}-automation"] not in oidc_accounts


@pytest.mark.parametrize("env", STAGES)
@pytest.mark.parametrize("project", PROJECTS)
def test_pipeline_role_may_assume_only_its_deploy_role(plans, env, project):
    plan = plans[env]
    roles = _roles(plan)
    pipeline, deploy = roles[f"mlgov-pipeline-{project}-{env}"], roles[f"mlgov-deploy-{project}"]
    (policy,) = [p for p in plan.of_type(TypeToken.IAM_ROLE_POLICY) if p.inputs["role"] == pipeline.id]
    (statement,) = _statements(policy.inputs["policy"])
    assert statement == {"Sid": "AssumeTheDeployRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": deploy.outputs["arn"]}


@pytest.mark.parametrize("env", STAGES)
def test_deploy_role_passes_only_the_project_execution_role(plans, env):
    plan = plans[env]
    accounts = _account_ids(plan)
    for project in PROJECTS:
        deploy = _roles(plan)[f"mlgov-deploy-{project}"]
        (policy,) = [p for p in plan.of_type(TypeToken.IAM_ROLE_POLICY) if p.inputs["role"] == deploy.id and _pinned_account(plan, p) == accounts[f"{project}-{env}"]]
        by_sid = {s["Sid"]: s for s in _statements(policy.inputs["policy"])}
        assert by_sid["PassOnlyTheProjectExecutionRole"]["Resource"] == f"arn:aws:iam::{accounts[f'{project}-{env}']}:role/mlgov-{project}-sagemaker-execution"


@pytest.mark.parametrize("env", STAGES)
def test_the_deployments_scp_covers_the_pipeline_roles_and_exempts_the_admin_role(plans, env):
    policy = {p.key: p for p in build_catalogue(GuardrailSettings.example())}["protect-pipelines"]
    roles_statement = {s.sid: s for s in policy.statements}["ProtectPipelineRoles"]
    (pattern,) = roles_statement.resources
    roles = _roles(plans[env])
    for project in PROJECTS:
        assert fnmatchcase(roles[f"mlgov-pipeline-{project}-{env}"].outputs["arn"], pattern)
        assert not fnmatchcase(roles[f"mlgov-deploy-{project}"].outputs["arn"], pattern)
    admin_arns = [r.outputs["arn"] for r in plans[env].of_type(TypeToken.IAM_ROLE) if r.inputs["name"] == "mlgov-pipeline-admin"]
    assert len(admin_arns) == len(PROJECTS)
    exempt = roles_statement.condition["ArnNotLike"]["aws:PrincipalArn"]
    assert all(any(fnmatchcase(arn, p) for p in exempt) for arn in admin_arns)


def test_the_org_attaches_protect_pipelines_to_the_deployments_ou(plans):
    org = plans["org"]
    ous = org.outputs["organizationalUnits"]
    (scp,) = [p for p in org.of_type(TypeToken.POLICY) if p.inputs["name"] == "mlgov-protect-pipelines"]
    targets = {a.inputs["targetId"] for a in org.of_type(TypeToken.POLICY_ATTACHMENT) if a.inputs["policyId"] == scp.id}
    assert targets == {ous["Deployments"]["id"]}
