"""Everything inside one ML project account: key, buckets, network, Studio, budget.

The caller passes ``opts=ResourceOptions(provider=<the account's aws.Provider>)``:
a provider that assumes the organization access role in that account with
``allowed_account_ids`` pinned. Every child inherits it from this component, so
no baseline resource can land in the management account through the default
provider. What differs between environments comes from ``rules``
(``mlgov.environments``), never from comparing the environment name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.baseline.catalog_launch_role import catalog_launch_role
from components.baseline.budget import AccountBudget, AccountBudgetArgs
from components.baseline.kms import ProjectKey, ProjectKeyArgs
from components.baseline.network import ProjectNetwork, ProjectNetworkArgs
from components.baseline.secure_bucket import SecureBucket, SecureBucketArgs, bucket_name
from components.baseline.studio import DataLakeRead, StudioDomain, StudioDomainArgs, check_members
from components.naming import child_name, kebab
from mlgov.constants import PROJECT, Environment
from mlgov.environments import EnvironmentRules

BUCKET_PURPOSES: tuple[str, ...] = ("data", "artifacts")
"""Buckets every project account gets: training data and model artifacts."""
PROJECT_TAG_KEY = "mlgov:project"
ENVIRONMENT_TAG_KEY = "mlgov:environment"


@dataclass(frozen=True)
class ProjectBaselineArgs:
    project: str
    """Project name (lowercase letters, digits, dashes); names of buckets, alias, domain and budget derive from it."""
    environment: Environment
    """The environment stack this account belongs to."""
    account_id: pulumi.Input[str]
    """The project's account in this environment (usually the Account resource's id)."""
    region: str
    """Region of the baseline; must be the region of the account's provider."""
    rules: EnvironmentRules
    """The environment's rules (``mlgov.environments.rules_for(environment)``): internet egress, spend-limit action."""
    members: tuple[tuple[str, str], ...]
    """(user name, team role) per member, role 'data-scientist' or 'ml-engineer'; one Studio user profile each."""
    monthly_budget_usd: float
    """Monthly cost limit of the account in USD; in sandboxes also the hard spending limit."""
    budget_alert_emails: tuple[str, ...]
    """Recipients of budget alerts and of spend-limit action notices (1-10)."""
    tags: dict[str, str]
    """Cost-allocation tags (e.g. mlgov:cost-center) applied to every taggable child; mlgov:project and mlgov:environment are added."""
    vpc_cidr: str
    """IPv4 CIDR of the project VPC (/16 to /24)."""
    availability_zones: tuple[str, ...]
    """Zones of the private subnets, e.g. ('eu-west-1a', 'eu-west-1b'); from config so plans stay offline-deterministic."""
    bucket_purposes: tuple[str, ...] = field(default=BUCKET_PURPOSES)
    """Buckets to create, one per purpose; must include 'data' and 'artifacts'."""
    data_lake: DataLakeRead | None = None
    """Curated data-lake zone the project reads; given only where rules.data_lake_access holds."""


def check_args(args: ProjectBaselineArgs) -> None:
    """Everything wrong with the args at once, before any resource is registered."""
    errors = []
    if args.project != kebab(args.project):
        errors.append(f"project '{args.project}' must be lowercase letters, digits and single dashes")
    if args.rules.environment != args.environment:
        errors.append(f"rules are for '{args.rules.environment}', the baseline is for '{args.environment}'")
    if args.tags.get(PROJECT_TAG_KEY, args.project) != args.project:
        errors.append(f"tag {PROJECT_TAG_KEY}='{args.tags[PROJECT_TAG_KEY]}' contradicts project '{args.project}'")
    if args.data_lake is not None and not args.rules.data_lake_access:
        errors.append(f"'{args.environment}' accounts have no data-lake access (rules table), yet a data-lake read was given")
    missing = [purpose for purpose in BUCKET_PURPOSES if purpose not in args.bucket_purposes]
    if missing:
        errors.append(f"bucket purposes lack {', '.join(missing)}")
    for purpose in args.bucket_purposes:
        try:
            bucket_name(PROJECT, args.project, str(args.environment), purpose)
        except ValueError as error:
            errors.append(str(error))
    try:
        check_members(args.members)
    except ValueError as error:
        errors.append(str(error))
    if errors:
        raise ValueError(f"baseline of project '{args.project}' ({args.environment}): " + "; ".join(errors))


