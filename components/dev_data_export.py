"""Production data for a project's dev account: redacted in the prod account, read-only from dev.

``DevDataExport`` lives in the project's **prod** account (created through that
account's pinned provider). New objects under the configured prefixes of the
project's data bucket raise an S3 ``Object Created`` event (EventBridge); the
export function starts a one-time Macie classification job for that object;
when Macie logs the job's completion to CloudWatch Logs, the function reads
the object and the job's findings, keeps only the configured columns, masks
what Macie located and what its own detectors find, and writes the redacted
object and a manifest to the **export bucket** (its own KMS key, versioned,
TLS-only, public access blocked). Objects it cannot export go to
``quarantine/`` with the reason. The function runs in the project VPC with no
route out: S3 through the gateway endpoint, Macie through an interface
endpoint.

The dev account's Studio execution role is the only principal outside the
account the bucket policy names (``exports/`` and ``manifests/``, read only),
and the only one the key lets decrypt, for this bucket's encryption context
only. ``DevExportRead`` is the other half, in the dev account: the same role's
permission to read there, and nothing else.

The dev role's ARN reaches the prod stack through the dev stack's outputs
(prod references dev, so dev is planned and applied first: S3 and KMS refuse
a policy naming a role that does not exist yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.baseline._policy import bucket_arn, document
from components.baseline.kms import key_policy, rotated_key
from components.baseline.secure_bucket import SecureBucket, SecureBucketArgs
from components.naming import child_name
from mlgov.export_names import EXPORT_PREFIXES, EXPORT_PURPOSE, export_bucket_prefix, export_function_name, new_objects_pattern
from mlgov.redaction.lambda_handler import EXPORT_TAG, lambda_environment
from mlgov.redaction.package import HANDLER, build_package
from mlgov.redaction.s3 import QUARANTINE

RUNTIME = "python3.12"
TIMEOUT_SECONDS = 900
"""Lambda's maximum: the largest object one run can export is what streams through in 15 minutes."""
MEMORY_MB = 1769
"""Lambda gives a function one full vCPU at 1,769 MB ("Configuring Lambda function memory"); the
redaction is CPU-bound and streams, so the memory is for the CPU, not the data."""
LOG_RETENTION_DAYS = 365
MACIE_JOB_LOG_GROUP = "/aws/macie/classificationjobs"
"""Macie writes every job's events to this log group, and uses it as it is when it already exists."""
JOB_COMPLETED_PATTERN = '{ $.eventType = "JOB_COMPLETED" }'
EXPORT_SOURCE_TAG = "mlgov:export-source"
"""Tag on the export bucket naming the component that feeds it."""


@dataclass(frozen=True)
class DevDataExportArgs:
    project: str
    """Project name; the bucket is ``mlgov-<project>-export-<account id>``, the function and its role ``mlgov-<project>-dev-export``."""
    account_id: pulumi.Input[str]
    """The project's prod account."""
    region: str
    source_bucket: pulumi.Input[str]
    """The project's prod data bucket (name)."""
    source_prefixes: tuple[str, ...]
    """Key prefixes whose new objects are exported."""
    keep_columns: tuple[str, ...]
    """Columns (or top-level fields) the export keeps."""
    mode: str
    """``redact`` or ``subsample``."""
    sample_rate: float
    """Fraction of rows kept in ``subsample`` mode (1.0 in ``redact`` mode)."""
    data_key_arn: pulumi.Input[str]
    """The project key: encrypts the source objects and the log groups."""
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    subnet_ids: tuple[pulumi.Input[str], ...]
    """Private subnets of the project VPC (no route to the internet)."""
    endpoint_security_group_id: pulumi.Input[str]
    """Security group of the VPC's interface endpoints (HTTPS from the VPC)."""
    s3_prefix_list_id: pulumi.Input[str]
    """Prefix list of the VPC's S3 gateway endpoint: S3 traffic is addressed to it, not to the VPC."""
    reader_role_arn: pulumi.Input[str]
    """The dev account's Studio execution role: the one principal outside the account that may read exports."""
    parquet_layer_arn: str | None = None
    """A Lambda layer that provides pyarrow; without it Parquet objects are quarantined (the runtime has none)."""
    tags: dict[str, str] = field(default_factory=dict)
    depends_on: tuple[pulumi.Resource, ...] = ()
    """What must exist before the function runs (Macie enabled in the account)."""


