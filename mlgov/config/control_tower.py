"""The org stack's Control Tower settings (``mlgov:controlTower``): which landing zone, which OUs it governs.

Two ways to run: the stack creates the landing zone (``landingZone.managed: true``,
a fresh organization) or uses one that exists (``managed: false`` with its ARN).
Either way the stack registers every OU that a control targets or that holds
project accounts, unless ``registeredOus`` says Control Tower already governs it.
The checks here relate the settings to each other and to the OU tree, so what
Control Tower would refuse at apply is refused at preview, by key path.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from mlgov.config.errors import ConfigIssue
from mlgov.config.fields import ConfigModel, pattern_field
from mlgov.control_tower import (
    COMPATIBLE_BASELINE_VERSIONS,
    CONTROL_OPERATIONS_QUOTA,
    DEFAULT_CONTROL_BATCH,
    MANIFEST_MIN_MAJOR_VERSION,
    major_version,
)
from mlgov.constants import CoreAccountRole

NS = "mlgov:controlTower"

LandingZoneVersion = pattern_field(r"^\d+\.\d+$", "is not a landing zone version", "use a version such as '4.0'")
BaselineVersion = pattern_field(
    r"^\d+(?:\.\d+){0,2}$", "is not a baseline version", "use the AWSControlTowerBaseline version that matches the landing zone, such as '5.0'"
)
LandingZoneArn = pattern_field(
    r"^arn:aws[a-z-]*:controltower:[a-z0-9-]+:\d{12}:landingzone/[A-Za-z0-9]+$",
    "is not a Control Tower landing zone ARN",
    "copy the ARN shown by 'aws controltower list-landing-zones', like 'arn:aws:controltower:eu-west-1:111122223333:landingzone/1A2B3C4D5E6F7G8H'",
)
EnabledBaselineArn = pattern_field(
    r"^arn:aws[a-z-]*:controltower:[a-z0-9-]+:\d{12}:enabledbaseline/[A-Za-z0-9]+$",
    "is not the ARN of an enabled baseline",
    "copy the ARN of the enabled IdentityCenterBaseline from 'aws controltower list-enabled-baselines'",
)

_ARN_REGION = re.compile(r"^arn:[^:]+:controltower:([^:]+):")


class LandingZoneSettings(ConfigModel):
    managed: bool = True
    """Create the landing zone with this stack (a fresh organization); false: use the existing one named by ``arn``."""
    version: LandingZoneVersion = "4.0"
    """Landing zone version. A landing zone this stack creates uses the version 4 manifest (4.0 or later)."""
    arn: LandingZoneArn | None = None
    """ARN of the existing landing zone (``managed: false`` only)."""
    logging_retention_days: int = Field(default=365, ge=1)
    """Days Control Tower keeps CloudTrail and Config logs in the log-archive account (managed landing zone)."""
    access_logging_retention_days: int = Field(default=3650, ge=1)
    """Days Control Tower keeps the access logs of the log bucket (managed landing zone)."""


class ControlTowerSettings(ConfigModel):
    landing_zone: LandingZoneSettings = LandingZoneSettings()
    """The landing zone the controls and registrations belong to."""
    baseline_version: BaselineVersion = "5.0"
    """AWSControlTowerBaseline version enabled on each registered OU; must match the landing zone version."""
    identity_center_enabled_baseline_arn: EnabledBaselineArn | None = None
    """Existing landing zone that manages IAM Identity Center: ARN of its enabled IdentityCenterBaseline, passed to every registration."""
    registered_ous: list[str] = []
    """OUs Control Tower already governs (registered through the console or another tool); the stack does not register them again."""
    register_ous: list[str] = []
    """OUs to register besides those the stack must register (OUs that controls target or that hold project accounts)."""
    control_batch_size: int = Field(default=DEFAULT_CONTROL_BATCH, ge=1, le=CONTROL_OPERATIONS_QUOTA)
    """Controls enabled at once; each batch waits for the previous one."""

    def recording_account_roles(self) -> tuple[CoreAccountRole, ...]:
        """Core accounts where the landing zone itself records AWS Config (its log-archive and audit accounts)."""
        return (CoreAccountRole.LOG_ARCHIVE, CoreAccountRole.SECURITY_TOOLING)


def _ou_names(raw: dict[str, Any], parents: dict[str, str], key: str) -> list[ConfigIssue]:
    settings = raw.get("controlTower")
    values = settings.get(key) if isinstance(settings, dict) else None
    if not isinstance(values, list):
        return []
    known = ", ".join(sorted(parents))
    return [
        ConfigIssue(f"{NS}.{key}[{index}]", "names an OU that does not exist", f"use one of the OUs: {known}", name)
        for index, name in enumerate(values)
        if name not in parents
    ]


def check_control_tower(raw: dict[str, Any], parents: dict[str, str], core_account_ous: dict[str, str]) -> list[ConfigIssue]:
    """Rules between the Control Tower settings, the organization and the OU tree (raw values, like references.py)."""
    settings = raw.get("controlTower")
    settings = settings if isinstance(settings, dict) else {}
    landing_zone = settings.get("landingZone")
    landing_zone = landing_zone if isinstance(landing_zone, dict) else {}
    managed = landing_zone.get("managed", True)
    version = landing_zone.get("version", "4.0")
    baseline = settings.get("baselineVersion", "5.0")
    arn = landing_zone.get("arn")
    identity_center = settings.get("identityCenterEnabledBaselineArn")
    issues = _ou_names(raw, parents, "registeredOus") + _ou_names(raw, parents, "registerOus")

    lz = f"{NS}.landingZone"
    if managed is True:
        if arn is not None:
            issues.append(ConfigIssue(f"{lz}.arn", "names an existing landing zone, but managed is true (this stack creates one)", "remove arn, or set managed: false to use the existing landing zone", arn))
        if isinstance(version, str) and re.match(r"^\d+\.\d+$", version) and major_version(version) < MANIFEST_MIN_MAJOR_VERSION:
            issues.append(ConfigIssue(f"{lz}.version", f"is older than {MANIFEST_MIN_MAJOR_VERSION}.0; a landing zone this stack creates uses the version 4 manifest (Control Tower then leaves the OU tree to this stack)", "use '4.0' or later, or create the landing zone yourself and set managed: false", version))
        if identity_center is not None:
            issues.append(ConfigIssue(f"{NS}.identityCenterEnabledBaselineArn", "is set, but the landing zone this stack creates leaves IAM Identity Center to the org stack (no IdentityCenterBaseline)", "remove it; it is only for an existing landing zone that manages Identity Center", identity_center))
        log_ou, audit_ou = core_account_ous.get(CoreAccountRole.LOG_ARCHIVE.value), core_account_ous.get(CoreAccountRole.SECURITY_TOOLING.value)
        if log_ou and audit_ou and log_ou != audit_ou:
            issues.append(ConfigIssue("mlgov:coreAccounts", f"puts the log-archive account in '{log_ou}' and the security-tooling account in '{audit_ou}'; Control Tower needs its integration accounts under one parent OU", "place both in the same OU, e.g. Security"))
        register = settings.get("registerOus")
        for index, name in enumerate(register if isinstance(register, list) else []):
            if name == log_ou:
                issues.append(ConfigIssue(f"{NS}.registerOus[{index}]", "is the OU of the landing zone's integration accounts (log-archive, security-tooling); Control Tower does not apply the AWSControlTowerBaseline there", "remove it: the landing zone governs that OU itself", name))
    elif managed is False:
        home = (raw.get("organization") or {}).get("homeRegion") if isinstance(raw.get("organization"), dict) else None
        if arn is None:
            issues.append(ConfigIssue(f"{lz}.arn", "is required when managed is false: the stack must name the landing zone its controls belong to", "copy the ARN from 'aws controltower list-landing-zones'"))
        elif isinstance(arn, str) and (match := _ARN_REGION.match(arn)) and isinstance(home, str) and match.group(1) != home:
            issues.append(ConfigIssue(f"{lz}.arn", f"is in region {match.group(1)}, but organization.homeRegion is {home}; controls and registrations are made in the landing zone's home region", f"set organization.homeRegion to {match.group(1)}, or name the landing zone of {home}", arn))
    expected = COMPATIBLE_BASELINE_VERSIONS.get(str(version))
    if expected is not None and isinstance(baseline, str) and baseline != expected:
        issues.append(ConfigIssue(f"{NS}.baselineVersion", f"does not match landing zone version {version}; AWS pairs it with AWSControlTowerBaseline {expected}", f"set baselineVersion: '{expected}'", baseline))

    registered, register = settings.get("registeredOus"), settings.get("registerOus")
    if isinstance(registered, list) and isinstance(register, list):
        for index, name in enumerate(register):
            if name in registered:
                issues.append(ConfigIssue(f"{NS}.registerOus[{index}]", "is also in registeredOus: an OU is registered once", "keep it in one of the two lists", name))
    return issues
