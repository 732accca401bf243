"""A project's Identity Center groups assigned to its accounts, per the stage table (access_rules).

Created in the environment stacks through the management account's provider
(account assignments are an organization-level API), reading the Identity
Center instance and the permission set ARNs from the org stack. Groups are
looked up by their unique display name, so the catalogue names groups the way
people see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.identity.access_rules import (
    AUTOMATION_ACCOUNT_ACCESS,
    CORE_ACCOUNT_ACCESS,
    PROJECT_ACCOUNT_ACCESS,
    AccountKind,
    PermissionSetName,
    PlatformGroup,
    TeamGroup,
    grants_for,
)
from components.naming import child_name, kebab
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
    platform_groups: dict[PlatformGroup, pulumi.Input[str]] = field(default_factory=dict)
    """Organization-wide groups (security auditors read every project account; platform admins administer the
    pipelines of automation accounts). A name may be an Output read from the org stack."""


@dataclass(frozen=True)
class Assignment:
    key: str
    """Stable resource-name part."""
    group: pulumi.Input[str]
    """Display name of the Identity Center group (an Output when it comes from the org stack)."""
    permission_set: str
    """Permission set name (a key of the org stack's ``permissionSets``)."""
    account_id: pulumi.Input[str]
    group_key: str = ""
    """Identifies the group when its name is an Output, so each group is looked up once; defaults to the name."""

    @property
    def lookup_key(self) -> str:
        return self.group_key or str(self.group)


def assign_groups(
    parent: pulumi.Resource,
    name: str,
    assignments: list[Assignment],
    instance_arn: pulumi.Input[str],
    identity_store_id: pulumi.Input[str],
    permission_set_arns: pulumi.Input[dict[str, str]],
) -> dict[str, aws.ssoadmin.AccountAssignment]:
    """Look each group up once by display name and assign it; children of ``parent``."""
    group_ids: dict[str, pulumi.Output[str]] = {}
    for assignment in assignments:
        if assignment.lookup_key in group_ids:
            continue
        group_ids[assignment.lookup_key] = aws.identitystore.get_group_output(
            identity_store_id=identity_store_id,
            alternate_identifier={"unique_attribute": {"attribute_path": "DisplayName", "attribute_value": assignment.group}},
            opts=pulumi.InvokeOutputOptions(parent=parent),
        ).group_id
    arns = pulumi.Output.from_input(permission_set_arns)
    return {
        assignment.key: aws.ssoadmin.AccountAssignment(
            child_name(name, assignment.key),
            instance_arn=instance_arn,
            permission_set_arn=arns.apply(_arn_of(assignment.permission_set)),
            principal_id=group_ids[assignment.lookup_key],
            principal_type="GROUP",
            target_id=assignment.account_id,
            target_type="AWS_ACCOUNT",
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for assignment in assignments
    }


def platform_assignments(
    accounts: dict[str, pulumi.Input[str]],
    grants: tuple[tuple[PlatformGroup, PermissionSetName], ...],
    groups: dict[PlatformGroup, pulumi.Input[str]],
) -> list[Assignment]:
    """Organization-wide groups on each account (keyed '<account key>-<group>-<permission set>'); unconfigured groups skipped."""
    return [
        Assignment(f"{key}-{kebab(group.value)}-{permission_set.value.lower()}", groups[group], permission_set.value, account, group_key=f"platform:{group.value}")
        for key, account in accounts.items()
        for group, permission_set in grants
        if group in groups
    ]


class ProjectAccess(pulumi.ComponentResource):
    """The project's Identity Center groups (and the platform's audit group) on its accounts of one stage,
    as the stage table grants them, so access follows the catalogue rather than requests.
    """

    def __init__(self, name: str, args: ProjectAccessArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:project_access:ProjectAccess", name, None, opts)
        assignments = [
            Assignment(grant.key, args.groups[grant.group], grant.permission_set.value, args.accounts[grant.account])
            for grant in grants_for(args.environment)
            if grant.account in args.accounts
        ]
        assignments += platform_assignments({kind.value: account for kind, account in args.accounts.items()}, PROJECT_ACCOUNT_ACCESS, args.platform_groups)
        automation = {kind.value: account for kind, account in args.accounts.items() if kind is AccountKind.AUTOMATION}
        assignments += platform_assignments(automation, AUTOMATION_ACCOUNT_ACCESS, args.platform_groups)
        self.assignments = assign_groups(self, name, assignments, args.instance_arn, args.identity_store_id, args.permission_set_arns)
        self.register_outputs({"assignments": sorted(self.assignments)})


@dataclass(frozen=True)
class CoreAccountAccessArgs:
    platform_groups: dict[PlatformGroup, str]
    """Display names of the organization-wide groups that are configured."""
    accounts: dict[str, pulumi.Input[str]]
    """Core account role -> account id."""
    instance_arn: pulumi.Input[str]
    identity_store_id: pulumi.Input[str]
    permission_set_arns: pulumi.Input[dict[str, str]]


class CoreAccountAccess(pulumi.ComponentResource):
    """The platform team on the core accounts, security auditors read-only (org stack)."""

    def __init__(self, name: str, args: CoreAccountAccessArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:core_account_access:CoreAccountAccess", name, None, opts)
        assignments = platform_assignments(args.accounts, CORE_ACCOUNT_ACCESS, args.platform_groups)
        self.assignments = assign_groups(self, name, assignments, args.instance_arn, args.identity_store_id, args.permission_set_arns)
        self.register_outputs({"assignments": sorted(self.assignments)})
