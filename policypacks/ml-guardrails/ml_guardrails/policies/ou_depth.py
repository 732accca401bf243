"""ou-depth: the OU tree is at most five levels below the root."""

from __future__ import annotations

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import as_int, int_prop
from ..tokens import TypeToken
from ._coverage import coverage_policy, per_ou

NAME = "ou-depth"
REMEDIATION = "Flatten the OU tree: AWS Organizations allows at most five OU levels below the root."
SCHEMA = PolicyConfigSchema(properties={"maxDepth": int_prop("Maximum OU levels below the root.", 5, 1)})


def _check(view, ou, cfg):
    depth, limit = view.ou_depth(ou), as_int(cfg["maxDepth"])
    too_deep = depth is not None and depth > limit  # None: the chain is unknown at preview
    return too_deep and f"OU '{ou.get('name') or ou.name}' is {depth} levels below the root, deeper than {limit}."


POLICY = coverage_policy(
    name=NAME,
    description="Organizational units nest at most 5 levels below the root.",
    severity=Severity.HIGH,
    remediation=REMEDIATION,
    schema=SCHEMA,
    find=per_ou(None, _check),
    fix="Attach it higher in the tree.",
    applies_to=(TypeToken.ORGANIZATIONAL_UNIT,),
    needs_attachments=False,
)
