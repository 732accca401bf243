"""scp-attachments-per-target: no root, OU or account gets more SCPs than AWS allows."""

from __future__ import annotations

from collections import defaultdict

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import as_int, int_prop, is_unknown, mandatory_stack_policy, policy_config, violation
from ..graph import Res, StackView
from ..tokens import SCP

NAME = "scp-attachments-per-target"
REMEDIATION = (
    "Merge guardrails that apply to the same target into one SCP, or attach shared guardrails "
    "once on a parent OU instead of on every child."
)
RESERVED_SLOTS = 3
"""FullAWSAccess, plus the (up to) two SCPs Control Tower attaches to every OU it registers."""
SCHEMA = PolicyConfigSchema(
    properties={
        "maxPerTarget": int_prop("SCPs AWS allows per root, OU or account (10 since May 2026).", 10, 1),
        "reservedSlotsPerTarget": int_prop(
            "Slots taken by SCPs this stack does not attach: FullAWSAccess and the up to two SCPs Control "
            "Tower attaches to a registered OU (3); lower it for an organization without Control Tower.", RESERVED_SLOTS, 0),
    }
)


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    cfg = policy_config(args, SCHEMA)
    limit = as_int(cfg["maxPerTarget"]) - as_int(cfg["reservedSlotsPerTarget"])
    counts: dict = defaultdict(list)
    for att, target, policy in view.attachments:
        if target.kind == "unknown":
            continue
        if isinstance(policy, Res):
            ptype = view.policy_type(policy)
            if is_unknown(ptype) or ptype != SCP:
                continue
        # a policy outside this stack (None) or one unknown at preview may be an SCP: count it
        counts[target].append(att)
    for target, atts in counts.items():
        if len(atts) > limit:
            report_violation(violation(
                f"{target.describe(view)} gets {len(atts)} SCPs from this stack; with "
                f"{as_int(cfg['reservedSlotsPerTarget'])} reserved slot(s) at most {limit} fit under the "
                f"limit of {as_int(cfg['maxPerTarget'])}.",
                "Merge SCPs or attach them higher in the OU tree."), atts[-1].urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description=("Each root, OU and account has at most 10 SCPs attached, counting the 3 slots it reserves: "
                 "FullAWSAccess and the two SCPs Control Tower attaches to a registered OU."),
    validate=validate,
    schema=SCHEMA,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
