"""Service control policies from the guardrail catalogue, and where they attach."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.naming import child_name
from mlgov.guardrails import ServiceControlPolicy


@dataclass(frozen=True)
class ServiceControlPoliciesArgs:
    policies: tuple[ServiceControlPolicy, ...]
    """The catalogue, already built for this organization's settings."""
    attachments: Mapping[str, Sequence[str]]
    """Policy key -> target names ('Root' or OU names)."""
    target_id: Callable[[str], pulumi.Input[str]]
    """Resolves a target name to the root or OU id."""


class ServiceControlPolicies(pulumi.ComponentResource):
    """One SCP per catalogue entry, minified, and an attachment per target the catalogue (or an
    override) names; the policies are data, this component only deploys them.
    """

    def __init__(self, name: str, args: ServiceControlPoliciesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:service_control_policies:ServiceControlPolicies", name, None, opts)
        self.policies: dict[str, aws.organizations.Policy] = {}
        self.attachments: dict[tuple[str, str], aws.organizations.PolicyAttachment] = {}
        for scp in args.policies:
            policy = aws.organizations.Policy(
                child_name("scp", scp.key),
                name=scp.name,
                description=scp.description,
                type="SERVICE_CONTROL_POLICY",
                # Minified: AWS counts whitespace against the size limit.
                content=scp.render(),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.policies[scp.key] = policy
            for target in args.attachments.get(scp.key, ()):
                self.attachments[(scp.key, target)] = aws.organizations.PolicyAttachment(
                    child_name("scp", scp.key, target),
                    policy_id=policy.id,
                    target_id=args.target_id(target),
                    opts=pulumi.ResourceOptions(parent=self),
                )
        self.register_outputs({key: policy.id for key, policy in self.policies.items()})
