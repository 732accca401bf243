"""The `org` stack's settings: organization, OU tree, core accounts, guardrails.

Each top-level field is one Pulumi config key in the stack file
(``mlgov:organization``, ``mlgov:organizationalUnits`` ...).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from mlgov.config.control_tower import ControlTowerSettings
from mlgov.config.fields import (
    AccountName,
    ConfigModel,
    Email,
    GroupName,
    OuNameField,
    Region,
    RoleName,
    TagKey,
    invalid,
)
from mlgov.control_tower import ancestors, registration_order
from mlgov.environments import RULES
from mlgov.naming import email_from_template
from mlgov.guardrails.settings import GuardrailSettings
from mlgov.constants import (
    ENVIRONMENT_OU,
    ROOT,
    STANDARD_OU_TREE,
    CoreAccountRole,
    Environment,
    OuName,
    StackKind,
)

_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")


class OrganizationSettings(ConfigModel):
    existing_organization_id: str | None = None
    """Adopt this organization (``pulumi import``) instead of creating one."""
    home_region: Region
    """Control Tower home region; also where the Control Tower controls are enabled."""
    allowed_regions: list[Region] = Field(min_length=1)
    """Region allow-list of the baseline SCP. Must include the home region."""
    account_email_template: str = "aws+{account}@example.com"
    """Email of each account; ``{account}`` is replaced by the account's key."""
    account_access_role_name: RoleName = "OrganizationAccountAccessRole"
    """Role AWS creates in every new account, assumed by the platform to manage it."""
    exempt_role_names: list[RoleName] = ["AWSControlTowerExecution"]
    """Platform roles the security-tooling and region guardrails let through."""
    cost_allocation_tags: list[TagKey] = Field(default=["mlgov:project", "mlgov:cost-center"], min_length=1)
    """Tag keys every SageMaker resource must carry (SCP) and every baseline resource gets."""
    data_lake_bucket_prefix: str = Field(default="mlgov-datalake-", pattern=r"^[a-z0-9][a-z0-9.-]{2,40}$")
    """Name prefix of the data-lake buckets; sandbox accounts are denied them."""

    @field_validator("existing_organization_id")
    @classmethod
    def _org_id(cls, value: str | None) -> str | None:
        if value is not None and not _ORG_ID.match(value):
            raise invalid("is not an organization id", "use the id shown by 'aws organizations describe-organization', like 'o-a1b2c3d4e5'")
        return value

    @field_validator("account_email_template")
    @classmethod
    def _template(cls, value: str) -> str:
        if value.count("{account}") != 1 or value.count("@") != 1:
            raise invalid(
                "must contain '{account}' once and one '@', so every account gets its own address",
                "use a plus-address such as 'aws+{account}@example.com'",
            )
        return value


class OrganizationalUnit(ConfigModel):
    name: OuNameField
    """OU name, unique in the organization (other entries refer to OUs by name)."""
    parent: str = ROOT
    """Name of the parent OU, or 'Root'."""


class RegulatedOu(ConfigModel):
    enabled: bool = False
    """Create a separate OU for regulated (HIPAA/PCI) workloads."""
    name: OuNameField = "Workloads_Regulated"
    parent: str = OuName.WORKLOADS


class CoreAccount(ConfigModel):
    role: CoreAccountRole
    """What the account is for; other stacks find core accounts by role."""
    name: AccountName
    """Account name shown in AWS (1-50 characters)."""
    ou: str
    """Name of the OU the account is placed in."""
    email: Email | None = None
    """Root email; defaults to organization.accountEmailTemplate with the role."""


class IdentityCenterSettings(ConfigModel):
    enabled: bool = True
    """Create the permission sets in the organization's IAM Identity Center instance (it must exist)."""
    platform_admins_group: GroupName | None = None
    """Group given PlatformAdmin on the core accounts (never on project accounts)."""
    security_auditors_group: GroupName | None = None
    """Group given read-only SecurityAudit on every core account (each environment stack names the group for its project accounts: mlgov:securityAuditorsGroup)."""


def _standard_ous() -> list[OrganizationalUnit]:
    return [OrganizationalUnit(name=name, parent=parent) for name, parent in STANDARD_OU_TREE]


