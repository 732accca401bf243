"""The project VPC: private subnets, VPC endpoints for what SageMaker needs, internet only where the rules allow.

Availability zones come from args, not from ``aws.get_availability_zones``: the plan
must be deterministic offline, and the zones a project uses are a decision, not a
lookup. Nothing here ever creates a transit gateway, a peering connection or a VPN:
a project VPC has no route to corporate networks, in any environment.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.naming import child_name

INTERFACE_ENDPOINT_SERVICES: tuple[str, ...] = ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "ecr.api", "ecr.dkr")
"""Interface endpoints Studio and jobs need when the VPC has no internet route."""
GATEWAY_ENDPOINT_SERVICES: tuple[str, ...] = ("s3",)
"""Gateway endpoints (free, routed through the private route table)."""

SUBNET_BITS = 4
"""Subnets are 1/16 of the VPC: up to 15 private subnets plus the public one."""


@dataclass(frozen=True)
class ProjectNetworkArgs:
    region: str
    """Region of the VPC; endpoint service names are ``com.amazonaws.<region>.<service>``."""
    cidr_block: str
    """IPv4 CIDR of the VPC, e.g. ``10.20.0.0/16`` (/16 to /24)."""
    availability_zones: tuple[str, ...]
    """One private subnet per zone, e.g. ``("eu-west-1a", "eu-west-1b")``."""
    internet_egress: bool = False
    """Add an internet gateway, one public subnet and a NAT gateway (EnvironmentRules.internet_egress)."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags for every taggable network resource."""


def plan_subnets(cidr_block: str, zones: tuple[str, ...]) -> tuple[list[str], str]:
    """(private subnet CIDRs, one per zone, the public subnet CIDR: the last block)."""
    network = ipaddress.ip_network(cidr_block)
    if network.version != 4 or not 16 <= network.prefixlen <= 24:
        raise ValueError(f"vpc cidr '{cidr_block}' must be an IPv4 block between /16 and /24")
    if not zones:
        raise ValueError("at least one availability zone is needed")
    if len(set(zones)) != len(zones):
        raise ValueError(f"availability zones repeat: {list(zones)}")
    blocks = list(network.subnets(prefixlen_diff=SUBNET_BITS))
    if len(zones) > len(blocks) - 1:
        raise ValueError(f"{len(zones)} zones do not fit in {cidr_block} (at most {len(blocks) - 1})")
    return [str(block) for block in blocks[: len(zones)]], str(blocks[-1])


