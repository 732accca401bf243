"""An explicit AWS provider for one member account: assume-role, pinned with ``allowed_account_ids``.

Every resource inside a member account is created through such a provider:
the assume-role reaches the account through the
organization access role, and ``allowed_account_ids`` makes the provider
refuse to act if the credentials ever resolve to another account (the
management account above all).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.baseline._policy import role_arn


def account_provider(
    name: str,
    account_id: pulumi.Input[str],
    role_name: pulumi.Input[str],
    region: str,
    tags: dict[str, str] | None = None,
    parent: pulumi.Resource | None = None,
    session_name: str | None = None,
) -> aws.Provider:
    """A provider that assumes ``role_name`` in ``account_id`` and acts nowhere else.

    ``tags`` become the provider's default tags; ``session_name`` (CloudTrail's
    record of who acted) defaults to ``mlgov-<name>``, trimmed to the 64
    characters STS allows.
    """
    return aws.Provider(
        name,
        region=region,
        allowed_account_ids=[account_id],
        assume_roles=[
            aws.ProviderAssumeRoleArgs(
                role_arn=role_arn(account_id, role_name),
                session_name=(session_name or f"mlgov-{name}")[:64],
            )
        ],
        default_tags=aws.ProviderDefaultTagsArgs(tags=tags) if tags else None,
        opts=pulumi.ResourceOptions(parent=parent),
    )
