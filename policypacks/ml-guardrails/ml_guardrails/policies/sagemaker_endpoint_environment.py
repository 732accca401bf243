"""sagemaker-endpoint-environment: no endpoints in sandbox or dev stacks."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, Severity

from ..common import environment, policy_config, string_list_prop, violation
from ..tokens import TypeToken

NAME = "sagemaker-endpoint-environment"
REMEDIATION = "Serve models from preprod/prod only; in sandbox and dev use batch transform or local inference."
SCHEMA = PolicyConfigSchema(
    properties={
        "forbiddenEnvironments": string_list_prop(
            "Values of the stack's mlgov:environment where endpoints are forbidden.", ["sandbox", "dev"]),
    }
)
_TYPES = (TypeToken.SAGEMAKER_ENDPOINT, TypeToken.SAGEMAKER_ENDPOINT_CONFIGURATION)


def validate(args, report_violation) -> None:
    if args.resource_type not in _TYPES:
        return
    env = environment()
    cfg = policy_config(args, SCHEMA)
    if env is None or env not in {e.lower() for e in cfg["forbiddenEnvironments"]}:
        return
    report_violation(violation(
        f"{args.resource_type.rsplit(':', 1)[-1]} '{args.name}' is created in the {env} environment, where SageMaker endpoints are forbidden.",
        "Remove it from this stack; deploy endpoints from preprod or prod."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="SageMaker Endpoint and EndpointConfiguration resources are not created in sandbox or dev stacks.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.MEDIUM,
    remediation_steps=REMEDIATION,
)