class ProjectNetwork(pulumi.ComponentResource):
    """The project's VPC: private subnets per zone, security groups, the VPC endpoints SageMaker needs,
    and an internet gateway with NAT only where the environment's rules allow egress.

    Private by default so data leaves only through endpoints the platform chose.
    """

    def __init__(self, name: str, args: ProjectNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:network:ProjectNetwork", name, None, opts)
        private_cidrs, public_cidr = plan_subnets(args.cidr_block, args.availability_zones)
        child = pulumi.ResourceOptions(parent=self)
        tags = args.tags

        self.vpc = aws.ec2.Vpc(
            child_name(name, "vpc"),
            cidr_block=args.cidr_block,
            # Private DNS of interface endpoints needs both.
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={**tags, "Name": child_name(name, "vpc")},
            opts=child,
        )
        self.private_subnets = [
            self._subnet(name, args, "private", zone, cidr, child) for zone, cidr in zip(args.availability_zones, private_cidrs)
        ]
        self.private_route_table = self._route_table(name, args, "private", child)
        for zone, subnet in zip(args.availability_zones, self.private_subnets):
            aws.ec2.RouteTableAssociation(
                child_name(name, "private-rt", zone), subnet_id=subnet.id, route_table_id=self.private_route_table.id, opts=child
            )

        self.endpoint_security_group = aws.ec2.SecurityGroup(
            child_name(name, "endpoints-sg"),
            vpc_id=self.vpc.id,
            description="HTTPS from inside the VPC to the interface endpoints",
            ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": [args.cidr_block], "description": "HTTPS from the VPC"}],
            tags={**tags, "Name": child_name(name, "endpoints-sg")},
            opts=child,
        )
        # Studio needs NFS (2049) between its apps and the domain's EFS, and distributed
        # training talks container to container: all traffic within the group itself.
        workload_egress = [
            {"protocol": "-1", "from_port": 0, "to_port": 0, "self": True, "description": "within the group"},
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": [args.cidr_block], "description": "HTTPS to the endpoints"},
        ]
        if args.internet_egress:
            workload_egress.append(
                {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "description": "HTTPS out through NAT"}
            )
        self.workload_security_group = aws.ec2.SecurityGroup(
            child_name(name, "workloads-sg"),
            vpc_id=self.vpc.id,
            description="SageMaker Studio apps and jobs",
            ingress=[{"protocol": "-1", "from_port": 0, "to_port": 0, "self": True, "description": "within the group"}],
            egress=workload_egress,
            tags={**tags, "Name": child_name(name, "workloads-sg")},
            opts=child,
        )

        self.endpoints: dict[str, aws.ec2.VpcEndpoint] = {}
        for service in INTERFACE_ENDPOINT_SERVICES:
            self.endpoints[service] = self._endpoint(
                name,
                args,
                service,
                "Interface",
                child,
                private_dns_enabled=True,
                subnet_ids=[subnet.id for subnet in self.private_subnets],
                security_group_ids=[self.endpoint_security_group.id],
            )
        for service in GATEWAY_ENDPOINT_SERVICES:
            self.endpoints[service] = self._endpoint(name, args, service, "Gateway", child, route_table_ids=[self.private_route_table.id])

        self.internet_gateway: aws.ec2.InternetGateway | None = None
        self.nat_gateway: aws.ec2.NatGateway | None = None
        if args.internet_egress:
            self._internet_egress(name, args, public_cidr, child)

        self.vpc_id = self.vpc.id
        self.private_subnet_ids = [subnet.id for subnet in self.private_subnets]
        self.register_outputs(
            {
                "vpcId": self.vpc.id,
                "privateSubnetIds": self.private_subnet_ids,
                "workloadSecurityGroupId": self.workload_security_group.id,
            }
        )

    def _subnet(self, name: str, args: ProjectNetworkArgs, tier: str, zone: str, cidr: str, child: pulumi.ResourceOptions) -> aws.ec2.Subnet:
        # Even the public subnet hands out no public IPs: only the NAT gateway's Elastic IP faces the internet.
        return aws.ec2.Subnet(
            child_name(name, tier, zone),
            vpc_id=self.vpc.id,
            cidr_block=cidr,
            availability_zone=zone,
            map_public_ip_on_launch=False,
            tags={**args.tags, "Name": child_name(name, tier, zone), "mlgov:tier": tier},
            opts=child,
        )

    def _route_table(self, name: str, args: ProjectNetworkArgs, tier: str, child: pulumi.ResourceOptions) -> aws.ec2.RouteTable:
        table_name = child_name(name, f"{tier}-rt")
        return aws.ec2.RouteTable(table_name, vpc_id=self.vpc.id, tags={**args.tags, "Name": table_name}, opts=child)

    def _endpoint(
        self, name: str, args: ProjectNetworkArgs, service: str, endpoint_type: str, child: pulumi.ResourceOptions, **placement: Any
    ) -> aws.ec2.VpcEndpoint:
        """An endpoint of ``com.amazonaws.<region>.<service>``; ``placement``: its subnets (interface) or route tables (gateway)."""
        endpoint_name = child_name(name, "endpoint", service)
        return aws.ec2.VpcEndpoint(
            endpoint_name,
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{args.region}.{service}",
            vpc_endpoint_type=endpoint_type,
            tags={**args.tags, "Name": endpoint_name},
            opts=child,
            **placement,
        )

    def _internet_egress(self, name: str, args: ProjectNetworkArgs, public_cidr: str, child: pulumi.ResourceOptions) -> None:
        """Outbound-only internet: a NAT in one public subnet; nothing inbound reaches the private subnets."""
        tags = args.tags
        zone = args.availability_zones[0]
        self.internet_gateway = aws.ec2.InternetGateway(
            child_name(name, "igw"), vpc_id=self.vpc.id, tags={**tags, "Name": child_name(name, "igw")}, opts=child
        )
        public_subnet = self._subnet(name, args, "public", zone, public_cidr, child)
        public_route_table = self._route_table(name, args, "public", child)
        aws.ec2.Route(
            child_name(name, "public-default"),
            route_table_id=public_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=self.internet_gateway.id,
            opts=child,
        )
        aws.ec2.RouteTableAssociation(
            child_name(name, "public-rt", zone), subnet_id=public_subnet.id, route_table_id=public_route_table.id, opts=child
        )
        eip = aws.ec2.Eip(child_name(name, "nat-eip"), domain="vpc", tags={**tags, "Name": child_name(name, "nat-eip")}, opts=child)
        self.nat_gateway = aws.ec2.NatGateway(
            child_name(name, "nat"),
            # A VPC Elastic IP's id is its allocation id.
            allocation_id=eip.id,
            subnet_id=public_subnet.id,
            connectivity_type="public",
            tags={**tags, "Name": child_name(name, "nat")},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.internet_gateway]),
        )
        aws.ec2.Route(
            child_name(name, "private-default"),
            route_table_id=self.private_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            nat_gateway_id=self.nat_gateway.id,
            opts=child,
        )
