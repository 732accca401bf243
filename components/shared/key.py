"""A customer managed key of a core account: rotated, administered by that account, used through named services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.baseline.kms import key_policy, rotated_key


@dataclass(frozen=True)
class SharedKeyArgs:
    alias: str
    """Alias without the prefix: the key becomes ``alias/mlgov/shared/<alias>``."""
    account_id: pulumi.Input[str]
    """The core account the key lives in; only its IAM administers the key."""
    region: str
    """Region of the key and of the services in ``services``."""
    services: tuple[str, ...]
    """Services (e.g. 's3', 'ecr') through which principals of the account may use the key."""
    extra_statements: tuple[dict[str, Any], ...] = ()
    """More key-policy statements, e.g. another account's read of one bucket."""
    tags: dict[str, str] = field(default_factory=dict)
    """Cost-allocation tags of the key."""


class SharedKey(pulumi.ComponentResource):
    """A rotated customer managed key of one core account, with an alias, administered by that account
    and usable by the services and readers its callers name.
    """

    def __init__(self, name: str, args: SharedKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:shared_key:SharedKey", name, None, opts)
        self.key, self.alias = rotated_key(
            self,
            name,
            description=f"mlgov shared services key: {args.alias}",
            alias=f"alias/mlgov/shared/{args.alias}",
            policy=key_policy(args.account_id, args.region, args.services, args.extra_statements),
            tags=args.tags,
        )
        self.arn = self.key.arn
        self.register_outputs({"arn": self.key.arn})
