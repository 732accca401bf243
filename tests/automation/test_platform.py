"""The automation layer: the offline engine through ``Platform`` (real plans, real policy pack), engine selection,
and how Automation API errors and engine events become typed results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pulumi.automation import errors as auto_errors
from pulumi.automation._cmd import CommandResult
from pulumi.automation.events import EngineEvent

from mlgov.automation import (
    EngineFailure, EngineUnavailableError, OfflineEngine, Platform, PolicyViolation, PolicyViolationsError, StackBusyError,
    StackNotFoundError, StalePlanError, select_engine,
)
from mlgov.automation.pulumi_engine import EventRecorder, map_error
from mlgov.constants import TypeToken

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policypacks" / "ml-guardrails"


@pytest.fixture
def broken_bucket(tmp_path) -> Path:
    """A project whose plan breaks a mandatory policy (public bucket), with the real pack beside it."""
    broken = REPO / "tests" / "policypack" / "broken"
    shutil.copytree(broken / "_common", tmp_path / "broken" / "_common")
    project = shutil.copytree(broken / "bucket-public", tmp_path / "broken" / "bucket-public")
    (project / "policypacks").mkdir()
    (project / "policypacks" / "ml-guardrails").symlink_to(PACK)
    return project


def test_offline_preview_reports_changes_and_mandatory_violations(broken_bucket):
    platform = Platform(broken_bucket, engine="offline")
    assert (platform.engine_name, platform.can_apply) == ("offline", False)
    result = platform.preview(["dev"])
    [stack] = result.stacks
    assert stack.engine == "offline" and stack.changes and {change.op for change in stack.changes} == {"create"}
    assert TypeToken.S3_BUCKET in {change.type for change in stack.changes}
    assert [(v.policy, v.level, v.new) for v in result.mandatory_violations] == [("s3-public-access-block", "mandatory", True)]
    assert "s3-public-access-block" in stack.markdown
    # The preview survives a round trip through JSON (the service stores it so).
    again = type(stack).from_dict(json.loads(json.dumps(stack.to_dict())))
    assert again.changes == stack.changes and again.violations == stack.violations


def test_offline_preview_against_the_same_base_changes_nothing(broken_bucket):
    result = Platform(broken_bucket, engine="offline").preview(["dev"], base_dir=broken_bucket)
    [stack] = result.stacks
    assert not stack.has_changes and result.affected == []
    assert [(v.policy, v.new) for v in stack.violations] == [("s3-public-access-block", False)]  # there before, not new


def test_the_offline_engine_refuses_to_apply(tmp_path):
    platform = Platform(REPO, engine="offline")
    with pytest.raises(EngineUnavailableError, match="Pulumi CLI") as raised:
        platform.up("dev")
    assert raised.value.code == "engine_unavailable"
    with pytest.raises(EngineUnavailableError):
        platform.outputs("dev")


def test_engine_selection_without_a_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MLGOV_PULUMI_ROOT", raising=False)
    assert isinstance(select_engine("auto", project_dir=tmp_path), OfflineEngine)
    with pytest.raises(EngineUnavailableError, match="no Pulumi CLI found"):
        select_engine("pulumi", project_dir=tmp_path)
    with pytest.raises(ValueError):
        select_engine("terraform")


def test_engine_selection_with_a_cli_needs_a_backend_and_a_passphrase(tmp_path, monkeypatch):
    cli = tmp_path / "root" / "bin" / "pulumi"
    cli.parent.mkdir(parents=True)
    cli.write_text("#!/bin/sh\necho v3.0.0\n")
    cli.chmod(0o755)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    with pytest.raises(EngineUnavailableError, match="backend"):
        select_engine("pulumi", pulumi_root=tmp_path / "root")
    with pytest.raises(EngineUnavailableError, match="PULUMI_CONFIG_PASSPHRASE"):
        select_engine("pulumi", pulumi_root=tmp_path / "root", backend_url="file:///tmp/state")
    engine = select_engine("pulumi", pulumi_root=tmp_path / "root", backend_url="file:///tmp/state", passphrase="p")
    assert engine.name == "pulumi" and engine.settings.root == tmp_path / "root"


def _command_error(kind, stderr: str, stdout: str = ""):
    return kind(CommandResult(stdout=stdout, stderr=stderr, code=255))


@pytest.mark.parametrize("error,violations,expected,words", [
    (_command_error(auto_errors.ConcurrentUpdateError, "error: the stack is currently locked by 1 lock(s)"), [], StackBusyError, "busy"),
    (_command_error(auto_errors.StackNotFoundError, "error: no stack named 'dev' found"), [], StackNotFoundError, "does not exist"),
    (_command_error(auto_errors.CommandError, "error: preview failed"), [PolicyViolation("p", "mandatory", "urn:x", "no")],
     PolicyViolationsError, "1 mandatory"),
    (_command_error(auto_errors.CommandError, "error: resource urn:pulumi:dev::mlgov::x::y violates plan: properties changed"), [],
     StalePlanError, "departs from the update plan"),
    (_command_error(auto_errors.CommandError, "warning: slow\nerror: AccessDenied: not allowed"), [PolicyViolation("p", "advisory", "u", "m")],
     EngineFailure, "AccessDenied: not allowed"),
])
def test_automation_api_errors_become_typed_errors(error, violations, expected, words):
    mapped = map_error(error, "dev", violations)
    assert type(mapped) is expected and mapped.stack == "dev"
    assert words in mapped.message
    if expected is PolicyViolationsError:
        assert mapped.details["violations"] == [violations[0].to_dict()]


def _event(sequence: int, **payload) -> EngineEvent:
    return EngineEvent.from_json({"sequence": sequence, "timestamp": 0, **payload})


def _step(op: str, urn: str, diffs=None, protect=False) -> dict:
    state = {"type": urn.split("::")[2], "urn": urn, "protect": protect, "retainOnDelete": False, "inputs": {}, "outputs": {}}
    return {"metadata": {"op": op, "urn": urn, "type": state["type"], "provider": "", "new": state, "old": state, "diffs": diffs or []}}


def test_engine_events_become_changes_violations_and_progress():
    seen = []
    recorder = EventRecorder("dev", "up", seen.append, expected=3)
    account = "urn:pulumi:dev::mlgov::aws:organizations/account:Account::account-x"
    bucket = "urn:pulumi:dev::mlgov::aws:s3/bucket:Bucket::data"
    events = [
        _event(1, resourcePreEvent=_step("create", account, protect=True)),
        _event(2, resourcePreEvent=_step("update", bucket, diffs=["tags"])),
        _event(3, resourcePreEvent=_step("create-replacement", bucket)),
        _event(4, resourcePreEvent=_step("same", "urn:pulumi:dev::mlgov::aws:s3/bucket:Bucket::other")),
        _event(5, policyEvent={"message": "no public", "color": "never", "policyName": "s3-public-access-block", "policyPackName": "p",
                               "policyPackVersion": "1", "policyPackVersionTag": "1", "enforcementLevel": "mandatory", "resourceUrn": bucket}),
        _event(6, resOutputsEvent=_step("create", account)),
    ]
    for event in events:
        recorder(event)
    assert [(c.op, c.name, c.properties, c.protect) for c in recorder.changes()] == [
        ("create", "account-x", [], True), ("replace", "data", ["tags"], False)]
    assert [(v.policy, v.level, v.urn) for v in recorder.violations] == [("s3-public-access-block", "mandatory", bucket)]
    assert [(p.stack, p.operation, p.done, p.total) for p in seen] == [("dev", "up", 1, 3)]


def test_changes_name_replacements_with_their_causes():
    from mlgov.automation.offline import changes_of
    from mlgov.diff.model import PropertyChange, ResourceChange as DiffChange, StackDiff

    account = "urn:pulumi:dev::mlgov::aws:organizations/account:Account::account-x"
    bucket = "urn:pulumi:dev::mlgov::aws:s3/bucket:Bucket::data"
    diff = StackDiff("dev", "environment", True, True, changed=[
        DiffChange(account, TypeToken.ACCOUNT, "account-x", "update", True,
                   [PropertyChange("/email", "a@example.com", "b@example.com")], ["email"]),
        DiffChange(bucket, TypeToken.S3_BUCKET, "data", "update", False, [PropertyChange("/tags/team", "a", "b")]),
    ], removed=[DiffChange("urn:pulumi:dev::mlgov::aws:organizations/account:Account::account-y", TypeToken.ACCOUNT,
                           "account-y", "remove", True)])
    base = {"resources": [{"urn": "urn:pulumi:dev::mlgov::aws:organizations/account:Account::account-y", "retain_on_delete": True}]}
    assert [(c.op, c.name, c.properties, c.protect, c.retain_on_delete) for c in changes_of(diff, base)] == [
        ("delete", "account-y", [], True, True), ("replace", "account-x", ["email"], True, False), ("update", "data", ["tags"], False, False)]
