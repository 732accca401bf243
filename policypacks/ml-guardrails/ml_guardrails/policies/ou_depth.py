"""ou-depth: the OU tree is at most five levels below the root."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, Severity, StackValidationPolicy

from ..common import as_int, int_prop, policy_config, violation
from ..graph import StackView
from ..tokens import TypeToken

NAME = "ou-depth"
REMEDIATION = "Flatten the OU tree: AWS Organizations allows at most five OU levels below the root."
SCHEMA = PolicyConfigSchema(properties={"maxDepth": int_prop("Maximum OU levels below the root.", 5, 1)})


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    ous = view.of_type(TypeToken.ORGANIZATIONAL_UNIT)
    if not ous:
        args.not_applicable("no organizational units in this stack")
    limit = as_int(policy_config(args, SCHEMA)["maxDepth"])
    for ou in ous:
        depth = view.ou_depth(ou)
        if depth is not None and depth > limit:
            report_violation(violation(
                f"OU '{ou.get('name') or ou.name}' is {depth} levels below the root, deeper than {limit}.",
                "Attach it higher in the tree."), ou.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description="Organizational units nest at most 5 levels below the root.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
