"""The guardrail catalogue: which SCPs exist, what they deny, where they attach.

build_catalogue is a pure function of GuardrailSettings (no AWS, no Pulumi), so the
org stack, the offline evaluator (``mlgov scp-matrix``) and the review reports all
see the same policies. The policy pack does not import it: a pack must stay
self-contained to be publishable, so it names the policies it requires itself, and
a test keeps its default names equal to the catalogue's. Descriptions are deployed
to AWS: they say what the policy denies and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from mlgov.constants import GITHUB_OIDC_HOST, PIPELINE_ADMIN_ROLE, PIPELINE_ROLE_PREFIX, ROOT, OuName
from mlgov.environments import RULES
from mlgov.guardrails import actions as A
from mlgov.guardrails.model import ServiceControlPolicy, Statement
from mlgov.guardrails.settings import INSTANCE_TYPE_OUS, GuardrailSettings

POLICY_NAME_PREFIX = "mlgov-"
INSTANCE_TYPES_KEY_PREFIX = "sagemaker-instance-types-"
# Studio Classic runs its JupyterServer app with InstanceType "system"; without it
# an instance-type allow-list on sagemaker:CreateApp would break Studio log-in.
STUDIO_SYSTEM_INSTANCE_TYPE = "system"

STATIC_KEYS: tuple[str, ...] = (
    "deny-leave-organization",
    "deny-root-user",
    "protect-security-services",
    "region-allow-list",
    "sagemaker-require-vpc",
    "sagemaker-require-kms",
    "sagemaker-require-encryption-in-transit",
    "sagemaker-require-tags",
    "sagemaker-require-network-isolation",
    "deny-sagemaker-endpoints",
    "sagemaker-endpoints-from-vpc",
    "sandbox-isolation",
    "protect-pipelines",
)

# Where endpoints are denied or allowed only through the VPC follows the environment rules table.
ENDPOINT_DENY_TARGETS: tuple[str, ...] = tuple(str(rules.workload_ou) for rules in RULES.values() if not rules.endpoints_allowed)
ENDPOINT_VPC_TARGETS: tuple[str, ...] = tuple(str(rules.workload_ou) for rules in RULES.values() if rules.endpoints_allowed)


def instance_types_key(ou_name: str) -> str:
    """"Workloads_PreProd" -> "sagemaker-instance-types-workloads-preprod"."""
    return INSTANCE_TYPES_KEY_PREFIX + ou_name.lower().replace("_", "-")


def guardrail_keys() -> tuple[str, ...]:
    """Every key build_catalogue can produce, for validating config overrides."""
    return STATIC_KEYS + tuple(instance_types_key(ou) for ou in INSTANCE_TYPE_OUS)


def _policy(key: str, description: str, statements: Iterable[Statement], targets: Iterable[str]) -> ServiceControlPolicy:
    return ServiceControlPolicy(
        key=key,
        name=POLICY_NAME_PREFIX + key,
        description=description,
        statements=tuple(statements),
        default_targets=tuple(dict.fromkeys(targets)),
    )


def _exempt(settings: GuardrailSettings) -> dict[str, dict[str, tuple[str, ...]]]:
    arns = tuple(f"arn:aws:iam::*:role/{name}" for name in settings.exempt_role_names)
    return {"ArnNotLike": {"aws:PrincipalArn": arns}}


def _baseline(settings: GuardrailSettings) -> list[ServiceControlPolicy]:
    exempt = _exempt(settings)
    return [
        _policy(
            "deny-leave-organization",
            "Denies organizations:LeaveOrganization so no member account can escape the guardrails.",
            [Statement("DenyLeaveOrganization", actions=("organizations:LeaveOrganization",))],
            (ROOT,),
        ),
        _policy(
            "deny-root-user",
            "Denies every action to the root user of member accounts; people sign in through IAM Identity Center.",
            [Statement("DenyRootUser", actions=("*",), condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}})],
            (ROOT,),
        ),
        _policy(
            "protect-security-services",
            "Denies stopping, deleting or reconfiguring CloudTrail, AWS Config, GuardDuty, Security Hub and "
            "IAM Access Analyzer, so security tooling and logs cannot be turned off; the Control Tower and "
            "organization admin roles are exempt.",
            [Statement(f"Protect{service}", actions=acts, condition=exempt) for service, acts in A.SECURITY_SERVICE_ACTIONS.items()],
            (ROOT,),
        ),
        _policy(
            "region-allow-list",
            "Denies requests outside the allowed regions (" + ", ".join(settings.allowed_regions)[:300] + "), "
            "except for global services; the Control Tower and organization admin roles are exempt.",
            [
                Statement(
                    "DenyOutsideAllowedRegions",
                    not_actions=A.GLOBAL_SERVICE_ACTIONS,
                    condition={"StringNotEquals": {"aws:RequestedRegion": settings.allowed_regions}, **exempt},
                )
            ],
            (ROOT,),
        ),
    ]


def _ml(settings: GuardrailSettings) -> list[ServiceControlPolicy]:
    targets = (OuName.WORKLOADS.value,) + ((settings.regulated_ou,) if settings.regulated_ou else ())
    tag_statements = [
        # One statement per tag: two Null keys in one block would AND, denying only when both are missing.
        Statement(f"RequireTag{i}", actions=A.TAGGED_CREATE_ACTIONS, condition={"Null": {f"aws:RequestTag/{tag}": "true"}})
        for i, tag in enumerate(settings.required_tags, start=1)
    ]
    policies = [
        _policy(
            "sagemaker-require-vpc",
            "Denies SageMaker training, processing and tuning jobs, notebook instances, models and domains "
            "that are not placed in a VPC (no subnets or no security groups), so ML workloads reach data only through the VPC.",
            [
                # Split in two: keys in one Null block AND together, so one missing key would slip through.
                Statement("VpcSubnets", actions=A.VPC_ACTIONS, condition={"Null": {"sagemaker:VpcSubnets": "true"}}),
                Statement("VpcSecurityGroups", actions=A.VPC_ACTIONS, condition={"Null": {"sagemaker:VpcSecurityGroupIds": "true"}}),
            ],
            targets,
        ),
        _policy(
            "sagemaker-require-kms",
            "Denies SageMaker jobs and notebook instances without a customer-managed KMS key for storage "
            "volumes and for output, so ML data at rest is encrypted with keys the organization controls.",
            [
                Statement("VolumeKmsKey", actions=A.VOLUME_KMS_ACTIONS, condition={"Null": {"sagemaker:VolumeKmsKeyArn": "true"}}),
                Statement("OutputKmsKey", actions=A.OUTPUT_KMS_ACTIONS, condition={"Null": {"sagemaker:OutputKmsKeyArn": "true"}}),
            ],
            targets,
        ),
        _policy(
            "sagemaker-require-encryption-in-transit",
            "Denies SageMaker training, tuning, processing and AutoML jobs that do not enable inter-container "
            "traffic encryption, enforcing encryption in transit between job instances.",
            [
                Statement(
                    "InterContainerEncryption",
                    actions=A.TRAFFIC_ENCRYPTION_ACTIONS,
                    condition={"BoolIfExists": {"sagemaker:InterContainerTrafficEncryption": "false"}},
                )
            ],
            targets,
        ),
    ]
    if tag_statements:
        policies.append(
            _policy(
                "sagemaker-require-tags",
                "Denies creating billable SageMaker resources (jobs, notebooks, models, endpoints, domains) "
                "without the cost-allocation tags " + ", ".join(settings.required_tags)[:300] + ".",
                tag_statements,
                targets,
            )
        )
    return policies


def _network_isolation(settings: GuardrailSettings) -> list[ServiceControlPolicy]:
    if not settings.network_isolation_ous:
        return []
    return [
        _policy(
            "sagemaker-require-network-isolation",
            "Denies SageMaker training, processing and tuning jobs and models that run without network "
            "isolation, so containers cannot reach the internet in pre-production and production.",
            [
                Statement(
                    "NetworkIsolation",
                    actions=A.NETWORK_ISOLATION_ACTIONS,
                    condition={"BoolIfExists": {"sagemaker:NetworkIsolation": "false"}},
                )
            ],
            settings.network_isolation_ous,
        )
    ]


def _endpoints() -> list[ServiceControlPolicy]:
    return [
        _policy(
            "deny-sagemaker-endpoints",
            "Denies creating or updating SageMaker endpoints: sandbox and dev accounts experiment but do "
            "not host models.",
            [Statement("DenyEndpoints", actions=A.ENDPOINT_ACTIONS)],
            ENDPOINT_DENY_TARGETS,
        ),
        _policy(
            "sagemaker-endpoints-from-vpc",
            "Denies creating or updating SageMaker endpoints unless the request comes from the customer VPC "
            "through a VPC endpoint; calls AWS services make on a caller's behalf are allowed.",
            [
                Statement(
                    "EndpointsFromVpcOnly",
                    actions=A.ENDPOINT_CHANGE_ACTIONS,
                    # aws:SourceVpc is absent for calls an AWS service (e.g. CloudFormation) forwards.
                    condition={"Null": {"aws:SourceVpc": "true"}, "BoolIfExists": {"aws:ViaAWSService": "false"}},
                )
            ],
            ENDPOINT_VPC_TARGETS,
        ),
    ]


def _instance_types(settings: GuardrailSettings) -> list[ServiceControlPolicy]:
    policies = []
    for ou in sorted(settings.instance_types_by_ou, key=INSTANCE_TYPE_OUS.index):
        patterns = tuple(dict.fromkeys(settings.instance_types_by_ou[ou] + (STUDIO_SYSTEM_INSTANCE_TYPE,)))
        policies.append(
            _policy(
                instance_types_key(ou),
                f"Denies SageMaker jobs, notebooks, Studio apps and endpoint configs in {ou} that use instance "
                "types outside the allow-list (" + ", ".join(patterns)[:250] + "), as a cost and security control.",
                [
                    Statement(
                        "AllowedInstanceTypes",
                        actions=A.INSTANCE_TYPE_ACTIONS,
                        condition={"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": patterns}},
                    )
                ],
                (ou,),
            )
        )
    return policies


def _sandbox(settings: GuardrailSettings) -> list[ServiceControlPolicy]:
    prefix = settings.data_lake_bucket_prefix
    return [
        _policy(
            "sandbox-isolation",
            "Cuts sandbox accounts off from the corporate network and data: denies transit gateway, VPC "
            "peering, VPN and Direct Connect, and any access to the data lake buckets and Lake Formation data.",
            [
                Statement("DenyTransitGateway", actions=A.TRANSIT_GATEWAY_ACTIONS),
                Statement("DenyVpcPeering", actions=A.VPC_PEERING_ACTIONS),
                Statement("DenyVpn", actions=A.VPN_ACTIONS),
                Statement("DenyDirectConnect", actions=("directconnect:*",)),
                Statement("DenyDataLakeBuckets", actions=("s3:*",), resources=(f"arn:aws:s3:::{prefix}*", f"arn:aws:s3:::{prefix}*/*")),
                # Separate statement: GetDataAccess has no resource type, so it never matches S3 ARNs.
                Statement("DenyLakeFormationData", actions=("lakeformation:GetDataAccess",)),
            ],
            (OuName.SANDBOX.value,),
        )
    ]


def _deployments(settings: GuardrailSettings) -> list[ServiceControlPolicy]:
    # The pipeline admin role, and the platform roles that deploy the pipelines in the first place.
    admins = (PIPELINE_ADMIN_ROLE,) + tuple(name for name in settings.exempt_role_names if name != PIPELINE_ADMIN_ROLE)
    only_admins = {"ArnNotLike": {"aws:PrincipalArn": tuple(f"arn:aws:iam::*:role/{name}" for name in admins)}}
    return [
        _policy(
            "protect-pipelines",
            f"Denies creating, changing or deleting delivery pipelines, build projects, the pipeline roles "
            f"({PIPELINE_ROLE_PREFIX}*) and the GitHub OIDC provider to everyone but the pipeline administration "
            f"role {PIPELINE_ADMIN_ROLE} and the platform roles, so people who use a pipeline cannot reconfigure it.",
            [
                Statement("ProtectPipelines", actions=A.PIPELINE_CHANGE_ACTIONS, condition=only_admins),
                Statement(
                    "ProtectPipelineRoles",
                    actions=A.PIPELINE_ROLE_CHANGE_ACTIONS,
                    resources=(f"arn:aws:iam::*:role/{PIPELINE_ROLE_PREFIX}*",),
                    condition=only_admins,
                ),
                Statement(
                    "ProtectPipelineIdentityProvider",
                    actions=A.PIPELINE_IDENTITY_PROVIDER_ACTIONS,
                    resources=(f"arn:aws:iam::*:oidc-provider/{GITHUB_OIDC_HOST}",),
                    condition=only_admins,
                ),
            ],
            (OuName.DEPLOYMENTS.value,),
        )
    ]


def build_catalogue(settings: GuardrailSettings) -> tuple[ServiceControlPolicy, ...]:
    """All guardrails for these settings, in a stable order (baseline first)."""
    return tuple(
        _baseline(settings)
        + _ml(settings)
        + _network_isolation(settings)
        + _endpoints()
        + _instance_types(settings)
        + _sandbox(settings)
        + _deployments(settings)
    )


def attachment_map(
    catalogue: Sequence[ServiceControlPolicy], overrides: Mapping[str, Sequence[str]] = {}
) -> dict[str, tuple[str, ...]]:
    """Key -> targets. An override replaces (not extends) a key's default targets;
    an empty override detaches the guardrail everywhere. Overrides for keys that are
    not in this catalogue raise, so a typo never silently leaves a guardrail in place."""
    built = {policy.key: policy.default_targets for policy in catalogue}
    known = set(guardrail_keys())
    for key, targets in overrides.items():
        if key not in built:
            reason = "is not built with these settings" if key in known else "is not a guardrail key"
            raise ValueError(f"attachment override for {key!r}: {reason}")
        if isinstance(targets, str):
            raise ValueError(f"attachment override for {key!r} must be a list of targets, not a string")
        if not all(isinstance(t, str) and t for t in targets):
            raise ValueError(f"attachment override for {key!r} has an empty or non-string target")
    return {key: tuple(dict.fromkeys(overrides[key])) if key in overrides else targets for key, targets in built.items()}


__all__ = ["build_catalogue", "guardrail_keys", "attachment_map", "instance_types_key", "STATIC_KEYS"]

