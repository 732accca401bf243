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

def kms_key(key: str, description: str, *, tags: Mapping[str, str] = TAGS) -> aws.kms.Key:
    return aws.kms.Key(key, description=description, enable_key_rotation=True, tags=dict(tags))


def deny_insecure_transport(arn: str) -> list[dict[str, Any]]:
    """The TLS-only statement (s3-tls-only): Principal '*' in a Deny is fine."""
    return [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]


def compliant_bucket(name: str, *, versioning: str | None = "Enabled", sse: str | None = "aws:kms",
                     public_access_block: bool | None = True,
                     policy: Callable[[str], list[dict[str, Any]]] | None = deny_insecure_transport,
                     tags: Mapping[str, str] = TAGS) -> aws.s3.Bucket:
    """A bucket with its four companions. Knobs: ``versioning`` (status, None: no
    BucketVersioning), ``sse`` (algorithm; 'aws:kms' uses a new key; None: no encryption
    config), ``public_access_block`` (all four flags, None: no block), ``policy`` (statements
    from the bucket ARN, None: no BucketPolicy)."""
    bucket = aws.s3.Bucket(name, tags=dict(tags))
    if versioning is not None:
        aws.s3.BucketVersioning(name, bucket=bucket.id, versioning_configuration={"status": versioning})
    if sse is not None:
        default: dict[str, Any] = {"sse_algorithm": sse}
        if sse.startswith("aws:kms"):
            default["kms_master_key_id"] = kms_key(name, f"{name} bucket key", tags=tags).arn
        aws.s3.BucketServerSideEncryptionConfiguration(name, bucket=bucket.id,
                                                       rules=[{"apply_server_side_encryption_by_default": default}])
    if public_access_block is not None:
        flag = public_access_block
        aws.s3.BucketPublicAccessBlock(name, bucket=bucket.id, block_public_acls=flag, block_public_policy=flag,
                                       ignore_public_acls=flag, restrict_public_buckets=flag)
    if policy is not None:
        aws.s3.BucketPolicy(name, bucket=bucket.id, policy=bucket.arn.apply(lambda arn: document(*policy(arn))))
    return bucket


# -- SageMaker ------------------------------------------------------------------------------

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
