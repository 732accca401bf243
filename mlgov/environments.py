"""What differs between environments, in one table (no scattered ``if env == ...``).

The SCPs enforce these rules organization-wide; the baseline follows the same
table so it never builds what the guardrails would deny (an endpoint in dev,
a route out of a sandbox) and never opens what they close.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlgov.constants import Environment, OuName


@dataclass(frozen=True)
class EnvironmentRules:
    environment: Environment
    workload_ou: str
    """OU of the project's account in this environment."""
    automation_ou: str | None
    """OU of the project's automation (CI/CD) account, for environments that deploy through a pipeline."""
    endpoints_allowed: bool
    """SageMaker endpoints may exist (SCP deny-sagemaker-endpoints covers the others)."""
    internet_egress: bool
    """The VPC gets an internet gateway and NAT; elsewhere private subnets and VPC endpoints only."""
    data_lake_access: bool
    """Project roles may read the central data lake (read-only, curated zone)."""
    spend_limit_action: bool
    """A budget action stops SageMaker spend when the fixed limit is exceeded."""
    network_isolation: bool
    """SageMaker jobs must run with network isolation (SCP on these OUs)."""
    provisions_catalog_products: bool
    """The ML product portfolio is shared to these accounts; they hold its launch role."""


RULES: dict[Environment, EnvironmentRules] = {
    Environment.SANDBOX: EnvironmentRules(
        Environment.SANDBOX, OuName.SANDBOX, None,
        endpoints_allowed=False, internet_egress=True, data_lake_access=False, spend_limit_action=True, network_isolation=False,
        provisions_catalog_products=False,
    ),
    Environment.DEV: EnvironmentRules(
        Environment.DEV, OuName.WORKLOADS_DEV, None,
        endpoints_allowed=False, internet_egress=False, data_lake_access=True, spend_limit_action=False, network_isolation=False,
        provisions_catalog_products=True,
    ),
    Environment.PREPROD: EnvironmentRules(
        Environment.PREPROD, OuName.WORKLOADS_PREPROD, OuName.DEPLOYMENTS_PREPROD,
        endpoints_allowed=True, internet_egress=False, data_lake_access=False, spend_limit_action=False, network_isolation=True,
        provisions_catalog_products=False,
    ),
    Environment.PROD: EnvironmentRules(
        Environment.PROD, OuName.WORKLOADS_PROD, OuName.DEPLOYMENTS_PROD,
        endpoints_allowed=True, internet_egress=False, data_lake_access=False, spend_limit_action=False, network_isolation=True,
        provisions_catalog_products=False,
    ),
}


def rules_for(environment: Environment | str) -> EnvironmentRules:
    return RULES[Environment(environment)]


def stages_where(condition: Callable[[EnvironmentRules], bool]) -> tuple[Environment, ...]:
    """The environments whose rules meet ``condition``, in promotion order."""
    return tuple(env for env in Environment if condition(RULES[env]))


DEPLOYING_STAGES = stages_where(lambda rules: rules.automation_ou is not None)
"""Stages a project deploys to through its pipeline: they get a model registry and its writers."""
CATALOG_STAGES = stages_where(lambda rules: rules.provisions_catalog_products)
"""Stages the approved-products portfolio is shared to."""
DATA_LAKE_STAGES = stages_where(lambda rules: rules.data_lake_access)
"""Stages whose accounts read the curated zone of the central data lake."""
SHARED_READ_STAGES = tuple(env for env in Environment if env in {*DEPLOYING_STAGES, *CATALOG_STAGES, *DATA_LAKE_STAGES})
"""Stages whose stacks the shared stack reads project account ids from: the union of the three above."""
