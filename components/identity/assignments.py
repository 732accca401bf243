"""A project's Identity Center groups assigned to its accounts, per the stage table (access_rules).

Created in the environment stacks through the management account's provider
(account assignments are an organization-level API), reading the Identity
Center instance and the permission set ARNs from the org stack. Groups are
looked up by their unique display name, so the catalogue names groups the way
people see them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.identity.access_rules import AccountKind, Grant, TeamGroup, grants_for
from components.naming import child_name
from mlgov.constants import Environment


def _arn_of(name: str):
    def pick(arns: dict[str, str]) -> str:
        if name not in arns:
            raise ValueError(f"the org stack exports no permission set {name!r} (it has: {', '.join(sorted(arns))}); plan and deploy the org stack first")
        return arns[name]

    return pick


@dataclass(frozen=True)
class ProjectAccessArgs:
    environment: Environment
    """Selects the row of the stage table."""
    groups: dict[TeamGroup, str]
    """Display name of each of the project's Identity Center groups."""
    accounts: dict[AccountKind, pulumi.Input[str]]
    """The project's account ids in this stage (the automation account only where it exists)."""
    instance_arn: pulumi.Input[str]
    """Identity Center instance ARN (org stack output ``identityCenterInstanceArn``)."""
    identity_store_id: pulumi.Input[str]
    """Identity store id (org stack output ``identityStoreId``)."""
    permission_set_arns: pulumi.Input[dict[str, str]]
    """Permission set name -> ARN (org stack output ``permissionSets``)."""


class ProjectAccess(pulumi.ComponentResource):
    def __init__(self, name: str, args: ProjectAccessArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:project_access:ProjectAccess", name, None, opts)
        grants: list[Grant] = [grant for grant in grants_for(args.environment) if grant.account in args.accounts]
        group_ids: dict[TeamGroup, pulumi.Output[str]] = {}
        for group in dict.fromkeys(grant.group for grant in grants):
            found = aws.identitystore.get_group_output(
                identity_store_id=args.identity_store_id,
                alternate_identifier={"unique_attribute": {"attribute_path": "DisplayName", "attribute_value": args.groups[group]}},
                opts=pulumi.InvokeOutputOptions(parent=self),
            )
            group_ids[group] = found.group_id
        arns = pulumi.Output.from_input(args.permission_set_arns)
        self.assignments: dict[str, aws.ssoadmin.AccountAssignment] = {}
        for grant in grants:
            self.assignments[grant.key] = aws.ssoadmin.AccountAssignment(
                child_name(name, grant.key),
                instance_arn=args.instance_arn,
                permission_set_arn=arns.apply(_arn_of(grant.permission_set.value)),
                principal_id=group_ids[grant.group],
                principal_type="GROUP",
                target_id=args.accounts[grant.account],
                target_type="AWS_ACCOUNT",
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"assignments": sorted(self.assignments)})
