"""Which OUs Control Tower governs, as far as a stack can tell: shared by the Control Tower policies.

An OU is registered when the stack enables a registration baseline on it
(``controltower.Baseline``, by default the AWSControlTowerBaseline), or when it is
declared registered outside the stack: the policy's ``registeredOus`` or the stack's
``mlgov:controlTower.registeredOus`` (OU names or ARNs).
"""

from __future__ import annotations

from typing import Any

from .common import is_unknown, stack_setting, string_list_prop
from .graph import Res, StackView
from .tokens import TypeToken

AWS_CONTROL_TOWER_BASELINE_ID = "17BSJV3IGJ2QSGA2"

SCHEMA_PROPERTIES = {
    "registeredOus": string_list_prop("OUs (names or ARNs) registered with Control Tower outside any stack.", []),
    "registrationBaselineIds": string_list_prop(
        "Baselines whose enablement registers an OU (the id after 'baseline/').", [AWS_CONTROL_TOWER_BASELINE_ID]),
}


def declared(cfg: dict[str, Any]) -> set[str]:
    """OU names and ARNs declared registered, in the policy config or the stack's settings."""
    settings = stack_setting("controlTower")
    from_stack = settings.get("registeredOus") if isinstance(settings, dict) else None
    return set(cfg["registeredOus"]) | {str(v) for v in (from_stack if isinstance(from_stack, list) else [])}


def registrations(view: StackView, cfg: dict[str, Any]) -> list[Res]:
    """The stack's Baselines that register an OU (an identifier unknown at preview counts)."""
    ids = set(cfg["registrationBaselineIds"])

    def registers(baseline: Res) -> bool:
        identifier = baseline.get("baselineIdentifier")
        return is_unknown(identifier) or (isinstance(identifier, str) and identifier.rsplit("/", 1)[-1] in ids)

    return [b for b in view.of_type(TypeToken.CONTROL_TOWER_BASELINE) if registers(b)]


def same_target(view: StackView, a: Res, b: Res) -> bool | None:
    """Whether two resources' ``targetIdentifier`` name the same OU; None when preview cannot tell."""
    ous_a = view.refs(a, "targetIdentifier", TypeToken.ORGANIZATIONAL_UNIT)
    ous_b = view.refs(b, "targetIdentifier", TypeToken.ORGANIZATIONAL_UNIT)
    if ous_a and ous_b:
        return bool({o.urn for o in ous_a} & {o.urn for o in ous_b})
    value_a, value_b = a.get("targetIdentifier"), b.get("targetIdentifier")
    if is_unknown(value_a) or is_unknown(value_b):
        return None
    return isinstance(value_a, str) and value_a == value_b


def ou_registered(view: StackView, ou: Res, found: list[Res], names: set[str]) -> bool | None:
    """Whether the OU is registered: by one of ``found`` or declared in ``names``; None when preview cannot tell."""
    if {str(ou.get("name")), str(ou.get("arn"))} & names:
        return True
    unknown = False
    for registration in found:
        targets = view.refs(registration, "targetIdentifier", TypeToken.ORGANIZATIONAL_UNIT)
        if targets is None:
            unknown = True
        elif any(t.urn == ou.urn for t in targets):
            return True
    return None if unknown else False
