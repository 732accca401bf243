"""Compliant building blocks shared by the broken cases (not a case: it has no expected.yaml).

Every builder creates resources that pass the whole ml-guardrails pack with its defaults;
its keyword arguments are the knobs a case turns to introduce its one defect, so the defect
stays visible in the case's ``__main__.py``. A case imports this module with::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_common"))
    from compliant import ...

(``mlgov plan`` runs the case with runpy, which sets ``__file__``; so does the Pulumi host.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import pulumi
import pulumi_aws as aws

TAGS = {"mlgov:project": "churn-model", "mlgov:cost-center": "cc-1234"}
Attachments = Sequence[tuple[str, pulumi.Input[str]]]  # (resource-name label, target id)


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# -- organization ---------------------------------------------------------------------------

def root_id() -> str:
    """The organization root, from the stack config (``org:rootId``)."""
    return pulumi.Config("org").require("rootId")


def member_account(key: str, *, name: str = "ML Dev", email: str = "aws+ml-dev@example.com",
                   parent_id: pulumi.Input[str] | None = None, close_on_deletion: bool | None = False,
                   protect: bool = True, **extra: Any) -> aws.organizations.Account:
    """A protected member account that is removed from (not closed by) a destroy; pass
    ``close_on_deletion=None`` to leave it to the provider default."""
    if close_on_deletion is not None:
        extra["close_on_deletion"] = close_on_deletion
    return aws.organizations.Account(key, name=name, email=email, parent_id=parent_id or root_id(),
                                     opts=pulumi.ResourceOptions(protect=protect), **extra)


def scp(name: str, action: str | list[str], condition: dict | None = None, *, at: Attachments = ()) -> aws.organizations.Policy:
    """A one-statement deny SCP, attached to each (label, target id) in ``at``."""
    statement = {"Sid": "".join(p.title() for p in name.split("-")), "Effect": "Deny", "Action": action, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    policy = aws.organizations.Policy(name, name=name, type="SERVICE_CONTROL_POLICY", content=document(statement))
    for label, target_id in at:
        aws.organizations.PolicyAttachment(f"{name}-{label}", policy_id=policy.id, target_id=target_id)
    return policy


BASELINE_SCPS: dict[str, tuple[Any, dict | None]] = {
    "mlgov-deny-leave-organization": ("organizations:LeaveOrganization", None),
    "mlgov-deny-root-user": ("*", {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
    "mlgov-protect-security-services": (["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "guardduty:DeleteDetector"], None),
    "mlgov-region-allow-list": ("ec2:RunInstances", {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}),
}
ML_SCPS: dict[str, tuple[Any, dict | None]] = {
    "mlgov-sagemaker-require-vpc": (["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"],
                                    {"Null": {"sagemaker:VpcSubnets": "true"}}),
    "mlgov-sagemaker-require-kms": (["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"],
                                    {"Null": {"sagemaker:VolumeKmsKeyArn": "true"}}),
    "mlgov-sagemaker-require-encryption-in-transit": (["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"],
                                                      {"Bool": {"sagemaker:InterContainerTrafficEncryption": "false"}}),
    "mlgov-sagemaker-require-tags": (["sagemaker:CreateTrainingJob", "sagemaker:CreateDomain"],
                                     {"Null": {"aws:RequestTag/mlgov:cost-center": "true"}}),
}
S3_CONTROLS = ("AWS-GR_S3_BUCKET_PUBLIC_READ_PROHIBITED", "AWS-GR_S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
               "AWS-GR_S3_VERSIONING_ENABLED")


def baseline_org(root: pulumi.Input[str], *, attach: Mapping[str, Attachments] | None = None) -> dict[str, aws.organizations.Policy]:
    """The baseline SCPs (baseline-scps-at-root), each attached at the root unless ``attach``
    names other (label, target id) pairs for it."""
    attach = attach or {}
    return {name: scp(name, action, condition, at=attach.get(name, (("root", root),)))
            for name, (action, condition) in BASELINE_SCPS.items()}


CONTROL_TOWER_BASELINE = "arn:aws:controltower:us-east-1::baseline/17BSJV3IGJ2QSGA2"


def register(key: str, ou: aws.organizations.OrganizationalUnit) -> aws.controltower.Baseline:
    """Register the OU with Control Tower (controls-on-registered-ous)."""
    return aws.controltower.Baseline(f"{key}-registration", baseline_identifier=CONTROL_TOWER_BASELINE,
                                     baseline_version="5.0", target_identifier=ou.arn)


def workload_ou(key: str, name: str, parent_id: pulumi.Input[str], *, ml_scps: Iterable[str] = tuple(ML_SCPS),
                controls: Iterable[str] = S3_CONTROLS, registered: bool = True) -> aws.organizations.OrganizationalUnit:
    """A Workloads_* OU with the ML SCP set (workload-ou-ml-scps) and the S3 Control Tower
    controls (workload-ou-controls), registered with Control Tower before its controls
    (controls-on-registered-ous); pass fewer SCPs or controls, or registered=False, to leave them out."""
    ou = aws.organizations.OrganizationalUnit(key, name=name, parent_id=parent_id)
    for policy in ml_scps:
        scp(policy, *ML_SCPS[policy], at=((key, ou.id),))
    after = [register(key, ou)] if registered else []
    for control in controls:
        aws.controltower.ControlTowerControl(f"{key}-{control.lower()}", target_identifier=ou.arn,
                                             control_identifier=f"arn:aws:controltower:us-east-1::control/{control}",
                                             opts=pulumi.ResourceOptions(depends_on=after))
    return ou


# -- data -----------------------------------------------------------------------------------

def kms_key(key: str, description: str, *, tags: Mapping[str, str] = TAGS, policy: str | None = None,
            opts: pulumi.ResourceOptions | None = None) -> aws.kms.Key:
    """A rotated key; ``policy`` None leaves AWS's default key policy (the account only)."""
    return aws.kms.Key(key, description=description, enable_key_rotation=True, tags=dict(tags), policy=policy, opts=opts)


