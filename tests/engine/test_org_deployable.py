"""The sample org stack in the order AWS needs at apply: landing zone, registrations, controls, Config rule,
security service administrators in every allowed region."""

from __future__ import annotations

import json

import pytest

from mlgov.config.loader import load_stack_file
from mlgov.constants import CoreAccountRole, TypeToken
from mlgov.control_tower import AWS_CONTROL_TOWER_BASELINE_ID


def _config(repo):
    return load_stack_file(repo / "stacks", "org")



def _ou_by_arn(plan):
    return {ou.outputs["arn"]: ou for ou in plan.of_type(TypeToken.ORGANIZATIONAL_UNIT)}


def _accounts(plan):
    return {a.name.removeprefix("account-"): a for a in plan.of_type(TypeToken.ACCOUNT)}


def test_landing_zone_after_the_organization_and_its_two_accounts(org_plan, repo):
    (zone,) = org_plan.of_type(TypeToken.CONTROL_TOWER_LANDING_ZONE)
    accounts = _accounts(org_plan)
    (organization,) = org_plan.of_type(TypeToken.ORGANIZATION)
    for needed in (accounts["log-archive"], accounts["security-tooling"], organization):
        assert org_plan.waits_for(zone, needed), needed.name
    manifest = json.loads(zone.inputs["manifestJson"])
    assert manifest["centralizedLogging"]["accountId"] == accounts["log-archive"].id
    assert manifest["securityRoles"]["accountId"] == accounts["security-tooling"].id
    assert manifest["governedRegions"] == _config(repo).organization.allowed_regions
    assert org_plan.outputs["landingZoneArn"] == zone.outputs["arn"]


def test_every_control_targets_a_registered_ou_and_waits_for_its_registration(org_plan):
    ous = _ou_by_arn(org_plan)
    registrations = {r.inputs["targetIdentifier"]: r for r in org_plan.of_type(TypeToken.CONTROL_TOWER_BASELINE)}
    (zone,) = org_plan.of_type(TypeToken.CONTROL_TOWER_LANDING_ZONE)
    for registration in registrations.values():
        assert registration.inputs["baselineIdentifier"].endswith("/" + AWS_CONTROL_TOWER_BASELINE_ID)
        assert org_plan.waits_for(registration, zone)
        parent = ous[registration.inputs["targetIdentifier"]].inputs["parentId"]
        parent_ou = next((ou for ou in ous.values() if ou.id == parent), None)
        if parent_ou is not None:  # nested OU: its parent is registered first
            assert org_plan.waits_for(registration, registrations[parent_ou.outputs["arn"]])
    controls = org_plan.of_type(TypeToken.CONTROL_TOWER_CONTROL)
    assert controls
    for control in controls:
        registration = registrations[control.inputs["targetIdentifier"]]
        assert org_plan.waits_for(control, registration)


def test_ous_holding_project_accounts_are_registered(org_plan, repo):
    registered = {_ou_by_arn(org_plan)[r.inputs["targetIdentifier"]].inputs["name"] for r in org_plan.of_type(TypeToken.CONTROL_TOWER_BASELINE)}
    assert set(_config(repo).project_ous()) <= registered


def test_config_rule_excludes_every_account_without_a_recorder_and_waits_for_registrations(org_plan):
    (rule,) = org_plan.of_type(TypeToken.CONFIG_ORGANIZATION_MANAGED_RULE)
    excluded = set(rule.inputs["excludedAccounts"])
    assert org_plan.outputs["managementAccountId"] in excluded
    ous = {ou.id: ou for ou in org_plan.of_type(TypeToken.ORGANIZATIONAL_UNIT)}
    registered = {r.inputs["targetIdentifier"] for r in org_plan.of_type(TypeToken.CONTROL_TOWER_BASELINE)}
    recording = {CoreAccountRole.LOG_ARCHIVE.value, CoreAccountRole.SECURITY_TOOLING.value}
    for role, account in _accounts(org_plan).items():
        has_recorder = ous[account.inputs["parentId"]].outputs["arn"] in registered or role in recording
        assert (account.id in excluded) != has_recorder, role
    for registration in org_plan.of_type(TypeToken.CONTROL_TOWER_BASELINE):
        assert org_plan.waits_for(rule, registration)


