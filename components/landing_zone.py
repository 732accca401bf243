"""The Control Tower landing zone the org stack's controls and OU registrations belong to.

Either this stack creates it (a fresh organization) or it names one that exists.
Creating it through the API needs, before ``CreateLandingZone``: the organization,
the log-archive and audit (security-tooling) accounts, and four service roles in
the management account ("Step 1: Configure your landing zone", AWS Control Tower
User Guide). The manifest comes from ``mlgov.control_tower.landing_zone_manifest``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.baseline._policy import document
from components.naming import child_name
from mlgov.control_tower import CONTROL_TOWER_SERVICE_ROLE_PATH, landing_zone_manifest

SERVICE_ROLE_POLICIES = "arn:aws:iam::aws:policy/service-role/"


@dataclass(frozen=True)
class ServiceRole:
    name: str
    service: str
    """Service principal that assumes the role."""
    managed_policies: tuple[str, ...] = ()
    inline_policy: dict | None = None
    """One inline policy statement list (plain data), if the role needs one."""


# The roles Control Tower assumes in the management account; names, principals and policies as AWS documents them.
CONTROL_TOWER_SERVICE_ROLES: tuple[ServiceRole, ...] = (
    ServiceRole(
        "AWSControlTowerAdmin", "controltower.amazonaws.com", (SERVICE_ROLE_POLICIES + "AWSControlTowerServiceRolePolicy",),
        {"Sid": "DescribeAvailabilityZones", "Effect": "Allow", "Action": "ec2:DescribeAvailabilityZones", "Resource": "*"},
    ),
    ServiceRole("AWSControlTowerCloudTrailRole", "cloudtrail.amazonaws.com", (SERVICE_ROLE_POLICIES + "AWSControlTowerCloudTrailRolePolicy",)),
    ServiceRole(
        "AWSControlTowerStackSetRole", "cloudformation.amazonaws.com", (),
        {"Sid": "AssumeTheExecutionRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/AWSControlTowerExecution"},
    ),
    ServiceRole("AWSControlTowerConfigAggregatorRoleForOrganizations", "config.amazonaws.com", (SERVICE_ROLE_POLICIES + "AWSConfigRoleForOrganizations",)),
)


@dataclass(frozen=True)
class LandingZoneArgs:
    managed: bool
    """Create the landing zone here; False: use ``existing_arn``."""
    version: str
    """Landing zone version."""
    home_region: str
    """Control Tower home region (where the landing zone, its controls and registrations live)."""
    governed_regions: tuple[str, ...] = ()
    """Regions Control Tower governs (managed landing zone)."""
    log_archive_account_id: pulumi.Input[str] | None = None
    """Account that receives the landing zone's logs (managed landing zone)."""
    security_account_id: pulumi.Input[str] | None = None
    """Audit account: AWS Config aggregation and the security roles (managed landing zone)."""
    logging_retention_days: int = 365
    access_logging_retention_days: int = 3650
    existing_arn: str | None = None
    """ARN of the landing zone that exists (``managed`` False)."""
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist before CreateLandingZone (the organization, the two accounts)."""
    tags: dict[str, str] = field(default_factory=dict)


class LandingZone(pulumi.ComponentResource):
    """The landing zone: created with its service roles and manifest, or named by ARN.

    ``ready`` is what the OU registrations wait for: the landing zone resource when
    this stack creates it, nothing when it exists already.
    """

    def __init__(self, name: str, args: LandingZoneArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:landing_zone:LandingZone", name, None, opts)
        self.ready: list[pulumi.Resource] = []
        self.landing_zone: aws.controltower.LandingZone | None = None
        if args.managed:
            if args.log_archive_account_id is None or args.security_account_id is None:
                raise ValueError("a managed landing zone needs the log-archive and security account ids")
            roles = [resource for role in CONTROL_TOWER_SERVICE_ROLES for resource in self._service_role(name, role, args.tags)]
            manifest = pulumi.Output.all(args.log_archive_account_id, args.security_account_id).apply(
                lambda ids: json.dumps(
                    landing_zone_manifest(
                        governed_regions=args.governed_regions,
                        log_archive_account_id=ids[0],
                        security_account_id=ids[1],
                        logging_retention_days=args.logging_retention_days,
                        access_logging_retention_days=args.access_logging_retention_days,
                    ),
                    sort_keys=True,
                )
            )
            self.landing_zone = aws.controltower.LandingZone(
                child_name(name, "landing-zone"),
                manifest_json=manifest,
                version=args.version,
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[*roles, *args.depends_on]),
            )
            self.ready = [self.landing_zone]
            self.arn: pulumi.Input[str] = self.landing_zone.arn
        else:
            if not args.existing_arn:
                raise ValueError("an existing landing zone is named by its ARN")
            self.arn = args.existing_arn
        self.register_outputs({"arn": self.arn})

    def _service_role(self, name: str, spec: ServiceRole, tags: dict[str, str]) -> list[pulumi.Resource]:
        """The role and its policies: CreateLandingZone must find all of them in place."""
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            child_name(name, spec.name),
            name=spec.name,
            path=CONTROL_TOWER_SERVICE_ROLE_PATH,
            description=f"Assumed by {spec.service} for the Control Tower landing zone",
            assume_role_policy=document({"Effect": "Allow", "Principal": {"Service": spec.service}, "Action": "sts:AssumeRole"}),
            tags=tags,
            opts=child,
        )
        resources: list[pulumi.Resource] = [role]
        for policy_arn in spec.managed_policies:
            resources.append(aws.iam.RolePolicyAttachment(
                child_name(name, spec.name, policy_arn.rsplit("/", 1)[-1]), role=role.name, policy_arn=policy_arn, opts=child
            ))
        if spec.inline_policy is not None:
            resources.append(aws.iam.RolePolicy(child_name(name, spec.name, "inline"), role=role.id, policy=document(spec.inline_policy), opts=child))
        return resources
