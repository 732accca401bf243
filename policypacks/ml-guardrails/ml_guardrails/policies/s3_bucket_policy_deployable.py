"""s3-bucket-policy-deployable: a bucket policy never stands in the way of the stack that
manages the bucket.

Two ways it does. It is applied before (or at the same time as) another setting of the
same bucket: S3 refuses concurrent configuration changes of one bucket, and a policy that
protects a setting may already deny the change the stack is about to make. And it denies
the role that deploys a setting the action that manages that setting (a log bucket
denying ``s3:PutBucketVersioning`` or ``s3:PutBucketObjectLockConfiguration`` to everyone
but break-glass): the first ``pulumi up`` races, and every later change of that setting
fails with AccessDenied.
"""

from __future__ import annotations

from pulumi_policy import Severity

from .. import s3
from ..common import is_unknown, mandatory_stack_policy, violation
from ..documents import load_document, statement_label, statements
from ..graph import Res, StackView
from ..requests import applies
from ..tokens import TypeToken
from ._coverage import applicable_view

NAME = "s3-bucket-policy-deployable"
REMEDIATION = (
    "Create the BucketPolicy with depends_on every other setting resource of the bucket (versioning, encryption, "
    "public access block, Object Lock, lifecycle ...), and exempt the role that deploys those settings from every "
    "Deny of the actions that manage them (e.g. Condition ArnNotLike aws:PrincipalArn [<break-glass role>, <deploying role>]), "
    "or stop managing the setting from the stack."
)


def _label(res: Res) -> str:
    return f"{res.type.rsplit(':', 1)[-1]} '{res.name}'"


def _order_gaps(view: StackView, policy: Res, settings: list[tuple[Res, tuple[str, ...]]]) -> list[Res]:
    return [comp for comp, _ in settings if comp.urn != policy.urn and comp.type != TypeToken.S3_BUCKET
            and not view.waits_for(policy, comp)]


def _denials(policy: Res, bucket: Res, settings: list[tuple[Res, tuple[str, ...]]]) -> list[str]:
    """What the policy's Deny statements provably take from the roles that deploy the settings."""
    document = load_document(policy.get("policy"))
    if document is None or is_unknown(document):
        return []
    denies = [(i, stmt) for i, stmt in enumerate(statements(document)) if stmt.get("Effect") == "Deny"]
    arn = s3.bucket_arn(bucket)
    found = []
    for comp, actions in settings:
        role = comp.deploying_role()
        if is_unknown(role):
            continue
        context = {"aws:securetransport": "true"}
        principal = None
        if isinstance(role, str):
            account = role.split(":")[4] if role.count(":") >= 5 else ""
            context |= {"aws:principalarn": role, "aws:principalaccount": account, "aws:principaltype": "AssumedRole"}
            principal = ("AWS", role, (f"arn:aws:iam::{account}:root", account))
        who = f"the role that deploys it ({role})" if role else "whoever deploys it"
        for action in actions:
            for index, stmt in denies:
                if applies(stmt, action=action, resource=arn, principal=principal, context=context) is True:
                    found.append(f"{statement_label(stmt, index)} denies {action} to {who}, so {_label(comp)} cannot be changed")
    return found


def validate(args, report_violation) -> None:
    view = applicable_view(args, (TypeToken.S3_BUCKET,))
    for bucket in view.of_type(TypeToken.S3_BUCKET):
        policies, _ = s3.companions(view, bucket, TypeToken.S3_BUCKET_POLICY)
        if not policies:
            continue
        settings = s3.settings(view, bucket)
        for policy in policies:
            late = _order_gaps(view, policy, settings)
            if late:
                report_violation(violation(
                    f"bucket '{s3.label(bucket)}' {_label(policy)} is not ordered after {', '.join(_label(c) for c in late)}: "
                    "S3 refuses concurrent changes of one bucket, and the policy may deny the change that comes after it.",
                    f"Give the BucketPolicy depends_on=[{', '.join(c.name for c in late)}]."), policy.urn)
            for what in _denials(policy, bucket, settings):
                report_violation(violation(
                    f"bucket '{s3.label(bucket)}' {_label(policy)}: {what}.",
                    "Exempt the deploying role in that Deny (ArnNotLike aws:PrincipalArn [..., <deploying role arn>]) "
                    "or stop denying the action."), policy.urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description="Every bucket policy is applied after the bucket's other setting resources and never denies the deploying role an action that manages a setting the stack manages.",
    validate=validate,
    schema=None,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