def _provider(plan, resource):
    return plan.by_urn()[resource.provider.rsplit("::", 1)[0]]


def test_guardduty_and_security_hub_administered_in_every_allowed_region(org_plan, repo):
    regions = _config(repo).organization.allowed_regions
    security = _accounts(org_plan)["security-tooling"].id
    management = org_plan.outputs["managementAccountId"]
    for admin_type, setting_type in (
        (TypeToken.GUARDDUTY_ORGANIZATION_ADMIN_ACCOUNT, TypeToken.GUARDDUTY_ORGANIZATION_CONFIGURATION),
        (TypeToken.SECURITYHUB_ORGANIZATION_ADMIN_ACCOUNT, TypeToken.SECURITYHUB_ORGANIZATION_CONFIGURATION),
    ):
        admins = org_plan.of_type(admin_type)
        assert sorted(_provider(org_plan, a).inputs["region"] for a in admins) == sorted(regions)
        for admin in admins:
            assert admin.inputs["adminAccountId"] == security
            assert json.loads(_provider(org_plan, admin).inputs["allowedAccountIds"]) == [management]
        settings = org_plan.of_type(setting_type)
        assert sorted(_provider(org_plan, s).inputs["region"] for s in settings) == sorted(regions)
        for setting in settings:
            provider = _provider(org_plan, setting)
            # Auto-enable is the administrator's own setting: made from inside the security-tooling account.
            assert json.loads(provider.inputs["allowedAccountIds"]) == [security]
            admin = next(a for a in admins if _provider(org_plan, a).inputs["region"] == provider.inputs["region"])
            assert org_plan.waits_for(setting, admin)
    for setting in org_plan.of_type(TypeToken.GUARDDUTY_ORGANIZATION_CONFIGURATION):
        assert setting.inputs["autoEnableOrganizationMembers"] == "ALL"
    for setting in org_plan.of_type(TypeToken.SECURITYHUB_ORGANIZATION_CONFIGURATION):
        assert setting.inputs["autoEnable"] is True


def test_no_delegated_administrator_for_a_service_with_its_own_designation(org_plan):
    principals = {d.inputs["servicePrincipal"] for d in org_plan.of_type(TypeToken.DELEGATED_ADMINISTRATOR)}
    assert not principals & {"guardduty.amazonaws.com", "securityhub.amazonaws.com"}
    assert "access-analyzer.amazonaws.com" in principals


def test_without_identity_center_the_program_names_the_sequence(repo):
    from dataclasses import dataclass

    from mlgov.constants import InvokeToken
    from mlgov.engine.fakes import FakeOrganization
    from mlgov.engine.runner import run_under_monitor
    from mlgov.programs.org import build_org_stack

    @dataclass(frozen=True)
    class FreshOrganization(FakeOrganization):
        """An organization whose Identity Center is not enabled yet."""

        def call(self, token, args, account):
            if token == InvokeToken.SSO_INSTANCES:
                return {"arns": [], "identityStoreIds": [], "id": self.region, "region": self.region}
            return super().call(token, args, account)

    config = _config(repo)
    with pytest.raises(Exception, match=r"identityCenter\.enabled: false") as raised:
        run_under_monitor(lambda: build_org_stack(config), stack="org", organization=FreshOrganization("mlgov", "eu-west-1"))
    assert "console" in str(raised.value)
    # The same organization plans with Identity Center left out, as the README's first step says.
    off = config.model_copy(update={"identity_center": config.identity_center.model_copy(update={"enabled": False})})
    plan = run_under_monitor(lambda: build_org_stack(off), stack="org", organization=FreshOrganization("mlgov", "eu-west-1"))
    assert plan.of_type(TypeToken.CONTROL_TOWER_LANDING_ZONE) and not plan.of_type(TypeToken.SSO_PERMISSION_SET)
