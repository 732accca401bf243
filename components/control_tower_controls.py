"""Control Tower on the OU tree: OU registrations, the detective controls, the encryption Config rule.

Control Tower enables a control only on an OU it governs, so every OU a control
targets is registered first (``aws.controltower.Baseline`` with the
AWSControlTowerBaseline, which also brings the AWS Config recording detective
controls read), parents before children. Control Tower runs one OU operation at
a time, so the registrations form a chain; it runs many control operations at
once, so the controls follow in bounded parallel batches (``mlgov.control_tower``
says why each number is what it is).

AWS has no AWS-GR control that detects unencrypted buckets (S3 encrypts every
new bucket with SSE-S3 since January 2023), so the encryption requirement is the
AWS Config managed rule S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, deployed
organization-wide. Such a rule fails unless every account it covers has a
configuration recorder (pulumi-aws, ``cfg.OrganizationManagedRule``): it waits for
the registrations that bring the recorders, and excludes the accounts that have none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from mlgov.constants import S3_ENCRYPTION_CONFIG_RULE, ControlIdentifier
from mlgov.control_tower import DEFAULT_CONTROL_BATCH, IDENTITY_CENTER_BASELINE_PARAMETER, baseline_arn, batches


@dataclass(frozen=True)
class ControlTowerControlsArgs:
    home_region: str
    """Control Tower home region; control and baseline ARNs are regional."""
    ou_arns: Mapping[str, pulumi.Input[str]]
    """OU name -> OU ARN (registrations and controls target the ARN, not the id)."""
    registrations: tuple[str, ...]
    """OUs to register, parents before children."""
    targets: tuple[str, ...]
    """OUs that get the controls; each must be registered here or already governed."""
    baseline_version: str
    """AWSControlTowerBaseline version matching the landing zone."""
    landing_zone: tuple[pulumi.Resource, ...] = ()
    """What the first registration waits for (the landing zone, when this stack creates it)."""
    identity_center_enabled_baseline_arn: str | None = None
    """Enabled IdentityCenterBaseline of a landing zone that manages Identity Center; passed to each registration."""
    controls: tuple[ControlIdentifier, ...] = tuple(ControlIdentifier)
    batch_size: int = DEFAULT_CONTROL_BATCH
    """Controls enabled at once."""
    config_rule_excluded_accounts: Sequence[pulumi.Input[str]] = ()
    """Accounts without an AWS Config recorder (the management account, accounts outside governed OUs)."""
    tags: Mapping[str, str] | None = None


class ControlTowerControls(pulumi.ComponentResource):
    """The Control Tower detective controls on every workload OU and the organization-wide Config rule
    that requires default bucket encryption.
    """

    def __init__(self, name: str, args: ControlTowerControlsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:control_tower_controls:ControlTowerControls", name, None, opts)
        self.registrations = self._register(args)
        last_registration = list(self.registrations.values())[-1:] or list(args.landing_zone)
        self.controls: dict[tuple[str, str], aws.controltower.ControlTowerControl] = {}
        pairs = [(ou_name, control) for ou_name in args.targets for control in args.controls]
        previous_batch: list[pulumi.Resource] = []
        for batch in batches(pairs, args.batch_size):
            current: list[pulumi.Resource] = []
            for ou_name, control in batch:
                own = [self.registrations[ou_name]] if ou_name in self.registrations else []
                enabled = aws.controltower.ControlTowerControl(
                    child_name("control", ou_name, control.value),
                    control_identifier=control.arn(args.home_region),
                    target_identifier=args.ou_arns[ou_name],
                    # After its OU's registration and after every OU operation (Control Tower runs those alone),
                    # and after the previous batch: at most batch_size control operations in flight.
                    opts=pulumi.ResourceOptions(parent=self, depends_on=list(dict.fromkeys([*own, *last_registration, *previous_batch]))),
                )
                self.controls[(ou_name, control.value)] = enabled
                current.append(enabled)
            previous_batch = current
        self.encryption_rule = aws.cfg.OrganizationManagedRule(
            f"{name}-s3-encryption",
            name="mlgov-s3-bucket-server-side-encryption-enabled",
            description="Every S3 bucket must have default server-side encryption (the blog's encryption guardrail).",
            rule_identifier=S3_ENCRYPTION_CONFIG_RULE,
            excluded_accounts=list(args.config_rule_excluded_accounts) or None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*args.landing_zone, *self.registrations.values()]),
        )
        self.register_outputs({"registeredOus": list(self.registrations)})

    def _register(self, args: ControlTowerControlsArgs) -> dict[str, aws.controltower.Baseline]:
        """One Baseline per OU, chained: Control Tower runs one OU operation at a time, parents first."""
        parameters = (
            aws.controltower.BaselineParametersArgs(key=IDENTITY_CENTER_BASELINE_PARAMETER, value=args.identity_center_enabled_baseline_arn)
            if args.identity_center_enabled_baseline_arn
            else None
        )
        registrations: dict[str, aws.controltower.Baseline] = {}
        previous: list[pulumi.Resource] = list(args.landing_zone)
        for ou_name in args.registrations:
            registration = aws.controltower.Baseline(
                child_name("register", ou_name),
                baseline_identifier=baseline_arn(args.home_region),
                baseline_version=args.baseline_version,
                target_identifier=args.ou_arns[ou_name],
                parameters=parameters,
                tags=dict(args.tags) if args.tags else None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=previous),
            )
            registrations[ou_name] = registration
            previous = [registration]
        return registrations
