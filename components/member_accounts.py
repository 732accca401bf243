"""Member accounts, created safely: protected, never closed by a destroy, in waves.

Used for the core accounts (org stack) and for every ML project's accounts
(environment stacks). CreateAccount allows at most 5 requests in progress and
the provider does not retry ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED, so account
i waits for account i-5: never more than 5 creations run at once (FACTS.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from mlgov.constants import Limit


@dataclass(frozen=True)
class AccountSpec:
    key: str
    """Stable key (core role or '<project>-<environment>'); the resource name derives from it."""
    name: str
    """Account name shown in AWS (1-50 characters)."""
    email: str
    """Root user email, unique across AWS."""
    parent_id: pulumi.Input[str]
    """Id of the OU the account is placed in."""
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MemberAccountsArgs:
    accounts: tuple[AccountSpec, ...]
    role_name: str
    """Role AWS creates in each account for the management account to assume."""
    concurrency: int = Limit.CONCURRENT_ACCOUNT_CREATIONS
    """At most this many CreateAccount calls in flight."""


class MemberAccounts(pulumi.ComponentResource):
    def __init__(self, name: str, args: MemberAccountsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:member_accounts:MemberAccounts", name, None, opts)
        self.accounts: dict[str, aws.organizations.Account] = {}
        created: list[aws.organizations.Account] = []
        for index, spec in enumerate(args.accounts):
            waits_for = [created[index - args.concurrency]] if index >= args.concurrency else []
            account = aws.organizations.Account(
                child_name("account", spec.key),
                name=spec.name,
                email=spec.email,
                parent_id=spec.parent_id,
                role_name=args.role_name,
                # Destroy removes the account from the organization instead of closing it;
                # closing is a deliberate, separate act (README, "Retiring a project").
                close_on_deletion=False,
                iam_user_access_to_billing="DENY",
                tags=spec.tags,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=True,
                    depends_on=waits_for,
                ),
            )
            self.accounts[spec.key] = account
            created.append(account)
        self.register_outputs({key: {"id": account.id, "arn": account.arn} for key, account in self.accounts.items()})
