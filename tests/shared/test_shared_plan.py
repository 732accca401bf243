"""The shared stack's recorded registrations: who may reach the shared services, and through which account."""

from __future__ import annotations

import json

from mlgov.constants import CoreAccountRole, TypeToken
from mlgov.engine import PROJECT_DIR

STAGE_STACKS = ("dev", "preprod", "prod")


def policy(resource, key):
    value = resource.inputs[key]
    return json.loads(value) if isinstance(value, str) else value


def statements(resource, key):
    return policy(resource, key)["Statement"]


def roots(principal):
    values = principal["AWS"]
    values = values if isinstance(values, list) else [values]
    return sorted(value.removeprefix("arn:aws:iam::").removesuffix(":root") for value in values)


def env_projects(plans, env):
    return plans[env].outputs["projects"]


def core_account(plans, role):
    return plans["org"].outputs["accounts"][role.value]["id"]


def component_of(resource, by_urn):
    parent = by_urn.get(resource.parent)
    while parent is not None and parent.parent and by_urn.get(parent.parent) and by_urn[parent.parent].type != TypeToken.STACK:
        parent = by_urn[parent.parent]
    return parent


# ---- model registry ------------------------------------------------------------------------------


def test_one_registry_per_project_that_deploys(plans, shared):
    deploying = set(env_projects(plans, "preprod")) | set(env_projects(plans, "prod"))
    groups = shared.of_type(TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP)
    assert {g.inputs["modelPackageGroupName"] for g in groups} == deploying == {"churn-model", "demand-forecast"}


def test_registry_policies_name_exactly_the_projects_automation_and_deployment_accounts(plans, shared):
    policies = shared.of_type(TypeToken.SAGEMAKER_MODEL_PACKAGE_GROUP_POLICY)
    assert len(policies) == 2
    team = core_account(plans, CoreAccountRole.TEAM_SHARED_SERVICES)
    for resource in policies:
        project = resource.inputs["modelPackageGroupName"]
        writers = sorted(env_projects(plans, env)[project]["automationAccountId"] for env in ("preprod", "prod"))
        readers = sorted(env_projects(plans, env)[project]["accountId"] for env in ("preprod", "prod"))
        by_sid = {s["Sid"]: s for s in statements(resource, "resourcePolicy")}
        assert set(by_sid) == {"PipelinesRegisterVersions", "DeploymentAccountsReadVersions"}
        assert roots(by_sid["PipelinesRegisterVersions"]["Principal"]) == writers
        assert roots(by_sid["DeploymentAccountsReadVersions"]["Principal"]) == readers
        # Nothing else: no wildcard, no other account, no write for the readers.
        for statement in by_sid.values():
            assert statement["Effect"] == "Allow"
            assert statement["Principal"] != "*"
            assert all(f"model-package-group/{project}" in r or f"model-package/{project}/" in r for r in statement["Resource"])
            assert all(f":{team}:" in r for r in statement["Resource"])
        assert not [a for a in by_sid["DeploymentAccountsReadVersions"]["Action"] if not a.split(":")[1].startswith(("Describe", "List"))]
        # Pipelines register versions but cannot approve them.
        assert by_sid["PipelinesRegisterVersions"]["Condition"] == {
            "StringEqualsIfExists": {"sagemaker:ModelApprovalStatus": ["PendingManualApproval", "Rejected"]}
        }


# ---- ECR -----------------------------------------------------------------------------------------


def test_ecr_pull_is_limited_to_the_organization(plans, shared):
    org_id = plans["org"].outputs["organizationId"]
    repos = shared.of_type(TypeToken.ECR_REPOSITORY)
    repo_policies = shared.of_type(TypeToken.ECR_REPOSITORY_POLICY)
    assert {r.inputs["name"] for r in repos} == {"ml/training-base", "ml/inference-base", "ml/processing-base"}
    assert {p.inputs["repository"] for p in repo_policies} == {r.inputs["name"] for r in repos}
    for resource in repo_policies:
        for statement in statements(resource, "policy"):
            assert statement["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": org_id}}
            assert all(action.startswith("ecr:") and not action.startswith("ecr:Put") for action in statement["Action"])
    for repo in repos:
        assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repo.inputs["encryptionConfigurations"][0]["encryptionType"] == "KMS"


