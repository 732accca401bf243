"""workload-ou-controls: every Workloads_* OU has the S3 Control Tower controls."""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import UNKNOWN, is_unknown, string_list_prop
from ..tokens import TypeToken
from ._coverage import coverage_policy, per_ou

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


def _check(view, ou, cfg):
    present: set[str] = set()
    for control in view.of_type(TypeToken.CONTROL_TOWER_CONTROL):
        identifier = control.get("controlIdentifier")
        targets = view.refs(control, "targetIdentifier", TypeToken.ORGANIZATIONAL_UNIT)
        if is_unknown(identifier) or targets is None:
            return UNKNOWN  # cannot tell which control is which, or where it applies, during preview
        if any(t.urn == ou.urn for t in targets):
            present.add(str(identifier).rsplit("/", 1)[-1])
    missing = [c for c in cfg["requiredControls"] if c not in present]
    return missing and f"OU '{ou.get('name')}' lacks the Control Tower control(s) {', '.join(missing)}."


POLICY = coverage_policy(
    name=NAME,
    description="Every Workloads_* OU has the S3 public-read, public-write and versioning Control Tower controls.",
    severity=Severity.HIGH,
    remediation=REMEDIATION,
    schema=SCHEMA,
    find=per_ou(lambda cfg, name: name.startswith(cfg["ouNamePrefix"]), _check),
    fix="Add a ControlTowerControl per missing control targeting the OU's ARN.",
    needs_attachments=False,
)
