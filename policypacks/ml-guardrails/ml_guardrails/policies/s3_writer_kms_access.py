"""s3-writer-kms-access: a service that a bucket policy lets write can use the bucket's KMS key.

A bucket whose default encryption is SSE-KMS encrypts every new object with its key, on
behalf of the writer. When the writer is an AWS service (CloudTrail, Config, log
delivery ...), the service principal itself needs ``kms:GenerateDataKey`` on that key,
from the key policy or a grant; the bucket policy alone lets the request in, and it then
fails on the key ("Permissions for the KMS key", AWS Config and CloudTrail guides).
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyConfigSchema, Severity

from .. import s3
from ..common import UNKNOWN, is_unknown, mandatory_stack_policy, policy_config, string_list_prop, violation
from ..documents import as_list, load_document, statements
from ..graph import Res, StackView
from ..requests import covers_action, covers_resource, names_principal
from ..tokens import KMS_GRANT, TypeToken
from ._coverage import applicable_view

NAME = "s3-writer-kms-access"
WRITE_ACTION = "s3:PutObject"
REMEDIATION = (
    "Add a statement to the bucket key's policy that allows the service principal the key actions it needs "
    "(kms:GenerateDataKey, and kms:Decrypt for multipart uploads), confined to your organization or account "
    "(aws:SourceOrgID / aws:SourceAccount, or the service's encryption context), or give it a kms.Grant."
)
SCHEMA = PolicyConfigSchema(
    properties={
        "requiredKeyActions": string_list_prop(
            "KMS actions a writing service needs on the bucket's default key.", ["kms:GenerateDataKey"]),
    }
)


def writers(view: StackView, bucket: Res) -> dict[str, Res]:
    """Service principals the bucket's policies allow to put objects, with the policy that does."""
    objects = s3.bucket_arn(bucket)
    objects = UNKNOWN if is_unknown(objects) else f"{objects}/object"
    found: dict[str, Res] = {}
    for policy in s3.companions(view, bucket, TypeToken.S3_BUCKET_POLICY)[0]:
        document = load_document(policy.get("policy"))
        if document is None or is_unknown(document):
            continue
        for stmt in statements(document):
            principal = stmt.get("Principal")
            if stmt.get("Effect") != "Allow" or not isinstance(principal, dict):
                continue
            if covers_action(stmt, WRITE_ACTION) is not True or covers_resource(stmt, objects) is False:
                continue
            for service in as_list(principal.get("Service")):
                if isinstance(service, str):
                    found.setdefault(service, policy)
    return found


def default_key(view: StackView, bucket: Res) -> Any:
    """The KMS Key resource the bucket encrypts with by default; None when the bucket has no
    SSE-KMS default or its key is not in this stack; UNKNOWN when that cannot be told."""
    for sse in s3.companions(view, bucket, TypeToken.S3_BUCKET_SSE)[0]:
        rules = sse.get("rules")
        if is_unknown(rules):
            return UNKNOWN
        for rule in rules or []:
            default = rule.get("applyServerSideEncryptionByDefault") if isinstance(rule, dict) else None
            if not isinstance(default, dict) or not str(default.get("sseAlgorithm") or "").startswith("aws:kms"):
                continue
            return _key(view, sse, default.get("kmsMasterKeyId"))
    return None


def _key(view: StackView, sse: Res, key_id: Any) -> Any:
    keys = [view.by_urn[u] for u in sse.property_dependencies.get("rules", []) if view.by_urn.get(u) and view.by_urn[u].type == TypeToken.KMS_KEY]
    if len(keys) == 1:
        return keys[0]
    if is_unknown(key_id):
        return UNKNOWN
    for key in view.of_type(TypeToken.KMS_KEY):
        if key_id in (key.id, key.get("arn"), key.get("keyId")):
            return key
    for alias in view.of_type(TypeToken.KMS_ALIAS):
        if key_id in (alias.get("name"), alias.get("arn")):
            target = view.refs(alias, "targetKeyId", TypeToken.KMS_KEY)
            return UNKNOWN if target is None else (target[0] if target else None)
    return None


def key_allows(view: StackView, key: Res, service: str, action: str) -> Any:
    """The key policy or a grant on the key lets ``service`` call ``action``."""
    document = load_document(key.get("policy"))
    if is_unknown(document):
        return UNKNOWN
    for stmt in statements(document or {}):
        if stmt.get("Effect") == "Allow" and names_principal(stmt, "Service", service) is True and covers_action(stmt, action) is True:
            return True
    for grant in view.of_type(KMS_GRANT):
        target = view.refs(grant, "keyId", TypeToken.KMS_KEY)
        operations = grant.get("operations")
        if target is None or is_unknown(grant.get("granteePrincipal")) or is_unknown(operations):
            return UNKNOWN
        if target and target[0].urn == key.urn and grant.get("granteePrincipal") == service \
                and action.split(":", 1)[-1] in as_list(operations):
            return True
    return False


def validate(args, report_violation) -> None:
    view = applicable_view(args, (TypeToken.S3_BUCKET,))
    required = list(policy_config(args, SCHEMA)["requiredKeyActions"])
    for bucket in view.of_type(TypeToken.S3_BUCKET):
        services = writers(view, bucket)
        if not services:
            continue
        key = default_key(view, bucket)
        if key is None or is_unknown(key):
            continue  # no SSE-KMS default, a key outside this stack, or unknown at preview
        for service, policy in sorted(services.items()):
            missing = [a for a in required if key_allows(view, key, service, a) is False]
            if missing:
                report_violation(violation(
                    f"bucket '{s3.label(bucket)}' lets {service} write (BucketPolicy '{policy.name}'), but its default "
                    f"KMS key '{key.name}' does not let {service} call {', '.join(missing)}: every delivery fails on the key.",
                    f"Allow {service} {', '.join(missing)} in the key policy of '{key.name}' (confined to your organization "
                    "or account), or create a kms.Grant for it."), key.urn)


POLICY = mandatory_stack_policy(
    name=NAME,
    description="Every service principal that a bucket policy lets write can use the bucket's default KMS key (key policy or grant).",
    validate=validate,
    schema=SCHEMA,
    severity=Severity.HIGH,
    remediation=REMEDIATION,
)
