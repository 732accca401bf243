"""Member accounts, created safely: protected, never closed by a destroy, in waves.

Used for the core accounts (org stack) and for every ML project's accounts
(environment stacks). CreateAccount allows at most 5 requests in progress and
the provider does not retry ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED, so the n-th
account of a stack waits for the (n-5)-th: never more than 5 creations run at
once. One CreationWaves object is shared by every component of a
stack that creates accounts, so the limit holds across projects too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from mlgov.adoption import ACCOUNT_BILLING_ACCESS, ignore_changes_for
from mlgov.constants import Limit, TypeToken


class CreationWaves:
    """Hands each new account the account it must wait for."""

    def __init__(self, width: int = Limit.CONCURRENT_ACCOUNT_CREATIONS):
        self.width = width
        self._created: list[aws.organizations.Account] = []

    def wait_for(self) -> list[aws.organizations.Account]:
        index = len(self._created)
        return [self._created[index - self.width]] if index >= self.width else []

    def add(self, account: aws.organizations.Account) -> None:
        self._created.append(account)


@dataclass(frozen=True)
class AccountSpec:
    key: str
    """Stable key (core role or '<project>-<environment>'); the resource name derives from it."""
    name: str
    """Account name shown in AWS (1-50 characters)."""
    email: pulumi.Input[str]
    """Root user email, unique across AWS."""
    parent_id: pulumi.Input[str]
    """Id of the OU the account is placed in."""
    tags: dict[str, str] = field(default_factory=dict)


def protected_account(
    spec: AccountSpec, role_name: pulumi.Input[str], waves: CreationWaves, parent: pulumi.Resource
) -> aws.organizations.Account:
    """One member account with the rules every account follows: protected, retained on delete, never closed by a destroy."""
    account = aws.organizations.Account(
        child_name("account", spec.key),
        name=spec.name,
        email=spec.email,
        parent_id=spec.parent_id,
        role_name=role_name,
        # Destroy removes the account from the organization instead of closing it;
        # closing is a deliberate, separate act (README, "Retiring a project").
        close_on_deletion=False,
        iam_user_access_to_billing=ACCOUNT_BILLING_ACCESS,
        tags=spec.tags,
        opts=pulumi.ResourceOptions(
            parent=parent,
            protect=True,
            # Even once unprotected, a delete only drops the account from the stack's state:
            # detaching or closing an account is an operator's deliberate act (README).
            retain_on_delete=True,
            depends_on=waves.wait_for(),
            # Never read back after `pulumi import`, and both force replacement: without this an adopted
            # account would be planned for replacement (README, "Adopting").
            ignore_changes=ignore_changes_for(TypeToken.ACCOUNT),
        ),
    )
    waves.add(account)
    return account


@dataclass(frozen=True)
class MemberAccountsArgs:
    accounts: tuple[AccountSpec, ...]
    role_name: str
    """Role AWS creates in each account for the management account to assume."""
    waves: CreationWaves | None = None
    """Shared wave planner; a new one (width 5) when not given."""


class MemberAccounts(pulumi.ComponentResource):
    """A set of member accounts created in waves of at most five, each protected, retained on delete
    and never closed by a destroy; used for the core accounts of the org stack.
    """

    def __init__(self, name: str, args: MemberAccountsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:member_accounts:MemberAccounts", name, None, opts)
        waves = args.waves or CreationWaves()
        self.accounts = {spec.key: protected_account(spec, args.role_name, waves, self) for spec in args.accounts}
        self.register_outputs({key: {"id": account.id, "arn": account.arn} for key, account in self.accounts.items()})
