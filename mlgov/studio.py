"""Studio sign-in: a presigned URL to a project's SageMaker Studio domain, with boto3.

The domain of a project is ``mlgov-<project>`` in the project's account of the
stage (components/baseline/studio.py); a person's user profile is their user
name made profile-safe (lower-case, dashes). The caller signs in to that account
first (Identity Center); the permission set lets them presign only their own
profile (ABAC tag ``studiouserid``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlgov.naming import kebab

TTL_RANGE = (5, 300)
"""ExpiresInSeconds: how long the URL itself can be used (AWS accepts 5-300)."""
SESSION_RANGE = (1_800, 43_200)
"""SessionExpirationDurationInSeconds: how long the Studio session lasts (AWS accepts 1,800-43,200)."""
DEFAULT_TTL = 60
DEFAULT_SESSION = 8 * 3_600


class StudioError(Exception):
    """A user-facing failure; the message names what went wrong and the fix."""


@dataclass(frozen=True)
class SignInRequest:
    project: str
    user: str
    ttl: int = DEFAULT_TTL
    session_seconds: int = DEFAULT_SESSION


def argument_problems(ttl: int, session_seconds: int) -> list[str]:
    """Every out-of-range value, checked before any AWS call."""
    problems = []
    low, high = TTL_RANGE
    if not low <= ttl <= high:
        problems.append(f"--ttl {ttl}: the URL lifetime must be {low}-{high} seconds (AWS ExpiresInSeconds). Fix: pass e.g. --ttl 60")
    low, high = SESSION_RANGE
    if not low <= session_seconds <= high:
        problems.append(
            f"--session-seconds {session_seconds}: the Studio session must last {low:,}-{high:,} seconds "
            f"(AWS SessionExpirationDurationInSeconds). Fix: pass e.g. --session-seconds {DEFAULT_SESSION}"
        )
    return problems


def domain_name(project: str) -> str:
    return f"mlgov-{project}"


def profile_name(user: str) -> str:
    return kebab(user)


def find_domain_id(client: Any, project: str) -> str:
    wanted = domain_name(project)
    found = []
    for page in client.get_paginator("list_domains").paginate():
        found += [d["DomainId"] for d in page.get("Domains", []) if d.get("DomainName") == wanted]
    if not found:
        raise StudioError(
            f"no SageMaker Studio domain '{wanted}' in this account and region. "
            "Fix: sign in to the project's account of this stage (and --region) first, or check that the stack is deployed"
        )
    if len(found) > 1:
        raise StudioError(f"{len(found)} Studio domains are named '{wanted}' ({', '.join(found)}). Fix: delete the stray domain")
    return found[0]


def presigned_url(client: Any, request: SignInRequest) -> str:
    """The URL; boto3 ClientErrors become StudioError naming the AWS error code."""
    from botocore.exceptions import BotoCoreError, ClientError

    problems = argument_problems(request.ttl, request.session_seconds)
    if problems:
        raise StudioError("; ".join(problems))
    try:
        domain_id = find_domain_id(client, request.project)
        response = client.create_presigned_domain_url(
            DomainId=domain_id,
            UserProfileName=profile_name(request.user),
            ExpiresInSeconds=request.ttl,
            SessionExpirationDurationInSeconds=request.session_seconds,
        )
    except ClientError as error:
        details = error.response.get("Error", {})
        raise StudioError(
            f"AWS refused {error.operation_name}: {details.get('Code', 'error')}: {details.get('Message', '')}. "
            "Fix: check that you are signed in to the project's account and that your user profile exists"
        ) from None
    except BotoCoreError as error:
        raise StudioError(f"could not reach AWS: {error}. Fix: check credentials, --region and --endpoint-url") from None
    return response["AuthorizedUrl"]
