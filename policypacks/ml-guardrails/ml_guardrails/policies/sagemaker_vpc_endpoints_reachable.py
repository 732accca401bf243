"""sagemaker-vpc-endpoints-reachable: in a VPC without a way to the internet, the security
groups SageMaker uses reach every VPC endpoint of that VPC.

Studio apps and jobs in such a VPC reach AWS only through its endpoints. An interface
endpoint answers on network interfaces guarded by its own security groups, so the
SageMaker group needs HTTPS egress to them and they need HTTPS ingress from it. A gateway
endpoint (S3, DynamoDB) is a route to the service's prefix list, not to an address in the
VPC: a group that allows HTTPS only to the VPC's range never reaches S3 ("Gateway
endpoints for Amazon S3", Amazon VPC guide).
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import Severity

from .. import network
from ..common import UNKNOWN, dig, is_unknown, mandatory_stack_policy, violation
from ..documents import as_list
from ..graph import Res, StackView
from ..tokens import EC2_INTERNET_GATEWAY, EC2_INTERNET_GATEWAY_ATTACHMENT, EC2_SECURITY_GROUP, TypeToken
from ._coverage import applicable_view

NAME = "sagemaker-vpc-endpoints-reachable"
REMEDIATION = (
    "Give the SageMaker security group HTTPS (tcp 443) egress to each gateway endpoint's prefix list "
    "(prefix_list_ids=[<endpoint>.prefix_list_id]) and to the interface endpoints (their security group, or the "
    "subnets they sit in), and give the endpoints' security group HTTPS ingress from the SageMaker group or its subnets."
)
ANYWHERE = ["0.0.0.0/0"]
# SageMaker resource type -> (paths of its security group ids, the property that holds its subnets).
SAGEMAKER_NETWORK = {
    TypeToken.SAGEMAKER_DOMAIN: ((("defaultUserSettings", "securityGroups"), ("defaultSpaceSettings", "securityGroups")), "subnetIds"),
    TypeToken.SAGEMAKER_USER_PROFILE: ((("userSettings", "securityGroups"),), None),
    TypeToken.SAGEMAKER_MODEL: ((("vpcConfig", "securityGroupIds"),), "vpcConfig"),
    TypeToken.SAGEMAKER_NOTEBOOK_INSTANCE: ((("securityGroups",),), "subnetId"),
}


def groups_of(view: StackView, res: Res, path: tuple[str, ...]) -> list[Res]:
    """Security groups of this stack that ``res`` names at ``path`` (ids from outside the stack are skipped)."""
    values = dig(res.props, *path)
    if is_unknown(values) or any(is_unknown(v) for v in as_list(values)):
        return [d for d in (view.by_urn.get(u) for u in res.property_dependencies.get(path[0], [])) if d and d.type == EC2_SECURITY_GROUP]
    wanted = {v for v in as_list(values) if isinstance(v, str)}
    return [g for g in view.of_type(EC2_SECURITY_GROUP) if g.id in wanted]


def has_internet_egress(view: StackView, vpc: Res) -> Any:
    for gateway in view.of_type(EC2_INTERNET_GATEWAY, EC2_INTERNET_GATEWAY_ATTACHMENT):
        attached = network.vpc_of(view, gateway)
        if is_unknown(attached):
            return UNKNOWN
        if attached is not None and attached.urn == vpc.urn:
            return True
    return False


def _reaches_gateway(view: StackView, group: Res, egress: list[network.Rule], endpoint: Res) -> Any:
    prefix_list = endpoint.get("prefixListId")
    linked = endpoint.urn in group.property_dependencies.get("egress", [])
    verdict: Any = False
    for rule in egress:
        https = rule.allows_https()
        if https is False:
            continue
        hit: Any
        if network.covers(rule.cidrs, ANYWHERE) is True:
            hit = True
        elif isinstance(prefix_list, str) and prefix_list:
            hit = True if prefix_list in rule.prefix_lists else (UNKNOWN if any(is_unknown(p) for p in rule.prefix_lists) else False)
        else:
            hit = True if linked and rule.prefix_lists else UNKNOWN if rule.prefix_lists else False
        if hit is True and https is True:
            return True
        if hit is not False:
            verdict = UNKNOWN
    return verdict


def _names_group(rule: network.Rule, peer: Res, owner: Res) -> Any:
    if any(is_unknown(g) for g in rule.groups) or is_unknown(peer.id):
        return UNKNOWN
    return peer.id in rule.groups or ("self" in rule.groups and peer.urn == owner.urn)


def _allows(rules: list[network.Rule], owner: Res, peers: list[Res], peer_networks: Any) -> Any:
    """Some rule of ``owner`` allows HTTPS to/from one of ``peers`` or all of ``peer_networks``."""
    verdict: Any = False
    for rule in rules:
        https = rule.allows_https()
        if https is False:
            continue
        hits = [_names_group(rule, peer, owner) for peer in peers]
        hits.append(UNKNOWN if is_unknown(peer_networks) else network.covers(rule.cidrs, peer_networks))
        if https is True and any(h is True for h in hits):
            return True
        if any(h is not False for h in hits):
            verdict = UNKNOWN
    return verdict


def _reaches_interface(view: StackView, vpc: Res, group: Res, egress: list[network.Rule], group_networks: Any, endpoint: Res) -> Any:
    endpoint_groups = view.refs(endpoint, "securityGroupIds", EC2_SECURITY_GROUP)
    if not endpoint_groups:
        return UNKNOWN  # unknown, or the VPC's default group, which the stack does not describe
    out = _allows(egress, group, endpoint_groups, network.networks(view, endpoint, "subnetIds", vpc))
    if out is not True:
        return out
    verdicts = []
    for endpoint_group in endpoint_groups:
        ingress = network.rules(view, endpoint_group, "ingress")
        verdicts.append(UNKNOWN if is_unknown(ingress) else _allows(ingress, endpoint_group, [group], group_networks))
    if any(v is True for v in verdicts):
        return True
    return UNKNOWN if any(is_unknown(v) for v in verdicts) else False


def sagemaker_groups(view: StackView) -> dict[str, tuple[Res, list[Res], list[str | None]]]:
    """Security group urn -> (group, the SageMaker resources using it, networks they place it in)."""
    found: dict[str, tuple[Res, list[Res], list[str | None]]] = {}
    for type_, (paths, subnet_key) in SAGEMAKER_NETWORK.items():
        for res in view.of_type(type_):
            for path in paths:
                for group in groups_of(view, res, path):
                    entry = found.setdefault(group.urn, (group, [], []))
                    entry[1].append(res)
                    entry[2].append(subnet_key)
    return found


def _group_networks(view: StackView, users: list[Res], subnet_keys: list[str | None], vpc: Res) -> Any:
    """Where SageMaker places the group's network interfaces: the subnets its users name, or the VPC."""
    cidrs: list[str] = []
    for res, key in zip(users, subnet_keys):
        nets = network.networks(view, res, key, vpc) if key else network.vpc_networks(vpc)
        if is_unknown(nets):
            return UNKNOWN
        cidrs.extend(nets)
    return cidrs


