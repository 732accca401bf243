"""scp-size: organization policy documents stay within the AWS size quotas, measured on
the content exactly as it will be sent (characters and UTF-8 bytes)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, Severity

from ..common import UNKNOWN, as_int, int_prop, is_unknown, plain, policy_config, violation
from ..tokens import SCP, TypeToken

NAME = "scp-size"
REMEDIATION = (
    "Minify the document (json.dumps(doc, separators=(',', ':'))), merge statements that share an "
    "effect and condition, or split the guardrail into two policies (mind the per-target limit)."
)
SCHEMA = PolicyConfigSchema(
    properties={
        "maxCharacters": int_prop("Maximum SCP size in characters (AWS quota, 10,240 since May 2026).", 10240, 1),
        "maxBytes": int_prop("Maximum SCP size in UTF-8 bytes.", 10240, 1),
        "rcpMaxCharacters": int_prop("Maximum resource control policy size.", 5120, 1),
        "tagPolicyMaxCharacters": int_prop("Maximum tag policy size.", 10000, 1),
        "backupPolicyMaxCharacters": int_prop("Maximum backup policy size.", 10000, 1),
        "declarativePolicyMaxCharacters": int_prop("Maximum declarative (EC2) policy size.", 10000, 1),
        "aiOptOutPolicyMaxCharacters": int_prop("Maximum AI services opt-out policy size.", 2500, 1),
    }
)

_BY_TYPE = {
    "RESOURCE_CONTROL_POLICY": "rcpMaxCharacters",
    "TAG_POLICY": "tagPolicyMaxCharacters",
    "BACKUP_POLICY": "backupPolicyMaxCharacters",
    "DECLARATIVE_POLICY_EC2": "declarativePolicyMaxCharacters",
    "AISERVICES_OPT_OUT_POLICY": "aiOptOutPolicyMaxCharacters",
}


def validate(args, report_violation) -> None:
    if args.resource_type != TypeToken.POLICY:
        return
    props = plain(args.props)
    ptype = props.get("type") or SCP
    content = props.get("content", UNKNOWN)
    if is_unknown(ptype) or is_unknown(content) or not isinstance(content, str):
        return
    cfg = policy_config(args, SCHEMA)
    name = props.get("name") or args.name
    chars, nbytes = len(content), len(content.encode("utf-8"))
    if ptype == SCP:
        max_chars, max_bytes = as_int(cfg["maxCharacters"]), as_int(cfg["maxBytes"])
    elif ptype in _BY_TYPE:
        max_chars = max_bytes = as_int(cfg[_BY_TYPE[ptype]])
    else:
        return
    if chars > max_chars:
        report_violation(violation(
            f"{ptype} '{name}' is {chars} characters, over the limit of {max_chars}.",
            "Minify or split the document."), None)
    elif nbytes > max_bytes:
        report_violation(violation(
            f"{ptype} '{name}' is {nbytes} bytes in UTF-8, over the limit of {max_bytes}.",
            "Remove non-ASCII text or split the document."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="Organization policy documents fit the AWS size quotas (SCP 10,240 characters and bytes; tag/backup 10,000).",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=SCHEMA,
    severity=Severity.HIGH,
    remediation_steps=REMEDIATION,
)
