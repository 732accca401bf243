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
    depends_on: Sequence[pulumi.Resource] = (),
) -> tuple[aws.kms.Key, aws.kms.Alias]:
    """The key (yearly rotation, longest deletion window) and its alias, children of ``parent``.

    ``depends_on``: what must exist before the key, e.g. a service-linked role its policy names
    (KMS refuses a policy whose principal does not exist)."""
    child = pulumi.ResourceOptions(parent=parent)
    key = aws.kms.Key(
        child_name(name, "key"),
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=DELETION_WINDOW_DAYS,
        policy=policy,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)) if depends_on else child,
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
    macie: pulumi.Resource | None = None
    """Macie enabled in the account (``aws.macie2.Account``): its service-linked role may then decrypt, so
    Macie can classify objects encrypted with this key; the key waits for it."""


def macie_service_role_arn(account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """The role Macie analyses S3 objects with ("Allowing Macie to use a customer managed AWS KMS key", Macie guide)."""
    return pulumi.Output.concat("arn:aws:iam::", account_id, ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie")


def project_key_policy(account_id: pulumi.Input[str], region: str, macie: bool = False) -> pulumi.Output[str]:
    """The project key's policy: used through ``KEY_SERVICES``, by CloudWatch Logs of the account and,
    with ``macie``, by Macie's service-linked role."""
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
    extra: tuple[dict[str, Any], ...] = (logs,)
    if macie:
        extra += (
            {
                "Sid": "MacieClassifiesProjectData",
                "Effect": "Allow",
                "Principal": {"AWS": macie_service_role_arn(account_id)},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
        )
    return key_policy(account_id, region, KEY_SERVICES, extra, use_sid="UseThroughProjectServices")


class ProjectKey(pulumi.ComponentResource):
    """A customer managed key with yearly rotation and its alias ``alias/mlgov/<project>``."""

    def __init__(self, name: str, args: ProjectKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:kms:ProjectKey", name, None, opts)
        self.key, self.alias = rotated_key(
            self,
            name,
            description=f"mlgov project key for {args.project}",
            alias=project_key_alias(args.project),
            policy=project_key_policy(args.account_id, args.region, macie=args.macie is not None),
            tags=args.tags,
            depends_on=(args.macie,) if args.macie is not None else (),
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn, "alias": self.alias.name})