def validate(args, report_violation) -> None:
    view = applicable_view(args, tuple(SAGEMAKER_NETWORK))
    endpoints = view.of_type(TypeToken.EC2_VPC_ENDPOINT)
    for group, users, subnet_keys in sagemaker_groups(view).values():
        vpc = network.vpc_of(view, group)
        if vpc is None or is_unknown(vpc) or has_internet_egress(view, vpc) is not False:
            continue
        egress = network.rules(view, group, "egress")
        if is_unknown(egress):
            continue
        group_networks = _group_networks(view, users, subnet_keys, vpc)
        for endpoint in endpoints:
            where = network.vpc_of(view, endpoint)
            kind = endpoint.get("vpcEndpointType")
            if where is None or is_unknown(where) or where.urn != vpc.urn or is_unknown(kind):
                continue
            kind = kind or "Gateway"  # the provider's default type
            if kind == "Gateway":
                reached, how = _reaches_gateway(view, group, egress, endpoint), "no HTTPS egress to its prefix list"
            elif kind == "Interface":
                reached = _reaches_interface(view, vpc, group, egress, group_networks, endpoint)
                how = "HTTPS is not allowed both out of this group and into the endpoint's security groups"
            else:
                continue
            if reached is False:
                service = endpoint.get("serviceName") or endpoint.name
                used_by = ", ".join(sorted({f"{u.type.rsplit(':', 1)[-1]} '{u.name}'" for u in users}))
                report_violation(violation(
                    f"security group '{group.name}' (used by {used_by}) cannot reach the {kind.lower()} endpoint "
                    f"'{service}' of VPC '{vpc.name}', which has no internet route: {how}.",
                    "Allow tcp 443 from the SageMaker group to the endpoint: prefix_list_ids=[<endpoint>.prefix_list_id] "
                    "for a gateway endpoint; the endpoint's security group or subnets (and its ingress from the SageMaker "
                    "group) for an interface endpoint."), group.urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description="In a VPC without internet egress, the security groups used by SageMaker reach every VPC endpoint (interface endpoints through their security groups, gateway endpoints through the prefix list).",
    validate=validate,
    schema=None,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
