"""The project's customer managed KMS key: rotated, administered only from its own account."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.baseline._policy import document
from components.naming import child_name

KEY_SERVICES: tuple[str, ...] = ("sagemaker", "s3", "logs")
"""Services that may use the key on behalf of principals of the account (kms:ViaService)."""

DELETION_WINDOW_DAYS = 30
"""The longest window AWS allows: a scheduled deletion can be cancelled for a month."""


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


def key_policy(account_id: pulumi.Input[str], region: str) -> pulumi.Output[str]:
    """Key policy scoped to one account: no principal of any other account appears in it."""
    root = pulumi.Output.concat("arn:aws:iam::", account_id, ":root")
    return document(
        {
            # Without this statement IAM policies of the account could not grant key use,
            # and the key could become unmanageable.
            "Sid": "AccountRootAdministers",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "UseThroughProjectServices",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:CallerAccount": account_id,
                    "kms:ViaService": [f"{service}.{region}.amazonaws.com" for service in KEY_SERVICES],
                }
            },
        },
        {
            # CloudWatch Logs encrypts log groups as the service principal, not via a caller.
            "Sid": "CloudWatchLogsOfThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {
                "ArnLike": {"kms:EncryptionContext:aws:logs:arn": pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":*")}
            },
        },
    )


class ProjectKey(pulumi.ComponentResource):
    """A customer managed key with yearly rotation and its alias ``alias/mlgov/<project>``."""

    def __init__(self, name: str, args: ProjectKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:kms:ProjectKey", name, None, opts)
        self.key = aws.kms.Key(
            child_name(name, "key"),
            description=f"mlgov project key for {args.project}",
            enable_key_rotation=True,
            deletion_window_in_days=DELETION_WINDOW_DAYS,
            policy=key_policy(args.account_id, args.region),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.alias = aws.kms.Alias(
            child_name(name, "alias"),
            name=f"alias/mlgov/{args.project}",
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn, "alias": self.alias.name})
