"""The dev data export in the sample plans: the pipeline in prod for the projects that enable it,
and in dev the Studio role's read grant and nothing more."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil

import pytest
import yaml

from mlgov.constants import TypeToken
from mlgov.engine import PROJECT_DIR, plan_stacks
from mlgov.guardrails.iam_validation import validate_policy
from mlgov.redaction.lambda_handler import FunctionConfig
from mlgov.redaction.package import HANDLER, lambda_zip

EXPORT = "mlgov:dev_data_export:DevDataExport"
READ = "mlgov:dev_data_export:DevExportRead"
ROLE = "mlgov-churn-model-sagemaker-execution"


@pytest.fixture(scope="module")
def plans():
    return {stack.name: stack for stack in plan_stacks(["org", "dev", "prod"]).stacks}


@pytest.fixture(scope="module")
def plans_without_export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stacks")
    for path in (PROJECT_DIR / "stacks").glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    catalogue = yaml.safe_load((folder / "projects.yaml").read_text())
    for project in catalogue["projects"]:
        project.pop("devDataExport", None)
    (folder / "projects.yaml").write_text(yaml.safe_dump(catalogue))
    return {stack.name: stack for stack in plan_stacks(["org", "dev", "prod"], stacks_dir=folder).stacks}


def _under(plan, urn: str) -> list:
    """The resources below the component ``urn``."""
    by_urn = plan.by_urn()
    found = []
    for resource in plan.resources:
        parent = by_urn.get(resource.parent)
        while parent is not None and parent.urn != urn:
            parent = by_urn.get(parent.parent)
        if parent is not None:
            found.append(resource)
    return found


def _one(resources, type_: str, contains: str = ""):
    (found,) = [r for r in resources if r.type == type_ and contains in r.name]
    return found


def _dev_account(plans) -> str:
    return plans["dev"].outputs["projects"]["churn-model"]["accountId"]


def test_prod_has_the_pipeline_for_the_exporting_project_only(plans):
    exports = [r for r in plans["prod"].resources if r.type == EXPORT]
    assert [r.name for r in exports] == ["churn-model-prod-dev-export"]
    inside = _under(plans["prod"], exports[0].urn)
    types = {r.type for r in inside}
    for token in (TypeToken.LAMBDA_FUNCTION, TypeToken.EVENT_RULE, TypeToken.EVENT_TARGET, TypeToken.LOG_SUBSCRIPTION_FILTER,
                  TypeToken.S3_BUCKET, TypeToken.S3_BUCKET_POLICY, TypeToken.KMS_KEY, TypeToken.IAM_ROLE_POLICY,
                  TypeToken.EC2_VPC_ENDPOINT, TypeToken.S3_BUCKET_LIFECYCLE):
        assert token in types, token
    assert [r.name for r in plans["prod"].resources if r.type == TypeToken.MACIE_ACCOUNT] == ["churn-model-prod-baseline-macie"]
    assert not any("demand-forecast" in r.name for r in inside)
    # The exporting project's data bucket sends its events to EventBridge; no other bucket does.
    notifications = plans["prod"].of_type(TypeToken.S3_BUCKET_NOTIFICATION)
    assert [r.name for r in notifications] == ["churn-model-prod-baseline-data-events"]
    assert notifications[0].inputs["eventbridge"] is True


def test_the_export_bucket_grants_the_dev_studio_role_only(plans):
    inside = _under(plans["prod"], _one(plans["prod"].resources, EXPORT).urn)
    reader = f"arn:aws:iam::{_dev_account(plans)}:role/{ROLE}"
    policy = json.loads(_one(inside, TypeToken.S3_BUCKET_POLICY).inputs["policy"])
    principals = {json.dumps(s["Principal"]) for s in policy["Statement"] if s["Effect"] == "Allow"}
    assert principals == {json.dumps({"AWS": reader})}
    bucket = _one(inside, TypeToken.S3_BUCKET)
    assert bucket.inputs["bucket"] == f"mlgov-churn-model-export-{plans['prod'].outputs['projects']['churn-model']['accountId']}"
    assert bucket.inputs["tags"]["mlgov:purpose"] == "dev-export"
    key = json.loads(_one(inside, TypeToken.KMS_KEY).inputs["policy"])
    (decrypt,) = [s for s in key["Statement"] if s.get("Principal") == {"AWS": reader}]
    assert decrypt["Action"] == "kms:Decrypt"
    assert decrypt["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"] == [bucket.outputs["arn"], bucket.outputs["arn"] + "/*"]


def test_the_function_runs_the_packaged_code_in_the_vpc_without_internet(plans):
    prod = plans["prod"]
    inside = _under(prod, _one(prod.resources, EXPORT).urn)
    function = _one(inside, TypeToken.LAMBDA_FUNCTION)
    code = lambda_zip()
    assert function.inputs["handler"] == HANDLER
    assert function.inputs["code"]["archive"]["sha256"] == hashlib.sha256(code).hexdigest()
    assert function.inputs["sourceCodeHash"] == base64.b64encode(hashlib.sha256(code).digest()).decode()
    config = FunctionConfig.from_environment(function.inputs["environment"]["variables"])
    assert config.keep_columns == ("customer_id", "tenure_months", "plan", "monthly_charges", "support_notes", "churned")
    assert config.source_prefixes == ("customers/", "support-tickets/") and config.project == "churn-model"
    subnets = {r.id for r in prod.resources if r.type == "aws:ec2/subnet:Subnet" and "churn-model-prod" in r.name}
    assert set(function.inputs["vpcConfig"]["subnetIds"]) == subnets
    group = _one(inside, TypeToken.EC2_SECURITY_GROUP)
    assert "ingress" not in group.inputs or not group.inputs["ingress"]
    assert all(rule["fromPort"] == rule["toPort"] == 443 for rule in group.inputs["egress"])
    assert [r.get("cidrBlocks") or r.get("prefixListIds") for r in group.inputs["egress"]][0] == ["10.20.0.0/16"]
    assert group.inputs["egress"][1]["prefixListIds"][0].startswith("pl-")
    rule = json.loads(_one(inside, TypeToken.EVENT_RULE).inputs["eventPattern"])
    assert rule["detail"]["object"]["key"] == [{"prefix": "customers/"}, {"prefix": "support-tickets/"}]
    assert rule["detail"]["bucket"]["name"] == [config.source_bucket]
    assert _one(inside, TypeToken.LOG_GROUP, "macie-job-logs").inputs["name"] == "/aws/macie/classificationjobs"


def test_every_policy_of_the_export_names_real_actions_and_keys(plans):
    documents = [json.loads(r.inputs["policy"]) for r in plans["prod"].resources
                 if r.type == TypeToken.IAM_ROLE_POLICY and "dev-export" in r.name]
    documents += [json.loads(r.inputs["policy"]) for r in plans["dev"].resources if r.type == TypeToken.IAM_ROLE_POLICY and "dev-export" in r.name]
    assert len(documents) == 2
    for document in documents:
        assert validate_policy(document) == []
    function_policy = documents[0]
    wide = [s["Sid"] for s in function_policy["Statement"] if s["Resource"] == "*"]
    assert wide == ["ReadFindings", "DescribeNetworkInterfaces"]  # no resource-level permissions exist for these


def test_the_project_key_lets_macie_decrypt_only_where_macie_runs(plans):
    keys = {r.name: json.loads(r.inputs["policy"]) for r in plans["prod"].resources if r.type == TypeToken.KMS_KEY and r.name.endswith("baseline-key-key")}
    sids = {name: {s.get("Sid") for s in policy["Statement"]} for name, policy in keys.items()}
    assert "MacieClassifiesProjectData" in sids["churn-model-prod-baseline-key-key"]
    assert "MacieClassifiesProjectData" not in sids["demand-forecast-prod-baseline-key-key"]
    key = _one(plans["prod"].resources, TypeToken.KMS_KEY, "churn-model-prod-baseline-key-key")
    macie = _one(plans["prod"].resources, TypeToken.MACIE_ACCOUNT)
    assert macie.urn in key.dependencies


def test_dev_gets_the_read_grant_and_nothing_more(plans, plans_without_export):
    before = {r.urn: r for r in plans_without_export["dev"].resources}
    after = {r.urn: r for r in plans["dev"].resources}
    added = [after[urn] for urn in after.keys() - before.keys()]
    assert sorted(r.type for r in added) == sorted([READ, TypeToken.IAM_ROLE_POLICY])
    assert before.keys() <= after.keys()
    changed = [urn for urn in before if before[urn].inputs != after[urn].inputs]
    assert changed == []
    grant = _one(added, TypeToken.IAM_ROLE_POLICY)
    assert grant.inputs["role"] == ROLE


def test_prod_without_export_has_no_pipeline_and_no_reference_to_dev(plans, plans_without_export):
    prod = plans_without_export["prod"]
    assert not [r for r in prod.resources if r.type in (EXPORT, TypeToken.MACIE_ACCOUNT, TypeToken.LAMBDA_FUNCTION)]
    assert not [r for r in prod.resources if r.type == TypeToken.STACK_REFERENCE and r.name == "dev"]
    with_export = {r.urn: r for r in plans["prod"].resources}
    changed = [r.name for r in prod.resources if r.urn in with_export and with_export[r.urn].inputs != r.inputs]
    assert changed == ["churn-model-prod-baseline-key-key"]


def test_the_pack_passes_both_stacks(plans):
    from mlgov.config.loader import read_stack_config, stack_file
    from mlgov.policy_runner import run_policy_pack

    for stack in ("dev", "prod"):
        violations = run_policy_pack(
            PROJECT_DIR / "policypacks" / "ml-guardrails", [r.to_dict() for r in plans[stack].resources], project="mlgov",
            stack=stack, stack_config=read_stack_config(stack_file(PROJECT_DIR / "stacks", stack)))
        assert violations == [], stack
