"""The pack's default required-policy names are the names the guardrail catalogue builds.

The pack cannot import the catalogue (a published pack holds only its own folder),
so it spells the names out; this keeps the two spellings in step. A rename in the
catalogue without the pack would make every org stack fail the coverage policies;
a rename in the pack alone would make it require a policy nobody creates.
"""

from __future__ import annotations

from ml_guardrails.policies import baseline_scps_at_root, endpoint_deny_attachment, workload_ou_ml_scps

from mlgov.constants import ROOT, OuName
from mlgov.guardrails import GuardrailSettings, build_catalogue
from mlgov.guardrails.catalogue import ENDPOINT_DENY_TARGETS

CATALOGUE = build_catalogue(GuardrailSettings.example())


def _default(module, prop: str):
    return module.SCHEMA.properties[prop]["default"]


def _names_targeting(target: str) -> set[str]:
    return {policy.name for policy in CATALOGUE if target in policy.default_targets}


def test_baseline_names_are_the_catalogue_policies_at_the_root() -> None:
    assert set(_default(baseline_scps_at_root, "policyNames")) == _names_targeting(ROOT)


def test_workload_names_are_the_catalogue_policies_on_the_workloads_ou() -> None:
    assert set(_default(workload_ou_ml_scps, "requiredPolicyNames")) == _names_targeting(OuName.WORKLOADS)


def test_endpoint_deny_name_and_ous_are_the_catalogue_policy_and_its_targets() -> None:
    (endpoint_deny,) = [policy for policy in CATALOGUE if policy.key == "deny-sagemaker-endpoints"]
    assert _default(endpoint_deny_attachment, "policyName") == endpoint_deny.name
    assert set(_default(endpoint_deny_attachment, "ouNames")) == set(endpoint_deny.default_targets) == set(ENDPOINT_DENY_TARGETS)
