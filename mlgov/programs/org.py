"""The `org` stack: organization, OU tree, core accounts, SCPs, controls, delegated admins."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.control_tower_controls import ControlTowerControls, ControlTowerControlsArgs
from components.landing_zone import LandingZone, LandingZoneArgs
from components.security_services import SecurityServiceAdmins, SecurityServiceAdminsArgs
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
# account, so the management account is used only for what needs it. GuardDuty and
# Security Hub are designated through their own APIs (components/security_services.py):
# registering them here as well would make the second designation fail.
DELEGATED_SECURITY_SERVICES = (
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
    )
    landing_zone = _landing_zone(config, organization, accounts)
    ControlTowerControls(
        "controls",
        ControlTowerControlsArgs(
            home_region=config.organization.home_region,
            ou_arns={name: unit.arn for name, unit in units.units.items()},
            registrations=tuple(config.ous_to_register()),
            targets=tuple(config.workload_ous()),
            baseline_version=config.control_tower.baseline_version,
            landing_zone=tuple(landing_zone.ready),
            identity_center_enabled_baseline_arn=config.control_tower.identity_center_enabled_baseline_arn,
            batch_size=config.control_tower.control_batch_size,
            config_rule_excluded_accounts=(
                organization.management_account_id,
                *(accounts.accounts[account.role.value].id for account in config.core_accounts_without_recorder()),
            ),
            tags=MANAGED_BY_TAGS,
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
    SecurityServiceAdmins(
        "security-services",
        SecurityServiceAdminsArgs(
            regions=tuple(config.organization.allowed_regions),
            management_account_id=organization.management_account_id,
            admin_account_id=security_tooling.id,
            access_role_name=config.organization.account_access_role_name,
            depends_on=(organization,),
        ),
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
    pulumi.export("landingZoneArn", landing_zone.arn)


def _landing_zone(config: OrgStackConfig, organization: Organization, accounts: MemberAccounts) -> LandingZone:
    """The landing zone: created here on a fresh organization, after the two accounts it needs; or the existing one."""
    settings = config.control_tower.landing_zone
    log_archive = accounts.accounts[CoreAccountRole.LOG_ARCHIVE.value]
    audit = accounts.accounts[CoreAccountRole.SECURITY_TOOLING.value]
    return LandingZone(
        "landing-zone",
        LandingZoneArgs(
            managed=settings.managed,
            version=settings.version,
            home_region=config.organization.home_region,
            governed_regions=tuple(config.organization.allowed_regions),
            log_archive_account_id=log_archive.id,
            security_account_id=audit.id,
            logging_retention_days=settings.logging_retention_days,
            access_logging_retention_days=settings.access_logging_retention_days,
            existing_arn=settings.arn,
            depends_on=(organization, log_archive, audit),
            tags=MANAGED_BY_TAGS,
        ),
    )


def _identity_center(config: OrgStackConfig, core_accounts: dict[str, pulumi.Output[str]]) -> None:
    """Permission sets in the organization's Identity Center instance; the environment stacks assign them."""
    instances = aws.ssoadmin.get_instances()
    if not instances.arns:
        # An organization's Identity Center instance can only be enabled in the console, after the organization
        # exists: a new organization runs its first `up` without it (README, "Deploying a fresh organization").
        raise pulumi.RunError(
            "mlgov:identityCenter.enabled is true, but IAM Identity Center is not enabled in this organization's home region. "
            "Fix: on a new organization run the first `pulumi up` with mlgov:identityCenter.enabled: false, enable IAM Identity "
            "Center in the management account's console, then set it back to true"
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
    pulumi.export("platformGroups", config.platform_groups())
    pulumi.export("identityCenterInstanceArn", instances.arns[0])
    pulumi.export("identityStoreId", instances.identity_store_ids[0])
    pulumi.export("permissionSets", permission_sets.arns)
