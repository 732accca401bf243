"""ProjectBaseline per environment, under the recording monitor; assertions on registrations."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest

from components.baseline.network import GATEWAY_ENDPOINT_SERVICES, INTERFACE_ENDPOINT_SERVICES
from components.baseline.project_baseline import ProjectBaseline, ProjectBaselineArgs
from components.baseline.studio import ABAC_TAG_KEY
from mlgov.constants import Environment, TypeToken
from mlgov.engine.runner import run_under_monitor
from mlgov.environments import rules_for

ACCOUNT = "123456789012"
REGION = "eu-west-1"
TAGS = {"mlgov:cost-center": "cc-42"}
MEMBERS = (("alice", "data-scientist"), ("bob.smith", "ml-engineer"))
REQUIRED_TAGS = {"mlgov:project": "churn", "mlgov:cost-center": "cc-42"}

# Custom resources the baseline creates that AWS cannot tag; every other one must carry the tags.
UNTAGGABLE = {
    TypeToken.KMS_ALIAS: aws.kms.Alias,
    TypeToken.S3_BUCKET_VERSIONING.value: aws.s3.BucketVersioning,
    TypeToken.S3_BUCKET_SSE.value: aws.s3.BucketServerSideEncryptionConfiguration,
    TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK.value: aws.s3.BucketPublicAccessBlock,
    TypeToken.S3_BUCKET_POLICY.value: aws.s3.BucketPolicy,
    "aws:ec2/routeTableAssociation:RouteTableAssociation": aws.ec2.RouteTableAssociation,
    "aws:ec2/route:Route": aws.ec2.Route,
    TypeToken.IAM_ROLE_POLICY: aws.iam.RolePolicy,
}
FORBIDDEN_NETWORK_TYPES = (
    "aws:ec2/transitGateway", "aws:ec2transitgateway/", "aws:ec2/vpcPeeringConnection", "aws:ec2/vpnGateway",
    "aws:ec2/vpnConnection", "aws:ec2/customerGateway", "aws:directconnect/",
)


def args_for(environment: Environment, **overrides) -> ProjectBaselineArgs:
    values = dict(
        project="churn", environment=environment, account_id=ACCOUNT, region=REGION, rules=rules_for(environment),
        members=MEMBERS, monthly_budget_usd=500.0, budget_alert_emails=("ml-team@example.com",), tags=TAGS,
        vpc_cidr="10.20.0.0/16", availability_zones=("eu-west-1a", "eu-west-1b"),
    )
    values.update(overrides)
    return ProjectBaselineArgs(**values)


def program(args: ProjectBaselineArgs):
    def run():
        provider = aws.Provider(
            "acct",
            region=REGION,
            allowed_account_ids=[ACCOUNT],
            assume_roles=[{"role_arn": f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole", "session_name": "mlgov"}],
        )
        baseline = ProjectBaseline("churn", args, opts=pulumi.ResourceOptions(provider=provider))
        pulumi.export("baseline", {"keyArn": baseline.key_arn, "buckets": baseline.bucket_names,
                                   "vpcId": baseline.vpc_id, "domainId": baseline.domain_id})
    return run


@pytest.fixture(scope="module", params=list(Environment), ids=str)
def planned(request):
    environment = request.param
    return environment, run_under_monitor(program(args_for(environment)), stack=str(environment))


def aws_resources(plan):
    return [r for r in plan.resources if r.custom and r.type.startswith("aws:")]


def test_every_resource_goes_through_the_account_provider(planned):
    _, plan = planned
    (provider,) = plan.of_type(TypeToken.AWS_PROVIDER)
    assert provider.name == "acct"
    assert json.loads(provider.inputs["allowedAccountIds"]) == [ACCOUNT]
    reference = f"{provider.urn}::{provider.id}"
    resources = aws_resources(plan)
    assert len(resources) > 30
    assert {r.name: r.provider for r in resources if r.provider != reference} == {}


def test_buckets_are_complete_kms_encrypted_and_tls_only(planned):
    _, plan = planned
    (key,) = plan.of_type(TypeToken.KMS_KEY)
    buckets = plan.of_type(TypeToken.S3_BUCKET)
    assert sorted(b.inputs["bucket"] for b in buckets) == [f"mlgov-churn-{plan.name}-{p}-{ACCOUNT}" for p in ("artifacts", "data")]

    def companion(bucket, type_):
        linked = [c for c in plan.of_type(type_) if c.property_dependencies.get("bucket") == [bucket.urn]]
        assert len(linked) == 1, f"{bucket.name}: {len(linked)} x {type_}"
        assert linked[0].inputs["bucket"] == bucket.id
        return linked[0].inputs

    for bucket in buckets:
        assert companion(bucket, TypeToken.S3_BUCKET_VERSIONING)["versioningConfiguration"] == {"status": "Enabled"}
        (rule,) = companion(bucket, TypeToken.S3_BUCKET_SSE)["rules"]
        assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key.outputs["arn"]}
        assert rule["bucketKeyEnabled"] is True
        block = companion(bucket, TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK)
        assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        (statement,) = json.loads(companion(bucket, TypeToken.S3_BUCKET_POLICY)["policy"])["Statement"]
        assert statement["Effect"] == "Deny" and statement["Action"] == "s3:*" and statement["Principal"] == "*"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert statement["Resource"] == [bucket.outputs["arn"], bucket.outputs["arn"] + "/*"]


def test_key_rotates_and_its_policy_names_only_the_project_account(planned):
    _, plan = planned
    (key,) = plan.of_type(TypeToken.KMS_KEY)
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == 30
    policy = key.inputs["policy"]
    principals = [s["Principal"] for s in json.loads(policy)["Statement"]]
    assert {"AWS": f"arn:aws:iam::{ACCOUNT}:root"} in principals
    assert all(p.get("AWS", f"arn:aws:iam::{ACCOUNT}:root") == f"arn:aws:iam::{ACCOUNT}:root" for p in principals)
    assert "*" not in [p.get("AWS") for p in principals]
    (alias,) = plan.of_type(TypeToken.KMS_ALIAS)
    assert alias.inputs["name"] == "alias/mlgov/churn" and alias.inputs["targetKeyId"] == key.id


def test_domain_is_vpc_only_iam_auth_and_kms_encrypted(planned):
    _, plan = planned
    (key,) = plan.of_type(TypeToken.KMS_KEY)
    (vpc,) = plan.of_type("aws:ec2/vpc:Vpc")
    (domain,) = plan.of_type(TypeToken.SAGEMAKER_DOMAIN)
    assert domain.inputs["appNetworkAccessType"] == "VpcOnly"
    assert domain.inputs["authMode"] == "IAM"
    assert domain.inputs["kmsKeyId"] == key.outputs["arn"]
    assert domain.inputs["vpcId"] == vpc.id
    private = {s.id for s in plan.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"].get("mlgov:tier") == "private"}
    assert set(domain.inputs["subnetIds"]) == private and len(private) == 2
    role = next(r for r in plan.of_type(TypeToken.IAM_ROLE) if r.name.endswith("execution-role"))
    assert domain.inputs["defaultUserSettings"]["executionRole"] == role.outputs["arn"]
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "sagemaker.amazonaws.com"}


def test_execution_policy_is_least_privilege(planned):
    _, plan = planned
    (policy,) = [r for r in plan.of_type(TypeToken.IAM_ROLE_POLICY) if r.name.endswith("execution-policy")]
    text = policy.inputs["policy"]
    assert "Output[" not in text and "__str__" not in text
    statements = json.loads(text)["Statement"]
    actions = [a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert not [a for a in actions if a == "*" or a.endswith(":*")]
    assert all(s["Effect"] == "Allow" for s in statements)
    jobs = next(s for s in statements if "sagemaker:CreateTrainingJob" in s["Action"])
    private = sorted(s.id for s in plan.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"].get("mlgov:tier") == "private")
    assert sorted(jobs["Condition"]["ForAllValues:StringEquals"]["sagemaker:VpcSubnets"]) == private
    buckets = {b.outputs["arn"] for b in plan.of_type(TypeToken.S3_BUCKET)}
    s3 = {r for s in statements if any(a.startswith("s3:") for a in s["Action"]) for r in s["Resource"]}
    assert s3 == buckets | {arn + "/*" for arn in buckets}


def test_one_user_profile_per_member_with_the_abac_tag(planned):
    _, plan = planned
    (domain,) = plan.of_type(TypeToken.SAGEMAKER_DOMAIN)
    profiles = plan.of_type(TypeToken.SAGEMAKER_USER_PROFILE)
    assert sorted(p.inputs["tags"][ABAC_TAG_KEY] for p in profiles) == sorted(user for user, _ in MEMBERS)
    assert sorted(p.inputs["userProfileName"] for p in profiles) == ["alice", "bob-smith"]
    assert all(p.inputs["domainId"] == domain.id for p in profiles)
    assert {p.inputs["tags"][ABAC_TAG_KEY]: p.inputs["tags"]["mlgov:member-role"] for p in profiles} == dict(MEMBERS)


def test_budget_everywhere_spend_limit_action_only_where_the_rules_say(planned):
    environment, plan = planned
    (budget,) = plan.of_type(TypeToken.BUDGET)
    assert budget.inputs["budgetType"] == "COST" and budget.inputs["timeUnit"] == "MONTHLY"
    assert budget.inputs["limitAmount"] == "500.00" and budget.inputs["limitUnit"] == "USD"
    alerts = {(n["notificationType"], n["threshold"]) for n in budget.inputs["notifications"]}
    assert alerts == {("ACTUAL", 80), ("FORECASTED", 100)}
    assert all(n["subscriberEmailAddresses"] == ["ml-team@example.com"] for n in budget.inputs["notifications"])
    actions = plan.of_type(TypeToken.BUDGET_ACTION)
    assert bool(actions) == rules_for(environment).spend_limit_action == (environment == Environment.SANDBOX)
    for action in actions:
        assert action.inputs["actionType"] == "APPLY_IAM_POLICY" and action.inputs["approvalModel"] == "AUTOMATIC"
        assert action.inputs["actionThreshold"] == {"actionThresholdType": "PERCENTAGE", "actionThresholdValue": 100}
        assert action.inputs["notificationType"] == "ACTUAL"
        assert action.inputs["budgetName"] == budget.inputs["name"]
        assert action.inputs["definition"]["iamActionDefinition"]["roles"] == ["mlgov-churn-sagemaker-execution"]
        (deny,) = plan.of_type("aws:iam/policy:Policy")
        assert action.inputs["definition"]["iamActionDefinition"]["policyArn"] == deny.outputs["arn"]
        (statement,) = json.loads(deny.inputs["policy"])["Statement"]
        assert statement["Effect"] == "Deny" and "sagemaker:CreateTrainingJob" in statement["Action"]


def test_internet_only_in_sandbox_and_never_a_route_to_other_networks(planned):
    environment, plan = planned
    egress = rules_for(environment).internet_egress
    assert egress == (environment == Environment.SANDBOX)
    for type_ in ("aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway"):
        assert len(plan.of_type(type_)) == (1 if egress else 0), type_
    routes = plan.of_type("aws:ec2/route:Route")
    assert all(r.inputs["destinationCidrBlock"] == "0.0.0.0/0" for r in routes)
    assert len(routes) == (2 if egress else 0)
    public = [s for s in plan.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"].get("mlgov:tier") != "private"]
    assert len(public) == (1 if egress else 0)
    assert [r.type for r in plan.resources if r.type.startswith(FORBIDDEN_NETWORK_TYPES)] == []
    assert all("transitGatewayId" not in r.inputs and "vpcPeeringConnectionId" not in r.inputs for r in routes)


def test_vpc_endpoints_are_complete(planned):
    _, plan = planned
    (vpc,) = plan.of_type("aws:ec2/vpc:Vpc")
    assert vpc.inputs["enableDnsSupport"] is True and vpc.inputs["enableDnsHostnames"] is True
    endpoints = {e.inputs["serviceName"]: e.inputs for e in plan.of_type(TypeToken.EC2_VPC_ENDPOINT)}
    expected = {f"com.amazonaws.{REGION}.{s}" for s in (*INTERFACE_ENDPOINT_SERVICES, *GATEWAY_ENDPOINT_SERVICES)}
    assert set(endpoints) == expected
    for service in ("sagemaker.api", "sagemaker.runtime", "sts", "logs", "ecr.api", "ecr.dkr"):
        endpoint = endpoints[f"com.amazonaws.{REGION}.{service}"]
        assert endpoint["vpcEndpointType"] == "Interface" and endpoint["privateDnsEnabled"] is True
        assert len(endpoint["subnetIds"]) == 2 and endpoint["vpcId"] == vpc.id
    assert endpoints[f"com.amazonaws.{REGION}.s3"]["vpcEndpointType"] == "Gateway"
    (group,) = [g for g in plan.of_type(TypeToken.EC2_SECURITY_GROUP) if g.name.endswith("endpoints-sg")]
    assert [(i["protocol"], i["fromPort"], i["toPort"], i["cidrBlocks"]) for i in group.inputs["ingress"]] == [
        ("tcp", 443, 443, ["10.20.0.0/16"])
    ]


def test_the_sagemaker_group_reaches_every_endpoint_of_its_vpc(planned):
    """Studio and jobs reach the interface endpoints inside the VPC's range, and S3 only through the
    gateway endpoint's prefix list: an egress rule to the VPC range alone never reaches S3."""
    _, plan = planned
    groups = {g.name.removesuffix("-sg").rsplit("-", 1)[-1]: g for g in plan.of_type(TypeToken.EC2_SECURITY_GROUP)}
    workloads, endpoints_sg = groups["workloads"], groups["endpoints"]
    (domain,) = plan.of_type(TypeToken.SAGEMAKER_DOMAIN)
    assert domain.inputs["defaultUserSettings"]["securityGroups"] == [workloads.id]
    https = [r for r in workloads.inputs["egress"] if r["protocol"] == "tcp" and r["fromPort"] <= 443 <= r["toPort"]]
    gateways = [e for e in plan.of_type(TypeToken.EC2_VPC_ENDPOINT) if e.inputs["vpcEndpointType"] == "Gateway"]
    assert {e.inputs["serviceName"] for e in gateways} == {f"com.amazonaws.{REGION}.{s}" for s in GATEWAY_ENDPOINT_SERVICES}
    for endpoint in gateways:
        prefix_list = endpoint.outputs["prefixListId"]
        assert prefix_list.startswith("pl-")
        assert [r for r in https if prefix_list in r.get("prefixListIds", [])], endpoint.inputs["serviceName"]
    # Interface endpoints: HTTPS out to the VPC range, and in from it on the endpoints' group.
    assert [r for r in https if r.get("cidrBlocks") == ["10.20.0.0/16"]]
    interfaces = [e for e in plan.of_type(TypeToken.EC2_VPC_ENDPOINT) if e.inputs["vpcEndpointType"] == "Interface"]
    assert interfaces and all(e.inputs["securityGroupIds"] == [endpoints_sg.id] for e in interfaces)


