"""Control Tower on the OU tree: registrations before controls, controls in bounded batches, the Config rule last."""

from __future__ import annotations

import json
import math

import pytest

from mlgov.constants import S3_ENCRYPTION_CONFIG_RULE, ControlIdentifier, TypeToken
from mlgov.control_tower import (
    AWS_CONTROL_TOWER_BASELINE_ID,
    CONTROL_OPERATIONS_QUOTA,
    DEFAULT_CONTROL_BATCH,
    IDENTITY_CENTER_BASELINE_PARAMETER,
    batches,
    landing_zone_manifest,
    registration_order,
)
from mlgov.engine.runner import run_under_monitor

ARNS = {name: f"arn:aws:organizations::111111111111:ou/o-abcdefghij/ou-ab12-0000000{index}" for index, name in
        enumerate(("Workloads", "Workloads_Dev", "Workloads_PreProd", "Workloads_Prod", "Sandbox"))}
PARENTS = {"Sandbox": "Root", "Workloads": "Root", "Workloads_Dev": "Workloads", "Workloads_PreProd": "Workloads", "Workloads_Prod": "Workloads"}
TARGETS = ("Workloads_Dev", "Workloads_PreProd", "Workloads_Prod")


def plan_controls(**overrides):
    from components.control_tower_controls import ControlTowerControls, ControlTowerControlsArgs

    args = {
        "home_region": "eu-west-1",
        "ou_arns": ARNS,
        "registrations": tuple(registration_order(TARGETS, PARENTS)),
        "targets": TARGETS,
        "baseline_version": "5.0",
        **overrides,
    }
    return run_under_monitor(lambda: ControlTowerControls("controls", ControlTowerControlsArgs(**args)), stack="test")



def test_registrations_parent_first_one_at_a_time():
    result = plan_controls()
    registrations = {r.name.removeprefix("register-"): r for r in result.of_type(TypeToken.CONTROL_TOWER_BASELINE)}
    assert set(registrations) == {"workloads", "workloads-dev", "workloads-preprod", "workloads-prod"}
    for registration in registrations.values():
        assert registration.inputs["baselineIdentifier"] == f"arn:aws:controltower:eu-west-1::baseline/{AWS_CONTROL_TOWER_BASELINE_ID}"
        assert registration.inputs["baselineVersion"] == "5.0"
        assert "parameters" not in registration.inputs
    # Every registration but the first waits for the one before it: no two OU operations at once.
    order = registration_order(TARGETS, PARENTS)
    chain = [registrations[name.lower().replace("_", "-")] for name in order]
    for before, after in zip(chain, chain[1:]):
        assert result.waits_for(after, before)
    assert chain[0].inputs["targetIdentifier"] == ARNS["Workloads"]


def test_each_control_waits_for_its_ous_registration_and_every_ou_operation():
    result = plan_controls()
    registrations = result.of_type(TypeToken.CONTROL_TOWER_BASELINE)
    controls = result.of_type(TypeToken.CONTROL_TOWER_CONTROL)
    assert len(controls) == len(TARGETS) * len(ControlIdentifier)
    assert {c.inputs["controlIdentifier"] for c in controls} == {c.arn("eu-west-1") for c in ControlIdentifier}
    for control in controls:
        own = next(r for r in registrations if r.inputs["targetIdentifier"] == control.inputs["targetIdentifier"])
        assert own.urn in control.dependencies
        assert all(result.waits_for(control, registration) for registration in registrations)


def waves(result, resources) -> dict[int, int]:
    """Wave -> how many of ``resources`` it holds; a resource's wave is 1 + the latest wave it waits for,
    so resources of one wave have no path between them: they can be created at the same time."""
    levels: dict[str, int] = {}

    def level(resource) -> int:
        if resource.urn not in levels:
            before = [level(other) for other in resources if other is not resource and result.waits_for(resource, other)]
            levels[resource.urn] = 1 + max(before, default=0)
        return levels[resource.urn]

    widths: dict[int, int] = {}
    for resource in resources:
        widths[level(resource)] = widths.get(level(resource), 0) + 1
    return widths


@pytest.mark.parametrize("size", [1, 2, 4, DEFAULT_CONTROL_BATCH])
def test_controls_in_bounded_parallel_batches(size):
    result = plan_controls(batch_size=size)
    controls = result.of_type(TypeToken.CONTROL_TOWER_CONTROL)
    widths = waves(result, controls)
    # Parallel up to the batch size, never beyond; and not a chain of one control at a time.
    assert max(widths.values()) == min(size, len(controls))
    assert len(widths) == math.ceil(len(controls) / size)


def test_the_default_batch_is_well_under_the_control_tower_quota():
    assert 1 < DEFAULT_CONTROL_BATCH <= CONTROL_OPERATIONS_QUOTA // 10


def test_batches_split_in_order_and_refuse_zero():
    assert batches(list("abcde"), 2) == [["a", "b"], ["c", "d"], ["e"]]
    with pytest.raises(ValueError):
        batches([1], 0)


