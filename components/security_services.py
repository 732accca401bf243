"""GuardDuty and Security Hub administered from the security-tooling account, in every allowed region.

``organizations.DelegatedAdministrator`` alone does not make an account the
GuardDuty or Security Hub administrator: each service designates its own, per
region, from the management account (``guardduty.OrganizationAdminAccount``,
``securityhub.OrganizationAdminAccount``; "Managing GuardDuty accounts with AWS
Organizations", "Designating a Security Hub administrator account"). Auto-enable
for the organization's accounts is then set by the administrator account itself
(``OrganizationConfiguration``), so those resources go through a provider that
assumes the organization access role in the security-tooling account, one per
region. The administrator's own detector and Security Hub subscription are
created first, so designating it does not leave an unmanaged copy behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.account_provider import account_provider
from components.naming import child_name

GUARDDUTY_AUTO_ENABLE = "ALL"
"""Every member account, the existing ones and each new one (``NEW`` would leave the existing ones out)."""


@dataclass(frozen=True)
class SecurityServiceAdminsArgs:
    regions: Sequence[str]
    """Every region the organization allows (the region allow-list SCP)."""
    management_account_id: pulumi.Input[str]
    """The management account, where the administrators are designated."""
    admin_account_id: pulumi.Input[str]
    """The security-tooling account that administers GuardDuty and Security Hub."""
    access_role_name: pulumi.Input[str]
    """Organization access role assumed in the security-tooling account."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist first (the organization with both services trusted)."""


class SecurityServiceAdmins(pulumi.ComponentResource):
    def __init__(self, name: str, args: SecurityServiceAdminsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:security_services:SecurityServiceAdmins", name, None, opts)
        self.guardduty_admins: dict[str, aws.guardduty.OrganizationAdminAccount] = {}
        self.securityhub_admins: dict[str, aws.securityhub.OrganizationAdminAccount] = {}
        for region in dict.fromkeys(args.regions):
            management = aws.Provider(
                child_name(name, "management", region),
                region=region,
                allowed_account_ids=[args.management_account_id],
                opts=pulumi.ResourceOptions(parent=self),
            )
            admin = account_provider(
                child_name(name, "admin", region), args.admin_account_id, args.access_role_name, region,
                parent=self, session_name=f"mlgov-org-security-admin-{region}",
            )
            in_management = pulumi.ResourceOptions(parent=self, provider=management)
            self.guardduty_admins[region] = self._guardduty(name, region, args, admin, in_management)
            self.securityhub_admins[region] = self._securityhub(name, region, args, admin, in_management)
        self.register_outputs({"regions": list(self.guardduty_admins)})

    def _guardduty(self, name, region, args, admin, in_management) -> aws.guardduty.OrganizationAdminAccount:
        detector = aws.guardduty.Detector(
            child_name(name, "guardduty-detector", region), enable=True,
            opts=pulumi.ResourceOptions(parent=self, provider=admin, depends_on=list(args.depends_on)),
        )
        designation = aws.guardduty.OrganizationAdminAccount(
            child_name(name, "guardduty-admin", region), admin_account_id=args.admin_account_id,
            opts=pulumi.ResourceOptions.merge(in_management, pulumi.ResourceOptions(depends_on=[detector, *args.depends_on])),
        )
        aws.guardduty.OrganizationConfiguration(
            child_name(name, "guardduty-auto-enable", region),
            detector_id=detector.id,
            auto_enable_organization_members=GUARDDUTY_AUTO_ENABLE,
            opts=pulumi.ResourceOptions(parent=self, provider=admin, depends_on=[designation]),
        )
        return designation

    def _securityhub(self, name, region, args, admin, in_management) -> aws.securityhub.OrganizationAdminAccount:
        hub = aws.securityhub.Account(
            child_name(name, "securityhub", region),
            opts=pulumi.ResourceOptions(parent=self, provider=admin, depends_on=list(args.depends_on)),
        )
        designation = aws.securityhub.OrganizationAdminAccount(
            child_name(name, "securityhub-admin", region), admin_account_id=args.admin_account_id,
            opts=pulumi.ResourceOptions.merge(in_management, pulumi.ResourceOptions(depends_on=[hub, *args.depends_on])),
        )
        aws.securityhub.OrganizationConfiguration(
            child_name(name, "securityhub-auto-enable", region),
            # New accounts get Security Hub with the default standards.
            auto_enable=True,
            auto_enable_standards="DEFAULT",
            opts=pulumi.ResourceOptions(parent=self, provider=admin, depends_on=[designation]),
        )
        return designation
