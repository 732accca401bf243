"""Assembles the ml-guardrails policy pack. Serving blocks forever: never import this."""

from pulumi_policy import EnforcementLevel, PolicyPack

from ml_guardrails.policies import ALL_POLICIES

PolicyPack(
    name="ml-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=ALL_POLICIES,
    # FullAWSAccess occupies one SCP slot on every target; Control Tower adds its own on
    # registered OUs: raise reservedSlotsPerTarget through --policy-pack-config if so.
    # The level is stated because proto3 cannot tell an unset level from "advisory".
    initial_config={
        "scp-attachments-per-target": {
            "enforcementLevel": EnforcementLevel.MANDATORY,
            "reservedSlotsPerTarget": 1,
        }
    },
)
