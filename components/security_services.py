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

from collections.abc import Callable, Sequence
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


@dataclass(frozen=True)
class _Service:
    """How one service is administered: its subscription in the administrator account, the designation
    from the management account, and the administrator's auto-enable setting for member accounts."""

    key: str
    subscription: str
    """Resource-name part of the subscription in the administrator account."""
    subscribe: Callable[[str, pulumi.ResourceOptions], pulumi.CustomResource]
    designate: Callable[..., pulumi.CustomResource]
    auto_enable: Callable[[str, pulumi.CustomResource, pulumi.ResourceOptions], pulumi.CustomResource]


SERVICES: tuple[_Service, ...] = (
    _Service(
        "guardduty",
        "guardduty-detector",
        subscribe=lambda name, opts: aws.guardduty.Detector(name, enable=True, opts=opts),
        designate=aws.guardduty.OrganizationAdminAccount,
        auto_enable=lambda name, detector, opts: aws.guardduty.OrganizationConfiguration(
            name, detector_id=detector.id, auto_enable_organization_members=GUARDDUTY_AUTO_ENABLE, opts=opts),
    ),
    _Service(
        "securityhub",
        "securityhub",
        subscribe=lambda name, opts: aws.securityhub.Account(name, opts=opts),
        designate=aws.securityhub.OrganizationAdminAccount,
        # New accounts get Security Hub with the default standards.
        auto_enable=lambda name, _hub, opts: aws.securityhub.OrganizationConfiguration(
            name, auto_enable=True, auto_enable_standards="DEFAULT", opts=opts),
    ),
)


class SecurityServiceAdmins(pulumi.ComponentResource):
    def __init__(self, name: str, args: SecurityServiceAdminsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:security_services:SecurityServiceAdmins", name, None, opts)
        # service key -> region -> the designation (OrganizationAdminAccount)
        self.designations: dict[str, dict[str, pulumi.CustomResource]] = {service.key: {} for service in SERVICES}
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
            for service in SERVICES:
                subscription = service.subscribe(
                    child_name(name, service.subscription, region),
                    pulumi.ResourceOptions(parent=self, provider=admin, depends_on=list(args.depends_on)),
                )
                designation = service.designate(
                    child_name(name, f"{service.key}-admin", region),
                    admin_account_id=args.admin_account_id,
                    opts=pulumi.ResourceOptions(parent=self, provider=management, depends_on=[subscription, *args.depends_on]),
                )
                service.auto_enable(
                    child_name(name, f"{service.key}-auto-enable", region), subscription,
                    pulumi.ResourceOptions(parent=self, provider=admin, depends_on=[designation]),
                )
                self.designations[service.key][region] = designation
        self.register_outputs({"regions": list(dict.fromkeys(args.regions))})
