"""The config rule on guardrail overrides leaves to the pack exactly the guardrails whose placement it checks."""

from __future__ import annotations

from ml_guardrails.policies import baseline_scps_at_root, endpoint_deny_attachment, workload_ou_ml_scps

from mlgov.config.rules import PLACEMENT_CHECKED_BY_THE_PACK
from mlgov.guardrails import GuardrailSettings, build_catalogue


def test_the_guardrails_left_to_the_pack_are_the_ones_its_policies_require():
    default = lambda module, prop: module.SCHEMA.properties[prop]["default"]  # noqa: E731
    required_names = {
        *default(baseline_scps_at_root, "policyNames"),
        *default(workload_ou_ml_scps, "requiredPolicyNames"),
        default(endpoint_deny_attachment, "policyName"),
    }
    by_name = {policy.name: policy.key for policy in build_catalogue(GuardrailSettings.example())}
    assert {by_name[name] for name in required_names} == set(PLACEMENT_CHECKED_BY_THE_PACK)
