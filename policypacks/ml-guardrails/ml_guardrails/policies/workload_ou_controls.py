"""workload-ou-controls: every Workloads_* OU has the S3 Control Tower controls."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, Severity, StackValidationPolicy

from ..common import is_unknown, policy_config, string_list_prop, violation
from ..tokens import TypeToken
from ._coverage import applicable_view, ous_named

NAME = "workload-ou-controls"
REMEDIATION = (
    "Enable the controls with controltower.ControlTowerControl(control_identifier="
    "'arn:aws:controltower:<region>::control/<id>', target_identifier=<the OU's arn>) for every Workloads_* OU."
)
SCHEMA = PolicyConfigSchema(
    properties={
        "ouNamePrefix": {"type": "string", "default": "Workloads_", "description": "OUs whose name starts with this hold workloads."},
        "requiredControls": string_list_prop("Control Tower control ids every workload OU must have.", [
            "AWS-GR_S3_BUCKET_PUBLIC_READ_PROHIBITED",
            "AWS-GR_S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
            "AWS-GR_S3_VERSIONING_ENABLED",
        ]),
    }
)


def validate(args, report_violation) -> None:
    view = applicable_view(args)
    cfg = policy_config(args, SCHEMA)
    controls = view.of_type(TypeToken.CONTROL_TOWER_CONTROL)
    if any(is_unknown(c.get("controlIdentifier")) for c in controls):
        return  # cannot tell which control is which during preview
    for ou in ous_named(view, lambda n: n.startswith(cfg["ouNamePrefix"])):
        present: set[str] = set()
        for control in controls:
            targets = view.refs(control, "targetIdentifier", TypeToken.ORGANIZATIONAL_UNIT)
            if targets is None:
                return  # unknown target at preview: no verdict
            if any(t.urn == ou.urn for t in targets):
                present.add(str(control.get("controlIdentifier")).rsplit("/", 1)[-1])
        missing = [c for c in cfg["requiredControls"] if c not in present]
        if missing:
            report_violation(violation(
                f"OU '{ou.get('name')}' lacks the Control Tower control(s) {', '.join(missing)}.",
                "Add a ControlTowerControl per missing control targeting the OU's ARN."), ou.urn)


POLICY = StackValidationPolicy(
    name=NAME,
    description="Every Workloads_* OU has the S3 public-read, public-write and versioning Control Tower controls.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