# ---- Service Catalog -----------------------------------------------------------------------------


def test_portfolio_is_shared_to_each_dev_account_and_nothing_else(plans, shared):
    """Organizational shares are accepted on the recipient's behalf; an ACCOUNT share would wait forever."""
    dev_accounts = sorted(p["accountId"] for p in env_projects(plans, "dev").values())
    shares = shared.of_type(TypeToken.SERVICECATALOG_PORTFOLIO_SHARE)
    (portfolio,) = shared.of_type(TypeToken.SERVICECATALOG_PORTFOLIO)
    assert sorted(s.inputs["principalId"] for s in shares) == dev_accounts
    assert {s.inputs["type"] for s in shares} == {"ORGANIZATION_MEMBER_ACCOUNT"}
    assert all(s.inputs["sharePrincipals"] is True and s.inputs["shareTagOptions"] is True for s in shares)
    assert {s.inputs["portfolioId"] for s in shares} == {portfolio.id}
    others = {a for env in ("preprod", "prod") for p in env_projects(plans, env).values() for a in p.values() if a}
    assert not others & {s.inputs["principalId"] for s in shares}


def test_dev_users_identity_center_roles_are_associated_by_pattern(shared):
    """The patterns travel with the shares: data scientists and ML engineers of every dev account see the product."""
    (portfolio,) = shared.of_type(TypeToken.SERVICECATALOG_PORTFOLIO)
    associations = shared.of_type(TypeToken.SERVICECATALOG_PRINCIPAL_ASSOCIATION)
    assert {a.inputs["portfolioId"] for a in associations} == {portfolio.id}
    assert {a.inputs["principalType"] for a in associations} == {"IAM_PATTERN"}
    assert sorted(a.inputs["principalArn"] for a in associations) == [
        "arn:aws:iam:::role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_DataScientist_*",
        "arn:aws:iam:::role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_MLEngineer_*",
    ]


def test_organizational_sharing_is_enabled_for_the_portfolio_owner(plans):
    """Only the management account or Service Catalog's delegated administrator may share inside the organization."""
    org = plans["org"]
    (access,) = org.of_type(TypeToken.SERVICECATALOG_ORGANIZATIONS_ACCESS)
    assert access.inputs["enabled"] is True
    (admin,) = [a for a in org.of_type(TypeToken.DELEGATED_ADMINISTRATOR) if a.inputs["servicePrincipal"] == "servicecatalog.amazonaws.com"]
    assert admin.inputs["accountId"] == core_account(plans, CoreAccountRole.TEAM_SHARED_SERVICES)
    assert access.urn in admin.dependencies


def test_product_launch_constraint_and_tag_options(shared, repo):
    (product,) = shared.of_type(TypeToken.SERVICECATALOG_PRODUCT)
    (template,) = shared.of_type(TypeToken.S3_OBJECT)
    assert product.inputs["name"] == "SageMaker Studio user profile"
    assert template.inputs["content"] == (repo / "components/shared/templates/studio-user-profile/v1.yaml").read_text()
    artifact = product.inputs["provisioningArtifactParameters"]
    assert artifact["name"] == "v1"
    assert artifact["templateUrl"] == f"https://{template.inputs['bucket']}.s3.eu-west-1.amazonaws.com/{template.inputs['key']}"
    (constraint,) = shared.of_type(TypeToken.SERVICECATALOG_CONSTRAINT)
    assert constraint.inputs["type"] == "LAUNCH"
    assert json.loads(constraint.inputs["parameters"]) == {"LocalRoleName": "mlgov-servicecatalog-launch"}
    options = shared.of_type(TypeToken.SERVICECATALOG_TAG_OPTION)
    associations = shared.of_type(TypeToken.SERVICECATALOG_TAG_OPTION_ASSOCIATION)
    assert {o.inputs["key"] for o in options} == {"mlgov:project", "mlgov:cost-center"}
    assert sorted(a.inputs["tagOptionId"] for a in associations) == sorted(o.id for o in options)


