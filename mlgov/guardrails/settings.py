"""The organization-specific inputs of the guardrail catalogue.

Everything that differs between organizations (regions, instance types, tag keys,
break-glass roles ...) lives here, validated once, so the catalogue itself is a
pure function of these settings and can be tested without any config files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mlgov.constants import STANDARD_OU_TREE, OuName

# The optional regulated OU (brief, feature 1). Its instance-type guardrail key is
# part of guardrail_keys(), so this is the only non-standard OU that may carry an
# instance-type allow-list.
REGULATED_OU_NAME = "Workloads_Regulated"
INSTANCE_TYPE_OUS: tuple[str, ...] = tuple(name for name, _ in STANDARD_OU_TREE) + (REGULATED_OU_NAME,)

_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_BUCKET_PREFIX = re.compile(r"^[a-z0-9][a-z0-9.-]{0,61}$")
_INSTANCE_PATTERN = re.compile(r"^[a-z0-9.*?-]+$")
_TAG_KEY = re.compile(r"^[\w.:/=+@-]{1,128}$")


def _tuple(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


@dataclass(frozen=True)
class GuardrailSettings:
    """Validated at construction so a bad value fails before any SCP text exists."""

    allowed_regions: tuple[str, ...]
    instance_types_by_ou: Mapping[str, tuple[str, ...]]
    required_tags: tuple[str, ...]
    exempt_role_names: tuple[str, ...]
    data_lake_bucket_prefix: str
    network_isolation_ous: tuple[str, ...]
    regulated_ou: str | None = None

    def __post_init__(self) -> None:
        for name in ("allowed_regions", "required_tags", "exempt_role_names", "network_isolation_ous"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        frozen = {ou: _tuple(patterns) for ou, patterns in self.instance_types_by_ou.items()}
        object.__setattr__(self, "instance_types_by_ou", MappingProxyType(frozen))

        _require(bool(self.allowed_regions), "allowed_regions must name at least one region")
        for region in self.allowed_regions:
            _require(bool(_REGION.match(region)), f"{region!r} is not an AWS region name")
        for tag in self.required_tags:
            _require(bool(_TAG_KEY.match(tag)) and not tag.lower().startswith("aws:"), f"bad tag key {tag!r}")
        # An empty exemption list would lock Control Tower out of its own accounts.
        _require(bool(self.exempt_role_names), "exempt_role_names must not be empty")
        for role in self.exempt_role_names:
            _require(bool(_ROLE_NAME.match(role)), f"{role!r} is not a valid IAM role name")
        _require(
            bool(_BUCKET_PREFIX.match(self.data_lake_bucket_prefix)),
            f"{self.data_lake_bucket_prefix!r} is not a valid S3 bucket name prefix",
        )
        for ou, patterns in frozen.items():
            _require(
                ou in INSTANCE_TYPE_OUS,
                f"instance types configured for unknown OU {ou!r}; known: {', '.join(INSTANCE_TYPE_OUS)}",
            )
            _require(bool(patterns), f"{ou}: an empty instance-type list would deny every SageMaker job")
            for pattern in patterns:
                _require(bool(_INSTANCE_PATTERN.match(pattern)), f"{ou}: bad instance type pattern {pattern!r}")
        for ou in self.network_isolation_ous + ((self.regulated_ou,) if self.regulated_ou is not None else ()):
            _require(bool(ou) and len(ou) <= 128, f"bad OU name {ou!r}")

    @classmethod
    def example(cls) -> GuardrailSettings:
        """Realistic values for tests and docs (a two-region EU organization)."""
        return cls(
            allowed_regions=("eu-west-1", "eu-central-1"),
            instance_types_by_ou={
                OuName.SANDBOX.value: ("ml.t3.*", "ml.m5.large", "ml.m5.xlarge"),
                OuName.WORKLOADS_DEV.value: ("ml.t3.*", "ml.m5.*", "ml.c5.*", "ml.g4dn.xlarge"),
                OuName.WORKLOADS_PREPROD.value: ("ml.m5.*", "ml.c5.*", "ml.g5.*"),
                OuName.WORKLOADS_PROD.value: ("ml.m5.*", "ml.c5.*", "ml.g5.*", "ml.p4d.24xlarge"),
            },
            required_tags=("mlgov:project", "mlgov:cost-center"),
            exempt_role_names=("AWSControlTowerExecution", "OrganizationAccountAccessRole"),
            data_lake_bucket_prefix="mlgov-datalake-",
            network_isolation_ous=(OuName.WORKLOADS_PREPROD.value, OuName.WORKLOADS_PROD.value),
            regulated_ou=None,
        )
