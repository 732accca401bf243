"""Control Tower as data: baselines, registration order, control batches, the landing zone manifest.

Pure functions of the org settings (no AWS, no Pulumi), shared by the org stack's
components, the config checks and the tests.

What AWS requires, and where it is written down:

- A control can be enabled only on an OU that Control Tower governs; detective
  controls also need AWS Config recording in the OU's accounts. Registering the
  OU (enabling the ``AWSControlTowerBaseline`` baseline on it) provides both
  ("Register an existing organizational unit with AWS Control Tower" and "Types
  of baselines", AWS Control Tower User Guide). A nested OU can be registered
  only below a registered parent ("Nested OUs in AWS Control Tower").
- The baseline version must match the landing zone version ("Compatibility of OU
  baselines and landing zone versions").
- Control Tower runs one OU operation at a time (quota "Concurrent operations
  for organizational units", 1, not adjustable) but up to 100 control operations
  at once ("Limitations and quotas in AWS Control Tower"). Registrations are
  therefore chained, controls enabled in bounded parallel batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from mlgov.constants import ROOT

AWS_CONTROL_TOWER_BASELINE_ID = "17BSJV3IGJ2QSGA2"
"""Identifier of the ``AWSControlTowerBaseline`` baseline (``aws controltower list-baselines``); the ARN adds the region."""
IDENTITY_CENTER_BASELINE_PARAMETER = "IdentityCenterEnabledBaselineArn"
"""Baseline parameter naming the landing zone's enabled IdentityCenterBaseline, when Control Tower manages Identity Center."""

COMPATIBLE_BASELINE_VERSIONS: Mapping[str, str] = {"3.2": "4.0", "3.3": "4.0", "4.0": "5.0"}
"""Landing zone version -> the AWSControlTowerBaseline version AWS pairs with it (the versions this program knows)."""
MANIFEST_MIN_MAJOR_VERSION = 4
"""Landing zones this program creates use the version 4 manifest: Control Tower no longer creates the Security OU, so the OU tree stays this program's."""

CONTROL_OPERATIONS_QUOTA = 100
"""Control operations Control Tower accepts in progress at once."""
DEFAULT_CONTROL_BATCH = 10
"""Controls enabled at once. Landing Zone Accelerator uses 10: far below the quota, so console users and other
pipelines still have room, and a failure stops a small batch instead of dozens of operations."""

CONTROL_TOWER_SERVICE_ROLE_PATH = "/service-role/"

_T = TypeVar("_T")


def baseline_arn(region: str) -> str:
    """ARN of the AWSControlTowerBaseline in the landing zone's home region."""
    return f"arn:aws:controltower:{region}::baseline/{AWS_CONTROL_TOWER_BASELINE_ID}"


def major_version(version: str) -> int:
    return int(version.split(".", 1)[0])


def ancestors(name: str, parents: Mapping[str, str]) -> list[str]:
    """The OUs above ``name``, nearest first, up to (not including) the root; stops on an unknown parent or a cycle."""
    chain: list[str] = []
    current = parents.get(name)
    while current is not None and current != ROOT and current not in chain and current != name:
        chain.append(current)
        current = parents.get(current)
    return chain


def registration_order(needed: Iterable[str], parents: Mapping[str, str], registered_elsewhere: Iterable[str] = ()) -> list[str]:
    """OUs this stack registers, parents before children: every needed OU and every unregistered ancestor.

    ``registered_elsewhere`` are OUs Control Tower already governs (an existing landing
    zone, the console); they are not registered again, and their ancestors are taken as
    registered too (AWS could not have registered them otherwise).
    """
    outside = set(registered_elsewhere)
    for name in list(outside):
        outside.update(ancestors(name, parents))
    wanted: set[str] = set()
    for name in needed:
        for ou in [name, *ancestors(name, parents)]:
            if ou not in outside:
                wanted.add(ou)

    def depth(ou: str) -> int:
        return len(ancestors(ou, parents))

    order = {ou: index for index, ou in enumerate(parents)}
    return sorted(wanted, key=lambda ou: (depth(ou), order.get(ou, len(order)), ou))


def batches(items: Sequence[_T], size: int) -> list[list[_T]]:
    """``items`` in consecutive groups of at most ``size``."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    return [list(items[start:start + size]) for start in range(0, len(items), size)]


def landing_zone_manifest(
    *,
    governed_regions: Sequence[str],
    log_archive_account_id: str,
    security_account_id: str,
    logging_retention_days: int,
    access_logging_retention_days: int,
) -> dict[str, Any]:
    """The landing zone manifest (version 4 format, "Launch your landing zone using the AWS Control Tower APIs").

    Identity Center stays this program's (``accessManagement`` off: the permission
    sets are the org stack's, and Control Tower's own would compete with them);
    centralized logging goes to the log-archive account; AWS Config and the security
    roles to the security-tooling (audit) account, which Control Tower needs for the
    Config recording of registered OUs. Backup is not managed here.
    """
    retention = {
        "loggingBucket": {"retentionDays": logging_retention_days},
        "accessLoggingBucket": {"retentionDays": access_logging_retention_days},
    }
    return {
        "accessManagement": {"enabled": False},
        "backup": {"enabled": False},
        "centralizedLogging": {"accountId": log_archive_account_id, "enabled": True, "configurations": dict(retention)},
        "config": {"accountId": security_account_id, "enabled": True, "configurations": dict(retention)},
        "governedRegions": list(dict.fromkeys(governed_regions)),
        "securityRoles": {"accountId": security_account_id, "enabled": True},
    }