def source_object_arns(bucket: pulumi.Input[str], prefixes: Sequence[str]) -> list[pulumi.Output[str]]:
    return [pulumi.Output.concat(bucket_arn(bucket), "/", prefix, "*") for prefix in prefixes]


def export_bucket_statements(bucket: str | pulumi.Output[str], account_id: pulumi.Input[str], reader_role_arn: pulumi.Input[str]) -> tuple[dict[str, Any], ...]:
    """The dev role lists and reads ``exports/`` and ``manifests/``; ``quarantine/`` never leaves the account."""
    arn = bucket_arn(bucket)
    reader = {"AWS": reader_role_arn}
    return (
        {
            "Sid": "DevStudioRoleListsExports",
            "Effect": "Allow",
            "Principal": reader,
            "Action": "s3:ListBucket",
            "Resource": arn,
            "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*" for prefix in EXPORT_PREFIXES]}},
        },
        {
            "Sid": "DevStudioRoleReadsExports",
            "Effect": "Allow",
            "Principal": reader,
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": [pulumi.Output.concat(arn, "/", prefix, "*") for prefix in EXPORT_PREFIXES],
        },
        {
            # Quarantined objects are raw: no grant added later may let them out of the account.
            "Sid": "QuarantineStaysInTheAccount",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": pulumi.Output.concat(arn, "/", QUARANTINE, "*"),
            "Condition": {"StringNotEquals": {"aws:PrincipalAccount": account_id}},
        },
    )


def export_key_statements(bucket: pulumi.Input[str], region: str, reader_role_arn: pulumi.Input[str]) -> tuple[dict[str, Any], ...]:
    arn = bucket_arn(bucket)
    return (
        {
            "Sid": "DevStudioRoleDecryptsExportBucketOnly",
            "Effect": "Allow",
            "Principal": {"AWS": reader_role_arn},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                # With S3 bucket keys the encryption context is the bucket's ARN; without, the object's.
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [arn, pulumi.Output.concat(arn, "/*")]},
            },
        },
    )