def test_template_is_valid_cloudformation(repo):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    for template in sorted((repo / "components/shared/templates/studio-user-profile").glob("v[0-9]*.yaml")):
        document = yaml.load(template.read_text(), Loader=Loader)
        assert document["Resources"]["UserProfile"]["Type"] == "AWS::SageMaker::UserProfile", template.name
        assert {"DomainId", "UserName", "ExecutionRoleArn"} <= set(document["Parameters"]), template.name


# ---- CodeArtifact --------------------------------------------------------------------------------


def test_codeartifact_proxies_pypi_and_is_readable_inside_the_organization(plans, shared):
    org_id = plans["org"].outputs["organizationId"]
    (repository,) = shared.of_type(TypeToken.CODEARTIFACT_REPOSITORY)
    assert repository.inputs["externalConnections"]["externalConnectionName"] == "public:pypi"
    (domain,) = shared.of_type(TypeToken.CODEARTIFACT_DOMAIN)
    assert domain.inputs["encryptionKey"].startswith("arn:aws:kms:")
    for token, key in ((TypeToken.CODEARTIFACT_DOMAIN_PERMISSIONS, "policyDocument"), (TypeToken.CODEARTIFACT_REPOSITORY_PERMISSIONS, "policyDocument")):
        (resource,) = shared.of_type(token)
        for statement in statements(resource, key):
            assert statement["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": org_id}}
            assert not [a for a in statement["Action"] if a.split(":")[1].startswith(("Publish", "Delete", "Put", "Update"))]


# ---- data lake -----------------------------------------------------------------------------------


def _bucket_policy_of(shared, bucket):
    (resource,) = [p for p in shared.of_type(TypeToken.S3_BUCKET_POLICY) if bucket.urn in p.property_dependencies.get("bucket", [])]
    return statements(resource, "policy")


def test_curated_zone_readable_by_dev_accounts_only(plans, shared):
    dev_accounts = sorted(p["accountId"] for p in env_projects(plans, "dev").values())
    buckets = {b.inputs["bucket"].rsplit("-", 1)[0]: b for b in shared.of_type(TypeToken.S3_BUCKET)}
    zone_buckets = {name.removeprefix("examplecorp-datalake-"): b for name, b in buckets.items() if name.startswith("examplecorp-datalake-")}
    assert set(zone_buckets) == {"raw", "curated", "features", "feature-store"}
    for zone, bucket in zone_buckets.items():
        allows = [s for s in _bucket_policy_of(shared, bucket) if s["Effect"] == "Allow"]
        if zone == "curated":
            assert {s["Sid"] for s in allows} == {"ProjectDevAccountsList", "ProjectDevAccountsRead"}
            for statement in allows:
                assert roots(statement["Principal"]) == dev_accounts
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert all(a in ("s3:ListBucket", "s3:GetObject", "s3:GetObjectVersion") for a in actions)
        else:
            assert allows == [], zone
    grants = shared.of_type(TypeToken.LAKEFORMATION_PERMISSIONS)
    assert sorted(g.inputs["principal"] for g in grants) == dev_accounts
    assert all(sorted(g.inputs["permissions"]) == ["DESCRIBE", "SELECT"] for g in grants)
    (settings,) = shared.of_type(TypeToken.LAKEFORMATION_DATA_LAKE_SETTINGS)
    lake = core_account(plans, CoreAccountRole.DATA_LAKE)
    assert sorted(settings.inputs["admins"]) == sorted([f"arn:aws:iam::{lake}:role/mlgov-datalake-admin", f"arn:aws:iam::{lake}:role/OrganizationAccountAccessRole"])


def test_data_lake_buckets_use_the_org_prefix(plans):
    prefix = plans["org"].outputs["dataLakeBucketPrefix"]
    buckets = [b.inputs["bucket"] for b in plans["shared"].of_type(TypeToken.S3_BUCKET) if "mlgov:purpose" in b.inputs.get("tags", {}) and b.inputs["tags"]["mlgov:purpose"].startswith(("data-lake", "feature-store"))]
    assert len(buckets) == 4 and all(bucket.startswith(prefix) for bucket in buckets)


