"""SageMaker Studio for one project: a VpcOnly, IAM-auth, KMS-encrypted domain, its execution role and one profile per member.

Attribute-based access (ABAC): every user profile carries the tag
``studiouserid=<user name>`` (``ABAC_TAG_KEY``). The Identity Center permission set
passes the same attribute as a session tag (Identity Center
"attributes for access control", e.g. ``studiouserid = ${path:userName}``), so an
allowed request compares the principal's tag with the resource's tag::

    {"Effect": "Allow",
     "Action": ["sagemaker:CreatePresignedDomainUrl", "sagemaker:DescribeUserProfile"],
     "Resource": "arn:aws:sagemaker:<region>:<account>:user-profile/<domain id>/*",
     "Condition": {"StringEquals": {"sagemaker:ResourceTag/studiouserid": "${aws:PrincipalTag/studiouserid}"}}}

- ``aws:PrincipalTag/studiouserid`` is the tag of the *caller* (the Identity Center
  session), set by Identity Center from the user's directory attribute; users cannot
  change it.
- ``sagemaker:ResourceTag/studiouserid`` is the tag of the *resource* acted on (the
  user profile, and through tag propagation the spaces and apps created from it).

A person therefore opens only the profile whose tag equals their own user name, and
from it only their own spaces and apps. The tag is set here, by the platform, so the
permission set must also deny ``sagemaker:AddTags``/``DeleteTags`` on the tag key
(``aws:TagKeys``), or a user could re-tag someone else's profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.baseline._policy import document, service_trust
from components.naming import child_name, kebab

ABAC_TAG_KEY = "studiouserid"
"""Tag key on user profiles that the Identity Center permission set compares with aws:PrincipalTag."""
MEMBER_ROLE_TAG_KEY = "mlgov:member-role"
"""Tag key recording the member's team role on the profile."""
MEMBER_ROLES: tuple[str, ...] = ("data-scientist", "ml-engineer")
"""Team roles a member may have."""

_PROFILE_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
SAGEMAKER_JOB_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
)
SAGEMAKER_JOB_RESOURCES: tuple[str, ...] = ("training-job", "processing-job", "hyper-parameter-tuning-job")


@dataclass(frozen=True)
class StudioDomainArgs:
    project: str
    """Project name; the domain is ``mlgov-<project>`` and the role ``mlgov-<project>-sagemaker-execution``."""
    account_id: pulumi.Input[str]
    """The project account; every ARN in the execution policy is scoped to it."""
    region: str
    """Region of the domain."""
    vpc_id: pulumi.Input[str]
    """VPC of the domain (VpcOnly: all Studio traffic stays in it)."""
    subnet_ids: tuple[pulumi.Input[str], ...]
    """Private subnets for Studio apps and for jobs (sagemaker:VpcSubnets condition)."""
    security_group_ids: tuple[pulumi.Input[str], ...]
    """Security groups for Studio apps and jobs."""
    kms_key_arn: pulumi.Input[str]
    """Customer managed key for the domain's EFS volume and job volumes/outputs."""
    bucket_arns: tuple[pulumi.Input[str], ...]
    """Project buckets the execution role reads and writes."""
    members: tuple[tuple[str, str], ...] = ()
    """(user name, team role) per member; one user profile each. Team role is one of MEMBER_ROLES."""
    tags: dict[str, str] = field(default_factory=dict)
    """Tags for the role, the domain and every profile."""
    data_lake: "DataLakeRead | None" = None
    """The curated data-lake zone the execution role may read (environments with data-lake access only)."""


@dataclass(frozen=True)
class DataLakeRead:
    bucket_arn: pulumi.Input[str]
    """ARN of the curated zone's bucket in the data-lake account."""
    account_id: pulumi.Input[str]
    """The data-lake account, owner of the bucket's KMS key."""


def execution_role_name(project: str) -> str:
    """The project's Studio and job execution role; deploy roles may pass it, nothing else."""
    return f"mlgov-{project}-sagemaker-execution"


