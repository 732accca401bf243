"""cross-account-bucket-read: in a prod stack, no bucket lets another account read it, except a
dev-export bucket built by a DevDataExport component.

Production data reaches other accounts redacted or not at all: the one sanctioned way out is
the dev data export, whose bucket holds only redacted copies. Such a bucket is recognised by
both its tag ``mlgov:purpose=dev-export`` and its place under a ``DevDataExport`` component;
a tag alone (copied onto a raw data bucket) is not enough. A bucket's own account is the one
its provider is pinned to (``allowedAccountIds``); when that or a principal is unknown at
preview, the policy reports nothing for it rather than guess.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Any

from pulumi_policy import PolicyConfigSchema, Severity

from ..common import environment, is_unknown, mandatory_stack_policy, plain, policy_config, string_list_prop, violation
from ..documents import as_list, load_document, statement_label, statements
from ..graph import Res, StackView
from ..tokens import TypeToken

NAME = "cross-account-bucket-read"
EXPORT_COMPONENT = "mlgov:dev_data_export:DevDataExport"
REMEDIATION = (
    "Do not grant another account read on a production bucket. To give a project's dev account production data, "
    "enable devDataExport for the project in stacks/projects.yaml: the DevDataExport component redacts the data in the "
    "prod account and grants the dev account's Studio role read on its export bucket only."
)
SCHEMA = PolicyConfigSchema(
    properties={
        "environments": string_list_prop("Values of the stack's mlgov:environment this rule applies to.", ["prod"]),
        "readActions": string_list_prop(
            "Actions that read a bucket's data; a statement allowing any of them (through wildcards too) is a read grant.",
            ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"]),
        "exportTagKey": {"type": "string", "default": "mlgov:purpose", "description": "Tag key that marks an export bucket."},
        "exportTagValue": {"type": "string", "default": "dev-export", "description": "Value of exportTagKey on an export bucket."},
    }
)
_ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")


def _owner(resource: Any) -> Any:
    """The account the resource's provider is pinned to; None when unpinned, UNKNOWN at preview."""
    provider = getattr(resource, "provider", None)
    allowed = plain(getattr(provider, "props", {}) or {}).get("allowedAccountIds") if provider is not None else None
    if is_unknown(allowed):
        return allowed
    if isinstance(allowed, str):
        try:
            allowed = json.loads(allowed)  # provider inputs travel JSON-encoded
        except ValueError:
            allowed = [allowed]
    values = as_list(allowed)
    if len(values) != 1:
        return None
    return values[0] if is_unknown(values[0]) or isinstance(values[0], str) else None


def _principal_accounts(stmt: dict[str, Any]) -> list[Any]:
    """Accounts of the AWS principals of a statement ('*' is resource-policy-principals' business)."""
    principal = stmt.get("Principal")
    aws_principals = principal.get("AWS") if isinstance(principal, dict) else None
    accounts = []
    for value in as_list(aws_principals):
        if is_unknown(value):
            accounts.append(value)
        elif isinstance(value, str):
            if re.fullmatch(r"\d{12}", value):
                accounts.append(value)
            elif match := _ACCOUNT_IN_ARN.match(value):
                accounts.append(match.group(1))
    return accounts


def _grants_read(stmt: dict[str, Any], read_actions: list[str]) -> bool:
    if "Action" in stmt:
        patterns = [str(a) for a in as_list(stmt["Action"]) if isinstance(a, str)]
        return any(fnmatchcase(action.lower(), pattern.lower()) for action in read_actions for pattern in patterns)
    if "NotAction" in stmt:
        excluded = [str(a) for a in as_list(stmt["NotAction"]) if isinstance(a, str)]
        return any(not any(fnmatchcase(action.lower(), p.lower()) for p in excluded) for action in read_actions)
    return False


def _is_export_bucket(view: StackView, bucket: Res, cfg: dict[str, Any]) -> bool:
    tags = bucket.get("tags")
    if not isinstance(tags, dict) or tags.get(cfg["exportTagKey"]) != cfg["exportTagValue"]:
        return False
    parent = bucket.parent
    while parent:
        ancestor = view.by_urn.get(parent)
        if ancestor is None:
            return False
        if ancestor.type == EXPORT_COMPONENT:
            return True
        parent = ancestor.parent
    return False


def validate(args, report_violation) -> None:
    cfg = policy_config(args, SCHEMA)
    env = environment()
    if env not in [str(e).lower() for e in cfg["environments"]]:
        args.not_applicable(f"the stack's environment ({env or 'none'}) is not one of {', '.join(cfg['environments'])}")
    view = StackView(args.resources)
    owners = {r.urn: _owner(r) for r in args.resources}
    read_actions = [str(a) for a in cfg["readActions"]]
    for policy in view.of_type(TypeToken.S3_BUCKET_POLICY):
        buckets = view.refs(policy, "bucket", TypeToken.S3_BUCKET)
        document = load_document(policy.get("policy"))
        if not buckets or document is None or is_unknown(document):
            continue  # a bucket outside this stack, or unknown at preview: no verdict
        bucket = buckets[0]
        owner = owners.get(bucket.urn)
        if owner is None or is_unknown(owner) or _is_export_bucket(view, bucket, cfg):
            continue
        for index, stmt in enumerate(statements(document)):
            if stmt.get("Effect") != "Allow" or not _grants_read(stmt, read_actions):
                continue
            foreign = sorted({a for a in _principal_accounts(stmt) if not is_unknown(a) and a != owner})
            if foreign:
                name = bucket.get("bucket") or bucket.name
                report_violation(violation(
                    f"bucket '{name}' of account {owner} in a prod stack lets account(s) {', '.join(foreign)} read it "
                    f"({statement_label(stmt, index)} of its BucketPolicy); only a dev-export bucket built by DevDataExport "
                    f"(tagged {cfg['exportTagKey']}={cfg['exportTagValue']}) may be read from another account.",
                    "Remove the cross-account grant; export redacted data with devDataExport instead."), policy.urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description="In prod stacks no S3 bucket grants read to a principal of another account, except a dev-export bucket built by DevDataExport.",
    validate=validate,
    schema=SCHEMA,
    severity=Severity.CRITICAL,
    remediation=REMEDIATION,
)