def test_identity_center_parameter_passed_to_every_registration():
    arn = "arn:aws:controltower:eu-west-1:111111111111:enabledbaseline/XAHNKO1VOWI6R50OA"
    result = plan_controls(identity_center_enabled_baseline_arn=arn)
    for registration in result.of_type(TypeToken.CONTROL_TOWER_BASELINE):
        assert registration.inputs["parameters"] == {"key": IDENTITY_CENTER_BASELINE_PARAMETER, "value": arn}


def test_config_rule_after_every_registration_excluding_accounts_without_recorder():
    result = plan_controls(config_rule_excluded_accounts=("999988887777", "111122223333"))
    (rule,) = result.of_type(TypeToken.CONFIG_ORGANIZATION_MANAGED_RULE)
    assert rule.inputs["ruleIdentifier"] == S3_ENCRYPTION_CONFIG_RULE
    assert rule.inputs["excludedAccounts"] == ["999988887777", "111122223333"]
    assert all(result.waits_for(rule, r) for r in result.of_type(TypeToken.CONTROL_TOWER_BASELINE))


def test_controls_on_an_ou_registered_elsewhere_wait_for_the_other_registrations_only():
    result = plan_controls(registrations=("Workloads", "Workloads_Dev"), targets=("Workloads_Dev", "Workloads_Prod"))
    prod = [c for c in result.of_type(TypeToken.CONTROL_TOWER_CONTROL) if c.inputs["targetIdentifier"] == ARNS["Workloads_Prod"]]
    assert len(prod) == 3
    assert {r.name for r in result.of_type(TypeToken.CONTROL_TOWER_BASELINE)} == {"register-workloads", "register-workloads-dev"}


def test_registration_order_adds_ancestors_and_skips_what_is_registered_elsewhere():
    parents = {"A": "Root", "B": "A", "C": "B", "D": "Root"}
    assert registration_order(["C"], parents) == ["A", "B", "C"]
    assert registration_order(["C", "D"], parents) == ["A", "D", "B", "C"]
    # B is governed already, so A must be too: only C is left.
    assert registration_order(["C"], parents, registered_elsewhere=["B"]) == ["C"]
    assert registration_order(["C"], parents, registered_elsewhere=["C"]) == []


def test_manifest_names_the_accounts_and_leaves_identity_center_to_the_stack():
    manifest = landing_zone_manifest(governed_regions=["eu-west-1", "eu-central-1", "eu-west-1"], log_archive_account_id="111111111111",
                                     security_account_id="222222222222", logging_retention_days=365, access_logging_retention_days=3650)
    assert manifest["governedRegions"] == ["eu-west-1", "eu-central-1"]
    assert manifest["centralizedLogging"]["accountId"] == "111111111111"
    assert manifest["config"]["accountId"] == manifest["securityRoles"]["accountId"] == "222222222222"
    assert manifest["accessManagement"] == {"enabled": False}
    # The version 4 manifest requires every integration's enabled flag.
    assert all("enabled" in manifest[key] for key in ("accessManagement", "backup", "centralizedLogging", "config", "securityRoles"))
    assert manifest["config"]["configurations"]["loggingBucket"] == {"retentionDays": 365}
    assert json.loads(json.dumps(manifest)) == manifest


def test_managed_landing_zone_waits_for_its_service_roles_and_accounts():
    from components.landing_zone import CONTROL_TOWER_SERVICE_ROLES, LandingZone, LandingZoneArgs

    args = LandingZoneArgs(managed=True, version="4.0", home_region="eu-west-1", governed_regions=("eu-west-1",),
                           log_archive_account_id="111111111111", security_account_id="222222222222")
    result = run_under_monitor(lambda: LandingZone("lz", args), stack="test")
    (zone,) = result.of_type(TypeToken.CONTROL_TOWER_LANDING_ZONE)
    roles = result.of_type(TypeToken.IAM_ROLE)
    assert {r.inputs["name"] for r in roles} == {spec.name for spec in CONTROL_TOWER_SERVICE_ROLES}
    assert all(r.inputs["path"] == "/service-role/" for r in roles)
    policies = result.of_type(TypeToken.IAM_ROLE_POLICY) + result.of_type(TypeToken.IAM_ROLE_POLICY_ATTACHMENT)
    assert {p.urn for p in [*roles, *policies]} <= set(zone.dependencies)
    assert zone.inputs["version"] == "4.0"
    assert json.loads(zone.inputs["manifestJson"])["securityRoles"]["accountId"] == "222222222222"


def test_existing_landing_zone_creates_nothing_and_is_named():
    from components.landing_zone import LandingZone, LandingZoneArgs

    arn = "arn:aws:controltower:eu-west-1:111111111111:landingzone/1A2B3C4D5E6F7G8H"
    holder = {}
    result = run_under_monitor(lambda: holder.setdefault("lz", LandingZone("lz", LandingZoneArgs(
        managed=False, version="4.0", home_region="eu-west-1", existing_arn=arn))), stack="test")
    assert [r for r in result.resources if r.custom and not r.type.startswith("pulumi:providers:")] == []
    assert holder["lz"].ready == [] and holder["lz"].arn == arn
