"""security-service-admins: GuardDuty and Security Hub get their administrator in every region, with auto-enable.

``organizations.DelegatedAdministrator`` does not make an account the administrator of a
service that designates its own (GuardDuty, Security Hub, Macie, Detective, Inspector):
the service's ``OrganizationAdminAccount`` does, per region, and registering the same
account through Organizations as well makes one of the two fail. Where a stack designates
such an administrator, it does so in every region the organization allows (policy config
``regions``, or the stack's ``mlgov:organization.allowedRegions``), and sets the
organization configuration that enables the service for member accounts in each of them.
"""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import is_unknown, mandatory_stack_policy, policy_config, stack_setting, string_list_prop, violation
from ..graph import Res, StackView
from ..tokens import TypeToken

NAME = "security-service-admins"
REMEDIATION = (
    "Designate the administrator with guardduty.OrganizationAdminAccount / securityhub.OrganizationAdminAccount "
    "through a provider per allowed region (not organizations.DelegatedAdministrator), and in each region set "
    "guardduty.OrganizationConfiguration(auto_enable_organization_members='ALL') / "
    "securityhub.OrganizationConfiguration(auto_enable=True) through a provider of the administrator account."
)
SERVICES = {
    "guardduty": (TypeToken.GUARDDUTY_ORGANIZATION_ADMIN_ACCOUNT, TypeToken.GUARDDUTY_ORGANIZATION_CONFIGURATION),
    "securityhub": (TypeToken.SECURITYHUB_ORGANIZATION_ADMIN_ACCOUNT, TypeToken.SECURITYHUB_ORGANIZATION_CONFIGURATION),
}
SCHEMA = PolicyConfigSchema(
    properties={
        "regions": string_list_prop("Regions every designation must cover (the stack's mlgov:organization.allowedRegions counts too).", []),
        "ownDesignationPrincipals": string_list_prop(
            "Service principals that designate their administrator through their own API.",
            ["guardduty.amazonaws.com", "securityhub.amazonaws.com", "macie.amazonaws.com",
             "detective.amazonaws.com", "inspector2.amazonaws.com"]),
    }
)


def _regions(cfg) -> list[str]:
    organization = stack_setting("organization")
    allowed = organization.get("allowedRegions") if isinstance(organization, dict) else None
    return list(dict.fromkeys([*cfg["regions"], *(allowed if isinstance(allowed, list) else [])]))


def _auto_enabled(setting: Res) -> bool | None:
    if setting.type == TypeToken.GUARDDUTY_ORGANIZATION_CONFIGURATION:
        value = setting.get("autoEnableOrganizationMembers")
        legacy = setting.get("autoEnable")
        if is_unknown(value) or is_unknown(legacy):
            return None
        return value in ("ALL", "NEW") or legacy is True
    value = setting.get("autoEnable")
    return None if is_unknown(value) else value is True


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    cfg = policy_config(args, SCHEMA)
    delegated = view.of_type(TypeToken.DELEGATED_ADMINISTRATOR)
    designations = {service: view.of_type(types[0]) for service, types in SERVICES.items()}
    if not delegated and not any(designations.values()):
        args.not_applicable("the stack designates no delegated administrator")
    own = set(cfg["ownDesignationPrincipals"])
    for admin in delegated:
        principal = admin.get("servicePrincipal")
        if isinstance(principal, str) and principal in own:
            report_violation(violation(
                f"DelegatedAdministrator '{admin.name}' registers {principal} through Organizations; the service designates "
                "its administrator through its own API, per region, and the two registrations conflict.",
                "Use the service's OrganizationAdminAccount in every allowed region instead."), admin.urn)
    regions = _regions(cfg)
    for service, (admin_type, setting_type) in SERVICES.items():
        admins = designations[service]
        if not admins:
            continue
        settings = view.of_type(setting_type)
        admin_regions = [a.region for a in admins]
        if any(is_unknown(r) or r is None for r in admin_regions):
            continue
        for region in regions:
            if region not in admin_regions:
                report_violation(violation(
                    f"{service} has an administrator in {', '.join(sorted(set(admin_regions)))} but not in allowed region {region}.",
                    f"Add {admin_type.rsplit(':', 1)[-1]} for {region} (a provider per region)."), admins[0].urn)
        for admin in admins:
            here = [s for s in settings if s.region == admin.region]
            verdicts = [_auto_enabled(s) for s in here]
            if None in verdicts:
                continue
            if not any(verdicts):
                report_violation(violation(
                    f"{service} in {admin.region} has an administrator but no organization configuration that enables it "
                    "for member accounts, so new accounts stay unprotected.",
                    f"Add {setting_type.rsplit(':', 1)[-1]} with auto-enable in {admin.region}, through the administrator's provider."),
                    admin.urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description=(
        "GuardDuty and Security Hub administrators are designated with their own OrganizationAdminAccount (never "
        "organizations.DelegatedAdministrator) in every allowed region, each with auto-enable for member accounts."
    ),
    validate=validate,
    schema=SCHEMA,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