def deny_insecure_transport(arn: str) -> list[dict[str, Any]]:
    """The TLS-only statement (s3-tls-only): Principal '*' in a Deny is fine."""
    return [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]


def compliant_bucket(name: str, *, versioning: str | None = "Enabled", sse: str | None = "aws:kms",
                     public_access_block: bool | None = True,
                     policy: Callable[[str], list[dict[str, Any]]] | None = deny_insecure_transport,
                     tags: Mapping[str, str] = TAGS, key_policy: str | None = None,
                     provider: aws.Provider | None = None) -> aws.s3.Bucket:
    """A bucket with its four companions. Knobs: ``versioning`` (status, None: no
    BucketVersioning), ``sse`` (algorithm; 'aws:kms' uses a new key, with ``key_policy`` or
    AWS's default one; None: no encryption config), ``public_access_block`` (all four flags,
    None: no block), ``policy`` (statements from the bucket ARN, None: no BucketPolicy; it
    comes after every other setting), ``provider`` (the account provider everything goes
    through; None: the default provider)."""
    opts = pulumi.ResourceOptions(provider=provider)
    bucket = aws.s3.Bucket(name, tags=dict(tags), opts=opts)
    settings: list[pulumi.Resource] = []
    if versioning is not None:
        settings.append(aws.s3.BucketVersioning(name, bucket=bucket.id, versioning_configuration={"status": versioning}, opts=opts))
    if sse is not None:
        default: dict[str, Any] = {"sse_algorithm": sse}
        if sse.startswith("aws:kms"):
            default["kms_master_key_id"] = kms_key(name, f"{name} bucket key", tags=tags, policy=key_policy, opts=opts).arn
        settings.append(aws.s3.BucketServerSideEncryptionConfiguration(
            name, bucket=bucket.id, rules=[{"apply_server_side_encryption_by_default": default}], opts=opts))
    if public_access_block is not None:
        flag = public_access_block
        settings.append(aws.s3.BucketPublicAccessBlock(name, bucket=bucket.id, block_public_acls=flag, block_public_policy=flag,
                                                       ignore_public_acls=flag, restrict_public_buckets=flag, opts=opts))
    if policy is not None:
        aws.s3.BucketPolicy(name, bucket=bucket.id, policy=bucket.arn.apply(lambda arn: document(*policy(arn))),
                            opts=pulumi.ResourceOptions(provider=provider, depends_on=settings))
    return bucket


def account_provider(key: str, account_id: str, role_name: str = "OrganizationAccountAccessRole") -> aws.Provider:
    """A provider that deploys into ``account_id`` by assuming ``role_name`` there."""
    return aws.Provider(key, region="us-east-1", allowed_account_ids=[account_id],
                        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=f"arn:aws:iam::{account_id}:role/{role_name}", session_name="mlgov")])


