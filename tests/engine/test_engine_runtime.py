"""The offline engine's runtime pieces: data-source answers, stack references, providers, secrets."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from mlgov.constants import TypeToken
from mlgov.engine.fakes import FakeOrganization
from mlgov.engine.monitor import MissingStackReference
from mlgov.engine.runner import ProgramError, run_under_monitor

ORG = FakeOrganization("mlgov", "eu-west-1")


def test_data_sources_are_answered_with_the_fake_organization():
    def program():
        identity = aws.get_caller_identity()
        organization = aws.organizations.get_organization()
        pulumi.export("account", identity.account_id)
        pulumi.export("root", organization.roots[0].id)

    plan = run_under_monitor(program, stack="t", organization=ORG)
    assert plan.outputs == {"account": ORG.management_account_id, "root": ORG.root_id}
    assert len(ORG.management_account_id) == 12 and ORG.root_id.startswith("r-")


def test_an_unknown_data_source_fails_loudly():
    def program():
        aws.ec2.get_vpc(default=True)

    with pytest.raises(ProgramError) as error:
        run_under_monitor(program, stack="t", organization=ORG)
    assert "aws:ec2/getVpc:getVpc" in str(error.value)
    assert "UnknownInvokeError" in str(error.value) and "mlgov.constants.InvokeToken" in str(error.value)


def test_a_failing_program_is_a_plan_error_not_a_traceback():
    def program():
        {}["missing"]

    with pytest.raises(ProgramError, match=r"KeyError: 'missing' \(at .*test_engine_runtime.py:\d+\)"):
        run_under_monitor(program, stack="t", organization=ORG)


def test_stack_references_resolve_to_earlier_outputs():
    def program():
        org = pulumi.StackReference("acme/mlgov/org")
        pulumi.export("ou", org.require_output("organizationalUnits").apply(lambda ous: ous["Sandbox"]["id"]))

    references = {"org": {"organizationalUnits": {"Sandbox": {"id": "ou-ab12-sandbox1"}}}}
    plan = run_under_monitor(program, stack="dev", organization=ORG, references=references)
    assert plan.outputs == {"ou": "ou-ab12-sandbox1"}
    (reference,) = plan.of_type(TypeToken.STACK_REFERENCE)
    assert reference.inputs["name"] == "acme/mlgov/org"


def test_a_reference_to_an_unplanned_stack_names_the_fix():
    def program():
        pulumi.StackReference("org")

    with pytest.raises(MissingStackReference, match="was not planned before"):
        run_under_monitor(program, stack="dev", organization=ORG)


def test_resources_through_an_explicit_provider_get_its_account():
    def program():
        provider = aws.Provider("member", region="eu-west-1", allowed_account_ids=["123456789012"])
        aws.kms.Key("key", opts=pulumi.ResourceOptions(provider=provider))
        aws.kms.Key("management-key")

    plan = run_under_monitor(program, stack="t", organization=ORG)
    keys = {key.name: key for key in plan.of_type(TypeToken.KMS_KEY)}
    assert keys["key"].outputs["arn"].startswith("arn:aws:kms:eu-west-1:123456789012:key/")
    assert keys["management-key"].outputs["arn"].startswith(f"arn:aws:kms:eu-west-1:{ORG.management_account_id}:key/")
    (provider,) = [p for p in plan.of_type(TypeToken.AWS_PROVIDER) if p.name == "member"]
    assert keys["key"].provider == f"{provider.urn}::{provider.id}"
    assert keys["management-key"].provider.startswith("urn:pulumi:t::mlgov::pulumi:providers:aws::default_")


def test_secrets_are_masked_in_the_plan():
    def program():
        aws.ssm.Parameter("token", type="SecureString", value=pulumi.Output.secret("s3cr3t-value"))

    plan = run_under_monitor(program, stack="t", organization=ORG)
    (parameter,) = [r for r in plan.resources if r.name == "token"]
    assert parameter.inputs["value"] == "[secret]"
    assert "s3cr3t-value" not in str(plan.to_dict())


def test_a_run_after_a_failed_one_is_not_disturbed_by_its_leftovers():
    """A failed run can leave output tasks of its (closed) loop behind; the next run must not wait on them."""

    def failing():
        pulumi.StackReference("org")

    def program():
        aws.kms.Key("key")

    for _ in range(2):
        with pytest.raises(MissingStackReference):
            run_under_monitor(failing, stack="dev", organization=ORG)
        plan = run_under_monitor(program, stack="t", organization=ORG)
        assert [key.name for key in plan.of_type(TypeToken.KMS_KEY)] == ["key"]
