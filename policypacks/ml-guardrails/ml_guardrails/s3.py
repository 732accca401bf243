"""The effective configuration of an S3 bucket across its split resources.

pulumi-aws 7 configures versioning, encryption, public access block and policy in
companion resources. A companion belongs to a bucket when its ``bucket`` input equals
the bucket's id/name, or (at preview, when the name may be unknown) when its
``bucket`` property depends on the bucket's URN.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import UNKNOWN, is_unknown
from .documents import as_list, load_document, statements
from .graph import Res, StackView
from .tokens import TypeToken

# Every companion that manages one setting of a bucket -> the S3 actions its provider calls
# to set or change it (pulumi-aws 7 resources; the deprecated ...V2 names manage the same).
SETTING_ACTIONS: dict[str, tuple[str, ...]] = {
    TypeToken.S3_BUCKET_VERSIONING: ("s3:PutBucketVersioning",),
    "aws:s3/bucketVersioningV2:BucketVersioningV2": ("s3:PutBucketVersioning",),
    TypeToken.S3_BUCKET_OBJECT_LOCK: ("s3:PutBucketObjectLockConfiguration",),
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": ("s3:PutBucketObjectLockConfiguration",),
    TypeToken.S3_BUCKET_SSE: ("s3:PutEncryptionConfiguration",),
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": ("s3:PutEncryptionConfiguration",),
    TypeToken.S3_BUCKET_PUBLIC_ACCESS_BLOCK: ("s3:PutBucketPublicAccessBlock",),
    TypeToken.S3_BUCKET_POLICY: ("s3:PutBucketPolicy",),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ("s3:PutLifecycleConfiguration",),
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": ("s3:PutLifecycleConfiguration",),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("s3:PutBucketOwnershipControls",),
    "aws:s3/bucketLogging:BucketLogging": ("s3:PutBucketLogging",),
    "aws:s3/bucketLoggingV2:BucketLoggingV2": ("s3:PutBucketLogging",),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": ("s3:PutBucketCORS",),
    "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2": ("s3:PutBucketCORS",),
    "aws:s3/bucketAcl:BucketAcl": ("s3:PutBucketAcl",),
    "aws:s3/bucketAclV2:BucketAclV2": ("s3:PutBucketAcl",),
    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration": ("s3:PutBucketWebsite",),
    "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2": ("s3:PutBucketWebsite",),
    "aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration": ("s3:PutAccelerateConfiguration",),
    "aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2": ("s3:PutAccelerateConfiguration",),
    "aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration": ("s3:PutBucketRequestPayment",),
    "aws:s3/bucketRequestPaymentConfigurationV2:BucketRequestPaymentConfigurationV2": ("s3:PutBucketRequestPayment",),
    "aws:s3/bucketNotification:BucketNotification": ("s3:PutBucketNotification",),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ("s3:PutReplicationConfiguration",),
    "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration": ("s3:PutIntelligentTieringConfiguration",),
    "aws:s3/bucketMetric:BucketMetric": ("s3:PutMetricsConfiguration",),
}
TAGGING_ACTION = "s3:PutBucketTagging"
"""What the bucket resource itself calls when its tags change."""


def companions(view: StackView, bucket: Res, type_: str) -> tuple[list[Res], bool]:
    """(companions of type_ linked to bucket, whether some companion's link is unknowable)."""
    names = {v for v in (bucket.id, bucket.get("bucket")) if isinstance(v, str)}
    linked, undecided = [], False
    for comp in view.of_type(type_):
        if bucket.urn in comp.property_dependencies.get("bucket", []):
            linked.append(comp)
            continue
        value = comp.get("bucket")
        if isinstance(value, str) and value in names:
            linked.append(comp)
        elif is_unknown(value) and not comp.property_dependencies.get("bucket"):
            undecided = True
    return linked, undecided


def settings(view: StackView, bucket: Res) -> list[tuple[Res, tuple[str, ...]]]:
    """(companion, S3 actions that manage it) for every setting the stack manages on ``bucket``;
    the bucket's own tags count as one."""
    found = [(bucket, (TAGGING_ACTION,))] if bucket.get("tags") else []
    for type_, actions in SETTING_ACTIONS.items():
        found.extend((comp, actions) for comp in companions(view, bucket, type_)[0])
    return found


def bucket_arn(bucket: Res) -> Any:
    """``arn:aws:s3:::<name>``, or UNKNOWN when the name is not known yet."""
    name = bucket.get("bucket")
    if isinstance(name, str) and name:
        return f"arn:aws:s3:::{name}"
    arn = bucket.get("arn")
    return arn if isinstance(arn, str) and arn else UNKNOWN


def label(bucket: Res) -> str:
    name = bucket.get("bucket")
    return name if isinstance(name, str) and name else bucket.name


def check(view: StackView, type_: str, ok: Callable[[Res], Any]) -> list[tuple[Res, str]]:
    """Buckets whose companions of type_ do not satisfy ok(): (bucket, 'missing'|'wrong').
    ok() returns True, False or UNKNOWN (no verdict)."""
    out = []
    for bucket in view.of_type(TypeToken.S3_BUCKET):
        comps, undecided = companions(view, bucket, type_)
        if not comps:
            if not undecided:
                out.append((bucket, "missing"))
            continue
        verdicts = [ok(c) for c in comps]
        if any(v is True for v in verdicts) or any(is_unknown(v) for v in verdicts):
            continue
        out.append((bucket, "wrong"))
    return out


def versioning_enabled(comp: Res) -> Any:
    status = comp.get("versioningConfiguration", "status")
    if is_unknown(status):
        return UNKNOWN
    return status == "Enabled"


def kms_encrypted(allowed: list[str]) -> Callable[[Res], Any]:
    def ok(comp: Res) -> Any:
        rules = comp.get("rules")
        if is_unknown(rules):
            return UNKNOWN
        for rule in rules or []:
            default = rule.get("applyServerSideEncryptionByDefault") if isinstance(rule, dict) else None
            if is_unknown(default):
                return UNKNOWN
            if not isinstance(default, dict):
                continue
            algo, key = default.get("sseAlgorithm"), default.get("kmsMasterKeyId")
            if is_unknown(algo) or is_unknown(key):
                return UNKNOWN
            if algo in allowed and isinstance(key, str) and key:
                return True
        return False
    return ok


PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def public_access_blocked(comp: Res) -> Any:
    values = [comp.get(f) for f in PAB_FLAGS]
    if any(is_unknown(v) for v in values):
        return UNKNOWN
    return all(v is True for v in values)


def denies_insecure_transport(comp: Res) -> Any:
    policy = load_document(comp.get("policy"))
    if is_unknown(policy):
        return UNKNOWN
    if policy is None:
        return False
    for stmt in statements(policy):
        if stmt.get("Effect") != "Deny":
            continue
        for operator, block in (stmt.get("Condition") or {}).items():
            if operator.split(":")[-1].lower() != "bool" or not isinstance(block, dict):
                continue
            for key, value in block.items():
                if key.lower() == "aws:securetransport" and any(str(v).lower() == "false" for v in as_list(value)):
                    return True
    return False
