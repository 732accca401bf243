"""permission-set-admin: administrator access only in the platform team's permission sets."""

from __future__ import annotations

import re

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import mandatory_stack_policy, policy_config, string_list_prop, violation
from ..documents import as_list, load_document, statement_label, statements
from ..graph import Res, StackView
from ..tokens import TypeToken

NAME = "permission-set-admin"
REMEDIATION = (
    "Attach AdministratorAccess (and any other forbidden managed policy) only to the platform team's "
    "permission set (PlatformAdmin); give other permission sets job-function policies or an inline "
    "policy that lists actions and resources. Break-glass admin access goes through the documented "
    "break-glass role, not a permission set."
)
SCHEMA = PolicyConfigSchema(
    properties={
        "forbiddenManagedPolicies": string_list_prop(
            "Managed policy ARNs that only the allowed permission sets may attach.",
            ["arn:aws:iam::aws:policy/AdministratorAccess"]),
        "allowedPermissionSets": string_list_prop(
            "Permission set names that may hold administrator access.", ["PlatformAdmin"]),
    }
)
_PARTITION = re.compile(r"^arn:aws[a-z-]*:")


def _arn_key(arn: str) -> str:
    """Partition-independent form (arn:aws-us-gov:... names the same AWS managed policy)."""
    return _PARTITION.sub("arn:aws:", arn)


def _permission_set_name(view: StackView, res: Res) -> str | None:
    """The name of the permission set ``res`` belongs to; None when it cannot be told (unknown
    at preview, or a permission set outside this stack)."""
    found = view.refs(res, "permissionSetArn", TypeToken.SSO_PERMISSION_SET)
    name = found[0].get("name") if found else None
    return name if isinstance(name, str) else None


def _grants_everything(stmt: dict) -> bool:
    return (stmt.get("Effect") == "Allow"
            and any(a in ("*", "*:*") for a in as_list(stmt.get("Action")))
            and "*" in as_list(stmt.get("Resource")))


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    attachments = view.of_type(TypeToken.SSO_MANAGED_POLICY_ATTACHMENT)
    inline_policies = view.of_type(TypeToken.SSO_PERMISSION_SET_INLINE_POLICY)
    if not attachments and not inline_policies:
        args.not_applicable("no permission set policies in this stack")
    cfg = policy_config(args, SCHEMA)
    allowed = set(cfg["allowedPermissionSets"])
    forbidden = {_arn_key(a) for a in cfg["forbiddenManagedPolicies"]}
    fix = f"Grant it only through {', '.join(sorted(allowed)) or 'no permission set'}; give this one a narrower policy."

    for att in attachments:
        arn = att.get("managedPolicyArn")
        if not isinstance(arn, str) or _arn_key(arn) not in forbidden:
            continue
        name = _permission_set_name(view, att)
        if name is not None and name not in allowed:
            report_violation(violation(f"permission set '{name}' has the managed policy {arn} attached.", fix), att.urn)

    for inline in inline_policies:
        doc = load_document(inline.get("inlinePolicy"))
        stmts = statements(doc) if isinstance(doc, dict) else []  # unknown at preview: no verdict
        broad = [statement_label(s, i) for i, s in enumerate(stmts) if _grants_everything(s)]
        if not broad:
            continue
        name = _permission_set_name(view, inline)
        if name is not None and name not in allowed:
            report_violation(violation(
                f"permission set '{name}' has an inline policy whose {', '.join(broad)} allows Action '*' on Resource '*'.",
                fix), inline.urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description="Only the allowed permission sets (default PlatformAdmin) attach AdministratorAccess or have an inline policy allowing Action '*' on Resource '*'.",
    validate=validate,
    schema=SCHEMA,
    severity=Severity.CRITICAL,
    remediation=REMEDIATION,
)
