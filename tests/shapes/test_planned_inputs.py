"""Whatever ``mlgov plan`` accepts produces inputs AWS accepts: planned resources against botocore's models.

``botocore_inputs`` maps Pulumi input properties to the API members of the create
operations; here it runs over the sample stacks and over generated catalogues
(random valid project names, often exactly as long as the config check allows).
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings

from mlgov.engine import plan_stacks
from tests.config.mistakes import copy_stacks
from tests.shapes.botocore_inputs import MEMBERS, TAGS, check_plan, check_resource
from tests.strategies import PLAN_EXAMPLES, PLAN_PHASES, catalogue
from mlgov.constants import TypeToken


@pytest.fixture(scope="module")
def sample_plan(repo):
    return [stack.to_dict() for stack in plan_stacks(None).stacks]


def test_the_sample_stacks_plan_only_inputs_aws_accepts(sample_plan):
    findings, checked = check_plan(sample_plan)
    assert not findings, "\n".join(map(str, findings))
    assert checked > 1000


def test_every_mapped_resource_type_is_planned_by_the_samples(sample_plan):
    planned = {resource["type"] for stack in sample_plan for resource in stack["resources"]}
    mapped = {row[0] for row in MEMBERS} | set(TAGS)
    assert mapped <= planned, f"mapped but never planned (the check would be vacuous): {sorted(mapped - planned)}"


def _resource(kind: str, **inputs) -> dict:
    return {"type": kind, "urn": f"urn:pulumi:test::mlgov::{kind}::x", "inputs": inputs}


REFUSED = [
    _resource(TypeToken.IAM_ROLE, name="r" * 65),
    _resource(TypeToken.IAM_ROLE, name="role with spaces"),
    _resource(TypeToken.IAM_ROLE, name="ok", maxSessionDuration=60),
    _resource(TypeToken.ACCOUNT, name="Compte d’équipe", email="a@b.co"),
    _resource(TypeToken.ACCOUNT, name="ok", email="not-an-email"),
    _resource(TypeToken.SAGEMAKER_DOMAIN, domainName="mlgov-x", appNetworkAccessType="vpconly"),
    _resource(TypeToken.SAGEMAKER_USER_PROFILE, userProfileName="alice_smith"),
    _resource(TypeToken.BUDGET, name="a:b", limitAmount="12.50"),
    _resource(TypeToken.BUDGET, name="ok", limitAmount="12,50"),
    _resource(TypeToken.ECR_REPOSITORY, name="ML/Training"),
    _resource(TypeToken.CODEARTIFACT_DOMAIN, domain="Example"),
    _resource(TypeToken.KMS_ALIAS, name="alias/mlgov/a b"),
    _resource(TypeToken.S3_BUCKET, bucket="mlgov-a..b-123456789012"),
    _resource(TypeToken.S3_BUCKET, bucket="xn--mlgov-123456789012"),
    _resource("aws:ec2/subnet:Subnet", cidrBlock="10.0.0.1/20", availabilityZone="eu-west-1a"),
    _resource("aws:ec2/subnet:Subnet", cidrBlock="10.0.0.0/20", availabilityZone="eu-west-1"),
    _resource(TypeToken.IAM_ROLE, name="ok", tags={"mlgov:team": "R&D"}),
    _resource(TypeToken.SAGEMAKER_DOMAIN, tags={"mlgov:cost-center": "CC#1"}),
    _resource(TypeToken.SERVICECATALOG_TAG_OPTION, key="mlgov:team", value=""),
    _resource(TypeToken.SSO_PERMISSION_SET, name="DataScientistWithAVeryLongName1234"),
]


@pytest.mark.parametrize("resource", REFUSED, ids=[f"{r['type'].rsplit(':', 1)[-1]}-{i}" for i, r in enumerate(REFUSED)])
def test_the_check_refuses_what_aws_refuses(resource):
    assert check_resource(resource), f"accepted: {resource}"


def test_secrets_and_missing_values_are_not_checked():
    assert not check_resource(_resource(TypeToken.IAM_ROLE, name="[secret]", description=None))


@settings(max_examples=PLAN_EXAMPLES, phases=PLAN_PHASES)
@given(catalogue())
def test_generated_catalogues_plan_only_inputs_aws_accepts(tmp_path_factory, document):
    folder = copy_stacks(tmp_path_factory.mktemp("generated"))
    (folder / "projects.yaml").write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    plan = [stack.to_dict() for stack in plan_stacks(None, stacks_dir=folder).stacks]
    findings, checked = check_plan(plan)
    assert not findings, json.dumps(document, indent=1) + "\n" + "\n".join(map(str, findings))
    assert checked > 100