class ProjectBaseline(pulumi.ComponentResource):
    """Everything inside one project account of one stage: the project key, the data and model
    buckets, the VPC, the Studio domain with its profiles, the budget and, where products are
    provisioned, the Service Catalog launch role. One component so every account of every
    project starts from the same baseline.
    """

    def __init__(self, name: str, args: ProjectBaselineArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlgov:project_baseline:ProjectBaseline", name, None, opts)
        check_args(args)
        env = str(args.environment)
        tags = {**args.tags, PROJECT_TAG_KEY: args.project, ENVIRONMENT_TAG_KEY: env}
        child = pulumi.ResourceOptions(parent=self)

        self.key = ProjectKey(
            child_name(name, "key"),
            ProjectKeyArgs(project=args.project, account_id=args.account_id, region=args.region, tags=tags),
            opts=child,
        )
        self.buckets: dict[str, SecureBucket] = {
            purpose: SecureBucket(
                child_name(name, purpose),
                SecureBucketArgs(
                    bucket=pulumi.Output.concat(bucket_name(PROJECT, args.project, env, purpose), args.account_id),
                    kms_key_arn=self.key.arn,
                    tags={**tags, "mlgov:purpose": purpose},
                ),
                opts=child,
            )
            for purpose in args.bucket_purposes
        }
        self.network = ProjectNetwork(
            child_name(name, "network"),
            ProjectNetworkArgs(
                region=args.region,
                cidr_block=args.vpc_cidr,
                availability_zones=args.availability_zones,
                internet_egress=args.rules.internet_egress,
                tags=tags,
            ),
            opts=child,
        )
        self.studio = StudioDomain(
            child_name(name, "studio"),
            StudioDomainArgs(
                project=args.project,
                account_id=args.account_id,
                region=args.region,
                vpc_id=self.network.vpc_id,
                subnet_ids=tuple(self.network.private_subnet_ids),
                security_group_ids=(self.network.workload_security_group.id,),
                kms_key_arn=self.key.arn,
                bucket_arns=tuple(bucket.arn for bucket in self.buckets.values()),
                members=args.members,
                tags=tags,
                data_lake=args.data_lake,
            ),
            opts=child,
        )
        self.catalog_launch_role = (
            catalog_launch_role(child_name(name, "catalog-launch-role"), args.account_id, tags, child)
            if args.rules.provisions_catalog_products
            else None
        )
        self.budget = AccountBudget(
            child_name(name, "budget"),
            AccountBudgetArgs(
                budget_name=f"{PROJECT}-{args.project}-{env}-monthly",
                account_id=args.account_id,
                monthly_limit_usd=args.monthly_budget_usd,
                alert_emails=args.budget_alert_emails,
                spend_limit_action=args.rules.spend_limit_action,
                restricted_role_names=(self.studio.execution_role.name,),
                tags=tags,
            ),
            opts=child,
        )

        self.key_arn = self.key.arn
        self.bucket_names = {purpose: bucket.name for purpose, bucket in self.buckets.items()}
        self.vpc_id = self.network.vpc_id
        self.domain_id = self.studio.domain_id
        self.register_outputs(
            {
                "keyArn": self.key_arn,
                "bucketNames": self.bucket_names,
                "vpcId": self.vpc_id,
                "domainId": self.domain_id,
                "executionRoleArn": self.studio.execution_role.arn,
            }
        )
