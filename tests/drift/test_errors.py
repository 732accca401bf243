"""Bad input and AWS errors: exit 2, a message naming the fix, no traceback."""

from __future__ import annotations

import json

from typer.testing import CliRunner


def _assert_clean_failure(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_endpoint_not_reachable(run_verify, closed_port_url):
    _assert_clean_failure(run_verify(endpoint=closed_port_url), "cannot reach AWS Organizations", "Fix: check --endpoint-url")


def test_no_credentials(run_verify, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    _assert_clean_failure(run_verify(), "no AWS credentials", "Fix:")


def test_unknown_profile(run_verify):
    _assert_clean_failure(run_verify("--profile", "nope"), "--profile nope", "Fix:")


def test_no_organization(run_verify):
    """Credentials of an account outside any organization (moto, freshly reset)."""
    _assert_clean_failure(run_verify(), "AWSOrganizationsNotInUseException", "Fix: use credentials of the organization's management account")


def test_bad_plan_files(run_verify, tmp_path, org_plan_dict):
    _assert_clean_failure(run_verify(plan=tmp_path / "missing.json"), "no such file")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    _assert_clean_failure(run_verify(plan=broken), "not valid JSON")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"stacks": [{**org_plan_dict, "name": "dev", "kind": "env"}]}))
    _assert_clean_failure(run_verify(plan=other), "no stack 'org'", "stacks: dev")
    shapeless = tmp_path / "shapeless.json"
    shapeless.write_text("[1, 2]")
    _assert_clean_failure(run_verify(plan=shapeless), '"stacks" list')


def test_non_org_stack_refused(cli_app, tmp_path, org_plan_dict, moto):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"stacks": [{**org_plan_dict, "name": "dev", "kind": "env"}]}))
    result = CliRunner().invoke(cli_app, ["verify", "--stack", "dev", "--plan-file", str(other), "--endpoint-url", moto])
    _assert_clean_failure(result, "kind 'env'", "org stack")


def test_unknown_stack_when_planning(cli_app, moto):
    result = CliRunner().invoke(cli_app, ["verify", "--stack", "nosuch", "--endpoint-url", moto])
    _assert_clean_failure(result, "nosuch")