def test_each_bucket_policy_comes_after_every_other_setting_of_its_bucket(planned):
    """S3 refuses concurrent changes of one bucket, and a policy in force first may deny the change."""
    _, plan = planned
    companions = (TypeToken.S3_BUCKET_VERSIONING, TypeToken.S3_BUCKET_SSE, TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK, TypeToken.S3_BUCKET_OBJECT_LOCK)
    for policy in plan.of_type(TypeToken.S3_BUCKET_POLICY):
        (bucket,) = policy.property_dependencies["bucket"]
        settings = {r.urn for t in companions for r in plan.of_type(t) if bucket in r.property_dependencies.get("bucket", [])}
        assert len(settings) == 3 and settings <= set(policy.dependencies), policy.name


@pytest.mark.parametrize("retention", ["Retain", "Delete"])
def test_studio_home_retention_follows_the_setting(retention):
    plan = run_under_monitor(program(args_for(Environment.DEV, studio_home_retention=retention)), stack="retention")
    (domain,) = plan.of_type(TypeToken.SAGEMAKER_DOMAIN)
    assert domain.inputs["retentionPolicy"] == {"homeEfsFileSystem": retention}


def test_studio_homes_are_kept_unless_asked(planned):
    _, plan = planned
    (domain,) = plan.of_type(TypeToken.SAGEMAKER_DOMAIN)
    assert domain.inputs["retentionPolicy"] == {"homeEfsFileSystem": "Retain"}


