"""Bad stack files: every mistake is reported at once, by key path, with exit code 2."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

SAMPLE = Path(__file__).resolve().parents[2] / "stacks" / "Pulumi.org.yaml"


def sample() -> dict:
    return yaml.safe_load(SAMPLE.read_text())


def write_stack(tmp_path: Path, document: dict) -> Path:
    (tmp_path / "Pulumi.org.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return tmp_path


def accounts(doc):
    return doc["config"]["mlgov:coreAccounts"]


def standard_ous(doc):
    from mlgov.constants import STANDARD_OU_TREE

    doc["config"]["mlgov:organizationalUnits"] = [{"name": str(n), "parent": str(p)} for n, p in STANDARD_OU_TREE]
    return doc["config"]["mlgov:organizationalUnits"]


def _dup_email(doc):
    accounts(doc)[1]["email"] = "aws+log-archive@example.com"


def _bad_email(doc):
    accounts(doc)[0]["email"] = "not-an-email"


def _long_email(doc):
    accounts(doc)[0]["email"] = "a" * 60 + "@example.com"


def _unknown_ou(doc):
    accounts(doc)[2]["ou"] = "Secruity"


def _six_deep(doc):
    ous = standard_ous(doc)
    parent = "Workloads_Dev"
    for depth in range(3, 7):
        ous.append({"name": f"Level{depth}", "parent": parent})
        parent = f"Level{depth}"


def _long_account_name(doc):
    accounts(doc)[0]["name"] = "x" * 51


def _unknown_environment(doc):
    doc["config"]["mlgov:sagemakerInstanceTypes"]["staging"] = ["ml.m5.large"]


def _duplicate_ou_under_parent(doc):
    standard_ous(doc).append({"name": "Workloads_Dev", "parent": "Workloads"})


def _unknown_parent(doc):
    standard_ous(doc).append({"name": "Research", "parent": "Labs"})


def _cycle(doc):
    ous = standard_ous(doc)
    ous += [{"name": "A", "parent": "B"}, {"name": "B", "parent": "A"}]


def _home_region_not_allowed(doc):
    doc["config"]["mlgov:organization"]["allowedRegions"] = ["eu-central-1"]


def _bad_region(doc):
    doc["config"]["mlgov:organization"]["homeRegion"] = "Ireland"


def _unknown_key(doc):
    doc["config"]["mlgov:organization"]["allowedRegion"] = ["eu-west-1"]


def _missing_core_role(doc):
    del accounts(doc)[-1]


def _template_too_long(doc):
    # "security-read-only" (index 2) makes the longest address; break-glass has its own email.
    doc["config"]["mlgov:organization"]["accountEmailTemplate"] = "aws+{account}@" + "m" * 36 + ".example.com"


def _template_without_placeholder(doc):
    doc["config"]["mlgov:organization"]["accountEmailTemplate"] = "aws@example.com"


def _long_ou_name(doc):
    standard_ous(doc).append({"name": "O" * 129, "parent": "Root"})


def _bad_stack_kind(doc):
    doc["config"]["mlgov:kind"] = "organisation"


def _guardrail_to_unknown_ou(doc):
    doc["config"]["mlgov:guardrailAttachments"] = {"deny-sagemaker-endpoints": ["Sandbox", "Workloads_Test"]}


def _unknown_guardrail(doc):
    doc["config"]["mlgov:guardrailAttachments"] = {"deny-everything": ["Sandbox"]}


def _instance_types_for_an_ou_without_them(doc):
    # The catalogue knows the key, but builds it only for OUs that have instance types configured.
    doc["config"]["mlgov:guardrailAttachments"] = {"sagemaker-instance-types-security": ["Security"]}


def _tag_key_with_a_space(doc):
    doc["config"]["mlgov:organization"]["costAllocationTags"] = ["cost center"]


def _bad_role_name(doc):
    doc["config"]["mlgov:organization"]["accountAccessRoleName"] = "Org Access Role!"


CASES = [
    (_dup_email, "mlgov:coreAccounts[1].email", "already used"),
    (_bad_email, "mlgov:coreAccounts[0].email", "not a valid email"),
    (_long_email, "mlgov:coreAccounts[0].email", "6-64"),
    (_template_too_long, "mlgov:coreAccounts[2].email", "made from organization.accountEmailTemplate"),
    (_unknown_ou, "mlgov:coreAccounts[2].ou", "does not exist"),
    (_six_deep, "mlgov:organizationalUnits[13].parent", "6 levels below the root"),
    (_long_account_name, "mlgov:coreAccounts[0].name", "1-50"),
    (_unknown_environment, "mlgov:sagemakerInstanceTypes.staging", "sandbox"),
    (_duplicate_ou_under_parent, "mlgov:organizationalUnits[10].name", "same parent"),
    (_unknown_parent, "mlgov:organizationalUnits[10].parent", "does not exist"),
    (_cycle, "mlgov:organizationalUnits[10].parent", "circular"),
    (_home_region_not_allowed, "mlgov:organization.allowedRegions", "home region"),
    (_bad_region, "mlgov:organization.homeRegion", "region"),
    (_unknown_key, "mlgov:organization.allowedRegion", "Extra inputs"),
    (_missing_core_role, "mlgov:coreAccounts", "data-lake"),
    (_template_without_placeholder, "mlgov:organization.accountEmailTemplate", "{account}"),
    (_long_ou_name, "mlgov:organizationalUnits[10].name", "1-128"),
    (_bad_stack_kind, "mlgov:kind", "stack kind"),
    (_guardrail_to_unknown_ou, "mlgov:guardrailAttachments.deny-sagemaker-endpoints[1]", "does not exist"),
    (_unknown_guardrail, "mlgov:guardrailAttachments.deny-everything", "not a guardrail"),
    (_instance_types_for_an_ou_without_them, "mlgov:guardrailAttachments.sagemaker-instance-types-security", "not a guardrail"),
    (_tag_key_with_a_space, "mlgov:organization.costAllocationTags[0]", "tag key"),
    (_bad_role_name, "mlgov:organization.accountAccessRoleName", "IAM role name"),
]


@pytest.mark.parametrize("mutate, path, words", CASES, ids=[case[0].__name__.strip("_") for case in CASES])
def test_bad_config_exits_2_naming_the_key_path(plan_errors, tmp_path, mutate, path, words):
    document = sample()
    mutate(document)
    output, lines = plan_errors("org", path, write_stack(tmp_path, document))
    assert lines, f"no error line for {path} in:\n{output}"
    assert any(words in line for line in lines), output
    assert "Fix:" in lines[0]
    assert "Traceback" not in output


def test_several_mistakes_are_reported_together(run_plan, tmp_path):
    document = sample()
    for mutate in (_dup_email, _long_account_name, _unknown_ou, _bad_region):
        mutate(document)
    result = run_plan("org", write_stack(tmp_path, document))
    assert result.exit_code == 2
    # The bad home region is also missing from allowedRegions: five errors from four edits.
    assert "5 errors" in result.output
    for path in ("coreAccounts[1].email", "coreAccounts[0].name", "coreAccounts[2].ou", "organization.homeRegion", "organization.allowedRegions"):
        assert f"mlgov:{path}:" in result.output


def test_the_sample_itself_is_valid(run_plan, tmp_path):
    result = run_plan("org", write_stack(tmp_path, copy.deepcopy(sample())))
    assert result.exit_code == 0, result.output
    assert "Workloads_Dev" in result.output


def test_invalid_yaml_is_a_config_error(run_plan, tmp_path):
    (tmp_path / "Pulumi.org.yaml").write_text("config:\n  mlgov:kind: [org\n")
    result = run_plan("org", tmp_path)
    assert result.exit_code == 2
    assert "not valid YAML" in result.output


def test_missing_stack_file_names_the_stacks_present(run_plan, tmp_path):
    write_stack(tmp_path, sample())
    result = run_plan("staging", tmp_path)
    assert result.exit_code == 2
    assert "stacks here: org" in result.output