def profile_name(user: str) -> str:
    """SageMaker profile names allow letters, digits and dashes only; the ABAC tag keeps the exact user name."""
    name = kebab(user)
    if not _PROFILE_NAME.match(name):
        raise ValueError(f"member '{user}' gives no valid SageMaker user profile name (got '{name}')")
    return name


def check_members(members: tuple[tuple[str, str], ...]) -> None:
    errors = []
    seen: dict[str, str] = {}
    for user, role in members:
        if role not in MEMBER_ROLES:
            errors.append(f"member '{user}': role '{role}' is not one of {', '.join(MEMBER_ROLES)}")
        try:
            name = profile_name(user)
        except ValueError as error:
            errors.append(str(error))
            continue
        if name in seen:
            errors.append(f"members '{seen[name]}' and '{user}' map to the same profile name '{name}'")
        seen[name] = user
    if errors:
        raise ValueError("; ".join(errors))


def execution_policy(args: StudioDomainArgs, role_arn: pulumi.Input[str], domain_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Least privilege: named buckets, the project key, this account's logs, jobs only inside the project subnets."""
    account, region = args.account_id, args.region

    def arn(service: str, *resource: pulumi.Input[str]) -> pulumi.Output[str]:
        return pulumi.Output.concat(f"arn:aws:{service}:{region}:", account, ":", *resource)

    objects = [pulumi.Output.concat(bucket, "/*") for bucket in args.bucket_arns]
    return document(
        {
            "Sid": "ProjectBucketsList",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": list(args.bucket_arns),
        },
        {
            "Sid": "ProjectBucketsObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            "Resource": objects,
        },
        {
            "Sid": "ProjectKey",
            "Effect": "Allow",
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
            "Resource": args.kms_key_arn,
        },
        {
            # GetAuthorizationToken has no resource-level permissions.
            "Sid": "EcrToken",
            "Effect": "Allow",
            "Action": "ecr:GetAuthorizationToken",
            "Resource": "*",
        },
        {
            # Built-in SageMaker images live in AWS-owned accounts of the region.
            "Sid": "EcrPull",
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            "Resource": f"arn:aws:ecr:{region}:*:repository/*",
        },
        {
            "Sid": "SageMakerLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": [arn("logs", "log-group:/aws/sagemaker/*"), arn("logs", "log-group:/aws/sagemaker/*:log-stream:*")],
        },
        {
            "Sid": "SageMakerMetrics",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"]}},
        },
        {
            "Sid": "JobsOnlyInProjectSubnets",
            "Effect": "Allow",
            "Action": list(SAGEMAKER_JOB_ACTIONS),
            "Resource": [arn("sagemaker", f"{kind}/*") for kind in SAGEMAKER_JOB_RESOURCES],
            "Condition": {
                "ForAllValues:StringEquals": {"sagemaker:VpcSubnets": list(args.subnet_ids)},
                "Null": {"sagemaker:VpcSubnets": "false"},
                # IfExists: instance types with only local NVMe storage reject a volume key.
                "StringEqualsIfExists": {"sagemaker:VolumeKmsKeyArn": args.kms_key_arn},
            },
        },
        {
            "Sid": "JobsFollowUp",
            "Effect": "Allow",
            "Action": [
                "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob",
                "sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob",
                "sagemaker:DescribeHyperParameterTuningJob", "sagemaker:StopHyperParameterTuningJob",
                "sagemaker:AddTags",
            ],
            "Resource": [arn("sagemaker", f"{kind}/*") for kind in SAGEMAKER_JOB_RESOURCES],
        },
        {
            "Sid": "StudioAppsOfThisDomain",
            "Effect": "Allow",
            "Action": ["sagemaker:DescribeDomain", "sagemaker:DescribeUserProfile", "sagemaker:DescribeSpace", "sagemaker:DescribeApp"],
            "Resource": [
                arn("sagemaker", "domain/", domain_id),
                arn("sagemaker", "user-profile/", domain_id, "/*"),
                arn("sagemaker", "space/", domain_id, "/*"),
                arn("sagemaker", "app/", domain_id, "/*"),
            ],
        },
        {
            # Jobs in the VPC attach network interfaces to the project subnets only.
            "Sid": "JobNetworkInterfaces",
            "Effect": "Allow",
            "Action": ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"],
            "Resource": [
                arn("ec2", "network-interface/*"),
                *[arn("ec2", "subnet/", subnet) for subnet in args.subnet_ids],
                *[arn("ec2", "security-group/", group) for group in args.security_group_ids],
            ],
        },
        {
            # EC2 Describe calls have no resource-level permissions.
            "Sid": "JobNetworkDescribe",
            "Effect": "Allow",
            "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeDhcpOptions"],
            "Resource": "*",
        },
        {
            "Sid": "PassOnlyItselfToSageMaker",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": role_arn,
            "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        },
        *data_lake_read_statements(args.data_lake, region),
    )


def data_lake_read_statements(data_lake: DataLakeRead | None, region: str) -> tuple[dict, ...]:
    """Read-only on the curated zone; the data-lake stack grants the other half (bucket and key policies)."""
    if data_lake is None:
        return ()
    return (
        {
            "Sid": "DataLakeCuratedRead",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": [data_lake.bucket_arn, pulumi.Output.concat(data_lake.bucket_arn, "/*")],
        },
        {
            "Sid": "DataLakeKeyThroughS3",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": pulumi.Output.concat(f"arn:aws:kms:{region}:", data_lake.account_id, ":key/*"),
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
    )


class StudioDomain(pulumi.ComponentResource):
    """A VpcOnly, IAM-auth, KMS-encrypted Studio domain, its execution role and a user profile per member.

    Profiles carry the ``studiouserid`` tag the permission sets compare with the caller's
    session tag, so each person opens only their own profile.
    """

    def __init__(self, name: str, args: StudioDomainArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:studio:StudioDomain", name, None, opts)
        check_members(args.members)
        child = pulumi.ResourceOptions(parent=self)
        self.execution_role = aws.iam.Role(
            child_name(name, "execution-role"),
            name=execution_role_name(args.project),
            description=f"SageMaker Studio and jobs of project {args.project}",
            assume_role_policy=service_trust("sagemaker.amazonaws.com", args.account_id),
            tags=args.tags,
            opts=child,
        )
        self.domain = aws.sagemaker.Domain(
            child_name(name, "domain"),
            domain_name=f"mlgov-{args.project}",
            auth_mode="IAM",
            app_network_access_type="VpcOnly",
            kms_key_id=args.kms_key_arn,
            vpc_id=args.vpc_id,
            subnet_ids=list(args.subnet_ids),
            default_user_settings={
                "execution_role": self.execution_role.arn,
                "security_groups": list(args.security_group_ids),
            },
            # Spaces and apps inherit the profile's tags, so the ABAC tag reaches them.
            tag_propagation="ENABLED",
            # Deleting the domain must not delete the users' home directories.
            retention_policy={"home_efs_file_system": "Retain"},
            tags=args.tags,
            opts=child,
        )
        # A separate policy resource: it names the domain, which itself needs the role.
        self.execution_policy = aws.iam.RolePolicy(
            child_name(name, "execution-policy"),
            role=self.execution_role.id,
            policy=execution_policy(args, self.execution_role.arn, self.domain.id),
            opts=child,
        )
        self.user_profiles: dict[str, aws.sagemaker.UserProfile] = {}
        for user, role in args.members:
            profile = profile_name(user)
            self.user_profiles[user] = aws.sagemaker.UserProfile(
                child_name(name, "user", profile),
                domain_id=self.domain.id,
                user_profile_name=profile,
                user_settings={
                    "execution_role": self.execution_role.arn,
                    "security_groups": list(args.security_group_ids),
                },
                tags={**args.tags, ABAC_TAG_KEY: user, MEMBER_ROLE_TAG_KEY: role},
                opts=child,
            )
        self.domain_id = self.domain.id
        self.register_outputs(
            {
                "domainId": self.domain.id,
                "executionRoleArn": self.execution_role.arn,
                "userProfiles": {user: profile.id for user, profile in self.user_profiles.items()},
            }
        )