def test_every_taggable_resource_carries_the_tags(planned):
    environment, plan = planned
    untagged = {}
    for resource in aws_resources(plan):
        if resource.type in UNTAGGABLE:
            continue
        tags = resource.inputs.get("tags") or {}
        wanted = {**REQUIRED_TAGS, "mlgov:environment": str(environment)}
        if {k: tags.get(k) for k in wanted} != wanted:
            untagged[resource.name] = tags
    assert untagged == {}


def test_the_untaggable_list_is_true_to_the_sdk():
    import inspect

    for type_, cls in UNTAGGABLE.items():
        assert "tags" not in inspect.signature(cls._internal_init).parameters, type_


def test_children_are_parented_inside_the_baseline(planned):
    _, plan = planned
    (root,) = plan.of_type("mlgov:project_baseline:ProjectBaseline")
    components = {r.urn for r in plan.resources if r.type.startswith("mlgov:")}
    assert all(r.parent in components for r in aws_resources(plan))
    assert all(r.parent == root.urn for r in plan.resources if r.type.startswith("mlgov:") and r is not root)
    assert set(plan.outputs["baseline"]) == {"keyArn", "buckets", "vpcId", "domainId"}


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"members": (("alice", "admin"),)}, "role 'admin'"),
        ({"members": (("bob.smith", "ml-engineer"), ("bob-smith", "ml-engineer"))}, "same profile name"),
        ({"project": "Churn_Model"}, "lowercase"),
        ({"project": "a-very-long-project-name-that-breaks-s3"}, "S3 allows 63"),
        ({"rules": rules_for(Environment.PROD)}, "rules are for 'prod'"),
        ({"vpc_cidr": "10.20.0.0/28"}, "between /16 and /24"),
        ({"budget_alert_emails": ()}, "1 to 10 emails"),
        ({"studio_home_retention": "Keep"}, "studio home retention 'Keep'"),
    ],
)
def test_bad_args_are_refused_before_anything_is_created(overrides, message):
    from mlgov.engine.runner import ProgramError

    args = args_for(Environment.SANDBOX, **overrides)
    with pytest.raises((ValueError, ProgramError), match=message):
        run_under_monitor(program(args), stack="bad")
