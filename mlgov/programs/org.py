"""The `org` stack: organization, OU tree, core accounts, SCPs, controls, delegated admins."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.control_tower_controls import ControlTowerControls, ControlTowerControlsArgs
from components.identity.access_rules import PlatformGroup
from components.identity.assignments import CoreAccountAccess, CoreAccountAccessArgs
from components.identity.permission_sets import PermissionSets, PermissionSetsArgs
from components.member_accounts import AccountSpec, MemberAccounts, MemberAccountsArgs
from components.organization import Organization, OrganizationArgs
from components.organizational_units import OrganizationalUnits, OrganizationalUnitsArgs
from components.service_control_policies import ServiceControlPolicies, ServiceControlPoliciesArgs
from mlgov.config.org import OrgStackConfig
from mlgov.constants import CoreAccountRole
from mlgov.guardrails import attachment_map, build_catalogue

# Services whose organization-wide administration moves to the security tooling
# account, so the management account is used only for what needs it.
DELEGATED_SECURITY_SERVICES = (
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "config.amazonaws.com",
)

MANAGED_BY_TAGS = {"mlgov:managed-by": "pulumi", "mlgov:stack": "org"}


def build_org_stack(config: OrgStackConfig) -> None:
    organization = Organization(
        "organization",
        OrganizationArgs(existing_organization_id=config.organization.existing_organization_id),
    )
    units = OrganizationalUnits(
        "ous",
        OrganizationalUnitsArgs(
            root_id=organization.root_id,
            tree=tuple((ou.name, ou.parent) for ou in config.all_ous()),
            tags=MANAGED_BY_TAGS,
        ),
    )
    accounts = MemberAccounts(
        "core-accounts",
        MemberAccountsArgs(
            accounts=tuple(
                AccountSpec(
                    key=account.role.value,
                    name=account.name,
                    email=config.account_email(account),
                    parent_id=units.units[account.ou].id,
                    tags={**MANAGED_BY_TAGS, "mlgov:core-account": account.role.value},
                )
                for account in config.core_accounts
            ),
            role_name=config.organization.account_access_role_name,
        ),
    )
    catalogue = build_catalogue(config.guardrail_settings())
    policies = ServiceControlPolicies(
        "guardrails",
        ServiceControlPoliciesArgs(
            policies=catalogue,
            attachments=attachment_map(catalogue, config.guardrail_attachments),
            target_id=lambda target: units.id_of(target, organization.root_id),
        ),
        # CreatePolicy needs the organization (all features) to exist; nothing in the policies' inputs says so.
        opts=pulumi.ResourceOptions(depends_on=[organization]),
    )
    ControlTowerControls(
        "controls",
        ControlTowerControlsArgs(
            home_region=config.organization.home_region,
            targets={name: units.units[name].arn for name in config.workload_ous()},
        ),
    )
    security_tooling = accounts.accounts[CoreAccountRole.SECURITY_TOOLING.value]
    for service in DELEGATED_SECURITY_SERVICES:
        aws.organizations.DelegatedAdministrator(
            f"delegated-admin-{service.split('.')[0]}",
            account_id=security_tooling.id,
            service_principal=service,
            opts=pulumi.ResourceOptions(depends_on=[organization]),
        )

    if config.identity_center.enabled:
        _identity_center(config, {role: account.id for role, account in accounts.accounts.items()})

    pulumi.export("organizationId", organization.id)
    pulumi.export("rootId", organization.root_id)
    pulumi.export("managementAccountId", organization.management_account_id)
    pulumi.export("homeRegion", config.organization.home_region)
    pulumi.export("accountAccessRoleName", config.organization.account_access_role_name)
    pulumi.export("accountEmailTemplate", config.organization.account_email_template)
    pulumi.export("dataLakeBucketPrefix", config.organization.data_lake_bucket_prefix)
    pulumi.export(
        "organizationalUnits",
        {name: {"id": unit.id, "arn": unit.arn} for name, unit in units.units.items()},
    )
    pulumi.export(
        "accounts",
        {key: {"id": account.id, "arn": account.arn, "email": account.email} for key, account in accounts.accounts.items()},
    )
    pulumi.export("policies", {key: policy.id for key, policy in policies.policies.items()})


def _identity_center(config: OrgStackConfig, core_accounts: dict[str, pulumi.Output[str]]) -> None:
    """Permission sets in the organization's Identity Center instance; the environment stacks assign them."""
    instances = aws.ssoadmin.get_instances()
    if not instances.arns:
        raise pulumi.RunError(
            "IAM Identity Center is not enabled in this organization's home region. "
            "Fix: enable it in the management account, or set mlgov:identityCenter.enabled: false"
        )
    permission_sets = PermissionSets("identity", PermissionSetsArgs(instance_arn=instances.arns[0], tags=MANAGED_BY_TAGS))
    groups = {PlatformGroup(key): name for key, name in config.platform_groups().items()}
    if groups:
        CoreAccountAccess(
            "core-access",
            CoreAccountAccessArgs(
                platform_groups=groups,
                accounts=core_accounts,
                instance_arn=instances.arns[0],
                identity_store_id=instances.identity_store_ids[0],
                permission_set_arns=permission_sets.arns,
            ),
        )
    pulumi.export("identityCenterInstanceArn", instances.arns[0])
    pulumi.export("identityStoreId", instances.identity_store_ids[0])
    pulumi.export("permissionSets", permission_sets.arns)
