"""Control Tower detective controls on the workload OUs, plus the encryption rule.

AWS has no AWS-GR control that detects unencrypted buckets (S3 encrypts every
new bucket with SSE-S3 since January 2023), so the
encryption requirement is the AWS Config managed rule
S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED deployed organization-wide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from mlgov.constants import S3_ENCRYPTION_CONFIG_RULE, ControlIdentifier


@dataclass(frozen=True)
class ControlTowerControlsArgs:
    home_region: str
    """Control Tower home region; control ARNs are regional."""
    targets: Mapping[str, pulumi.Input[str]]
    """OU name -> OU ARN (controls target the ARN, not the id)."""
    controls: tuple[ControlIdentifier, ...] = tuple(ControlIdentifier)


class ControlTowerControls(pulumi.ComponentResource):
    def __init__(self, name: str, args: ControlTowerControlsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:control_tower_controls:ControlTowerControls", name, None, opts)
        self.controls: dict[tuple[str, str], aws.controltower.ControlTowerControl] = {}
        previous: aws.controltower.ControlTowerControl | None = None
        for ou_name, ou_arn in args.targets.items():
            for control in args.controls:
                enabled = aws.controltower.ControlTowerControl(
                    child_name("control", ou_name, control.value),
                    control_identifier=control.arn(args.home_region),
                    target_identifier=ou_arn,
                    # Control Tower runs one control operation at a time per landing zone;
                    # a chain keeps `pulumi up` from tripping over its own requests.
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[previous] if previous else []),
                )
                self.controls[(ou_name, control.value)] = enabled
                previous = enabled
        self.encryption_rule = aws.cfg.OrganizationManagedRule(
            f"{name}-s3-encryption",
            name="mlgov-s3-bucket-server-side-encryption-enabled",
            description="Every S3 bucket must have default server-side encryption (the blog's encryption guardrail).",
            rule_identifier=S3_ENCRYPTION_CONFIG_RULE,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})