# -- SageMaker ------------------------------------------------------------------------------

VPC_CIDR = "10.20.0.0/16"
HTTPS_TO_VPC = {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": [VPC_CIDR]}


def private_network(key: str, *, workload_egress: Callable[[aws.ec2.VpcEndpoint], list[dict[str, Any]]] | None = None) -> SimpleNamespace:
    """A VPC without an internet route: two private subnets, a SageMaker API interface endpoint behind its
    own group, the S3 gateway endpoint, and the group SageMaker uses. ``workload_egress`` builds that
    group's egress from the S3 endpoint (default: HTTPS to the VPC range and to S3's prefix list)."""
    vpc = aws.ec2.Vpc(key, cidr_block=VPC_CIDR, enable_dns_support=True, enable_dns_hostnames=True, tags=TAGS)
    subnets = [aws.ec2.Subnet(f"{key}-{zone}", vpc_id=vpc.id, cidr_block=cidr, availability_zone=f"us-east-1{zone}", tags=TAGS)
               for zone, cidr in (("a", "10.20.0.0/20"), ("b", "10.20.16.0/20"))]
    endpoints_sg = aws.ec2.SecurityGroup(f"{key}-endpoints", vpc_id=vpc.id, description="HTTPS to the endpoints",
                                         ingress=[HTTPS_TO_VPC], tags=TAGS)
    aws.ec2.VpcEndpoint(f"{key}-sagemaker-api", vpc_id=vpc.id, service_name="com.amazonaws.us-east-1.sagemaker.api",
                        vpc_endpoint_type="Interface", private_dns_enabled=True, subnet_ids=[s.id for s in subnets],
                        security_group_ids=[endpoints_sg.id], tags=TAGS)
    s3 = aws.ec2.VpcEndpoint(f"{key}-s3", vpc_id=vpc.id, service_name="com.amazonaws.us-east-1.s3", vpc_endpoint_type="Gateway", tags=TAGS)
    egress = workload_egress(s3) if workload_egress else [
        HTTPS_TO_VPC, {"protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_list_ids": [s3.prefix_list_id]}]
    workloads = aws.ec2.SecurityGroup(f"{key}-workloads", vpc_id=vpc.id, description="SageMaker", egress=egress, tags=TAGS)
    return SimpleNamespace(vpc=vpc, subnets=subnets, workloads=workloads)


def studio_domain(key: str, network: SimpleNamespace) -> aws.sagemaker.Domain:
    """A VpcOnly, KMS-encrypted Studio domain whose apps use ``network``'s workload group."""
    return aws.sagemaker.Domain(
        key, domain_name=key, auth_mode="IAM", vpc_id=network.vpc.id, subnet_ids=[s.id for s in network.subnets],
        default_user_settings={"execution_role": execution_role(f"{key}-execution").arn, "security_groups": [network.workloads.id]},
        kms_key_id=kms_key(f"{key}-key", "Studio key").arn, app_network_access_type="VpcOnly", tags=TAGS)


def shared_network() -> SimpleNamespace:
    """Ids of the shared VPC, from the stack config (``network:*``)."""
    network = pulumi.Config("network")
    return SimpleNamespace(vpc_id=network.require("vpcId"), subnet_id=network.require("subnetId"),
                           security_group_id=network.require("securityGroupId"))


def execution_role(key: str = "sagemaker-execution", *,
                   principal: dict[str, Any] | str = {"Service": "sagemaker.amazonaws.com"}) -> aws.iam.Role:  # noqa: B006
    """A role that ``principal`` may assume (resource-policy-principals: never a wildcard)."""
    return aws.iam.Role(key, assume_role_policy=document(
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}))


def model(key: str, role: aws.iam.Role, network: SimpleNamespace | None) -> aws.sagemaker.Model:
    """An XGBoost model; it runs in ``network``'s subnet (sagemaker-vpc-kms), or outside any VPC when None."""
    vpc = {"vpc_config": {"subnets": [network.subnet_id], "security_group_ids": [network.security_group_id]}} if network else {}
    return aws.sagemaker.Model(
        key, execution_role_arn=role.arn,
        primary_container={"image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.7-1",
                           "model_data_url": "s3://churn-model-artifacts/model.tar.gz"},
        tags=TAGS, **vpc)
