"""account-email: account emails are well-formed and unique across the stack."""

from __future__ import annotations

import re

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import as_int, int_prop, is_unknown, mandatory_stack_policy, policy_config, violation
from ..graph import StackView
from ..tokens import TypeToken

NAME = "account-email"
REMEDIATION = "Give every account its own address (e.g. a plus-address per account) of 6-64 characters with one @ and a dotted domain."
SCHEMA = PolicyConfigSchema(
    properties={
        "minLength": int_prop("Minimum email length.", 6, 1),
        "maxLength": int_prop("Maximum email length.", 64, 1),
    }
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate(args, report_violation) -> None:
    view = StackView(args.resources)
    cfg = policy_config(args, SCHEMA)
    lo, hi = as_int(cfg["minLength"]), as_int(cfg["maxLength"])
    seen: dict[str, str] = {}
    for acct in view.of_type(TypeToken.ACCOUNT):
        email = acct.get("email")
        if email is None or is_unknown(email):
            continue
        name = acct.get("name") or acct.name
        if not isinstance(email, str) or not (lo <= len(email) <= hi) or not _EMAIL.match(email):
            report_violation(violation(f"account '{name}' has a malformed email {email!r}.",
                                       f"Use {lo}-{hi} characters, one @, no whitespace and a dotted domain."), acct.urn)
            continue
        key = email.lower()
        if key in seen:
            report_violation(violation(f"account '{name}' reuses the email {email!r} of account '{seen[key]}'.",
                                       "Give every account a unique address."), acct.urn)
        else:
            seen[key] = name


POLICY = mandatory_stack_policy(
    name=NAME,
    description="Account emails are well-formed (6-64 chars, one @, dotted domain) and unique within the stack.",
    validate=validate,
    schema=SCHEMA,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
