"""scp-content: SCP/RCP documents are valid JSON, versioned, with Sids, real actions and
condition keys that the statement's actions support."""

from __future__ import annotations

import json
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, Severity

from ..common import UNKNOWN, is_unknown, plain, policy_config, violation
from ..iam_validation import validate_policy
from ..tokens import RCP, SCP, TypeToken

NAME = "scp-content"
REMEDIATION = (
    "Write the SCP as data (mlgov guardrail catalogue), serialise it with json.dumps, give every "
    "statement a Sid, and use only actions and condition keys listed in the IAM service "
    "authorization reference (e.g. sagemaker:VolumeKmsKeyArn, not the deprecated sagemaker:VolumeKmsKey)."
)
SCHEMA = PolicyConfigSchema(
    properties={
        "requireSid": {"type": "boolean", "default": True, "description": "Every statement must carry a Sid."},
    }
)


def missing_sids(doc: Any) -> list[str]:
    """The pack's own rule on top of the vendored validator: every statement carries a Sid."""
    if not isinstance(doc, dict):
        return []
    statements = doc.get("Statement")
    statements = statements if isinstance(statements, list) else [statements] if statements is not None else []
    return [f"Statement[{i}] has no Sid" for i, stmt in enumerate(statements) if isinstance(stmt, dict) and not stmt.get("Sid")]


def validate(args, report_violation) -> None:
    if args.resource_type != TypeToken.POLICY:
        return
    props = plain(args.props)
    ptype = props.get("type") or SCP
    if is_unknown(ptype) or ptype not in (SCP, RCP):
        return
    content = props.get("content", UNKNOWN)
    if is_unknown(content):
        return
    cfg = policy_config(args, SCHEMA)
    name = props.get("name") or args.name
    if not isinstance(content, str):
        report_violation(violation(f"policy '{name}' content is not a JSON string.", "Pass json.dumps(document)."), None)
        return
    try:
        doc = json.loads(content)
    except json.JSONDecodeError as exc:
        report_violation(violation(f"policy '{name}' content is not valid JSON ({exc}).", "Serialise the document with json.dumps."), None)
        return
    problems = (missing_sids(doc) if cfg["requireSid"] else []) + validate_policy(doc)
    for problem in problems:
        report_violation(violation(f"policy '{name}': {problem}.", "Correct the statement; see remediation steps of scp-content."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="SCP and RCP documents are valid IAM JSON: Version 2012-10-17, a Sid per statement, existing actions, condition keys supported by the statement's actions.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
