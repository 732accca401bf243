"""Assembles the ml-guardrails policy pack. Serving blocks forever: never import this."""

from pulumi_policy import EnforcementLevel, PolicyPack

from ml_guardrails.policies import ALL_POLICIES, INITIAL_CONFIG

PolicyPack(
    name="ml-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
    initial_config=INITIAL_CONFIG,
)
