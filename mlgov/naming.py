"""String rules that turn configured names into AWS and Pulumi names.

Below both the config model and the components, so each spells a derived name
the same way without importing the other: the components build resources with
these names, and the config checks compute the same names to test them against
what AWS accepts before anything runs, each reported at the setting that
produced it. Pure functions: no Pulumi, no AWS calls.
"""

from __future__ import annotations

import re
from typing import Any

from mlgov.constants import DEPLOY_ROLE_PREFIX, PIPELINE_ROLE_PREFIX, PROJECT

ACCOUNT_ID_LENGTH = 12
"""AWS account ids are 12 digits; bucket names end with the id of the account that owns them."""
SAMPLE_ACCOUNT_ID = "0" * ACCOUNT_ID_LENGTH
"""Stands for an account id that is only known once the account exists (the length is what matters)."""
BUCKET_PURPOSES: tuple[str, ...] = ("data", "artifacts")
"""Buckets every project account gets: training data and model artifacts."""
AUTOMATION_SUFFIX = "automation"


def kebab(text: str) -> str:
    """'Workloads_PreProd' -> 'workloads-preprod'; 'log-archive' stays."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def email_from_template(template: str, account: str) -> str:
    """The account email the organization's template gives an account key ('{account}' replaced)."""
    return template.replace("{account}", account)


# ------------------------------------------------------------------ project accounts
def project_account_key(project: str, environment: str, automation: bool = False) -> str:
    """Key, account name and ``{account}`` of the email of a project's account in one environment."""
    return f"{project}-{environment}" + (f"-{AUTOMATION_SUFFIX}" if automation else "")


def project_session_name(account_key: str) -> str:
    """STS session name the platform uses in a project account (CloudTrail shows it)."""
    return f"{PROJECT}-{account_key}"


def project_tags(project: Any, environment: str) -> dict[str, str]:
    """Cost-allocation and ownership tags on every account and taggable resource of a project (a config ``Project``)."""
    return {
        "mlgov:project": project.name,
        "mlgov:cost-center": project.cost_center,
        "mlgov:team": project.team,
        "mlgov:environment": environment,
        "mlgov:data-classification": project.data_classification,
        "mlgov:managed-by": "pulumi",
    }


PROJECT_TAG_SETTINGS: dict[str, str] = {
    "mlgov:project": "name",
    "mlgov:cost-center": "costCenter",
    "mlgov:team": "team",
    "mlgov:data-classification": "dataClassification",
}
"""Which project setting each project tag's value comes from (the others are fixed words)."""


# ------------------------------------------------------------------ inside a project account
def bucket_prefix(*parts: str) -> str:
    """``<parts...>-``: the account id of the owner completes a bucket name (globally unique)."""
    return "-".join(parts) + "-"


def project_bucket_prefix(project: str, environment: str, purpose: str) -> str:
    return bucket_prefix(PROJECT, project, environment, purpose)


def data_lake_bucket_prefix(prefix: str, zone: str) -> str:
    """The org's data-lake prefix (one dash between it and the zone, however it ends) and the zone."""
    return bucket_prefix(prefix.rstrip("-"), zone)


def project_key_alias(project: str) -> str:
    return f"alias/{PROJECT}/{project}"


def execution_role_name(project: str) -> str:
    """The project's Studio and job execution role; deploy roles may pass it, nothing else."""
    return f"{PROJECT}-{project}-sagemaker-execution"


def studio_domain_name(project: str) -> str:
    return f"{PROJECT}-{project}"


def profile_name(user: str) -> str:
    """SageMaker profile names allow letters, digits and dashes only; the ABAC tag keeps the exact user name."""
    return kebab(user)


def budget_name(project: str, environment: str) -> str:
    return f"{PROJECT}-{project}-{environment}-monthly"


def budget_deny_policy_name(budget: str) -> str:
    return f"{budget}-deny-sagemaker"


def budget_action_role_name(budget: str) -> str:
    return f"{budget}-action"[:64]


# ------------------------------------------------------------------ delivery (preprod, prod)
def pipeline_role_name(project: str, environment: str) -> str:
    return f"{PIPELINE_ROLE_PREFIX}{project}-{environment}"


def deploy_role_name(project: str) -> str:
    return f"{DEPLOY_ROLE_PREFIX}{project}"


def model_package_group_name(project: str) -> str:
    """The project's group in the central model registry (team shared services)."""
    return project
