"""``mlgov studio-url``: argument handling before any AWS call, domain lookup against moto, the AWS call.

moto 5.2.5 implements CreateDomain and ListDomains but not CreatePresignedDomainUrl:
the end-to-end test skips with that reason (and runs as soon as moto gains it);
the request it would send is checked with botocore's Stubber instead.
"""

from __future__ import annotations

import boto3
import pytest
import typer
from botocore.stub import Stubber
from typer.testing import CliRunner

from mlgov.commands import studio_url as command
from mlgov.studio import SignInRequest, StudioError, presigned_url

REGION = "eu-west-1"
MOTO_HAS_PRESIGNED_URL = False
try:
    from moto.sagemaker.responses import SageMakerResponse

    MOTO_HAS_PRESIGNED_URL = hasattr(SageMakerResponse, "create_presigned_domain_url")
except ImportError:  # pragma: no cover - moto is a test requirement
    pass


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """mlgov"""

    command.register(app)
    return app


def _run(*args: str):
    return CliRunner().invoke(_app(), ["studio-url", *args])


@pytest.fixture
def aws_env(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def no_aws(monkeypatch):
    """Any AWS client creation fails the test: argument errors must stop before AWS."""

    def refuse(*args, **kwargs):
        raise AssertionError("an AWS client was created")

    monkeypatch.setattr(boto3, "client", refuse)


@pytest.mark.parametrize(
    ("option", "value"),
    [("--ttl", "4"), ("--ttl", "301"), ("--ttl", "0"), ("--session-seconds", "1799"), ("--session-seconds", "43201")],
)
def test_out_of_range_values_exit_2_naming_option_value_and_fix(no_aws, option, value):
    result = _run("--stack", "dev", "--project", "churn-model", "--user", "jonas-berg", option, value)
    assert result.exit_code == 2, result.output
    assert f"{option} {value}" in result.output
    assert "Fix:" in result.output


@pytest.mark.parametrize(("ttl", "session"), [("5", "1800"), ("300", "43200")])
def test_range_limits_are_inclusive(monkeypatch, ttl, session):
    seen = {}

    def fake_presigned_url(client, request):
        seen["request"] = request
        return "https://example.studio.eu-west-1.sagemaker.aws/auth?token=x"

    monkeypatch.setattr(command, "presigned_url", fake_presigned_url)
    monkeypatch.setattr(boto3, "client", lambda *a, **k: object())
    result = _run("--stack", "dev", "--project", "churn-model", "--user", "jonas-berg", "--ttl", ttl, "--session-seconds", session)
    assert result.exit_code == 0, result.output
    assert seen["request"] == SignInRequest("churn-model", "jonas-berg", int(ttl), int(session))


def test_unknown_project_exits_2_listing_the_stack_projects(no_aws):
    result = _run("--stack", "dev", "--project", "no-such-project", "--user", "jonas-berg")
    assert result.exit_code == 2
    assert "--project no-such-project" in result.output and "churn-model" in result.output


def test_project_not_in_this_stage_exits_2(no_aws):
    result = _run("--stack", "prod", "--project", "fraud-explore", "--user", "amira-haddad")
    assert result.exit_code == 2
    assert "vends no such project" in result.output


def test_unknown_stack_exits_2(no_aws):
    result = _run("--stack", "qa", "--project", "churn-model", "--user", "jonas-berg")
    assert result.exit_code == 2
    assert "--stack qa" in result.output


def _moto_domain(client, name):
    return client.create_domain(
        DomainName=name,
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/mlgov-churn-model-sagemaker-execution"},
        SubnetIds=["subnet-0a1b2c3d4e5f60001"],
        VpcId="vpc-0a1b2c3d4e5f60718",
    )["DomainArn"].rsplit("/", 1)[-1]


def test_missing_domain_exits_2_against_moto(aws_env):
    from moto import mock_aws

    with mock_aws():
        _moto_domain(boto3.client("sagemaker", region_name=REGION), "mlgov-other-project")
        result = _run("--stack", "dev", "--project", "churn-model", "--user", "jonas-berg")
    assert result.exit_code == 2
    assert "no SageMaker Studio domain 'mlgov-churn-model'" in result.output


@pytest.mark.skipif(not MOTO_HAS_PRESIGNED_URL, reason="moto 5.2.5 does not implement CreatePresignedDomainUrl")
def test_prints_the_url_against_moto(aws_env):
    from moto import mock_aws

    with mock_aws():
        domain_id = _moto_domain(boto3.client("sagemaker", region_name=REGION), "mlgov-churn-model")
        result = _run("--stack", "dev", "--project", "churn-model", "--user", "jonas-berg", "--ttl", "60")
    assert result.exit_code == 0, result.output
    assert domain_id in result.output and result.output.strip().startswith("https://")


def _stubbed_client():
    client = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    stubber.add_response(
        "list_domains",
        {"Domains": [{"DomainId": "d-other00000001", "DomainName": "mlgov-other"}, {"DomainId": "d-abc123def456", "DomainName": "mlgov-churn-model"}]},
        {},
    )
    return client, stubber


def test_request_sent_to_aws_names_the_domain_profile_ttl_and_session():
    client, stubber = _stubbed_client()
    url = "https://d-abc123def456.studio.eu-west-1.sagemaker.aws/auth?token=abc"
    stubber.add_response(
        "create_presigned_domain_url",
        {"AuthorizedUrl": url},
        {"DomainId": "d-abc123def456", "UserProfileName": "jonas-berg", "ExpiresInSeconds": 120, "SessionExpirationDurationInSeconds": 3600},
    )
    with stubber:
        assert presigned_url(client, SignInRequest("churn-model", "jonas-berg", 120, 3600)) == url
        stubber.assert_no_pending_responses()


def test_aws_error_becomes_a_message_with_the_error_code():
    client, stubber = _stubbed_client()
    stubber.add_client_error("create_presigned_domain_url", service_error_code="ResourceNotFound", service_message="User profile does not exist")
    with stubber, pytest.raises(StudioError) as error:
        presigned_url(client, SignInRequest("churn-model", "nobody"))
    assert "ResourceNotFound" in str(error.value) and "Fix:" in str(error.value)


def test_aws_error_exits_2_through_the_command(monkeypatch):
    client, stubber = _stubbed_client()
    stubber.add_client_error("create_presigned_domain_url", service_error_code="AccessDeniedException", service_message="not your profile", http_status_code=400)
    monkeypatch.setattr(boto3, "client", lambda *a, **k: client)
    with stubber:
        result = _run("--stack", "dev", "--project", "churn-model", "--user", "priya-nair")
    assert result.exit_code == 2
    assert "AccessDeniedException" in result.output
