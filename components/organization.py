"""The AWS Organization itself: feature set ALL, policy types, trusted services.

A platform that already has an organization adopts it instead of creating a
new one: ``existing_organization_id`` turns the resource into an import
(``pulumi up`` then reads the live organization into state; see README,
"Adopting an existing organization").
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from mlgov.constants import SERVICE_ACCESS_PRINCIPALS


@dataclass(frozen=True)
class OrganizationArgs:
    existing_organization_id: str | None = None
    """Import this organization rather than creating one."""
    service_access_principals: tuple[str, ...] = SERVICE_ACCESS_PRINCIPALS
    """AWS services trusted organization-wide (Control Tower, Identity Center, Config ...)."""
    policy_types: tuple[str, ...] = ("SERVICE_CONTROL_POLICY", "TAG_POLICY")
    """Policy types enabled at the root."""


class Organization(pulumi.ComponentResource):
    """The AWS Organization with all features, the policy types the guardrails need and the trusted
    services, protected; imported instead of created when the platform adopts an existing one.
    """

    def __init__(self, name: str, args: OrganizationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:organization:Organization", name, None, opts)
        self.organization = aws.organizations.Organization(
            f"{name}-organization",
            feature_set="ALL",
            enabled_policy_types=list(args.policy_types),
            aws_service_access_principals=sorted(args.service_access_principals),
            opts=pulumi.ResourceOptions(
                parent=self,
                # Deleting an organization is never what a platform team means to do.
                protect=True,
                import_=args.existing_organization_id,
            ),
        )
        self.id = self.organization.id
        self.root_id = self.organization.roots.apply(lambda roots: roots[0]["id"])
        self.management_account_id = self.organization.master_account_id
        self.register_outputs({"id": self.id, "rootId": self.root_id})