def function_policy(args: DevDataExportArgs, export_bucket: pulumi.Input[str], export_key_arn: pulumi.Input[str], log_group_arn: pulumi.Input[str], security_group_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Least privilege: read the source prefixes, write the export bucket, start and read its own Macie jobs."""
    account, region = args.account_id, args.region

    def arn(service: str, *resource: pulumi.Input[str]) -> pulumi.Output[str]:
        return pulumi.Output.concat(f"arn:aws:{service}:{region}:", account, ":", *resource)

    export_arn = bucket_arn(export_bucket)
    jobs = arn("macie2", "classification-job/*")
    return document(
        {"Sid": "OwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": pulumi.Output.concat(log_group_arn, ":*")},
        {"Sid": "ReadSourcePrefixes", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": source_object_arns(args.source_bucket, args.source_prefixes)},
        {
            "Sid": "WriteExportsManifestsQuarantine",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            "Resource": [pulumi.Output.concat(export_arn, "/", prefix, "*") for prefix in (*EXPORT_PREFIXES, QUARANTINE)],
        },
        {
            "Sid": "DecryptSourceThroughS3",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": args.data_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
        {
            "Sid": "EncryptExportsThroughS3",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": export_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
        {
            # Jobs must carry the project's export tag: the function starts no other kind of job.
            "Sid": "StartExportClassificationJobs",
            "Effect": "Allow",
            "Action": ["macie2:CreateClassificationJob", "macie2:TagResource"],
            "Resource": jobs,
            "Condition": {"StringEquals": {f"aws:RequestTag/{EXPORT_TAG}": args.project}},
        },
        {"Sid": "ReadClassificationJobs", "Effect": "Allow", "Action": "macie2:DescribeClassificationJob", "Resource": jobs},
        {
            # ListFindings and GetFindings have no resource-level permissions.
            "Sid": "ReadFindings",
            "Effect": "Allow",
            "Action": ["macie2:ListFindings", "macie2:GetFindings"],
            "Resource": "*",
        },
        {
            # Lambda attaches the function to the VPC through these calls, in the project subnets only.
            "Sid": "AttachToProjectSubnets",
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
            "Resource": [
                arn("ec2", "network-interface/*"),
                *[arn("ec2", "subnet/", subnet) for subnet in args.subnet_ids],
                arn("ec2", "security-group/", security_group_id),
            ],
        },
        {"Sid": "DescribeNetworkInterfaces", "Effect": "Allow", "Action": "ec2:DescribeNetworkInterfaces", "Resource": "*"},
    )


class DevDataExport(pulumi.ComponentResource):
    """The export pipeline of one project in its prod account (see the module docstring)."""

    def __init__(self, name: str, args: DevDataExportArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:dev_data_export:DevDataExport", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        function_name = export_function_name(args.project)
        # Named here rather than read from the bucket resource: the key policy needs it before the bucket exists.
        bucket = pulumi.Output.concat(export_bucket_prefix(args.project), args.account_id)

        self.key, self.alias = rotated_key(
            self,
            child_name(name, "export"),
            description=f"mlgov dev data export of {args.project}",
            alias=f"alias/mlgov/{args.project}/dev-export",
            policy=key_policy(args.account_id, args.region, ("s3",), export_key_statements(bucket, args.region, args.reader_role_arn)),
            tags=tags,
        )
        self.bucket = SecureBucket(
            child_name(name, "bucket"),
            SecureBucketArgs(
                bucket=bucket,
                kms_key_arn=self.key.arn,
                tags={**tags, "mlgov:purpose": EXPORT_PURPOSE, EXPORT_SOURCE_TAG: name},
                extra_statements=export_bucket_statements(bucket, args.account_id, args.reader_role_arn),
                # A function killed mid-upload leaves parts that S3 keeps (and bills) until aborted.
                abort_incomplete_uploads_days=1,
            ),
            opts=child,
        )

        self.job_logs = aws.cloudwatch.LogGroup(
            child_name(name, "macie-job-logs"),
            name=MACIE_JOB_LOG_GROUP,
            retention_in_days=LOG_RETENTION_DAYS,
            kms_key_id=args.data_key_arn,
            tags=tags,
            opts=child,
        )
        self.function_logs = aws.cloudwatch.LogGroup(
            child_name(name, "function-logs"),
            name=f"/aws/lambda/{function_name}",
            retention_in_days=LOG_RETENTION_DAYS,
            kms_key_id=args.data_key_arn,
            tags=tags,
            opts=child,
        )
        self.security_group = aws.ec2.SecurityGroup(
            child_name(name, "function-sg"),
            vpc_id=args.vpc_id,
            description=f"Export function of {args.project}: HTTPS to the VPC endpoints only",
            egress=[
                {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": [args.vpc_cidr], "description": "HTTPS to the interface endpoints"},
                {"protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_list_ids": [args.s3_prefix_list_id], "description": "HTTPS to S3 through the gateway endpoint"},
            ],
            tags={**tags, "Name": child_name(name, "function-sg")},
            opts=child,
        )
        self.macie_endpoint = aws.ec2.VpcEndpoint(
            child_name(name, "endpoint-macie2"),
            vpc_id=args.vpc_id,
            service_name=f"com.amazonaws.{args.region}.macie2",
            vpc_endpoint_type="Interface",
            private_dns_enabled=True,
            subnet_ids=list(args.subnet_ids),
            security_group_ids=[args.endpoint_security_group_id],
            tags={**tags, "Name": child_name(name, "endpoint-macie2")},
            opts=child,
        )
        self.role = aws.iam.Role(
            child_name(name, "function-role"),
            name=function_name,
            description=f"Dev data export function of {args.project}",
            # The trust the Lambda guide gives ("Defining Lambda function permissions with an execution role"):
            # Lambda is not documented to send aws:SourceAccount when it assumes the role, and a
            # condition on it could lock the function out of its own role.
            assume_role_policy=document({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
            tags=tags,
            opts=child,
        )
        self.role_policy = aws.iam.RolePolicy(
            child_name(name, "function-policy"),
            role=self.role.id,
            policy=function_policy(args, self.bucket.name, self.key.arn, self.function_logs.arn, self.security_group.id),
            opts=child,
        )
        package = build_package()
        self.function = aws.lambda_.Function(
            child_name(name, "function"),
            name=function_name,
            description=f"Redacts new prod data of {args.project} for its dev account",
            role=self.role.arn,
            runtime=RUNTIME,
            handler=HANDLER,
            code=pulumi.FileArchive(str(package.path)),
            source_code_hash=package.source_code_hash,
            timeout=TIMEOUT_SECONDS,
            memory_size=MEMORY_MB,
            layers=[args.parquet_layer_arn] if args.parquet_layer_arn else None,
            vpc_config={"subnet_ids": list(args.subnet_ids), "security_group_ids": [self.security_group.id]},
            environment={
                "variables": lambda_environment(
                    project=args.project,
                    account_id=args.account_id,
                    source_bucket=args.source_bucket,
                    export_bucket=self.bucket.name,
                    source_prefixes=args.source_prefixes,
                    keep_columns=args.keep_columns,
                    mode=args.mode,
                    sample_rate=args.sample_rate,
                )
            },
            logging_config={"log_format": "JSON", "log_group": self.function_logs.name},
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.role_policy, self.macie_endpoint, *args.depends_on]),
        )
        self.rule = aws.cloudwatch.EventRule(
            child_name(name, "new-objects"),
            description=f"New objects to export for {args.project}",
            event_pattern=pulumi.Output.json_dumps(new_objects_pattern(args.source_bucket, args.source_prefixes)),
            tags=tags,
            opts=child,
        )
        aws.cloudwatch.EventTarget(child_name(name, "new-objects-target"), rule=self.rule.name, arn=self.function.arn, opts=child)
        aws.lambda_.Permission(
            child_name(name, "invoke-from-events"),
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="events.amazonaws.com",
            source_arn=self.rule.arn,
            opts=child,
        )
        completed = aws.lambda_.Permission(
            child_name(name, "invoke-from-job-logs"),
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="logs.amazonaws.com",
            source_arn=pulumi.Output.concat(self.job_logs.arn, ":*"),
            source_account=args.account_id,
            opts=child,
        )
        aws.cloudwatch.LogSubscriptionFilter(
            child_name(name, "job-completed"),
            name=f"{function_name}-job-completed",
            log_group=self.job_logs.name,
            filter_pattern=JOB_COMPLETED_PATTERN,
            destination_arn=self.function.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[completed]),
        )
        self.bucket_name = self.bucket.name
        self.register_outputs({"bucket": self.bucket.name, "keyArn": self.key.arn, "functionArn": self.function.arn})


@dataclass(frozen=True)
class DevExportReadArgs:
    project: str
    """The project whose prod export its dev Studio role reads."""
    role_name: pulumi.Input[str]
    """The dev account's Studio execution role (``mlgov-<project>-sagemaker-execution``)."""
    region: str
    organization_id: pulumi.Input[str]
    """The export bucket and key must belong to this organization."""


def export_read_policy(project: str, region: str, organization_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Read on the project's export bucket, named by pattern: the dev stack cannot know the prod account id.

    ``?`` stands for one character, so twelve of them match exactly an account id;
    the organization condition keeps the pattern inside the organization. The
    bucket policy on the prod side names this role, so both halves must agree.
    """
    bucket = f"arn:aws:s3:::{export_bucket_prefix(project)}{'?' * 12}"
    in_organization = {"StringEquals": {"aws:ResourceOrgID": organization_id}}
    return document(
        {
            "Sid": "ListProdExports",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket,
            "Condition": {**in_organization, "StringLike": {"s3:prefix": [f"{prefix}*" for prefix in EXPORT_PREFIXES]}},
        },
        {
            "Sid": "ReadProdExports",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": [f"{bucket}/{prefix}*" for prefix in EXPORT_PREFIXES],
            "Condition": in_organization,
        },
        {
            "Sid": "DecryptProdExportsThroughS3",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": f"arn:aws:kms:{region}:*:key/*",
            "Condition": {
                "StringEquals": {"aws:ResourceOrgID": organization_id, "kms:ViaService": f"s3.{region}.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket, f"{bucket}/*"]},
            },
        },
    )


class DevExportRead(pulumi.ComponentResource):
    """In the dev account: the Studio execution role may read the project's prod export, and nothing else changes."""

    def __init__(self, name: str, args: DevExportReadArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:dev_data_export:DevExportRead", name, None, opts)
        self.policy = aws.iam.RolePolicy(
            child_name(name, "policy"),
            name="mlgov-dev-export-read",
            role=args.role_name,
            policy=export_read_policy(args.project, args.region, args.organization_id),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})
