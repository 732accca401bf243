"""``mlgov verify``: drift between the org stack's plan and the live organization.

Plans the stack offline (or reads ``--plan-file``), reads the live organization
with boto3 (management-account credentials; ``--endpoint-url`` for moto) and
prints every difference. Exit codes: 0 no drift, 1 drift, 2 bad input or an AWS
error (credentials, endpoint, permissions), each with a message naming the fix.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from mlgov.commands.common import ExitCode, fail, load_plan_stacks
from mlgov.constants import TypeToken


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


# ClientError codes -> the fix to name.
_CLIENT_ERROR_FIXES = {
    "AWSOrganizationsNotInUseException": "these credentials' account is not in an organization. Fix: use credentials of the organization's management account (or create the organization first)",
    "AccessDeniedException": "the caller may not read the organization. Fix: use credentials of the management account or of a delegated administrator with organizations:Describe*/List* permissions",
    "AccessDenied": "the caller may not read the organization. Fix: use credentials of the management account or of a delegated administrator with organizations:Describe*/List* permissions",
    "UnrecognizedClientException": "the credentials are not valid. Fix: refresh them (aws sso login / aws configure) or pick another --profile",
    "InvalidClientTokenId": "the credentials are not valid. Fix: refresh them (aws sso login / aws configure) or pick another --profile",
    "ExpiredTokenException": "the session token has expired. Fix: refresh the credentials (aws sso login) and run again",
    "ExpiredToken": "the session token has expired. Fix: refresh the credentials (aws sso login) and run again",
    "TooManyRequestsException": "AWS throttled the requests. Fix: wait a minute and run again",
}


def _planned_settings(stack: dict[str, Any]) -> tuple[list[str] | None, str | None, list[str]]:
    """The planned Organization's enabled policy types and feature set, and the policy types of its Policies."""
    enabled: list[str] | None = None
    feature_set: str | None = None
    policy_types = ["SERVICE_CONTROL_POLICY"]
    for resource in stack["resources"]:
        inputs = resource.get("inputs") or {}
        if resource.get("type") == TypeToken.ORGANIZATION:
            enabled = [str(t) for t in inputs.get("enabledPolicyTypes") or []]
            feature_set = inputs.get("featureSet") or None
        elif resource.get("type") == TypeToken.POLICY:
            policy_type = str(inputs.get("type") or "SERVICE_CONTROL_POLICY")
            if policy_type not in policy_types:
                policy_types.append(policy_type)
    return enabled, feature_set, policy_types


def _read_live(policy_types: list[str], endpoint_url: str | None, region: str | None, profile: str | None):
    from botocore import exceptions as bx

    from mlgov.drift.live import LiveOrgError, organizations_client, read_live_org

    where = f" at {endpoint_url}" if endpoint_url else ""
    try:
        client = organizations_client(endpoint_url=endpoint_url, region=region, profile=profile)
        return read_live_org(client, policy_types)
    except bx.ProfileNotFound:
        fail(f"--profile {profile}: no such profile. Fix: pick a profile from ~/.aws/config (aws configure list-profiles)")
    except (bx.NoCredentialsError, bx.PartialCredentialsError):
        fail("no AWS credentials found. Fix: set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY of the management account")
    except (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError, bx.TokenRetrievalError) as error:
        fail(f"AWS SSO session unusable ({error}). Fix: run `aws sso login` for that profile")
    except (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ReadTimeoutError, bx.ConnectionClosedError) as error:
        fix = "check --endpoint-url and that the server is running" if endpoint_url else "check the network, proxy and --region"
        fail(f"cannot reach AWS Organizations{where} ({error}). Fix: {fix}")
    except bx.InvalidEndpointConfigurationError as error:
        fail(f"--endpoint-url {endpoint_url}: {error}. Fix: pass a URL such as http://127.0.0.1:5000")
    except ValueError as error:  # e.g. an endpoint URL botocore cannot parse
        fail(f"cannot create the AWS client ({error}). Fix: check --endpoint-url and --region")
    except bx.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        fix = _CLIENT_ERROR_FIXES.get(code, "Fix: check the credentials and that they belong to the organization's management account")
        fail(f"AWS Organizations{where} refused: {code}: {message} -- {fix}")
    except bx.BotoCoreError as error:
        fail(f"AWS client error{where}: {error}. Fix: check --endpoint-url, --region and --profile")
    except LiveOrgError as error:
        fail(f"the live organization{where} is unusable: {error}")


