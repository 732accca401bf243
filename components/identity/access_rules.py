"""Who gets which permission set in which account, per stage: the one table.

Read by the environment stacks (which know the project accounts) and by the
tests. The org stack defines the permission sets; it cannot assign them,
because the project accounts live in the environment stacks, which already
read the org stack (assigning from the org stack would be a cycle).

Rules: data scientists work in sandbox and dev only; ML engineers
build in sandbox and dev and may look, never touch, in preprod and prod; in
preprod and prod nobody but the pipeline writes (the pipeline's deploy role is
in components/delivery, not a person's permission set).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mlgov.constants import Environment


class PermissionSetName(StrEnum):
    """Names of the permission sets the org stack creates (and exports as ``permissionSets``)."""

    DATA_SCIENTIST = "DataScientist"
    ML_ENGINEER = "MLEngineer"
    ML_ENGINEER_READ_ONLY = "MLEngineerReadOnly"
    PLATFORM_ADMIN = "PlatformAdmin"
    PIPELINE_ADMIN = "PipelineAdmin"
    SECURITY_AUDIT = "SecurityAudit"


def sso_role_pattern(permission_set: PermissionSetName) -> str:
    """Path and name (IAM wildcards) of the role Identity Center creates in an account for a permission set.

    Identity Center names it ``AWSReservedSSO_<permission set>_<suffix>`` under
    ``/aws-reserved/sso.amazonaws.com/``, with or without a region segment, so the
    pattern leaves the path between the two open.
    """
    return f"aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{permission_set.value}_*"


class TeamGroup(StrEnum):
    """A project's Identity Center groups, named as the project catalogue's ``groups`` keys."""

    DATA_SCIENTISTS = "data_scientists"
    ML_ENGINEERS = "ml_engineers"


class AccountKind(StrEnum):
    WORKLOAD = "workload"
    """The project's account in the environment's Workloads (or Sandbox) OU."""
    AUTOMATION = "automation"
    """The project's automation (pipeline) account in the Deployments OU (preprod, prod)."""


@dataclass(frozen=True)
class Grant:
    group: TeamGroup
    permission_set: PermissionSetName
    account: AccountKind = AccountKind.WORKLOAD

    @property
    def key(self) -> str:
        """Stable resource-name part: '<account kind>-<group>-<permission set>'."""
        return f"{self.account.value}-{self.group.value.replace('_', '-')}-{self.permission_set.value.lower()}"


_BUILD = (
    Grant(TeamGroup.DATA_SCIENTISTS, PermissionSetName.DATA_SCIENTIST),
    Grant(TeamGroup.ML_ENGINEERS, PermissionSetName.ML_ENGINEER),
)
_LOOK_ONLY = (
    Grant(TeamGroup.ML_ENGINEERS, PermissionSetName.ML_ENGINEER_READ_ONLY),
    # Engineers follow pipeline runs; changing the pipeline is for the pipeline admin role only (SCP protect-pipelines).
    Grant(TeamGroup.ML_ENGINEERS, PermissionSetName.ML_ENGINEER_READ_ONLY, AccountKind.AUTOMATION),
)

STAGE_ACCESS: dict[Environment, tuple[Grant, ...]] = {
    Environment.SANDBOX: _BUILD,
    Environment.DEV: _BUILD,
    Environment.PREPROD: _LOOK_ONLY,
    Environment.PROD: _LOOK_ONLY,
}


class PlatformGroup(StrEnum):
    """Organization-wide groups, named in the org stack's ``identityCenter`` settings."""

    PLATFORM_ADMINS = "platform_admins"
    SECURITY_AUDITORS = "security_auditors"


# The platform team administers the core accounts only; project accounts are changed through
# the stacks and pipelines (prod has no human writer). Security reads every account.
CORE_ACCOUNT_ACCESS: tuple[tuple[PlatformGroup, PermissionSetName], ...] = (
    (PlatformGroup.PLATFORM_ADMINS, PermissionSetName.PLATFORM_ADMIN),
    (PlatformGroup.SECURITY_AUDITORS, PermissionSetName.SECURITY_AUDIT),
)
PROJECT_ACCOUNT_ACCESS: tuple[tuple[PlatformGroup, PermissionSetName], ...] = (
    (PlatformGroup.SECURITY_AUDITORS, PermissionSetName.SECURITY_AUDIT),
)
# Who administers the delivery pipelines: the platform team, through PipelineAdmin on the automation
# accounts only. PipelineAdmin can do one thing there, assume mlgov-pipeline-admin, the role the SCP
# protect-pipelines lets change pipelines (components/delivery/pipeline_roles.py trusts exactly it).
AUTOMATION_ACCOUNT_ACCESS: tuple[tuple[PlatformGroup, PermissionSetName], ...] = (
    (PlatformGroup.PLATFORM_ADMINS, PermissionSetName.PIPELINE_ADMIN),
)


def grants_for(environment: Environment | str) -> tuple[Grant, ...]:
    return STAGE_ACCESS[Environment(environment)]
