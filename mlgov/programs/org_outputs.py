"""Reading the org stack's outputs from the stacks that reference it."""

from __future__ import annotations

import pulumi

from mlgov.constants import CoreAccountRole


class MissingOrgOutput(Exception):
    """The org stack does not export what this stack needs: it is older than this program, or misconfigured."""


def core_account_id(accounts: pulumi.Output, role: CoreAccountRole) -> pulumi.Output[str]:
    """Id of a core account from the org stack's ``accounts`` output."""

    def pick(values: dict) -> str:
        if role.value not in values:
            raise MissingOrgOutput(f"the org stack exports no core account '{role.value}'; add it to mlgov:coreAccounts and run the org stack")
        return values[role.value]["id"]

    return accounts.apply(pick)


def org_platform_group(groups: pulumi.Output, key: str) -> pulumi.Output[str]:
    """Display name of an organization-wide group from the org stack's ``platformGroups`` output."""

    def pick(values: dict) -> str:
        if not values or key not in values:
            raise MissingOrgOutput(f"the org stack names no '{key}' group; set mlgov:identityCenter.platformAdminsGroup and run the org stack")
        return values[key]

    return groups.apply(pick)