def _render_text(stack: str, live, report) -> str:
    lines: list[str] = []
    org = f"organization {live.organization_id or '?'} (root {live.root_id}, management account {live.management_account_id or '?'})"
    compared = report.compared
    if report.ok:
        lines.append(
            f"No drift: the live {org} matches stack {stack!r} "
            f"({compared['ous']} OUs, {compared['accounts']} accounts, {compared['policies']} policies, {compared['attachments']} attachments)."
        )
    else:
        lines.append(f"Drift between stack {stack!r} and the live {org}: {len(report.drift)} finding(s)")
        kind_width = max(len(item.kind) for item in report.drift)
        for item in report.drift:
            lines.append(f"  {item.kind.ljust(kind_width)}  {item.subject}: {item.detail}")
        lines.append("By kind: " + ", ".join(f"{kind} {count}" for kind, count in report.by_kind().items()))
    if report.notes:
        lines.append("Notes (not drift):")
        lines.extend(f"  - {note}" for note in report.notes)
    return "\n".join(lines)


def verify(
    stack: Annotated[str, typer.Option("--stack", help="The stack that owns the organization (kind org).")] = "org",
    plan_file: Annotated[Optional[Path], typer.Option("--plan-file", help="A plan written by `mlgov plan --format json`; planned now when omitted.")] = None,
    endpoint_url: Annotated[Optional[str], typer.Option("--endpoint-url", help="AWS Organizations endpoint (e.g. a moto_server URL).")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="Region for the Organizations client (default: configured, else us-east-1).")] = None,
    profile: Annotated[Optional[str], typer.Option("--profile", help="AWS profile of the management account.")] = None,
    format: Annotated[Format, typer.Option("--format", help="Report format.")] = Format.TEXT,
) -> None:
    """Compare the live organization with the org stack's plan (and the accounts the other stacks vend); exit 1 on any drift."""
    from mlgov.drift.compare import compare_report
    from mlgov.engine.org_view import OrgView

    plans = load_plan_stacks(None, plan_file)
    if stack not in plans:
        fail(f"no stack {stack!r} in {'the plan file' if plan_file else 'this project'} (stacks: {', '.join(plans) or 'none'}). Fix: pass --stack with the org stack")
    planned_stack, other_stacks = plans[stack], [plan for name, plan in plans.items() if name != stack]
    kind = planned_stack.get("kind")
    if kind not in (None, "org"):
        fail(f"stack {stack!r} is of kind {kind!r}; verify compares the organization. Fix: pass --stack with the org stack")
    try:
        planned = OrgView.from_stack(planned_stack)
    except (KeyError, TypeError, AttributeError) as error:
        fail(f"stack {stack!r}: the plan's resources are malformed ({type(error).__name__}: {error}). Fix: regenerate it with `mlgov plan --format json`")
    if not planned.root_id:
        fail(f"stack {stack!r} plans no organization root (no Organization resource, no rootId output). Fix: pass --stack with the org stack")
    enabled, feature_set, policy_types = _planned_settings(planned_stack)
    live = _read_live(policy_types, endpoint_url, region, profile)
    # Project accounts are created by the environment stacks: live, they are theirs, not drift of this one.
    vended = [
        str(r.get("inputs", {}).get("email", ""))
        for other in other_stacks for r in other.get("resources", []) if r.get("type") == TypeToken.ACCOUNT
    ]
    report = compare_report(planned, live, enabled_policy_types=enabled, feature_set=feature_set, vended_emails=vended)
    if format == Format.JSON:
        document = {
            "stack": stack,
            "organization": {"id": live.organization_id, "root_id": live.root_id, "management_account_id": live.management_account_id},
            **report.to_dict(),
        }
        typer.echo(json.dumps(document, indent=2))
    else:
        typer.echo(_render_text(stack, live, report))
    if not report.ok:
        raise typer.Exit(int(ExitCode.FINDINGS))


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
