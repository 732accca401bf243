"""account-protection: member accounts are protected and never closed by a destroy."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from ..common import is_unknown, plain, violation
from ..tokens import TypeToken

NAME = "account-protection"
REMEDIATION = (
    "Create every organizations.Account with opts=ResourceOptions(protect=True) and "
    "close_on_deletion=False set explicitly (a destroy then removes the account from the "
    "organization instead of closing it for 90 days)."
)


def validate(args, report_violation) -> None:
    if args.resource_type != TypeToken.ACCOUNT:
        return
    props = plain(args.props)
    name = props.get("name") or args.name
    # Analyze carries the resource options, so protect is checkable per resource.
    if not args.opts.protect:
        report_violation(violation(f"account '{name}' is not protected.", "Pass protect=True in its ResourceOptions."), None)
    value = props.get("closeOnDeletion")
    if is_unknown(value):
        return
    # The AWS provider's Check may fill defaults and list them under __defaults: a
    # defaulted value is not an explicit choice.
    defaulted = props.get("__defaults")
    if value is None or (isinstance(defaulted, list) and "closeOnDeletion" in defaulted):
        report_violation(violation(f"account '{name}' does not set closeOnDeletion explicitly.",
                                   "Set close_on_deletion=False."), None)
    elif value is not False:
        report_violation(violation(f"account '{name}' has closeOnDeletion={value!r}: a destroy would close it.",
                                   "Set close_on_deletion=False."), None)


POLICY = ResourceValidationPolicy(
    name=NAME,
    description="Member accounts have protect=True and closeOnDeletion explicitly false.",
    validate=validate,
    enforcement_level=EnforcementLevel.MANDATORY,
    severity=Severity.CRITICAL,
    remediation_steps=REMEDIATION,
)