# ---- log archive ---------------------------------------------------------------------------------


def test_log_bucket_has_object_lock_and_denies_deletion_except_break_glass(plans, shared):
    log_archive = core_account(plans, CoreAccountRole.LOG_ARCHIVE)
    (bucket,) = [b for b in shared.of_type(TypeToken.S3_BUCKET) if b.inputs["bucket"].startswith("mlgov-org-logs-")]
    assert bucket.inputs["bucket"] == f"mlgov-org-logs-{log_archive}"
    assert bucket.inputs["objectLockEnabled"] is True
    (lock,) = shared.of_type(TypeToken.S3_BUCKET_OBJECT_LOCK)
    assert bucket.urn in lock.property_dependencies["bucket"]
    assert lock.inputs["rule"]["defaultRetention"] == {"mode": "GOVERNANCE", "days": 365}
    by_sid = {s["Sid"]: s for s in _bucket_policy_of(shared, bucket)}
    deny = by_sid["DenyLogDeletionExceptBreakGlass"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration", "s3:BypassGovernanceRetention"} <= set(deny["Action"])
    assert deny["Condition"] == {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{log_archive}:role/mlgov-break-glass"}}
    assert "DenyInsecureTransport" in by_sid
    org_id = plans["org"].outputs["organizationId"]
    for sid in ("LogServicesCheckAcl", "LogServicesWriteFromOrganization"):
        assert by_sid[sid]["Condition"]["StringEquals"]["aws:SourceOrgID"] == org_id


def test_the_deploying_role_keeps_the_settings_the_stack_manages_on_the_log_bucket(plans, shared):
    """Versioning, the Object Lock retention and the policy are the stack's: only break-glass and the
    role it deploys with may change them. Denying them to that role would fail the next change of
    retentionDays; applying the policy before them would race the first ``pulumi up``."""
    log_archive = core_account(plans, CoreAccountRole.LOG_ARCHIVE)
    deployer = f"arn:aws:iam::{log_archive}:role/{plans['org'].outputs['accountAccessRoleName']}"
    (bucket,) = [b for b in shared.of_type(TypeToken.S3_BUCKET) if b.inputs["bucket"].startswith("mlgov-org-logs-")]
    managed = {"s3:PutBucketVersioning", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketPolicy"}
    for statement in _bucket_policy_of(shared, bucket):
        if statement["Effect"] != "Deny" or not managed & set(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]):
            continue
        exempt = statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
        assert deployer in (exempt if isinstance(exempt, list) else [exempt]), statement["Sid"]
    (policy,) = [p for p in shared.of_type(TypeToken.S3_BUCKET_POLICY) if bucket.urn in p.property_dependencies["bucket"]]
    settings = [r for t in (TypeToken.S3_BUCKET_VERSIONING, TypeToken.S3_BUCKET_OBJECT_LOCK, TypeToken.S3_BUCKET_SSE, TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK)
                for r in shared.of_type(t) if bucket.urn in r.property_dependencies["bucket"]]
    assert len(settings) == 4 and {r.urn for r in settings} <= set(policy.dependencies)


def test_every_service_the_log_bucket_lets_write_can_use_its_key(plans, shared):
    """The bucket encrypts deliveries with its KMS key on the writer's behalf: Config and the trail need the key."""
    (bucket,) = [b for b in shared.of_type(TypeToken.S3_BUCKET) if b.inputs["bucket"].startswith("mlgov-org-logs-")]
    (write,) = [s for s in _bucket_policy_of(shared, bucket) if s["Sid"] == "LogServicesWriteFromOrganization"]
    writers = write["Principal"]["Service"]
    assert sorted(writers) == ["cloudtrail.amazonaws.com", "config.amazonaws.com"]
    (sse,) = [r for r in shared.of_type(TypeToken.S3_BUCKET_SSE) if bucket.urn in r.property_dependencies["bucket"]]
    key_arn = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"]
    (key,) = [k for k in shared.of_type(TypeToken.KMS_KEY) if k.outputs["arn"] == key_arn]
    org_id = plans["org"].outputs["organizationId"]
    for service in writers:
        grants = [s for s in statements(key, "policy") if s["Effect"] == "Allow" and s.get("Principal") == {"Service": service}]
        actions = {a for s in grants for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
        assert {"kms:GenerateDataKey", "kms:GenerateDataKey*"} & actions, service
        # Confined: to the organization (Config) or to the organization trail's encryption context.
        assert all(s["Condition"] for s in grants)
    (config,) = [s for s in statements(key, "policy") if s.get("Principal") == {"Service": "config.amazonaws.com"}]
    assert config["Condition"] == {"StringEquals": {"aws:SourceOrgID": org_id}}


# ---- providers -----------------------------------------------------------------------------------

EXPECTED_ACCOUNT = {
    "mlgov:model_registry:ModelRegistry": CoreAccountRole.TEAM_SHARED_SERVICES,
    "mlgov:container_repositories:ContainerRepositories": CoreAccountRole.TEAM_SHARED_SERVICES,
    "mlgov:studio_catalog:StudioCatalog": CoreAccountRole.TEAM_SHARED_SERVICES,
    "mlgov:package_repository:PackageRepository": CoreAccountRole.SHARED_SERVICES,
    "mlgov:data_lake:DataLake": CoreAccountRole.DATA_LAKE,
    "mlgov:log_archive:LogArchive": CoreAccountRole.LOG_ARCHIVE,
}
TOP_LEVEL_KEYS = {"team-shared-key": CoreAccountRole.TEAM_SHARED_SERVICES, "packages-key": CoreAccountRole.SHARED_SERVICES}


def test_every_resource_goes_through_its_core_accounts_provider(plans, shared):
    providers = {f"{p.urn}::{p.id}": p for p in shared.of_type(TypeToken.AWS_PROVIDER)}
    assert len(providers) == 4 and not [p for p in providers.values() if p.name.startswith("default")]
    by_urn = shared.by_urn()
    role_name = plans["org"].outputs["accountAccessRoleName"]
    checked = 0
    for resource in shared.resources:
        if not resource.custom or resource.type.startswith("pulumi:"):
            continue
        top = resource
        while by_urn[top.parent].type != TypeToken.STACK:
            top = by_urn[top.parent]
        role = EXPECTED_ACCOUNT.get(top.type) or TOP_LEVEL_KEYS[top.name]
        account = core_account(plans, role)
        provider = providers[resource.provider]
        assert json.loads(provider.inputs["allowedAccountIds"]) == [account], resource.urn
        assert f"arn:aws:iam::{account}:role/{role_name}" in provider.inputs["assumeRoles"]
        checked += 1
    assert checked > 80


def test_every_bucket_is_complete_and_tagged_platform(shared):
    buckets = shared.of_type(TypeToken.S3_BUCKET)
    for companion in (TypeToken.S3_BUCKET_VERSIONING, TypeToken.S3_BUCKET_SSE, TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK, TypeToken.S3_BUCKET_POLICY):
        linked = {dep for r in shared.of_type(companion) for dep in r.property_dependencies.get("bucket", [])}
        assert linked == {b.urn for b in buckets}, companion
    for resource in buckets + shared.of_type(TypeToken.KMS_KEY):
        assert resource.inputs["tags"]["mlgov:project"] == "platform"
        assert resource.inputs["tags"]["mlgov:cost-center"] == "CC-1001"


def test_no_policy_violation_in_the_shared_stack(shared):
    from mlgov.config.loader import read_stack_config, stack_file
    from mlgov.policy_runner import run_policy_pack

    found = run_policy_pack(
        PROJECT_DIR / "policypacks" / "ml-guardrails",
        [r.to_dict() for r in shared.resources],
        project="mlgov",
        stack="shared",
        stack_config=read_stack_config(stack_file(PROJECT_DIR / "stacks", "shared")),
    )
    assert [v for v in found if v.level == "mandatory"] == []


def test_shared_is_planned_after_the_stacks_it_reads():
    from mlgov.config import load_stack_file

    settings = load_stack_file(PROJECT_DIR / "stacks", "shared")
    assert settings.referenced_stacks() == ["org", *STAGE_STACKS]