class OrgStackConfig(ConfigModel):
    kind: Literal[StackKind.ORG]
    organization: OrganizationSettings
    organizational_units: list[OrganizationalUnit] = Field(default_factory=_standard_ous)
    """The OU tree. Must contain the standard tree; may add OUs."""
    regulated_ou: RegulatedOu = RegulatedOu()
    core_accounts: list[CoreAccount]
    sagemaker_instance_types: dict[Environment, list[str]] = {}
    """Allowed SageMaker instance type patterns per environment (e.g. 'ml.m5.*')."""
    network_isolation_environments: list[Environment] = Field(
        default_factory=lambda: [env for env, rules in RULES.items() if rules.network_isolation]
    )
    """Environments whose SageMaker jobs must run with network isolation."""
    guardrail_attachments: dict[str, list[str]] = {}
    """Override where a guardrail (by key) is attached: OU names or 'Root'."""
    identity_center: IdentityCenterSettings = IdentityCenterSettings()
    """IAM Identity Center permission sets (DataScientist, MLEngineer, MLEngineerReadOnly, PlatformAdmin, PipelineAdmin, SecurityAudit)."""
    control_tower: ControlTowerSettings = ControlTowerSettings()
    """The landing zone (created here or existing) and the OUs it governs."""

    def platform_groups(self) -> dict[str, str]:
        """Organization-wide groups that are configured, keyed as components.identity.access_rules.PlatformGroup."""
        groups = {
            "platform_admins": self.identity_center.platform_admins_group,
            "security_auditors": self.identity_center.security_auditors_group,
        }
        return {key: name for key, name in groups.items() if name}

    def referenced_stacks(self) -> list[str]:
        """Stacks whose outputs this one reads (none: the org stack is the first)."""
        return []

    def ou_names(self) -> list[str]:
        names = [ou.name for ou in self.organizational_units]
        if self.regulated_ou.enabled:
            names.append(self.regulated_ou.name)
        return names

    def all_ous(self) -> list[OrganizationalUnit]:
        ous = list(self.organizational_units)
        if self.regulated_ou.enabled:
            ous.append(OrganizationalUnit(name=self.regulated_ou.name, parent=self.regulated_ou.parent))
        return ous

    def account_email(self, account: CoreAccount) -> str:
        return account.email or email_from_template(self.organization.account_email_template, account.role.value)

    def instance_types_by_ou(self) -> dict[str, tuple[str, ...]]:
        return {ENVIRONMENT_OU[env]: tuple(types) for env, types in self.sagemaker_instance_types.items()}

    def workload_ous(self) -> list[str]:
        """OUs that hold ML workloads and get the S3 controls: Workloads_* and the regulated OU."""
        names = [ou.name for ou in self.organizational_units if ou.name.startswith(OuName.WORKLOADS + "_")]
        if self.regulated_ou.enabled and self.regulated_ou.name not in names:
            names.append(self.regulated_ou.name)
        return names

    def ou_parents(self) -> dict[str, str]:
        """OU name -> parent name (or 'Root'), in creation order."""
        return {ou.name: ou.parent for ou in self.all_ous()}

    def project_ous(self) -> list[str]:
        """OUs the environment stacks place project accounts in (workload and automation OUs)."""
        names = [rules.workload_ou for rules in RULES.values()] + [rules.automation_ou for rules in RULES.values() if rules.automation_ou]
        return [str(name) for name in dict.fromkeys(names)]

    def ous_to_register(self) -> list[str]:
        """OUs this stack registers with Control Tower, parents first: every OU a control targets, every OU
        that holds project accounts (the organization Config rule needs a recorder in each of them; the org
        stack cannot exclude accounts it does not know), the extra ``registerOus``, and their ancestors."""
        control_tower = self.control_tower
        needed = [*self.workload_ous(), *self.project_ous(), *control_tower.register_ous]
        return registration_order(needed, self.ou_parents(), control_tower.registered_ous)

    def governed_ous(self) -> set[str]:
        """Every OU Control Tower governs once this stack is applied (registered here or elsewhere)."""
        parents = self.ou_parents()
        outside = {ou for name in self.control_tower.registered_ous for ou in [name, *ancestors(name, parents)]}
        return outside | set(self.ous_to_register())

    def core_accounts_without_recorder(self) -> list[CoreAccount]:
        """Core accounts with no AWS Config recorder: outside every governed OU and not one of the landing
        zone's own accounts. The organization Config rule must exclude them."""
        governed, recording = self.governed_ous(), set(self.control_tower.recording_account_roles())
        return [account for account in self.core_accounts if account.ou not in governed and account.role not in recording]

    def guardrail_settings(self) -> GuardrailSettings:
        organization = self.organization
        return GuardrailSettings(
            allowed_regions=tuple(organization.allowed_regions),
            instance_types_by_ou=self.instance_types_by_ou(),
            required_tags=tuple(organization.cost_allocation_tags),
            # The platform's own access role must get through the guardrails it enforces.
            exempt_role_names=tuple(dict.fromkeys([*organization.exempt_role_names, organization.account_access_role_name])),
            data_lake_bucket_prefix=organization.data_lake_bucket_prefix,
            network_isolation_ous=tuple(ENVIRONMENT_OU[env] for env in self.network_isolation_environments),
            regulated_ou=self.regulated_ou.name if self.regulated_ou.enabled else None,
        )
