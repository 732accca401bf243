"""Adopting existing resources: what is never read back is ignored, and the import file names the program's parents."""

from __future__ import annotations

import inspect
import json
import re

import pulumi
import pulumi_aws as aws
import pytest
from typer.testing import CliRunner

from mlgov.adoption import NOT_READ_BACK, AdoptionError, account_import_id, import_file
from mlgov.constants import TypeToken
from mlgov.engine.runner import run_under_monitor
from provider_docs import camel, resource_classes

# How the provider says an argument cannot be read back (argument docs) or comes only from the import id (import docs).
_NOT_READ_BACK_DOC = re.compile(r"no (?:\w+ )?API method for reading|cannot perform drift detection on its value|will always show a difference", re.I)
_IMPORT_ID_DOC = re.compile(r"import [^\n]*? that have set (\w+)")


def provider_documented_not_read_back(type_: str) -> set[str]:
    """Arguments of ``type_`` that pulumi-aws documents as never read back (engine names)."""
    resource, args = resource_classes(type_)
    found = set(_IMPORT_ID_DOC.findall(inspect.getsource(resource)))
    doc = inspect.getdoc(args.__init__) if args else ""
    for argument, text in re.findall(r":param [^\n]*? (\w+): (.*?)(?=\n\s*:param|\Z)", doc or "", re.S):
        if _NOT_READ_BACK_DOC.search(text):
            found.add(argument)
    return {camel(argument) for argument in found}


def test_the_scan_finds_what_the_account_docs_say():
    assert provider_documented_not_read_back(TypeToken.ACCOUNT) == {"roleName", "iamUserAccessToBilling"}
    assert provider_documented_not_read_back(TypeToken.ORGANIZATIONAL_UNIT) == set()


def test_the_table_covers_every_type_the_program_creates(all_plans):
    types = {r.type for plan in all_plans.values() for r in plan.resources if r.type.startswith("aws:")}
    for type_ in sorted(types):
        assert provider_documented_not_read_back(type_) <= set(NOT_READ_BACK.get(type_, ())), type_


def test_every_argument_never_read_back_is_ignored_where_the_program_sets_it(all_plans):
    checked = 0
    for plan in all_plans.values():
        for resource in plan.resources:
            for argument in NOT_READ_BACK.get(resource.type, ()):
                if argument in resource.inputs:
                    assert argument in resource.ignore_changes, (plan.name, resource.urn, argument)
                    checked += 1
    assert checked >= 2 * 8  # both arguments on at least the eight core accounts


def test_the_plan_records_ignore_changes():
    def program():
        aws.s3.Bucket("kept", opts=pulumi.ResourceOptions(ignore_changes=["tags", "bucket"]))
        aws.s3.Bucket("plain")

    result = run_under_monitor(program, stack="test")
    buckets = {b.name: b for b in result.of_type(TypeToken.S3_BUCKET)}
    assert buckets["kept"].ignore_changes == ["bucket", "tags"]
    assert buckets["plain"].ignore_changes == []
    assert buckets["kept"].to_dict()["ignore_changes"] == ["bucket", "tags"]


def test_import_file_places_accounts_and_ous_under_the_programs_components(org_plan_dict):
    document = import_file(org_plan_dict, {"account-log-archive": "111122223333", "ou-workloads-dev": "ou-ab12-cd34ef56"})
    entries = {e["name"]: e for e in document["resources"]}
    assert entries["account-log-archive"] == {"type": TypeToken.ACCOUNT, "name": "account-log-archive",
                                              "id": account_import_id("111122223333"), "parent": "core-accounts"}
    assert entries["account-log-archive"]["id"] == "111122223333_DENY"
    assert entries["core-accounts"] == {"type": "mlgov:member_accounts:MemberAccounts", "name": "core-accounts", "component": True}
    assert entries["ou-workloads-dev"]["parent"] == "ous" and entries["ous"]["component"] is True
    names = [e["name"] for e in document["resources"]]
    assert names.index("core-accounts") < names.index("account-log-archive")
    # The URN the import creates is the URN the program registers.
    planned = {r["name"]: r["urn"] for r in org_plan_dict["resources"]}
    assert planned["account-log-archive"].endswith("mlgov:member_accounts:MemberAccounts$aws:organizations/account:Account::account-log-archive")


@pytest.mark.parametrize("ids, words", [
    ({"account-nope": "111122223333"}, "no resource of that name"),
    ({"account-log-archive": "1111"}, "12-digit"),
    ({"ou-workloads-dev": "r-ab12"}, "OU id"),
])
def test_import_file_refuses_what_it_cannot_adopt(org_plan_dict, ids, words):
    with pytest.raises(AdoptionError, match=words):
        import_file(org_plan_dict, ids)


def test_adopt_command_writes_the_file_and_exits_2_on_bad_input(tmp_path, org_plan_dict):
    from mlgov.cli import _register_commands, app

    _register_commands()
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps({"stacks": [org_plan_dict]}))
    runner = CliRunner()
    ok = runner.invoke(app, ["adopt", "--plan-file", str(plan_file), "--id", "account-network=123456789012"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["resources"][-1]["id"] == "123456789012_DENY"
    for bad in (["--id", "account-network"], ["--id", "account-network=12"], ["--id", "a=1", "--id", "a=2"]):
        result = runner.invoke(app, ["adopt", "--plan-file", str(plan_file), *bad])
        assert result.exit_code == 2, (bad, result.output)
        assert "Fix:" in result.output and "Traceback" not in result.output


def test_readme_adopts_with_the_import_file(repo, org_plan_dict):
    section = repo.joinpath("README.md").read_text().split("### Adopting an existing organization", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(?:venv/bin/python -m )?mlgov adopt (.*?)(?: >|$)", section, re.M)
    assert commands, "the README shows no `mlgov adopt` command"
    for arguments in commands:
        ids = dict(pair.split("=", 1) for pair in re.findall(r"--id (\S+)", arguments))
        import_file(org_plan_dict, ids)  # names and ids the README shows are valid for the sample stack
    assert "pulumi import --stack org --file" in section
    assert not re.search(r"pulumi import [^\n]*aws:organizations/account:Account", section), "single-resource import of an account loses its parent"


def test_resource_of_an_explicit_provider_names_the_provider_and_its_existing_parent(org_plan_dict):
    detector = next(r for r in org_plan_dict["resources"] if r["type"] == TypeToken.GUARDDUTY_DETECTOR)
    document = import_file(org_plan_dict, {detector["name"]: "abcdef0123456789abcdef0123456789"})
    (entry,) = document["resources"]  # no placeholder: the provider's component is in the state already
    provider_urn = detector["provider"].rsplit("::", 1)[0]
    assert document["nameTable"][entry["provider"]] == provider_urn
    assert document["nameTable"][entry["parent"]] == detector["parent"]
