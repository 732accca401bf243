"""controls-on-registered-ous: Control Tower controls only on OUs Control Tower governs, after their registration.

EnableControl fails on an OU that is not registered with the landing zone, and a
detective control reads AWS Config, which registration brings to the OU's accounts.
An OU counts as registered when the stack enables the AWSControlTowerBaseline on it
(``controltower.Baseline``) and the control waits for that registration, or when the
stack declares it registered outside the stack: the policy config ``registeredOus``
or the stack's ``mlgov:controlTower.registeredOus`` (OU names or ARNs).
"""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, Severity

from .. import registration
from ..common import is_unknown, mandatory_stack_policy, policy_config, violation
from ..graph import Res, StackView
from ..tokens import TypeToken

NAME = "controls-on-registered-ous"
REMEDIATION = (
    "Register the OU before enabling controls on it: controltower.Baseline(baseline_identifier="
    "'arn:aws:controltower:<region>::baseline/17BSJV3IGJ2QSGA2', baseline_version=<matching the landing zone>, "
    "target_identifier=<the OU's arn>), and give the control depends_on that Baseline. If Control Tower already "
    "governs the OU, list it in mlgov:controlTower.registeredOus."
)
SCHEMA = PolicyConfigSchema(properties=dict(registration.SCHEMA_PROPERTIES))


def _describe(view: StackView, control: Res) -> str:
    ous = view.refs(control, "targetIdentifier", TypeToken.ORGANIZATIONAL_UNIT)
    if ous:
        return f"OU '{ous[0].get('name') or ous[0].name}'"
    target = control.get("targetIdentifier")
    return f"target '{target}'"


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    controls = view.of_type(TypeToken.CONTROL_TOWER_CONTROL)
    if not controls:
        args.not_applicable("the stack has no ControlTowerControl resources")
    cfg = policy_config(args, SCHEMA)
    declared, registrations = registration.declared(cfg), registration.registrations(view, cfg)
    for control in controls:
        matches = [(b, registration.same_target(view, control, b)) for b in registrations]
        if any(same is None for _, same in matches):
            continue  # a target is unknown at preview: no verdict
        registering = [b for b, same in matches if same]
        identifier = str(control.get("controlIdentifier") or control.name).rsplit("/", 1)[-1]
        if registering:
            if not any(view.waits_for(control, b) for b in registering):
                report_violation(violation(
                    f"Control {identifier} on {_describe(view, control)} does not wait for the OU's registration "
                    f"({registering[0].name}); Control Tower refuses controls on an OU that is still being registered.",
                    "Give the control depends_on the Baseline that registers its OU."), control.urn)
            continue
        ous = view.refs(control, "targetIdentifier", TypeToken.ORGANIZATIONAL_UNIT)
        target = control.get("targetIdentifier")
        if ous is None or is_unknown(target):
            continue
        names = {str(o.get("name")) for o in ous} | {str(o.get("arn")) for o in ous}
        if names & declared or (isinstance(target, str) and target in declared):
            continue
        report_violation(violation(
            f"Control {identifier} targets {_describe(view, control)}, which no controltower.Baseline in this stack "
            "registers and which is not declared registered; EnableControl fails on an OU Control Tower does not govern.",
            "Register the OU with the AWSControlTowerBaseline first, or declare it in mlgov:controlTower.registeredOus."),
            control.urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description=(
        "Every ControlTowerControl targets an OU registered with Control Tower: a Baseline in the stack that the "
        "control waits for, or an OU declared registered in config."
    ),
    validate=validate,
    schema=SCHEMA,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
