"""The data lake account: a bucket per zone, Lake Formation settings, the offline feature store.

Project dev accounts read the curated zone and nothing else: the curated
bucket's policy lists them, the data-lake key lets them decrypt objects of that
bucket only (the encryption context names the bucket), and Lake Formation
grants them read on the curated catalog database's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.baseline._policy import account_root, bucket_arn, document, role_arn
from components.baseline.secure_bucket import SecureBucket, SecureBucketArgs, data_lake_bucket
from components.naming import child_name
from components.shared.key import SharedKey, SharedKeyArgs
from components.shared.policies import read_only_bucket_statements

FEATURE_STORE = "feature-store"


@dataclass(frozen=True)
class DataLakeArgs:
    account_id: pulumi.Input[str]
    """The data-lake core account."""
    region: str
    bucket_prefix: pulumi.Input[str]
    """Name prefix of every data-lake bucket: the org stack's dataLakeBucketPrefix, which the sandbox guardrail denies."""
    zones: tuple[str, ...]
    """Zone names, one bucket each."""
    readable_zone: str
    """The zone project dev accounts may read."""
    reader_account_ids: dict[str, pulumi.Input[str]]
    """Project dev accounts by project name."""
    admin_role_name: str = "mlgov-datalake-admin"
    """Role created here and made Lake Formation administrator."""
    deploy_role_name: pulumi.Input[str] = "OrganizationAccountAccessRole"
    """Role Pulumi acts through; also an administrator, or it could not grant permissions."""
    tags: dict[str, str] = field(default_factory=dict)


class DataLake(pulumi.ComponentResource):
    """The data-lake zones and feature-store bucket in the data-lake account, Lake Formation settings
    and the curated catalog database, readable by project dev accounts in the curated zone only.
    """

    def __init__(self, name: str, args: DataLakeArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:data_lake:DataLake", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        readers = tuple(args.reader_account_ids.values())
        prefix = pulumi.Output.from_input(args.bucket_prefix)
        names = {
            zone: prefix.apply(lambda value, zone=zone: data_lake_bucket(value, zone, args.account_id))
            for zone in (*args.zones, FEATURE_STORE)
        }
        readable = bucket_arn(names[args.readable_zone])
        decrypt_for_readers = (
            {
                "Sid": "ProjectDevAccountsDecryptCuratedZone",
                "Effect": "Allow",
                "Principal": {"AWS": [account_root(account) for account in readers]},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"s3.{args.region}.amazonaws.com"},
                    # With S3 bucket keys the context is the bucket's ARN; without, the object's.
                    "StringLike": {"kms:EncryptionContext:aws:s3:arn": [readable, pulumi.Output.concat(readable, "/*")]},
                },
            },
        ) if readers else ()
        self.key = SharedKey(
            child_name(name, "key"),
            SharedKeyArgs(alias="data-lake", account_id=args.account_id, region=args.region, services=("s3", "glue", "sagemaker"), extra_statements=decrypt_for_readers, tags=args.tags),
            opts=child,
        )
        self.buckets: dict[str, SecureBucket] = {
            zone: SecureBucket(
                child_name(name, zone),
                SecureBucketArgs(
                    bucket=bucket,
                    kms_key_arn=self.key.arn,
                    tags={**args.tags, "mlgov:purpose": f"data-lake-{zone}" if zone != FEATURE_STORE else "feature-store-offline"},
                    extra_statements=read_only_bucket_statements(bucket, readers) if zone == args.readable_zone else (),
                ),
                opts=child,
            )
            for zone, bucket in names.items()
        }
        self.admin_role = aws.iam.Role(
            child_name(name, "admin-role"),
            name=args.admin_role_name,
            description="Lake Formation administrator of the data lake",
            assume_role_policy=document({"Effect": "Allow", "Principal": {"AWS": account_root(args.account_id)}, "Action": "sts:AssumeRole"}),
            tags=args.tags,
            opts=child,
        )
        self.settings = aws.lakeformation.DataLakeSettings(
            child_name(name, "settings"),
            admins=[self.admin_role.arn, role_arn(args.account_id, args.deploy_role_name)],
            # Lake Formation decides access to new databases and tables, not IAM alone.
            create_database_default_permissions=[],
            create_table_default_permissions=[],
            opts=child,
        )
        curated = self.buckets[args.readable_zone]
        aws.lakeformation.Resource(
            child_name(name, args.readable_zone, "location"),
            arn=curated.arn,
            use_service_linked_role=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.settings]),
        )
        database_name = f"mlgov_{args.readable_zone}"
        self.database = aws.glue.CatalogDatabase(
            child_name(name, args.readable_zone, "database"),
            name=database_name,
            description=f"Tables of the {args.readable_zone} zone",
            location_uri=pulumi.Output.concat("s3://", curated.name, "/"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.settings]),
        )
        for project, account in args.reader_account_ids.items():
            aws.lakeformation.Permissions(
                child_name(name, args.readable_zone, "read", project),
                principal=account,
                permissions=["SELECT", "DESCRIBE"],
                table={"database_name": self.database.name, "wildcard": True},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.settings]),
            )
        self.bucket_names = {zone: bucket.name for zone, bucket in self.buckets.items()}
        self.register_outputs({"buckets": self.bucket_names, "adminRoleArn": self.admin_role.arn})
