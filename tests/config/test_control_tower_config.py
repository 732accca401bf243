"""mlgov:controlTower: what Control Tower would refuse at apply is refused at preview, by key path, exit 2."""

from __future__ import annotations

import pytest

from mlgov.config.loader import namespace_values, parse_settings

from test_bad_configs import sample
from test_bad_configs import test_bad_config_exits_2_naming_the_key_path as assert_reported

NS = "mlgov:controlTower"
EXISTING = "arn:aws:controltower:eu-west-1:111122223333:landingzone/1A2B3C4D5E6F7G8H"


def control_tower(doc) -> dict:
    return doc["config"].setdefault(NS, {})


def landing_zone(doc) -> dict:
    return control_tower(doc).setdefault("landingZone", {})


def _managed_with_arn(doc):
    landing_zone(doc).update(managed=True, arn=EXISTING)


def _existing_without_arn(doc):
    landing_zone(doc).update(managed=False)
    landing_zone(doc).pop("arn", None)


def _existing_in_another_region(doc):
    landing_zone(doc).update(managed=False, arn=EXISTING.replace("eu-west-1", "us-east-1"))


def _bad_landing_zone_arn(doc):
    landing_zone(doc).update(managed=False, arn="landingzone/1A2B")


def _managed_old_version(doc):
    landing_zone(doc).update(managed=True, version="3.3")
    control_tower(doc)["baselineVersion"] = "4.0"


def _baseline_for_another_version(doc):
    control_tower(doc)["baselineVersion"] = "4.0"


def _bad_baseline_version(doc):
    control_tower(doc)["baselineVersion"] = "v5"


def _identity_center_arn_with_managed_zone(doc):
    control_tower(doc)["identityCenterEnabledBaselineArn"] = "arn:aws:controltower:eu-west-1:111122223333:enabledbaseline/XAHNKO1VOWI6R50OA"


def _bad_identity_center_arn(doc):
    landing_zone(doc).update(managed=False, arn=EXISTING)
    control_tower(doc)["identityCenterEnabledBaselineArn"] = "arn:aws:controltower:eu-west-1:111122223333:baseline/LN25R72TTG6IGPTQ"


def _unknown_registered_ou(doc):
    control_tower(doc)["registeredOus"] = ["Workloads_Qa"]


def _unknown_ou_to_register(doc):
    control_tower(doc)["registerOus"] = ["Infra"]


def _registered_twice(doc):
    control_tower(doc).update(registeredOus=["Infrastructure"], registerOus=["Infrastructure"])


def _integration_accounts_apart(doc):
    doc["config"]["mlgov:coreAccounts"][0]["ou"] = "Infrastructure"  # log-archive away from security-tooling


def _register_the_integration_ou(doc):
    control_tower(doc)["registerOus"] = ["Security"]


def _batch_over_quota(doc):
    control_tower(doc)["controlBatchSize"] = 101


def _zero_retention(doc):
    landing_zone(doc)["loggingRetentionDays"] = 0


CASES = [
    (_managed_with_arn, f"{NS}.landingZone.arn", "managed is true"),
    (_existing_without_arn, f"{NS}.landingZone.arn", "required when managed is false"),
    (_existing_in_another_region, f"{NS}.landingZone.arn", "homeRegion"),
    (_bad_landing_zone_arn, f"{NS}.landingZone.arn", "landing zone ARN"),
    (_managed_old_version, f"{NS}.landingZone.version", "version 4 manifest"),
    (_baseline_for_another_version, f"{NS}.baselineVersion", "AWSControlTowerBaseline 5.0"),
    (_bad_baseline_version, f"{NS}.baselineVersion", "not a baseline version"),
    (_identity_center_arn_with_managed_zone, f"{NS}.identityCenterEnabledBaselineArn", "leaves IAM Identity Center"),
    (_bad_identity_center_arn, f"{NS}.identityCenterEnabledBaselineArn", "enabled baseline"),
    (_unknown_registered_ou, f"{NS}.registeredOus[0]", "does not exist"),
    (_unknown_ou_to_register, f"{NS}.registerOus[0]", "does not exist"),
    (_registered_twice, f"{NS}.registerOus[0]", "registered once"),
    (_integration_accounts_apart, "mlgov:coreAccounts", "one parent OU"),
    (_register_the_integration_ou, f"{NS}.registerOus[0]", "integration accounts"),
    (_batch_over_quota, f"{NS}.controlBatchSize", "100"),
    (_zero_retention, f"{NS}.landingZone.loggingRetentionDays", "1"),
]


@pytest.mark.parametrize("mutate, path, words", CASES, ids=[case[0].__name__.strip("_") for case in CASES])
def test_bad_control_tower_setting_exits_2_naming_the_key_path(plan_errors, tmp_path, mutate, path, words):
    assert_reported(plan_errors, tmp_path, mutate, path, words)


def _settings(mutate):
    document = sample()
    mutate(document)
    return parse_settings("org", namespace_values(document["config"]), "test")


def test_existing_landing_zone_with_registered_ous_registers_only_the_rest():
    def existing(doc):
        landing_zone(doc).update(managed=False, arn=EXISTING)
        control_tower(doc)["registeredOus"] = ["Workloads_Dev", "Sandbox"]

    config = _settings(existing)
    order = config.ous_to_register()
    # Workloads_Dev is governed, so its parent Workloads must be too: neither is registered again.
    assert order == ["Deployments", "Workloads_PreProd", "Workloads_Prod", "Deployments_PreProd", "Deployments_Prod"]
    assert {"Workloads", "Workloads_Dev", "Sandbox"} <= config.governed_ous()


def test_every_ou_that_holds_project_accounts_or_controls_is_governed():
    config = _settings(lambda doc: None)
    assert set(config.workload_ous()) | set(config.project_ous()) <= config.governed_ous()
    order = config.ous_to_register()
    parents = config.ou_parents()
    for name in order:
        assert parents[name] == "Root" or order.index(parents[name]) < order.index(name), name


def test_core_accounts_without_recorder_are_those_outside_governed_ous():
    config = _settings(lambda doc: None)
    missing = {account.role.value for account in config.core_accounts_without_recorder()}
    # log-archive and security-tooling record through the landing zone; Workloads is registered.
    assert missing == {"security-read-only", "break-glass", "network", "shared-services"}
    config = _settings(lambda doc: control_tower(doc).update(registerOus=["Infrastructure"]))
    assert {account.role.value for account in config.core_accounts_without_recorder()} == {"security-read-only", "break-glass"}
