"""Customer managed KMS keys: rotated, administered only from their own account.

``ProjectKey`` is a project account's key; ``SharedKey`` (components.shared.key)
a core account's. Both are built by ``rotated_key`` with a ``key_policy``: the
two stay separate components only because their type tokens (and so every
URN below them) differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.baseline._policy import account_root, document
from components.naming import child_name
from mlgov.naming import project_key_alias

KEY_SERVICES: tuple[str, ...] = ("sagemaker", "s3", "logs")
"""Services that may use a project key on behalf of principals of the account (kms:ViaService)."""

DELETION_WINDOW_DAYS = 30
"""The longest window AWS allows: a scheduled deletion can be cancelled for a month."""


def key_policy(
    account_id: pulumi.Input[str],
    region: str,
    services: Sequence[str],
    extra_statements: Sequence[dict[str, Any]] = (),
    use_sid: str = "UseThroughServices",
) -> pulumi.Output[str]:
    """Key policy scoped to one account, used through ``services``: no principal of another account
    appears in it unless ``extra_statements`` names one."""
    root = account_root(account_id)
    return document(
        # Without this statement IAM policies of the account could not grant key use,
        # and the key could become unmanageable.
        {"Sid": "AccountRootAdministers", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
        {
            "Sid": use_sid,
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:CallerAccount": account_id,
                    "kms:ViaService": [f"{service}.{region}.amazonaws.com" for service in services],
                }
            },
        },
        *extra_statements,
    )


def rotated_key(
    parent: pulumi.Resource,
    name: str,
    *,
    description: str,
    alias: str,
    policy: pulumi.Input[str],
    tags: dict[str, str],
) -> tuple[aws.kms.Key, aws.kms.Alias]:
    """The key (yearly rotation, longest deletion window) and its alias, children of ``parent``."""
    child = pulumi.ResourceOptions(parent=parent)
    key = aws.kms.Key(
        child_name(name, "key"),
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=DELETION_WINDOW_DAYS,
        policy=policy,
        tags=tags,
        opts=child,
    )
    return key, aws.kms.Alias(child_name(name, "alias"), name=alias, target_key_id=key.key_id, opts=child)


@dataclass(frozen=True)
class ProjectKeyArgs:
    project: str
    """Project name; the alias is ``alias/mlgov/<project>``."""
    account_id: pulumi.Input[str]
    """The project account; only its root (IAM of that account) administers the key."""
    region: str
    """Region of the key; kms:ViaService conditions name the regional service endpoints."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags for the key (cost allocation)."""


def project_key_policy(account_id: pulumi.Input[str], region: str) -> pulumi.Output[str]:
    """The project key's policy: used through ``KEY_SERVICES``, and by CloudWatch Logs of the account."""
    logs = {
        # CloudWatch Logs encrypts log groups as the service principal, not via a caller.
        "Sid": "CloudWatchLogsOfThisAccount",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":*")}
        },
    }
    return key_policy(account_id, region, KEY_SERVICES, (logs,), use_sid="UseThroughProjectServices")


class ProjectKey(pulumi.ComponentResource):
    """A customer managed key with yearly rotation and its alias ``alias/mlgov/<project>``."""

    def __init__(self, name: str, args: ProjectKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:kms:ProjectKey", name, None, opts)
        self.key, self.alias = rotated_key(
            self,
            name,
            description=f"mlgov project key for {args.project}",
            alias=project_key_alias(args.project),
            policy=project_key_policy(args.account_id, args.region),
            tags=args.tags,
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn, "alias": self.alias.name})
