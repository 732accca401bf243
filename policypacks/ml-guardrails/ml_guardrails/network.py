"""Security-group rules as one shape, whichever resource declares them.

A group's rules come from three places: its own ``ingress``/``egress`` lists,
``ec2.SecurityGroupRule`` resources, and ``vpc.SecurityGroupIngressRule`` /
``SecurityGroupEgressRule`` resources. A group created without any egress has none: the
AWS provider removes the allow-all rule that EC2 adds to a new group.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from .common import UNKNOWN, is_unknown
from .documents import as_list
from .graph import Res, StackView
from .tokens import (
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_RULE,
    EC2_SUBNET,
    EC2_VPC,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
)

HTTPS = 443
ALL_PROTOCOLS = {"-1", "all"}
TCP = {"tcp", "6"}


@dataclass
class Rule:
    """One rule: protocol and ports, and the peers it names (CIDRs, prefix lists, groups)."""

    protocol: Any
    from_port: Any
    to_port: Any
    cidrs: list[Any] = field(default_factory=list)
    prefix_lists: list[Any] = field(default_factory=list)
    groups: list[Any] = field(default_factory=list)
    """Peer group ids; ``"self"`` for the group itself."""

    def allows_https(self) -> Any:
        protocol = self.protocol
        if is_unknown(protocol):
            return UNKNOWN
        protocol = str(protocol).lower()
        if protocol in ALL_PROTOCOLS:
            return True
        if protocol not in TCP:
            return False
        if is_unknown(self.from_port) or is_unknown(self.to_port):
            return UNKNOWN
        try:
            return int(self.from_port) <= HTTPS <= int(self.to_port)
        except (TypeError, ValueError):
            return False


def _inline(item: dict[str, Any]) -> Rule:
    groups = [g for g in as_list(item.get("securityGroups"))]
    if item.get("self") is True:
        groups.append("self")
    return Rule(item.get("protocol"), item.get("fromPort"), item.get("toPort"),
                cidrs=as_list(item.get("cidrBlocks")), prefix_lists=as_list(item.get("prefixListIds")), groups=groups)


def rules(view: StackView, group: Res, direction: str) -> Any:
    """The group's rules in ``direction`` ('ingress' or 'egress'); UNKNOWN when some cannot be read."""
    found: list[Rule] = []
    inline = group.get(direction)
    if is_unknown(inline):
        return UNKNOWN
    found.extend(_inline(item) for item in as_list(inline) if isinstance(item, dict))
    for rule in view.of_type(EC2_SECURITY_GROUP_RULE):
        owner = view.refs(rule, "securityGroupId", EC2_SECURITY_GROUP)
        if owner is None or is_unknown(rule.get("type")):
            return UNKNOWN
        if not owner or owner[0].urn != group.urn or rule.get("type") != direction:
            continue
        peers = as_list(rule.get("sourceSecurityGroupId")) + (["self"] if rule.get("self") is True else [])
        found.append(Rule(rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"), cidrs=as_list(rule.get("cidrBlocks")),
                          prefix_lists=as_list(rule.get("prefixListIds")), groups=peers))
    separate = VPC_SECURITY_GROUP_EGRESS_RULE if direction == "egress" else VPC_SECURITY_GROUP_INGRESS_RULE
    for rule in view.of_type(separate):
        owner = view.refs(rule, "securityGroupId", EC2_SECURITY_GROUP)
        if owner is None:
            return UNKNOWN
        if not owner or owner[0].urn != group.urn:
            continue
        found.append(Rule(rule.get("ipProtocol"), rule.get("fromPort"), rule.get("toPort"), cidrs=as_list(rule.get("cidrIpv4")),
                          prefix_lists=as_list(rule.get("prefixListId")), groups=as_list(rule.get("referencedSecurityGroupId"))))
    return found


def covers(cidrs: list[Any], targets: list[str]) -> Any:
    """Every target network lies inside one of ``cidrs``."""
    if any(is_unknown(c) for c in cidrs):
        return UNKNOWN
    nets = []
    for cidr in cidrs:
        try:
            nets.append(ipaddress.ip_network(str(cidr), strict=False))
        except ValueError:
            continue
    if not targets:
        return False
    for target in targets:
        net = ipaddress.ip_network(target, strict=False)
        if not any(net.version == n.version and net.subnet_of(n) for n in nets):
            return False
    return True


def vpc_of(view: StackView, res: Res, key: str = "vpcId") -> Any:
    found = view.refs(res, key, EC2_VPC)
    return UNKNOWN if found is None else (found[0] if found else None)


def vpc_networks(vpc: Res) -> Any:
    cidr = vpc.get("cidrBlock")
    return [cidr] if isinstance(cidr, str) else UNKNOWN


def networks(view: StackView, res: Res, key: str, vpc: Res) -> Any:
    """CIDRs where ``res`` places its network interfaces: the subnets its property ``key``
    names (directly or nested), or the whole VPC when they are not in the stack."""
    subnets = view.refs(res, key, EC2_SUBNET)
    cidrs = [s.get("cidrBlock") for s in subnets or []]
    if subnets and all(isinstance(c, str) for c in cidrs):
        return cidrs
    return vpc_networks(vpc)
